"""SQLModel tables. Every change here needs an Alembic migration (a test checks)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class QuestionnaireVersion(SQLModel, table=True):
    """A questionnaire version seen by this installation, with its content hash.

    Once `locked` (a response uses it), its content may no longer change.
    """

    __tablename__ = "questionnaire_version"

    questionnaire_id: str = Field(primary_key=True, max_length=100)
    version: int = Field(primary_key=True)
    content_hash: str = Field(max_length=64)
    first_loaded_at: datetime = Field(default_factory=utcnow)
    locked: bool = Field(default=False)
