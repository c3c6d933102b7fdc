"""E-mail: a company's contact people, the outbox written with the events that cause
its messages, each delivery attempt, per-round message templates, and the lease that
elects one sending process."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import ContactSource, Locale, MessageKind, MessageStatus


class Contact(SQLModel, table=True):
    """A person at a company who receives the programme's e-mails."""

    # Ids are never reused (SQLite would reuse the highest after a delete): an opt-out link
    # or a message key made for a removed contact must never name a new one.
    __table_args__ = (UniqueConstraint("company_id", "email"), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    name: str = Field(default="", max_length=100)
    email: str = Field(max_length=254)
    locale: Locale = Field(default=Locale.JA, sa_type=Vocabulary(Locale, 5))
    source: ContactSource = Field(default=ContactSource.STAFF, sa_type=Vocabulary(ContactSource, 10))
    created_at: datetime = Field(default_factory=utcnow)
    opted_out_at: datetime | None = None  # set by the link in every message; honoured at once


class OutboxMessage(SQLModel, table=True):
    """One e-mail to one recipient. `key` names its cause (e.g. the invitation and the
    contact), so the same cause never makes two messages; `values` fill its template,
    kept without private links (they are made from the ids when the text is composed)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
        {"sqlite_autoincrement": True},
    )

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200, unique=True)
    kind: MessageKind = Field(sa_type=Vocabulary(MessageKind, 20), index=True)
    round_id: int | None = Field(default=None, foreign_key="round.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    to_email: str = Field(max_length=254)
    to_name: str = Field(default="", max_length=100)
    locale: Locale = Field(default=Locale.JA, sa_type=Vocabulary(Locale, 5))
    subject: str = Field(max_length=300)  # the template's, kept as it was when queued
    body: str  # the template's text, with {placeholders}
    values: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: MessageStatus = Field(default=MessageStatus.QUEUED, sa_type=Vocabulary(MessageStatus, 20))
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow)
    lease_owner: str = Field(default="", max_length=80)
    lease_until: datetime | None = None
    queue_id: str = Field(default="", max_length=200)  # the server's answer on acceptance
    last_error: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    sent_at: datetime | None = None


class DeliveryAttempt(SQLModel, table=True):
    """One try at handing a message over, with the server's answer."""

    __tablename__ = "delivery_attempt"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="outbox_message.id", index=True)
    at: datetime = Field(default_factory=utcnow)
    outcome: MessageStatus = Field(sa_type=Vocabulary(MessageStatus, 20))
    code: int | None = None  # the SMTP reply code, when there was one
    reply: str = Field(default="", max_length=500)


class MailTemplate(SQLModel, table=True):
    """A round's own wording of one kind of message in one language (else the shipped one)."""

    __tablename__ = "mail_template"
    __table_args__ = (UniqueConstraint("round_id", "kind", "locale"),)

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    kind: MessageKind = Field(sa_type=Vocabulary(MessageKind, 20))
    locale: Locale = Field(sa_type=Vocabulary(Locale, 5))
    subject: str = Field(max_length=300)
    body: str
    updated_by: str = Field(default="", max_length=254)
    updated_at: datetime = Field(default_factory=utcnow)


class WorkerLease(SQLModel, table=True):
    """Which process runs a background duty (the mail sender) until when."""

    __tablename__ = "worker_lease"

    name: str = Field(primary_key=True, max_length=40)
    owner: str = Field(max_length=80)
    until: datetime
