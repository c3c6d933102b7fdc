"""Survey rounds, companies, invitations, responses, answers and cached scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from assess.models.common import Vocabulary, utcnow
from assess.vocab import Locale, ResponseStatus, RoundAccess, RoundStatus, ScoreKind


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


class Round(SQLModel, table=True):
    """A survey round, e.g. "Saga Prefecture FY2019"."""

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=80, unique=True, index=True)  # used in /r/{slug}
    name_ja: str = Field(max_length=200)
    name_en: str = Field(max_length=200)
    region: str = Field(default="", max_length=100)
    fiscal_year: int
    closes_on: date | None = None  # the last day answers are taken, as the organiser announced it
    # Days before closing on which unfinished companies are reminded by e-mail, e.g. "14,3".
    reminder_days: str = Field(default="", max_length=60)
    questionnaire_id: str = Field(max_length=100)
    questionnaire_version: int
    status: RoundStatus = Field(default=RoundStatus.OPEN, sa_type=Vocabulary(RoundStatus, 20))
    access: RoundAccess = Field(default=RoundAccess.OPEN, sa_type=Vocabulary(RoundAccess, 20))
    organiser_ja: str = Field(default="", max_length=200)
    organiser_en: str = Field(default="", max_length=200)
    contact: str = Field(default="", max_length=200)
    foreword_ja: str = Field(default="")
    foreword_en: str = Field(default="")
    # The booklet's findings chapter, written by staff on the round's page.
    findings_ja: str = Field(default="")
    findings_en: str = Field(default="")
    published_at: datetime | None = None  # when set, the round is in the public directory
    created_at: datetime = Field(default_factory=utcnow)

    def name(self, locale: str) -> str:
        return self.name_ja if locale == "ja" else self.name_en

    def organiser(self, locale: str) -> str:
        return (
            (self.organiser_ja if locale == "ja" else self.organiser_en)
            or self.organiser_ja
            or self.organiser_en
        )


class Company(SQLModel, table=True):
    """A company, filled from the profile section and used for filtering."""

    id: int | None = Field(default=None, primary_key=True)
    # A stable code staff may give, such as the 13-digit corporate number (法人番号):
    # it finds the same company again in later rounds.
    code: str | None = Field(default=None, max_length=40, unique=True, index=True)
    name: str = Field(default="", max_length=200, index=True)
    prefecture: str = Field(default="", max_length=40, index=True)
    municipality: str = Field(default="", max_length=100)
    industry: str = Field(default="", max_length=60, index=True)
    employees: str = Field(default="", max_length=40, index=True)
    founded: int | None = None
    legal_form: str = Field(default="", max_length=60)
    contact_note: str = Field(default="")
    # The company agreed, on its action plan page, to show its plan in its published case study.
    plan_published: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class Invitation(SQLModel, table=True):
    """A link for a named company; its token becomes the response's resume token.

    The token is an HMAC of `nonce` under the app's secret key, so staff can
    show the link again while the database alone does not reveal it.
    """

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    nonce: str = Field(default="", max_length=64)
    response_id: int | None = Field(default=None, foreign_key="response.id")
    created_at: datetime = Field(default_factory=utcnow)


class Response(SQLModel, table=True):
    """One company's answers to one round; scores are cached on submit."""

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="round.id", index=True)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    questionnaire_id: str = Field(max_length=100)
    questionnaire_version: int
    content_hash: str = Field(max_length=64)
    locale: Locale = Field(default=Locale.JA, sa_type=Vocabulary(Locale, 5))
    status: ResponseStatus = Field(
        default=ResponseStatus.DRAFT, sa_type=Vocabulary(ResponseStatus, 20), index=True
    )
    token_hash: str = Field(
        max_length=64, unique=True, index=True
    )  # sha256 of the resume token, never the token
    revision: int = Field(default=0)  # optimistic locking: bumped by every save
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    submitted_at: datetime | None = None
    overall_score: float | None = Field(default=None, index=True)
    overall_level: str | None = Field(default=None, max_length=40)
    scored_with: str | None = Field(default=None, max_length=64)  # scoring.fingerprint of the cached scores
    # The company's earlier response whose answers this one started from (carry-forward).
    carried_from_id: int | None = Field(default=None, foreign_key="response.id")
    # Entered by staff from a paper form dated this day (interview mode, "entered from paper").
    paper_on: date | None = None


class Answer(SQLModel, table=True):
    """One answered question of a response; upserted page by page."""

    __table_args__ = (UniqueConstraint("response_id", "question_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id", index=True)
    question_id: str = Field(max_length=120)
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)
    # Set while the answer is carried from an earlier response and not yet confirmed.
    carried_from_id: int | None = Field(default=None, foreign_key="response.id")
    # Who saved it last: "" the company, else the e-mail of the staff member who entered it.
    entered_by: str = Field(default="", max_length=254)


class ResponseScore(SQLModel, table=True):
    """Cached scores of a submitted response, one row per area and per SDG goal,
    so lists can filter and sort in SQL."""

    __tablename__ = "response_score"
    __table_args__ = (Index("ix_response_score_kind_key_value", "kind", "key", "value"),)

    response_id: int = Field(foreign_key="response.id", primary_key=True)
    kind: ScoreKind = Field(sa_type=Vocabulary(ScoreKind, 10), primary_key=True)
    key: str = Field(max_length=40, primary_key=True)  # area id, or goal number
    value: float
    level: str | None = Field(default=None, max_length=40)
