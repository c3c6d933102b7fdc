"""The answer history: an immutable snapshot of a response at every submission, and what
changed from one submission to the next for reviewers (see `presentation/diff.py`).

`record_submission` runs inside `responses.submit()`'s write transaction, after its
optimistic lock has taken the response row, so two submissions of one response never
number themselves alike. Snapshots are only ever inserted: saves after a return change the
answers, never what a reviewer saw. Responses submitted before the history was kept have
no snapshot of those submissions; their page says so instead of comparing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, select

from assess.i18n import N_, gettext
from assess.models import Answer, Response, ReviewEvent, Submission, SubmittedAnswer
from assess.presentation.diff import AnswerChange, ScoreChange, answer_diff, score_change
from assess.questionnaire.model import Questionnaire
from assess.scoring import ScoreResult
from assess.scoring.catalogue import PracticeCatalogue
from assess.vocab import ReviewAction

OVERALL = N_("Overall score")


def record_submission(
    db: Session,
    response: Response,
    answers: Mapping[str, Any],
    result: ScoreResult,
    at: datetime | None = None,
) -> Submission:
    """Write the next Submission of `response` and a SubmittedAnswer per answer, with who
    entered it. Inside the caller's open write transaction: it opens none of its own."""
    number = (
        db.exec(select(func.max(Submission.number)).where(Submission.response_id == response.id)).one() or 0
    ) + 1
    submission = Submission(
        response_id=response.id,
        number=number,
        overall_score=_float(result.overall.score),
        overall_level=result.overall.level,
        areas={a.area: _float(a.score) for a in result.areas if a.score is not None},
        signature=[g.number for g in result.signature_goals],
        **({"submitted_at": at} if at is not None else {}),
    )
    db.add(submission)
    db.flush()  # its id, for the answers
    authors = dict(
        db.exec(select(Answer.question_id, Answer.entered_by).where(Answer.response_id == response.id)).all()
    )
    rows = [
        {
            "submission_id": submission.id,
            "question_id": qid,
            "value": value,
            "entered_by": authors.get(qid, ""),
        }
        for qid, value in answers.items()
        if value is not None
    ]
    if rows:  # Core: one executemany, no ORM bookkeeping for rows never changed again
        db.exec(insert(SubmittedAnswer.__table__), params=rows)
    return submission


def _float(value) -> float | None:
    return None if value is None else round(float(value), 4)


def submissions(db: Session, response_id: int) -> list[Submission]:
    """Every snapshot of the response, the first submission first."""
    return list(
        db.exec(select(Submission).where(Submission.response_id == response_id).order_by(Submission.number))
    )


def latest_two(db: Session, response_id: int) -> tuple[Submission, Submission] | None:
    """(the previous submission, the latest), or None with fewer than two snapshots."""
    found = list(
        db.exec(
            select(Submission)
            .where(Submission.response_id == response_id)
            .order_by(Submission.number.desc())
            .limit(2)
        )
    )
    return (found[1], found[0]) if len(found) == 2 else None


@dataclass(frozen=True)
class Snapshot:
    values: dict[str, Any]  # question id (and "<id>.other") -> the answer as submitted
    entered_by: dict[str, str]  # question id -> "" the company, else a staff e-mail


def snapshot(db: Session, submission_id: int) -> Snapshot:
    rows = db.exec(
        select(SubmittedAnswer.question_id, SubmittedAnswer.value, SubmittedAnswer.entered_by).where(
            SubmittedAnswer.submission_id == submission_id
        )
    ).all()
    return Snapshot({q: v for q, v, _ in rows}, {q: who for q, _, who in rows if who})


@dataclass(frozen=True)
class ChangesView:
    """What the staff page shows under "Changes since the previous submission"."""

    previous: Submission | None  # None: the earlier submission predates the answer history
    latest: Submission | None
    score: ScoreChange | None = None
    answers: tuple[AnswerChange, ...] = ()

    @property
    def missing_earlier(self) -> bool:
        return self.previous is None


def times_submitted(db: Session, response: Response) -> int:
    """How often the response was submitted: once, and once more per resubmission."""
    if response.submitted_at is None:
        return 0
    resubmits = db.exec(
        select(func.count())
        .select_from(ReviewEvent)
        .where(ReviewEvent.response_id == response.id, ReviewEvent.action == ReviewAction.RESUBMIT)
    ).one()
    return 1 + resubmits


def changes_view(
    db: Session, response: Response, questionnaire: Questionnaire, catalogue: PracticeCatalogue, locale: str
) -> ChangesView | None:
    """The latest submission against the one before it; None when the response was submitted
    at most once. A resubmitted response without two snapshots (submitted before the history
    was kept) gives a view with nothing to compare, which says so."""
    pair = latest_two(db, response.id)
    if pair is None:
        if times_submitted(db, response) < 2:
            return None
        found = submissions(db, response.id)
        return ChangesView(previous=None, latest=found[-1] if found else None)
    previous, latest = pair
    old, new = snapshot(db, previous.id), snapshot(db, latest.id)
    sdg = catalogue.sdg
    score = score_change(
        previous,
        latest,
        {a.id: a.label.get(locale) for a in questionnaire.areas},
        goal_labels={g.number: g.short_in(locale) for g in sdg.goals()},
        level_labels={level.id: level.label.get(locale) for level in questionnaire.maturity_levels},
        overall_label=gettext(locale, OVERALL),
    )
    changes = answer_diff(questionnaire, old.values, new.values, locale, new.entered_by, old.entered_by)
    return ChangesView(previous=previous, latest=latest, score=score, answers=tuple(changes))
