"""Invitations: a private link per named company, one by one or from a CSV file.

An invitation's token becomes the resume token of the company's response, so
the invitation link keeps leading to the same response.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass

from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Company, Invitation, Response, Round
from assess.questionnaire.registry import Registry
from assess.services.audit import audit
from assess.services.carry import carry_forward
from assess.services.companies import Candidate, InviteEntry, candidates, company_for, resolve
from assess.services.contacts import add_from_entry, check_contacts
from assess.services.errors import InvalidInput
from assess.services.responses import start_response
from assess.services.tokens import hash_token, invitation_token, plausible, sign, signed


@dataclass(frozen=True)
class InvitationRow:
    company: str
    note: str
    status: str  # of the company's response; "" until it starts
    token: str  # "" for invitations made before links could be shown again
    invitation_id: int = 0
    response_id: int | None = None


def create_invitation(db: Session, round_: Round, company: Company, secret: str) -> str:
    nonce = secrets.token_hex(16)
    token = invitation_token(secret, nonce)
    with write_transaction(db):
        db.add(
            Invitation(round_id=round_.id, company_id=company.id, token_hash=hash_token(token), nonce=nonce)
        )
    return token


def find_invitation(db: Session, token: str) -> Invitation | None:
    if not plausible(token):
        return None
    return db.exec(select(Invitation).where(Invitation.token_hash == hash_token(token))).first()


def start_from_invitation(
    db: Session,
    invitation: Invitation,
    round_: Round,
    registry: Registry,
    locale: str,
    token: str,
) -> Response:
    """The invited company's response; a new one starts from its last answers (carry-forward)."""
    questionnaire = registry.get(round_.questionnaire_id, round_.questionnaire_version)
    if invitation.response_id is not None:
        existing = db.get(Response, invitation.response_id)
        if existing is not None:
            return existing
    response, _ = start_response(
        db, round_, questionnaire, locale, company_id=invitation.company_id, token=token
    )
    with write_transaction(db):
        invitation.response_id = response.id
        db.add(invitation)
    carry_forward(db, response, questionnaire, registry)
    return response


def invite(db: Session, round_: Round, actor: str, secret: str, entries: list[InviteEntry]) -> list[str]:
    """An invitation for each entry (a new company, or an existing one found by its code or
    confirmed by staff), audited once; the links' tokens. A company invited to the round
    before keeps its link."""
    if not entries or any(not (e.name.strip() or e.company_id) for e in entries):
        raise InvalidInput(N_("Enter the company's name."))
    check_contacts(db, entries)  # refused before anyone is invited
    tokens = []
    for entry in entries:
        company = company_for(db, resolve(db, entry))
        if entry.email.strip():
            with write_transaction(db):
                add_from_entry(db, company, entry.contact_name, entry.email, entry.contact_locale)
        earlier = db.exec(
            select(Invitation).where(Invitation.round_id == round_.id, Invitation.company_id == company.id)
        ).first()
        if earlier is not None and earlier.nonce:
            tokens.append(invitation_token(secret, earlier.nonce))
        else:
            tokens.append(create_invitation(db, round_, company, secret))
    with write_transaction(db):
        audit(db, actor, "round.invite", "round", round_.id, detail=f"{len(entries)} companies")
    return tokens


def invitations_of(db: Session, round_: Round, secret: str) -> list[InvitationRow]:
    rows = db.exec(
        select(Invitation, Company.name, Company.contact_note, Response.status)
        .join(Company, Invitation.company_id == Company.id)
        .join(Response, Invitation.response_id == Response.id, isouter=True)
        .where(Invitation.round_id == round_.id)
        .order_by(Invitation.id)
    ).all()
    return [
        InvitationRow(
            name,
            note,
            status or "",
            invitation_token(secret, inv.nonce) if inv.nonce else "",
            inv.id or 0,
            inv.response_id,
        )
        for inv, name, note, status in rows
    ]


@dataclass(frozen=True)
class Pending:
    """An entry that may be an existing company: staff confirm or make a new one."""

    index: int
    entry: InviteEntry
    candidates: list[Candidate]


def plan_invitations(db: Session, entries: list[InviteEntry]) -> tuple[list[InviteEntry], list[Pending]]:
    """The entries with companies found by their codes, and those that need staff's word."""
    resolved = [resolve(db, entry) for entry in entries]
    pending = [
        Pending(i, entry, found)
        for i, entry in enumerate(resolved)
        if entry.company_id is None and (found := candidates(db, entry))
    ]
    return resolved, pending


def pack(secret: str, entries: list[InviteEntry]) -> tuple[str, str]:
    """Entries as JSON and its signature, carried by a confirmation page."""
    text = json.dumps([asdict(e) for e in entries], ensure_ascii=False, separators=(",", ":"))
    return text, sign(secret, "invite", text)


def unpack(secret: str, text: str, signature: str) -> list[InviteEntry]:
    """The entries a confirmation page carried back; InvalidInput if they were altered."""
    if not signed(secret, "invite", text, signature):
        raise InvalidInput(N_("The list to confirm has expired or was changed. Upload the file again."))
    return [InviteEntry(**row) for row in json.loads(text)]
