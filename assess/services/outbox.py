"""The outbox: messages written in the transaction of the event that causes them, their
wording (a round's own or the shipped one), their composed text, and what staff see.

A message keeps its template and the values that fill it, never a private link:
links are made from the ids it names when its text is composed, for sending or
for a staff member reading the outbox, so the database alone reveals no link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import yaml
from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from assess.db import write_transaction
from assess.i18n import N_, gettext
from assess.models import (
    Contact,
    DeliveryAttempt,
    Invitation,
    MailTemplate,
    OutboxMessage,
    Round,
    StaffUser,
    utcnow,
)
from assess.presentation.mail import (
    MAX_BODY,
    MAX_SUBJECT,
    PLACEHOLDERS,
    Composed,
    compose,
    fill,
    footer,
    unknown_placeholders,
)
from assess.resources import template_dir
from assess.services.audit import audit
from assess.services.contacts import opt_out_token
from assess.services.errors import InvalidInput, NotAllowed
from assess.services.tokens import invitation_token
from assess.vocab import Locale, MessageKind, MessageStatus

UNNAMED = N_("Sir or Madam")  # a contact whose name nobody gave: "Dear Sir or Madam"
NO_LINK = N_("(the private link you saved when you started your answers)")
PAGE_SIZE = 50


class BadTemplate(InvalidInput):
    code = "mail_template"
    message = N_("The text uses {names}, which this message cannot fill. Use only: {allowed}.")


class EmptyTemplate(InvalidInput):
    code = "mail_template_empty"
    message = N_("Both the subject and the text are needed (at most {subject} and {body} characters).")


class NotResendable(NotAllowed):
    code = "not_resendable"
    message = N_("Only a failed, unconfirmed or cancelled message can be sent again.")


# --- wording ------------------------------------------------------------------------


@cache
def shipped_templates() -> dict[str, dict[str, dict[str, str]]]:
    path = template_dir() / "mail" / "messages.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def template_for(db: Session, round_id: int | None, kind: MessageKind, locale: str) -> tuple[str, str, bool]:
    """(subject, body, whether it is the round's own wording) for one kind and language."""
    if round_id is not None:
        own = db.exec(
            select(MailTemplate).where(
                MailTemplate.round_id == round_id, MailTemplate.kind == kind, MailTemplate.locale == locale
            )
        ).first()
        if own is not None:
            return own.subject, own.body, True
    shipped = shipped_templates()[str(kind)][locale]
    return shipped["subject"], shipped["body"], False


def check_template(kind: MessageKind, subject: str, body: str) -> None:
    if not subject.strip() or not body.strip() or len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        raise EmptyTemplate(subject=MAX_SUBJECT, body=MAX_BODY)
    unknown = unknown_placeholders(subject + "\n" + body, kind)
    if unknown:
        raise BadTemplate(
            names=", ".join("{" + n + "}" if n else "{ }" for n in unknown),
            allowed=" ".join("{" + n + "}" for n in PLACEHOLDERS[kind]),
        )


def save_template(
    db: Session, round_: Round, kind: MessageKind, locale: Locale, subject: str, body: str, actor: str
) -> None:
    check_template(kind, subject, body)
    with write_transaction(db):
        row = db.exec(
            select(MailTemplate).where(
                MailTemplate.round_id == round_.id, MailTemplate.kind == kind, MailTemplate.locale == locale
            )
        ).first() or MailTemplate(round_id=round_.id, kind=kind, locale=locale, subject="", body="")
        row.subject, row.body = subject.strip(), body.replace("\r\n", "\n").strip() + "\n"
        row.updated_by, row.updated_at = actor, utcnow()
        db.add(row)
        audit(db, actor, "mail.template", "round", round_.id, detail=f"{kind} {locale}")


def reset_template(db: Session, round_: Round, kind: MessageKind, locale: Locale, actor: str) -> None:
    with write_transaction(db):
        for row in db.exec(
            select(MailTemplate).where(
                MailTemplate.round_id == round_.id, MailTemplate.kind == kind, MailTemplate.locale == locale
            )
        ):
            db.delete(row)
        audit(db, actor, "mail.template_reset", "round", round_.id, detail=f"{kind} {locale}")


# --- queueing -----------------------------------------------------------------------


def round_values(round_: Round, locale: str) -> dict[str, Any]:
    """What every company message of a round says about it."""
    return {
        "round": round_.name(locale),
        "organiser": round_.organiser(locale),
        "organiser_contact": round_.contact,
        "closing_date": long_date(round_.closes_on, locale) if round_.closes_on else "",
        "round_id": round_.id,
    }


MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # not %B: that follows the process's locale


def long_date(day: date, locale: str) -> str:
    return (
        f"{day.year}年{day.month}月{day.day}日"
        if locale == "ja"
        else f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    )


def queue(
    db: Session,
    key: str,
    kind: MessageKind,
    to_email: str,
    locale: str,
    values: dict[str, Any],
    *,
    to_name: str = "",
    round_id: int | None = None,
    company_id: int | None = None,
    contact_id: int | None = None,
    staff_id: int | None = None,
) -> bool:
    """Add a message to the caller's transaction, unless one with this key exists;
    whether it was added. Two processes queueing the same key make one message."""
    subject, body, _ = template_for(db, round_id, kind, locale)
    row = dict(
        key=key[:200],
        kind=str(kind),
        to_email=to_email[:254],
        to_name=" ".join(to_name.split())[:100],
        locale=str(locale),
        subject=subject[:300],
        body=body,
        values=values,
        round_id=round_id,
        company_id=company_id,
        contact_id=contact_id,
        staff_id=staff_id,
        status=str(MessageStatus.QUEUED),
        attempts=0,
        next_attempt_at=utcnow(),
        lease_owner="",
        queue_id="",
        last_error="",
        created_at=utcnow(),
    )
    dialect = db.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(OutboxMessage.__table__)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxMessage.__table__.c.id)
    )
    return db.execute(statement).first() is not None


def to_contact(
    db: Session, key: str, kind: MessageKind, contact: Contact, values: dict[str, Any], round_id: int | None
) -> bool:
    """`queue` for a company's contact, in the contact's language."""
    return queue(
        db,
        key,
        kind,
        contact.email,
        contact.locale,
        {
            **values,
            "contact_name": contact.name or gettext(contact.locale, UNNAMED),
            "contact_id": contact.id,
        },
        to_name=contact.name,
        round_id=round_id,
        company_id=contact.company_id,
        contact_id=contact.id,
    )


# --- composing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where links in messages point: the app's public address and the key that makes tokens."""

    public_url: str
    secret: str


def compose_message(db: Session, message: OutboxMessage, links: Links) -> Composed:
    values = {**message.values, **_link_values(db, message, links)}
    base = links.public_url.rstrip("/")
    opt_out = opt_out_link(db, message, links)
    staff_link = f"{base}/staff/outbox" if message.kind == MessageKind.DIGEST else ""
    lines = footer(
        message.locale, values.get("organiser", ""), values.get("organiser_contact", ""), opt_out, staff_link
    )
    return compose(message.subject, message.body, values, lines)


def subject_of(message: OutboxMessage) -> str:
    """The message's subject as its recipient reads it (subjects hold no links)."""
    return " ".join(fill(message.subject, message.values).split())


def opt_out_link(db: Session, message: OutboxMessage, links: Links) -> str:
    contact = db.get(Contact, message.contact_id) if message.contact_id else None
    if contact is None:
        return ""
    return f"{links.public_url.rstrip('/')}/optout/{opt_out_token(links.secret, contact)}"


def _link_values(db: Session, message: OutboxMessage, links: Links) -> dict[str, str]:
    base = links.public_url.rstrip("/")
    values = message.values
    token = _token(db, values, links.secret)
    missing = gettext(message.locale, NO_LINK)
    found: dict[str, str] = {"staff_link": f"{base}/staff/responses?status=submitted"}
    if token:
        found.update(
            link=f"{base}/i/{token}" if message.kind != MessageKind.RETURNED else f"{base}/s/{token}",
            results_link=f"{base}/s/{token}/results",
            report_link=f"{base}/s/{token}/report.pdf?lang={message.locale}",
            actions_link=f"{base}/s/{token}/actions",
        )
    else:
        found.update(link=missing, results_link=missing, report_link=missing, actions_link=missing)
    return found


def _token(db: Session, values: dict[str, Any], secret: str) -> str:
    """The company's private token: from its invitation (responses started from a round's
    public link have none that can be made again)."""
    invitation = None
    if values.get("invitation_id"):
        invitation = db.get(Invitation, values["invitation_id"])
    elif values.get("response_id"):
        invitation = db.exec(
            select(Invitation).where(Invitation.response_id == values["response_id"])
        ).first()
    return invitation_token(secret, invitation.nonce) if invitation and invitation.nonce else ""


# --- what staff see -----------------------------------------------------------------


@dataclass(frozen=True)
class OutboxFilter:
    status: str = ""
    kind: str = ""
    round_id: int | None = None
    company_id: int | None = None
    page: int = 1


def outbox_page(db: Session, where: OutboxFilter) -> tuple[list[OutboxMessage], int]:
    """One page of messages, newest first, and how many match."""
    query = select(OutboxMessage)
    count = select(func.count()).select_from(OutboxMessage)
    for column, value in (
        (OutboxMessage.status, where.status if where.status in tuple(MessageStatus) else ""),
        (OutboxMessage.kind, where.kind if where.kind in tuple(MessageKind) else ""),
        (OutboxMessage.round_id, where.round_id),
        (OutboxMessage.company_id, where.company_id),
    ):
        if value:
            query, count = query.where(column == value), count.where(column == value)
    page = max(1, where.page)
    rows = db.exec(
        query.order_by(col(OutboxMessage.id).desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    )
    return list(rows), int(db.exec(count).one())


def status_counts(db: Session, round_id: int | None = None) -> dict[str, int]:
    """Messages by status (of one round, or all), and opted-out contacts of its companies."""
    query = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if round_id is not None:
        query = query.where(OutboxMessage.round_id == round_id)
    counts = {str(status): n for status, n in db.exec(query)}
    opted = select(func.count(func.distinct(Contact.id))).where(Contact.opted_out_at != None)  # noqa: E711
    if round_id is not None:
        opted = opted.join(Invitation, Invitation.company_id == Contact.company_id).where(
            Invitation.round_id == round_id
        )
    counts["opted_out"] = int(db.exec(opted).one())
    return counts


def attempts_of(db: Session, message_id: int) -> list[DeliveryAttempt]:
    return list(
        db.exec(
            select(DeliveryAttempt)
            .where(DeliveryAttempt.message_id == message_id)
            .order_by(DeliveryAttempt.id)
        )
    )


def send_again(db: Session, message: OutboxMessage, actor: str) -> None:
    """Staff's decision, after reading why it did not go (or may not have gone)."""
    contact = db.get(Contact, message.contact_id) if message.contact_id else None
    if contact is not None and contact.opted_out_at is not None:
        raise NotResendable()
    again = (MessageStatus.FAILED, MessageStatus.UNCONFIRMED, MessageStatus.CANCELLED)
    with write_transaction(db):
        changed = db.exec(
            _guarded(message, again).values(
                status=MessageStatus.QUEUED,
                next_attempt_at=utcnow(),
                attempts=0,
                lease_owner="",
                lease_until=None,
            )
        )
        if changed.rowcount != 1:
            raise NotResendable()
        audit(db, actor, "mail.send_again", "outbox_message", message.id)


def cancel(db: Session, message: OutboxMessage, actor: str) -> None:
    """A waiting message, or one a sender holds before its point of no return (the sender
    then finds it is no longer its own and leaves it)."""
    with write_transaction(db):
        changed = db.exec(
            _guarded(message, (MessageStatus.QUEUED, MessageStatus.SENDING)).values(
                status=MessageStatus.CANCELLED
            )
        )
        if changed.rowcount != 1:
            raise NotAllowed()
        audit(db, actor, "mail.cancel", "outbox_message", message.id)


def set_digest(db: Session, staff: StaffUser, on: bool) -> None:
    """A staff member's own choice of the daily digest of new submissions."""
    with write_transaction(db):
        db.exec(
            update(StaffUser)
            .where(StaffUser.id == staff.id)
            .values(digest=on)
            .execution_options(synchronize_session=False)
        )
        audit(db, staff.email, "mail.digest", "staff_user", staff.id, after="on" if on else "off")


def _guarded(message: OutboxMessage, statuses: tuple[MessageStatus, ...]):
    """An UPDATE of this message that applies only while its status is one of `statuses`."""
    return (
        update(OutboxMessage)
        .where(OutboxMessage.id == message.id, col(OutboxMessage.status).in_(statuses))
        .execution_options(synchronize_session=False)
    )
