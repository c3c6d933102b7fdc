"""The staff dashboard: what needs doing now, in a handful of grouped queries.

Per open round the funnel invited → started → submitted → in review →
approved; responses waiting for review, longest waiting first; responses
returned to their company and not yet resubmitted; open actions due within
two weeks or overdue; open rounds closing within 30 days. Every count here is
the count of a list elsewhere (see the dashboard template's links), so the
queries use the same conditions and orders as those lists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, select

from assess.models import Action, Company, Invitation, Response, ReviewEvent, Round
from assess.vocab import OPEN_ACTIONS, SCORED, ActionStatus, ResponseStatus, ReviewAction, RoundStatus

TOP = 10  # rows of the waiting and returned tables; their lists have all
ACTION_DAYS = 14  # actions due within this many days count, and those overdue
CLOSING_DAYS = 30  # open rounds closing within this many days count
ACTION_ROWS = 20  # action rows shown unless all are asked for
ACTION_MAX = 500  # at most this many even then


@dataclass(frozen=True)
class Funnel:
    """An open round's responses by how far they got."""

    round_id: int
    name_ja: str
    name_en: str
    invited: int = 0
    started: int = 0
    submitted: int = 0  # ever submitted: every status but draft
    in_review: int = 0
    approved: int = 0

    def name(self, locale: str) -> str:
        return self.name_ja if locale == "ja" else self.name_en


@dataclass(frozen=True)
class Waiting:
    """A response waiting for staff (submitted) or for its company (returned), since `since`."""

    response_id: int
    company: str
    round_ja: str
    round_en: str
    since: date | None  # the day it was submitted or returned, in the dashboard's time zone
    days: int | None  # days since then

    def round_name(self, locale: str) -> str:
        return self.round_ja if locale == "ja" else self.round_en


@dataclass(frozen=True)
class DueAction:
    action_id: int
    response_id: int
    company: str
    title: str
    owner: str
    due_on: date
    status: ActionStatus
    days_left: int  # negative: overdue by that many days


@dataclass(frozen=True)
class Closing:
    round_id: int
    name_ja: str
    name_en: str
    closes_on: date
    days_left: int
    submitted: int

    def name(self, locale: str) -> str:
        return self.name_ja if locale == "ja" else self.name_en


@dataclass(frozen=True)
class Dashboard:
    today: date
    funnels: list[Funnel] = field(default_factory=list)
    waiting: list[Waiting] = field(default_factory=list)
    waiting_total: int = 0
    returned: list[Waiting] = field(default_factory=list)
    returned_total: int = 0
    actions: list[DueAction] = field(default_factory=list)
    actions_total: int = 0
    overdue_total: int = 0
    closing: list[Closing] = field(default_factory=list)


def dashboard(
    db: Session, now: datetime, action_limit: int | None = ACTION_ROWS, overdue_only: bool = False
) -> Dashboard:
    """The dashboard as of `now`, an aware time: its date is "today" for due dates and
    closing dates, and days waiting are counted in its time zone. Action rows: at most
    `action_limit` (None: all, up to ACTION_MAX), only the overdue ones with `overdue_only`;
    their counts are always of all."""
    today = now.date()
    funnels = _funnels(db)
    waiting, waiting_total = _waiting(db, now)
    returned, returned_total = _returned(db, now)
    actions, actions_total, overdue_total = _actions(db, today, action_limit, overdue_only)
    return Dashboard(
        today=today,
        funnels=[funnel for funnel, _ in funnels],
        waiting=waiting,
        waiting_total=waiting_total,
        returned=returned,
        returned_total=returned_total,
        actions=actions,
        actions_total=actions_total,
        overdue_total=overdue_total,
        closing=_closing(funnels, today),
    )


def _funnels(db: Session) -> list[tuple[Funnel, date | None]]:
    """Every open round's funnel with its closing date: three queries, whatever the number of rounds."""
    rounds = db.exec(
        select(Round.id, Round.name_ja, Round.name_en, Round.closes_on)
        .where(Round.status == RoundStatus.OPEN)
        .order_by(Round.id)
    ).all()
    ids = [r[0] for r in rounds]
    if not ids:
        return []
    invited = dict(
        db.exec(
            select(Invitation.round_id, func.count())
            .where(Invitation.round_id.in_(ids))
            .group_by(Invitation.round_id)
        ).all()
    )

    def count(*statuses: ResponseStatus):
        return func.coalesce(func.sum(case((Response.status.in_(statuses), 1), else_=0)), 0)

    counts = {
        round_id: (started, int(submitted), int(in_review), int(approved))
        for round_id, started, submitted, in_review, approved in db.exec(
            select(
                Response.round_id,
                func.count(),
                count(*SCORED),
                count(ResponseStatus.IN_REVIEW),
                count(ResponseStatus.APPROVED),
            )
            .where(Response.round_id.in_(ids))
            .group_by(Response.round_id)
        ).all()
    }
    out = []
    for round_id, name_ja, name_en, closes_on in rounds:
        started, submitted, in_review, approved = counts.get(round_id, (0, 0, 0, 0))
        funnel = Funnel(
            round_id, name_ja, name_en, invited.get(round_id, 0), started, submitted, in_review, approved
        )
        out.append((funnel, closes_on))
    return out


def _local_day(at: datetime | None, now: datetime) -> date | None:
    if at is None:
        return None
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite drops the zone; stored times are UTC
    return aware.astimezone(now.tzinfo).date()


def _rows(found, now: datetime) -> list[Waiting]:
    rows = []
    for response_id, at, company, round_ja, round_en in found:
        day = _local_day(at, now)
        days = max(0, (now.date() - day).days) if day else None
        rows.append(Waiting(response_id, company or "", round_ja, round_en, day, days))
    return rows


def _waiting(db: Session, now: datetime) -> tuple[list[Waiting], int]:
    """Submitted, not yet in review: in the order of the response list sorted by submission, ascending."""
    where = Response.status == ResponseStatus.SUBMITTED
    total = db.exec(select(func.count()).select_from(Response).where(where)).one()
    found = db.exec(
        select(Response.id, Response.submitted_at, Company.name, Round.name_ja, Round.name_en)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .join(Round, Response.round_id == Round.id)
        .where(where)
        .order_by(
            case((Response.submitted_at.is_(None), 1), else_=0), Response.submitted_at, Response.id.desc()
        )
        .limit(TOP)
    ).all()
    return _rows(found, now), total


def _returned(db: Session, now: datetime) -> tuple[list[Waiting], int]:
    """Returned and not resubmitted, the oldest return first (the latest return of each)."""
    where = Response.status == ResponseStatus.RETURNED
    total = db.exec(select(func.count()).select_from(Response).where(where)).one()
    if not total:
        return [], 0
    returned = select(Response.id).where(where)
    last = (
        select(ReviewEvent.response_id, func.max(ReviewEvent.at).label("at"))
        .where(ReviewEvent.action == ReviewAction.RETURN, ReviewEvent.response_id.in_(returned))
        .group_by(ReviewEvent.response_id)
        .subquery()
    )
    found = db.exec(
        select(Response.id, last.c.at, Company.name, Round.name_ja, Round.name_en)
        .join(last, last.c.response_id == Response.id, isouter=True)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .join(Round, Response.round_id == Round.id)
        .where(where)
        .order_by(case((last.c.at.is_(None), 1), else_=0), last.c.at, Response.id)
        .limit(TOP)
    ).all()
    return _rows(found, now), total


def _actions(
    db: Session, today: date, limit: int | None, overdue_only: bool
) -> tuple[list[DueAction], int, int]:
    """Open actions due by today + ACTION_DAYS, the most overdue first; with the counts of all
    of them and of those overdue."""
    where = (
        Action.status.in_(OPEN_ACTIONS),
        Action.due_on.is_not(None),
        Action.due_on <= today + timedelta(days=ACTION_DAYS),
    )
    total, overdue = db.exec(
        select(func.count(), func.coalesce(func.sum(case((Action.due_on < today, 1), else_=0)), 0)).where(
            *where
        )
    ).one()
    if not total:
        return [], 0, 0
    found = db.exec(
        select(
            Action.id,
            Action.response_id,
            Company.name,
            Action.title,
            Action.owner,
            Action.due_on,
            Action.status,
        )
        .join(Company, Action.company_id == Company.id, isouter=True)
        .where(*where, *((Action.due_on < today,) if overdue_only else ()))
        .order_by(Action.due_on, Action.id)
        .limit(min(limit, ACTION_MAX) if limit is not None else ACTION_MAX)
    ).all()
    actions = [
        DueAction(aid, rid, company or "", title, owner, due, status, (due - today).days)
        for aid, rid, company, title, owner, due, status in found
    ]
    return actions, total, int(overdue)


def _closing(funnels: list[tuple[Funnel, date | None]], today: date) -> list[Closing]:
    """Open rounds whose closing day is today or within CLOSING_DAYS, the soonest first."""
    horizon = today + timedelta(days=CLOSING_DAYS)
    soon = [
        Closing(f.round_id, f.name_ja, f.name_en, closes_on, (closes_on - today).days, f.submitted)
        for f, closes_on in funnels
        if closes_on is not None and today <= closes_on <= horizon
    ]
    return sorted(soon, key=lambda c: (c.closes_on, c.round_id))
