"""Companies over the years: finding the same company again when it is invited to a
new round (by its stable code, or by an exact name and prefecture that staff
confirm), its responses round by round, and merging two records of one company."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from sqlmodel import Session, func, select, update

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Action, Company, Contact, Invitation, OutboxMessage, Response, Round
from assess.services.audit import audit
from assess.services.errors import InvalidInput, NotAllowed

CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z-]{0,39}$")  # e.g. the 13-digit corporate number
PROFILE_FIELDS = ("prefecture", "municipality", "industry", "employees", "legal_form")


class BadCode(InvalidInput):
    code = "company_code"
    message = N_("A company code has letters, digits and hyphens only (at most 40), e.g. 1234567890123.")


class CodeTaken(InvalidInput):
    code = "code_taken"
    message = N_("Another company already has this code.")


class SameCompany(NotAllowed):
    code = "same_company"
    message = N_("A company cannot be merged into itself.")


@dataclass(frozen=True)
class InviteEntry:
    """One company to invite: a new one, or an existing one (`company_id`)."""

    name: str
    note: str = ""
    code: str = ""
    prefecture: str = ""
    company_id: int | None = None
    contact_name: str = ""  # a contact person for e-mail, with their address and language
    email: str = ""
    contact_locale: str = ""


@dataclass(frozen=True)
class Candidate:
    """An existing company an entry may be, for staff to confirm."""

    company: Company
    last_year: int | None  # the fiscal year it last answered in


def clean_code(code: str) -> str | None:
    """The code as stored (None when empty); BadCode when it is not one."""
    code = code.strip()
    if not code:
        return None
    if not CODE.match(code):
        raise BadCode()
    return code


def by_code(db: Session, code: str) -> Company | None:
    return db.exec(select(Company).where(Company.code == code)).first() if code else None


def candidates(db: Session, entry: InviteEntry) -> list[Candidate]:
    """Existing companies with exactly this name and prefecture (staff confirm one)."""
    if not entry.name.strip() or not entry.prefecture:
        return []
    last = (
        select(Response.company_id, func.max(Round.fiscal_year).label("year"))
        .join(Round, Round.id == Response.round_id)
        .group_by(Response.company_id)
        .subquery()
    )
    rows = db.exec(
        select(Company, last.c.year)
        .join(last, last.c.company_id == Company.id, isouter=True)
        .where(Company.name == entry.name.strip(), Company.prefecture == entry.prefecture)
        .order_by(Company.id)
    ).all()
    return [Candidate(company, year) for company, year in rows]


def resolve(db: Session, entry: InviteEntry) -> InviteEntry:
    """The entry with its company when its code names one (no confirmation needed)."""
    code = clean_code(entry.code) or ""
    found = by_code(db, code)
    if found is not None:
        return replace(entry, name=entry.name or found.name, code=code, company_id=found.id)
    return replace(entry, code=code)


def company_for(db: Session, entry: InviteEntry) -> Company:
    """The existing company of an entry, or a new one made from it."""
    if entry.company_id is not None:
        company = db.get(Company, entry.company_id)
        if company is None:
            raise InvalidInput(N_("That company does not exist any more."))
        return company
    code = clean_code(entry.code)
    if code and by_code(db, code) is not None:
        raise CodeTaken()
    company = Company(
        name=entry.name.strip()[:200],
        contact_note=entry.note.strip()[:2000],
        code=code,
        prefecture=entry.prefecture[:40],
    )
    with write_transaction(db):
        db.add(company)
    db.refresh(company)
    return company


# --- a company's page ------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResponse:
    response: Response
    round: Round


def responses_of(db: Session, company_id: int) -> list[RoundResponse]:
    """Every response of the company with its round, latest fiscal year first."""
    rows = db.exec(
        select(Response, Round)
        .join(Round, Round.id == Response.round_id)
        .where(Response.company_id == company_id)
        .order_by(Round.fiscal_year.desc(), Response.id.desc())
    ).all()
    return [RoundResponse(r, rd) for r, rd in rows]


def update_company(db: Session, company: Company, actor: str, name: str, code: str) -> None:
    """Staff correct the name or give the stable code; audited."""
    new_code = clean_code(code)
    other = by_code(db, new_code or "")
    if other is not None and other.id != company.id:
        raise CodeTaken()
    name = name.strip()[:200]
    if not name:
        raise InvalidInput(N_("Enter the company's name."))
    before = f"{company.name} [{company.code or ''}]"
    with write_transaction(db):
        company.name, company.code = name, new_code
        db.add(company)
        audit(db, actor, "company.update", "company", company.id, before, f"{name} [{new_code or ''}]")


def similar_companies(db: Session, company: Company, limit: int = 20) -> list[Company]:
    """Other records that may be the same company: the same name, or the same code."""
    same = Company.name == company.name
    if company.code:
        same = same | (Company.code == company.code)
    return list(
        db.exec(select(Company).where(same, Company.id != company.id).order_by(Company.id).limit(limit))
    )


def search_companies(db: Session, text: str, limit: int = 20) -> list[Company]:
    text = text.strip()[:200]
    if not text:
        return []
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(
        db.exec(
            select(Company)
            .where(Company.name.like(pattern, escape="\\") | (Company.code == text))
            .order_by(Company.name)
            .limit(limit)
        )
    )


def merge_companies(db: Session, keep: Company, absorb: Company, actor: str) -> None:
    """One company recorded twice: every response, invitation and action of `absorb`
    moves to `keep`, empty profile fields of `keep` are filled from it, and it goes."""
    if keep.id == absorb.id:
        raise SameCompany()
    with write_transaction(db):
        for model in (Response, Invitation, Action, OutboxMessage):
            db.exec(update(model).where(model.company_id == absorb.id).values(company_id=keep.id))
        _merge_contacts(db, keep, absorb)
        for name in PROFILE_FIELDS:
            if not getattr(keep, name) and getattr(absorb, name):
                setattr(keep, name, getattr(absorb, name))
        if keep.founded is None:
            keep.founded = absorb.founded
        if not keep.code and absorb.code:
            code, absorb.code = absorb.code, None
            db.add(absorb)
            db.flush()  # the code is unique: free it before keep takes it
            keep.code = code
        keep.contact_note = "\n".join(n for n in (keep.contact_note, absorb.contact_note) if n)[:2000]
        db.add(keep)
        audit(
            db,
            actor,
            "company.merge",
            "company",
            keep.id,
            before=f"#{absorb.id} {absorb.name}",
            after=f"#{keep.id} {keep.name}",
        )
        db.delete(absorb)


def _merge_contacts(db: Session, keep: Company, absorb: Company) -> None:
    """Contacts move over; one address at both stays once, opted out if either opted out."""
    kept = {c.email: c for c in db.exec(select(Contact).where(Contact.company_id == keep.id))}
    for contact in db.exec(select(Contact).where(Contact.company_id == absorb.id)).all():
        twin = kept.get(contact.email)
        if twin is None:
            contact.company_id = keep.id
            db.add(contact)
            continue
        twin.opted_out_at = twin.opted_out_at or contact.opted_out_at
        db.add(twin)
        db.exec(
            update(OutboxMessage).where(OutboxMessage.contact_id == contact.id).values(contact_id=twin.id)
        )
        db.delete(contact)
    db.flush()


def link_response(db: Session, response: Response, company: Company, actor: str) -> None:
    """The response belongs to this known company: its own record (made when it started
    through an open round) is merged into the company's, or it simply joins it."""
    if response.company_id is not None:
        absorbed = db.get(Company, response.company_id)
        if absorbed is not None and absorbed.id != company.id:
            merge_companies(db, company, absorbed, actor)
        return
    with write_transaction(db):
        response.company_id = company.id
        db.add(response)
        audit(db, actor, "response.link", "response", response.id, after=f"company #{company.id}")


def list_companies(
    db: Session, offset: int, limit: int, code: str | None = None
) -> tuple[int, list[tuple[Company, int]]]:
    """A page of companies with how many responses each has, in id order; and the total.
    With `code`, only the company that has it (for systems that know the corporate number)."""
    only = (Company.code == code,) if code else ()
    total = db.exec(select(func.count()).select_from(Company).where(*only)).one()
    counts = select(Response.company_id, func.count().label("n")).group_by(Response.company_id).subquery()
    rows = db.exec(
        select(Company, func.coalesce(counts.c.n, 0))
        .join(counts, counts.c.company_id == Company.id, isouter=True)
        .where(*only)
        .order_by(Company.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return total, [(company, n) for company, n in rows]


def actions_of_company(db: Session, company_id: int) -> list[Action]:
    """The company's action plan over every round, by due date (undated last)."""
    return list(
        db.exec(
            select(Action)
            .where(Action.company_id == company_id)
            .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
        )
    )
