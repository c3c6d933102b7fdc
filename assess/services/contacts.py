"""A company's contact people: entered by staff, read from an invitation file, or given
by the company with its consent; each can stop the programme's e-mails through the
link in every message, which takes effect at once."""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, func, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Company, Contact, OutboxMessage, utcnow
from assess.presentation.mail import OPTED_OUT
from assess.services.audit import COMPANY, audit
from assess.services.errors import InvalidInput, NotAllowed
from assess.services.tokens import sign
from assess.vocab import ContactSource, Locale, MessageStatus

# ASCII addresses only: what every relay takes without SMTPUTF8.
EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$"
)
MAX_CONTACTS = 10  # per company
MAX_NAME = 100


class BadEmail(InvalidInput):
    code = "email"
    message = N_("Enter an e-mail address such as tanaka@example.co.jp (letters, digits and . _ - + only).")


class TooManyContacts(InvalidInput):
    code = "contacts_full"
    message = N_("A company has at most {limit} contacts: remove one first.")


class ConsentRequired(InvalidInput):
    code = "consent"
    message = N_("Tick the box to agree to receive e-mails about this programme.")


class NotContact(NotAllowed):
    code = "no_contact"
    message = N_("This contact belongs to another company.")


@dataclass(frozen=True)
class ContactRow:
    """A contact as staff see it, with how mail to it went last."""

    contact: Contact
    last_status: str  # of its latest message; "" when none was sent
    last_error: str


def clean_email(text: str) -> str:
    email = text.strip()
    if not EMAIL.match(email) or ".." in email or len(email) > 254:
        raise BadEmail()
    return email


def clean_locale(text: str, fallback: str = Locale.JA) -> Locale:
    value = text.strip().lower()
    aliases = {"日本語": "ja", "japanese": "ja", "英語": "en", "english": "en"}
    value = aliases.get(value, value)
    return Locale(value) if value in tuple(Locale) else Locale(fallback)


def add_contact(
    db: Session,
    company: Company,
    name: str,
    email: str,
    locale: str,
    source: ContactSource,
    actor: str,
) -> Contact:
    """A new contact, or the existing one with this address brought up to date. A person
    who opted out stays out unless they give their address again themselves."""
    address = clean_email(email)
    try:
        with write_transaction(db):
            contact = _merge(db, company, name, address, clean_locale(locale), source)
            db.add(contact)
            db.flush()
            audit(db, actor, "contact.add", "company", company.id, detail=contact.email)
    except IntegrityError:  # the same address added twice at once: the first one stands
        found = db.exec(
            select(Contact).where(Contact.company_id == company.id, Contact.email == address)
        ).first()
        if found is None:
            raise
        return found
    return contact


def _merge(
    db: Session, company: Company, name: str, email: str, locale: Locale, source: ContactSource
) -> Contact:
    existing = db.exec(
        select(Contact).where(Contact.company_id == company.id, Contact.email == email)
    ).first()
    if existing is None:
        count = len(db.exec(select(Contact.id).where(Contact.company_id == company.id)).all())
        if count >= MAX_CONTACTS:
            raise TooManyContacts(limit=MAX_CONTACTS)
        existing = Contact(company_id=company.id, email=email, source=source)
    existing.name = " ".join(name.split())[:MAX_NAME] or existing.name
    existing.locale = locale
    if source == ContactSource.COMPANY:
        existing.opted_out_at = None  # they asked for mail again, themselves
    return existing


def add_from_entry(db: Session, company: Company, name: str, email: str, locale: str) -> None:
    """A contact read from an invitation file, inside the invitation's transaction."""
    if email.strip():
        db.add(_merge(db, company, name, clean_email(email), clean_locale(locale), ContactSource.CSV))


def check_contacts(db: Session, entries) -> None:
    """Every address of the entries (InviteEntry) is one, and no known company would get
    more than MAX_CONTACTS: checked before any entry is taken, so a file is all or nothing."""
    added: dict[int, set[str]] = {}
    for entry in entries:
        if not entry.email.strip():
            continue
        email = clean_email(entry.email)
        if entry.company_id is not None:
            added.setdefault(entry.company_id, set()).add(email)
    for company_id, emails in added.items():
        known = set(db.exec(select(Contact.email).where(Contact.company_id == company_id)))
        if len(known | emails) > MAX_CONTACTS:
            raise TooManyContacts(limit=MAX_CONTACTS)


def give_contact(db: Session, company: Company, name: str, email: str, locale: str, consent: bool) -> Contact:
    """The company's own contact, from its survey link, with its consent to be contacted."""
    if not consent:
        raise ConsentRequired()
    return add_contact(db, company, name, email, locale, ContactSource.COMPANY, COMPANY)


class KeptOptOut(NotAllowed):
    code = "kept_opt_out"
    message = N_("This person stopped the e-mails: the record is kept so that they receive none.")


def remove_contact(db: Session, contact: Contact, actor: str) -> None:
    if contact.opted_out_at is not None:
        raise KeptOptOut()
    with write_transaction(db):
        for message in db.exec(select(OutboxMessage).where(OutboxMessage.contact_id == contact.id)):
            message.contact_id = None  # the record of what was sent stays
            if message.status in (MessageStatus.QUEUED, MessageStatus.SENDING):
                message.status = MessageStatus.CANCELLED  # a sender holding it then leaves it
            db.add(message)
        audit(db, actor, "contact.remove", "company", contact.company_id, detail=contact.email)
        db.delete(contact)


def contacts_of(db: Session, company_id: int) -> list[ContactRow]:
    rows = []
    for contact in db.exec(select(Contact).where(Contact.company_id == company_id).order_by(Contact.id)):
        last = db.exec(
            select(OutboxMessage.status, OutboxMessage.last_error)
            .where(OutboxMessage.contact_id == contact.id)
            .order_by(col(OutboxMessage.id).desc())
        ).first()
        rows.append(ContactRow(contact, str(last[0]) if last else "", last[1] if last else ""))
    return rows


def reachable(db: Session, company_id: int | None) -> list[Contact]:
    """The contacts that receive mail: those who have not opted out."""
    if company_id is None:
        return []
    stopped = select(func.lower(Contact.email)).where(Contact.opted_out_at != None)  # noqa: E711
    query = select(Contact).where(
        Contact.company_id == company_id,
        Contact.opted_out_at == None,  # noqa: E711
        func.lower(Contact.email).not_in(stopped),  # the same person at another company
    )
    return list(db.exec(query.order_by(Contact.id)))


# --- opting out ------------------------------------------------------------------


def opt_out_token(secret: str, contact: Contact) -> str:
    """The contact's id and an HMAC of id and address: a link made for one person never
    works for another, even one given the same id later."""
    return f"{contact.id}.{_signature(secret, contact)}"


def _signature(secret: str, contact: Contact) -> str:
    return sign(secret, "opt-out", f"{contact.id}:{contact.email.lower()}")[:32]


def contact_for_token(db: Session, secret: str, token: str) -> Contact | None:
    number, _, signature = token.partition(".")
    if not number.isdigit() or len(number) > 10 or len(signature) != 32:
        return None
    contact = db.get(Contact, int(number))
    if contact is None or not hmac.compare_digest(_signature(secret, contact), signature):
        return None
    return contact


def opt_out(db: Session, contact: Contact) -> None:
    """No more mail to this person, from now on: waiting messages are cancelled too."""
    with write_transaction(db):
        if contact.opted_out_at is None:
            contact.opted_out_at = utcnow()
            db.add(contact)
        waiting = (MessageStatus.QUEUED, MessageStatus.SENDING)
        for message in db.exec(
            select(OutboxMessage).where(
                func.lower(OutboxMessage.to_email) == contact.email.lower(),
                col(OutboxMessage.status).in_(waiting),
            )
        ):
            message.status = MessageStatus.CANCELLED
            message.last_error = OPTED_OUT
            db.add(message)
        audit(db, COMPANY, "contact.opt_out", "company", contact.company_id, detail=contact.email)
