"""Actions that a later response evidences: marked when the response is submitted.

Kept apart from the rest of the action plans so that submitting a response
(services.responses) can mark them in its own transaction without importing
the plan pages' reading code.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, or_, select

from assess.db import write_transaction
from assess.models import Action, Response, utcnow
from assess.scoring.result import ScoreResult
from assess.services.audit import SYSTEM, audit
from assess.vocab import ActionStatus

# Statuses whose actions a later response can show achieved (see mark_achieved).
ACHIEVABLE = (ActionStatus.DONE, ActionStatus.IN_PROGRESS)


def shown_practices(result: ScoreResult) -> frozenset[str]:
    """The practices a scored response's answers show (its evidence)."""
    return frozenset(e.practice for e in result.evidence)


def mark_achieved(
    db: Session, response: Response, practices_shown: Iterable[str], *, own_transaction: bool = True
) -> list[int]:
    """Note the company's actions that `response`'s answers now evidence; call it when the
    response is submitted (again). Returns the ids of the actions marked.

    Marked: actions planned on an earlier response of the same company, with a practice the
    answers show, not marked already, and done or in progress (an action in progress whose
    practice the answers show is evidently under way). Their status stays as the company set it.
    Planned and not-feasible actions are left alone. On a resubmission, actions this response
    had marked whose practice the answers no longer show are unmarked.
    With own_transaction=False it writes into the caller's open write transaction."""
    if response.company_id is None:
        return []
    shown = set(practices_shown)
    if not own_transaction:
        return _mark(db, response, shown)
    with write_transaction(db):
        return _mark(db, response, shown)


def _mark(db: Session, response: Response, shown: set[str]) -> list[int]:
    candidates = db.exec(
        select(Action).where(
            Action.company_id == response.company_id,
            Action.response_id != response.id,
            Action.practice.is_not(None),
            or_(Action.achieved_in_id.is_(None), Action.achieved_in_id == response.id),
        )
    ).all()
    marked = []
    for action in candidates:
        evidenced = action.practice in shown and action.status in ACHIEVABLE
        if evidenced and action.achieved_in_id is None:
            action.achieved_in_id = response.id
            marked.append(action.id)
            what = "action.achieved"
        elif not evidenced and action.achieved_in_id == response.id:
            action.achieved_in_id = None
            what = "action.not_achieved"
        else:
            continue
        action.updated_at = utcnow()
        db.add(action)
        audit(db, SYSTEM, what, "action", action.id, action.status, action.status, f"response {response.id}")
    return marked
