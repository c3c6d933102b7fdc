"""A company's progress over the rounds, from the database.

The series comes from the cached scores: one query for the company's scored
responses with their rounds, one for their cached area and signature scores.
Only the comparison of the latest response with the one before it scores
again (their answers, with the current practice catalogue), as the cache
keeps neither targets nor practices. See `presentation/progress.py`.
"""

from __future__ import annotations

from collections import defaultdict

from sqlmodel import Session, select

from assess.models import Action, Response, ResponseScore, Round
from assess.presentation.progress import (
    DoneAction,
    Point,
    Progress,
    ProgressView,
    SignatureMark,
    compare,
    progress_view,
)
from assess.scoring import score
from assess.services.responses import load_answers
from assess.services.startup import Definitions
from assess.vocab import SCORED, ActionStatus, ScoreKind

__all__ = ["Progress", "company_progress", "company_progress_view", "progress_for"]


def company_progress(
    db: Session, definitions: Definitions, company_id: int, up_to_response_id: int | None = None
) -> Progress:
    """The company's scored responses in fiscal-year order (up to and including
    `up_to_response_id`, when given), and the latest compared with the previous one.
    A response that is not one of the company's scored responses gives no points."""
    every = points = _points(db, company_id)
    if up_to_response_id is not None:
        ids = [p.response_id for p in points]
        points = points[: ids.index(up_to_response_id) + 1] if up_to_response_id in ids else []
    progress = Progress(company_id=company_id, points=tuple(points))
    if len(points) < 2:
        return progress
    previous, latest = points[-2], points[-1]
    registry, catalogue = definitions.registry.versions, definitions.practices
    if previous.version not in registry or latest.version not in registry:
        return progress  # a version no longer loaded: the series stands, nothing is compared
    q_before, q_after = registry[previous.version], registry[latest.version]
    before = score(q_before, load_answers(db, previous.response_id), catalogue)
    after = score(q_after, load_answers(db, latest.response_id), catalogue)
    newest = latest.response_id == every[-1].response_id
    actions = _done_actions(db, company_id, previous.response_id, latest.response_id, newest)
    comparison = compare(previous, latest, before, after, q_before, q_after, catalogue, actions)
    return Progress(company_id=company_id, points=progress.points, comparison=comparison)


def _points(db: Session, company_id: int) -> list[Point]:
    rows = db.exec(
        select(
            Response.id,
            Response.round_id,
            Response.questionnaire_id,
            Response.questionnaire_version,
            Response.overall_score,
            Response.overall_level,
            Round.name_ja,
            Round.name_en,
            Round.fiscal_year,
        )
        .join(Round, Round.id == Response.round_id)
        .where(Response.company_id == company_id, Response.status.in_(SCORED))
        .order_by(Round.fiscal_year, Response.submitted_at, Response.id)
    ).all()
    if not rows:
        return []
    areas: dict[int, dict[str, float]] = defaultdict(dict)
    levels: dict[int, dict[str, str | None]] = defaultdict(dict)
    marks: dict[int, list[SignatureMark]] = defaultdict(list)
    cached = db.exec(
        select(
            ResponseScore.response_id,
            ResponseScore.kind,
            ResponseScore.key,
            ResponseScore.value,
            ResponseScore.level,
        ).where(
            ResponseScore.response_id.in_([r[0] for r in rows]),
            ResponseScore.kind.in_((ScoreKind.AREA, ScoreKind.SIGNATURE)),
        )
    )
    for response_id, kind, key, value, level in cached:
        if kind == ScoreKind.AREA:
            areas[response_id][key] = value
            levels[response_id][key] = level
        else:
            marks[response_id].append(SignatureMark(int(key), value, int(level or 0)))
    return [
        Point(
            response_id=rid,
            round_id=round_id,
            round_name_ja=name_ja,
            round_name_en=name_en,
            fiscal_year=year,
            questionnaire_id=qid,
            questionnaire_version=version,
            overall=overall,
            overall_level=overall_level,
            areas=areas[rid],
            levels=levels[rid],
            signature=tuple(sorted(marks[rid], key=lambda g: (g.rank, -g.figure, g.number))),
        )
        for rid, round_id, qid, version, overall, overall_level, name_ja, name_en, year in rows
    ]


def _done_actions(
    db: Session, company_id: int, previous_id: int, latest_id: int, newest: bool
) -> list[DoneAction]:
    """Actions marked done since the previous response: achieved in the latest response, or, where
    no response records it, planned in the previous one, or in the latest when no later one exists
    (done since: a later response would show it)."""
    planned = (previous_id, latest_id) if newest else (previous_id,)
    rows = db.exec(
        select(Action.id, Action.title, Action.practice, Action.response_id, Action.achieved_in_id)
        .where(Action.company_id == company_id, Action.status == ActionStatus.DONE)
        .order_by(Action.due_on.is_(None), Action.due_on, Action.id)
    )
    return [
        DoneAction(id=aid, title=title, practice=practice)
        for aid, title, practice, planned_in, achieved_in in rows
        if achieved_in == latest_id or (achieved_in is None and planned_in in planned)
    ]


def company_progress_view(
    db: Session, definitions: Definitions, company_id: int, locale: str, medium: str = "screen"
) -> ProgressView:
    """Every scored response of the company, for people (the staff's company page)."""
    progress = company_progress(db, definitions, company_id)
    return progress_view(progress, definitions.registry.versions, definitions.practices, locale, medium)


def progress_for(
    db: Session, definitions: Definitions, response: Response, locale: str, medium: str = "screen"
) -> ProgressView | None:
    """The progress of the response's company up to this response, for people; None without a company."""
    if response.company_id is None:
        return None
    progress = company_progress(db, definitions, response.company_id, response.id)
    return progress_view(progress, definitions.registry.versions, definitions.practices, locale, medium)
