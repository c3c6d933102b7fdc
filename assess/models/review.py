"""The review of responses, the audit log and case studies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import ReviewAction


class ReviewEvent(SQLModel, table=True):
    """A step of the review of a response: status changes, comments, notes."""

    __tablename__ = "review_event"

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff_user.id")
    action: ReviewAction = Field(sa_type=Vocabulary(ReviewAction, 30))
    comment: str = Field(default="")
    internal: bool = Field(default=False)  # notes the company never sees
    status_before: str = Field(default="", max_length=20)
    status_after: str = Field(default="", max_length=20)
    at: datetime = Field(default_factory=utcnow)


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, when."""

    __tablename__ = "audit_event"
    # The audit log filters by what an event concerns (a company, its responses and actions).
    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_id"),)

    id: int | None = Field(default=None, primary_key=True)
    actor: str = Field(max_length=200)  # staff e-mail, "company" or "system"
    action: str = Field(max_length=60, index=True)
    object_type: str = Field(max_length=30)
    object_id: int | None = None
    before: str = Field(default="", max_length=40)
    after: str = Field(default="", max_length=40)
    detail: str = Field(default="")
    at: datetime = Field(default_factory=utcnow, index=True)


class CaseStudy(SQLModel, table=True):
    """Staff-edited booklet text, kept apart from the company's own answers."""

    __tablename__ = "case_study"

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", unique=True, index=True)
    motto: str = Field(default="")
    story: str = Field(default="")
    initiatives: str = Field(default="")
    challenges: str = Field(default="")
    support: str = Field(default="")
    included: bool = Field(default=False)
    position: int = Field(default=0)
    # Set when the company withdraws its consent to publish: it leaves the public directory at
    # once and the next booklet; cleared when the company gives consent again (itself, or
    # through staff who record what it said).
    withdrawn_at: datetime | None = None
    # The case study's address in the public directory; says nothing of the response.
    public_key: str | None = Field(default=None, max_length=32, unique=True)
    updated_at: datetime = Field(default_factory=utcnow)
