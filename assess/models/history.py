"""What a response looked like when it was submitted: one immutable snapshot per submission,
so that later edits never rewrite what a reviewer saw."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from assess.models.common import utcnow


class Submission(SQLModel, table=True):
    """One submission of a response (the first, or a resubmission after a return)."""

    __table_args__ = (UniqueConstraint("response_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    number: int  # 1 for the first submission, then 2, 3, ...
    submitted_at: datetime = Field(default_factory=utcnow)
    overall_score: float | None = None
    overall_level: str | None = Field(default=None, max_length=40)
    # Area id -> score, and the signature goals in rank order, as they were at this submission.
    areas: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    signature: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class SubmittedAnswer(SQLModel, table=True):
    """One answer as it was submitted; never changed after it is written."""

    __tablename__ = "submitted_answer"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    question_id: str = Field(max_length=120)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    entered_by: str = Field(default="", max_length=254)  # "" the company, else a staff e-mail
