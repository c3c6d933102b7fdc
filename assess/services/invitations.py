"""Invitations: a private link per named company, one by one or from a CSV file.

An invitation's token becomes the resume token of the company's response, so
the invitation link keeps leading to the same response.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Company, Invitation, Response, Round
from assess.questionnaire.model import Questionnaire
from assess.services.audit import audit
from assess.services.errors import InvalidInput
from assess.services.responses import start_response
from assess.services.tokens import hash_token, invitation_token, plausible


@dataclass(frozen=True)
class InvitationRow:
    company: str
    note: str
    status: str  # of the company's response; "" until it starts
    token: str  # "" for invitations made before links could be shown again


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
    db: Session, invitation: Invitation, round_: Round, questionnaire: Questionnaire, locale: str, token: str
) -> Response:
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
    return response


def invite(db: Session, round_: Round, actor: str, secret: str, entries: list[tuple[str, str]]) -> list[str]:
    """A company and an invitation for each (name, note), audited once; the links' tokens."""
    if not entries or any(not name.strip() for name, _ in entries):
        raise InvalidInput(N_("Enter the company's name."))
    tokens = []
    for name, note in entries:
        company = Company(name=name.strip()[:200], contact_note=note.strip()[:2000])
        with write_transaction(db):
            db.add(company)
        db.refresh(company)
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
        InvitationRow(name, note, status or "", invitation_token(secret, inv.nonce) if inv.nonce else "")
        for inv, name, note, status in rows
    ]
