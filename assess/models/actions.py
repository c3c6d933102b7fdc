"""Action plans: what a company decides to do next, followed up over the rounds."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import ActionStatus


class Action(SQLModel, table=True):
    """One action of a company's plan, made from a next step or the company's own idea."""

    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    response_id: int = Field(foreign_key="response.id", index=True)  # where it was planned
    title: str = Field(max_length=200)
    practice: str | None = Field(default=None, max_length=80)  # the catalogue practice it serves
    owner: str = Field(default="", max_length=100)  # a person's name, as the company writes it
    due_on: date | None = Field(default=None, index=True)
    status: ActionStatus = Field(
        default=ActionStatus.PLANNED, sa_type=Vocabulary(ActionStatus, 20), index=True
    )
    note: str = Field(default="", max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # A later response whose answers show the practice: the action is achieved there.
    achieved_in_id: int | None = Field(default=None, foreign_key="response.id")


class ActionComment(SQLModel, table=True):
    """A staff member's comment on an action; the company sees it with the action."""

    __tablename__ = "action_comment"

    id: int | None = Field(default=None, primary_key=True)
    action_id: int = Field(foreign_key="action.id", index=True)
    author: str = Field(max_length=200)  # the staff member's display name or e-mail
    text: str = Field(max_length=2000)
    created_at: datetime = Field(default_factory=utcnow)
