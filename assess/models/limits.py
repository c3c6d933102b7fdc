"""Rate limits: recent events per kind and subject (an address), kept in the database
so every app process counts the same."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from assess.models.common import utcnow


class RateEvent(SQLModel, table=True):
    __tablename__ = "rate_event"
    __table_args__ = (Index("ix_rate_event_kind_subject_at", "kind", "subject", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=30)  # what was done, e.g. "response.start"
    subject: str = Field(max_length=64)  # who did it: a client address
    at: datetime = Field(default_factory=utcnow)
