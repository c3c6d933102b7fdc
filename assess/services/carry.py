"""Carrying answers forward: a company's new response starts from its last submitted
or approved answers to the same questionnaire (a later version too, question by
question where the question is unchanged). Each carried answer stays marked until the
company confirms or changes it (saving its page); submitting needs none left. Nothing
is carried between companies, and a company may start from an empty form instead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session, delete, select

from assess.db import write_transaction
from assess.models import Answer, Response, Round, utcnow
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Question, Questionnaire, other_key
from assess.questionnaire.registry import Registry
from assess.questionnaire.types import get_type
from assess.services.audit import COMPANY, audit
from assess.vocab import ResponseStatus

# Final answers only: a returned response is being corrected, a draft was never submitted.
CARRIED_FROM = (ResponseStatus.SUBMITTED, ResponseStatus.IN_REVIEW, ResponseStatus.APPROVED)


def previous_response(db: Session, response: Response) -> Response | None:
    """The company's latest submitted, in-review or approved response to the same questionnaire,
    from an earlier fiscal year or an earlier response of the same year."""
    if response.company_id is None:
        return None
    return db.exec(
        select(Response)
        .join(Round, Round.id == Response.round_id)
        .where(
            Response.company_id == response.company_id,
            Response.id != response.id,
            Response.questionnaire_id == response.questionnaire_id,
            Response.questionnaire_version <= response.questionnaire_version,
            Response.status.in_(CARRIED_FROM),
        )
        .order_by(Round.fiscal_year.desc(), Response.submitted_at.desc())
    ).first()


def carryable(old: Questionnaire, new: Questionnaire, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers that fit the new version unchanged: the same question id and type, and
    only options the new version still has. An "other" text goes with its question."""
    out: dict[str, Any] = {}
    for qid, value in answers.items():
        base = qid.split(".")[0]
        before, now = old.question_index.get(base), new.question_index.get(base)
        if before is None or now is None or before.type != now.type:
            continue
        if qid == other_key(base) or _still_valid(now, value):
            out[qid] = value
    return {k: v for k, v in out.items() if k.split(".")[0] in out}  # no "other" text alone


def _still_valid(question: Question, value: Any) -> bool:
    """Whether the answer fits the question as the new version defines it."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        low = question.min if question.min is not None else value
        high = question.max if question.max is not None else value
        return low <= value <= high
    if isinstance(value, str) and question.max_length is not None and len(value) > question.max_length:
        return False
    if not get_type(question.type).choice:
        return True
    allowed = set(question.option_values)
    return all(v in allowed for v in value) if isinstance(value, list) else value in allowed


def carry_forward(db: Session, response: Response, questionnaire: Questionnaire, registry: Registry) -> int:
    """Fill a new, empty response with the company's last answers; how many were carried."""
    previous = previous_response(db, response)
    if previous is None or db.exec(select(Answer.id).where(Answer.response_id == response.id)).first():
        return 0
    old = registry.get(previous.questionnaire_id, previous.questionnaire_version)
    rows = db.exec(select(Answer.question_id, Answer.value).where(Answer.response_id == previous.id)).all()
    carried = carryable(old, questionnaire, dict(rows))
    now = utcnow()
    with write_transaction(db):
        for qid, value in carried.items():
            db.add(
                Answer(
                    response_id=response.id,
                    question_id=qid,
                    value=value,
                    updated_at=now,
                    carried_from_id=previous.id,
                )
            )
        response.carried_from_id = previous.id
        db.add(response)
        audit(
            db, COMPANY, "response.carry_forward", "response", response.id, after=f"#{previous.id}",
            detail=f"{len(carried)} answers",
        )  # fmt: skip
    return len(carried)


def carried_questions(db: Session, response_id: int) -> set[str]:
    """The ids of the questions whose answer is carried and not confirmed yet."""
    return set(
        db.exec(
            select(Answer.question_id).where(
                Answer.response_id == response_id, Answer.carried_from_id.is_not(None)
            )
        )
    )


def unconfirmed(
    questionnaire: Questionnaire, answers: Mapping[str, Any], carried: set[str]
) -> list[Question]:
    """Shown questions whose answer is still carried, in questionnaire order."""
    shown = visibility(questionnaire, answers)
    return [q for q in questionnaire.questions if q.id in carried and shown.get(q.id, False)]


def carried_year(db: Session, response: Response) -> int | None:
    """The fiscal year the carried answers come from."""
    if response.carried_from_id is None:
        return None
    return db.exec(
        select(Round.fiscal_year)
        .join(Response, Response.round_id == Round.id)
        .where(Response.id == response.carried_from_id)
    ).first()


def start_empty(db: Session, response: Response) -> int:
    """The company prefers an empty form: every answer still carried goes."""
    with write_transaction(db):
        gone = db.exec(
            delete(Answer).where(Answer.response_id == response.id, Answer.carried_from_id.is_not(None))
        ).rowcount
        response.carried_from_id = None
        db.add(response)
        audit(db, COMPANY, "response.start_empty", "response", response.id, detail=f"{gone} answers")
    return gone
