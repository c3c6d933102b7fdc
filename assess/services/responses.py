"""Responses in the database: start, save page by page, resume, submit.

Independent of any front end, so the command line, the demo and benchmarks
use the same rules as the survey pages. Every save is one short transaction guarded by
optimistic locking on `Response.revision`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, delete, or_, select

from assess.db import write_transaction
from assess.models import (
    Answer,
    Company,
    QuestionnaireVersion,
    Response,
    ResponseScore,
    ReviewEvent,
    Round,
    utcnow,
)
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.pages import missing_required
from assess.questionnaire.registry import Registry
from assess.scoring import ScoreResult, fingerprint, score
from assess.scoring.catalogue import PracticeCatalogue
from assess.services.achievements import mark_achieved, shown_practices
from assess.services.audit import COMPANY, audit
from assess.services.carry import carried_questions, unconfirmed
from assess.services.errors import CarriedUnconfirmed, Conflict, Locked, MissingAnswers, RoundClosed
from assess.services.history import record_submission
from assess.services.tokens import hash_token, new_token, plausible
from assess.vocab import EDITABLE, SCORED, ResponseStatus, ReviewAction, RoundStatus, ScoreKind

COMPANY_FIELDS = {
    "company.name": "name",
    "company.prefecture": "prefecture",
    "company.municipality": "municipality",
    "company.industry": "industry",
    "company.employees": "employees",
    "company.founded": "founded",
    "company.legal_form": "legal_form",
}


def find_response(db: Session, token: str) -> Response | None:
    if not plausible(token):
        return None
    return db.exec(select(Response).where(Response.token_hash == hash_token(token))).first()


def load_answers(db: Session, response_id: int) -> dict[str, Any]:
    rows = db.exec(select(Answer.question_id, Answer.value).where(Answer.response_id == response_id))
    return {qid: value for qid, value in rows}


def start_response(
    db: Session,
    round_: Round,
    questionnaire: Questionnaire,
    locale: str,
    company_id: int | None = None,
    token: str | None = None,
) -> tuple[Response, str]:
    """A new draft and its private resume token (only the token's hash is stored)."""
    token = token or new_token()
    with write_transaction(db):
        response = Response(
            round_id=round_.id,
            company_id=company_id,
            questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version,
            content_hash=questionnaire.content_hash,
            locale=locale,
            token_hash=hash_token(token),
        )
        db.add(response)
        # From now on this version's content may not change (see Q501).
        locked = db.exec(
            update(QuestionnaireVersion)
            .where(
                QuestionnaireVersion.questionnaire_id == questionnaire.id,
                QuestionnaireVersion.version == questionnaire.version,
            )
            .values(locked=True)
        )
        if (
            locked.rowcount == 0
        ):  # not recorded yet (the app records versions at start-up; the command line may come first)
            db.add(
                QuestionnaireVersion(
                    questionnaire_id=questionnaire.id,
                    version=questionnaire.version,
                    content_hash=questionnaire.content_hash,
                    locked=True,
                )
            )
    db.refresh(response)
    return response, token


@dataclass
class Saved:
    revision: int


def save_answers(
    db: Session,
    response: Response,
    values: Mapping[str, Any],
    expected_revision: int,
    questionnaire: Questionnaire | None = None,
    entered_by: str = "",
) -> Saved:
    """Upsert the given answers (None deletes) if nobody saved in between.

    `entered_by`: "" when the company saves, else the staff member entering the answers with
    it (interview mode). A new or changed answer records who saved it; an unchanged one keeps
    who entered it first, so the company confirming a page does not erase the interviewer.

    Four statements in one short transaction: bump the revision (the optimistic lock), read
    who entered the page's answers, delete cleared answers, upsert the rest.
    """
    now = utcnow()
    cleared = [k for k, v in values.items() if v is None]
    with write_transaction(db):
        _change_if_unchanged(db, response, expected_revision, updated_at=now)
        kept = _unchanged_authors(db, response.id, values)
        upserts = [
            {
                "response_id": response.id,
                "question_id": k,
                "value": v,
                "updated_at": now,
                "entered_by": kept.get(k, entered_by),
            }
            for k, v in values.items()
            if v is not None
        ]
        if cleared:
            db.exec(delete(Answer).where(Answer.response_id == response.id, Answer.question_id.in_(cleared)))
        if upserts:
            statement = _insert(db)(Answer.__table__)  # Core: no ORM bookkeeping for a plain upsert
            db.exec(
                statement.on_conflict_do_update(
                    index_elements=["response_id", "question_id"],
                    # Saving an answer the company was shown confirms it: it is no longer carried.
                    set_={
                        "value": statement.excluded.value,
                        "updated_at": statement.excluded.updated_at,
                        "carried_from_id": None,
                        "entered_by": statement.excluded.entered_by,
                    },
                ),
                params=upserts,
            )
        if questionnaire is not None:
            _update_company(db, response, questionnaire, values)
    return Saved(expected_revision + 1)


def _unchanged_authors(db: Session, response_id: int, values: Mapping[str, Any]) -> dict[str, str]:
    """Who entered each answer that this save leaves as it was (compared in Python: PostgreSQL's
    json type has no equality)."""
    keys = [k for k, v in values.items() if v is not None]
    if not keys:
        return {}
    rows = db.exec(
        select(Answer.question_id, Answer.value, Answer.entered_by).where(
            Answer.response_id == response_id, Answer.question_id.in_(keys)
        )
    ).all()
    return {qid: author for qid, value, author in rows if values.get(qid) == value}


def _insert(db: Session):
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL)."""
    if db.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


def _change_if_unchanged(db: Session, response: Response, expected_revision: int, **values: Any) -> None:
    """Update the response and bump its revision, only if it is still editable at the
    revision the page was loaded with: the optimistic lock of every save and submit."""
    open_rounds = select(Round.id).where(Round.status == RoundStatus.OPEN)
    changed = db.exec(
        update(Response)
        .where(
            Response.id == response.id,
            Response.revision == expected_revision,
            Response.status.in_(EDITABLE),
            Response.round_id.in_(open_rounds),  # a closed round takes no more answers
        )
        .values(revision=Response.revision + 1, **values)
    )
    if changed.rowcount != 1:
        found = db.exec(
            select(Response.status, Round.status)
            .join(Round, Round.id == Response.round_id)
            .where(Response.id == response.id)
        ).first()
        if found is None or found[0] not in EDITABLE:
            raise Locked()
        raise RoundClosed() if found[1] != RoundStatus.OPEN else Conflict()


def _update_company(
    db: Session, response: Response, questionnaire: Questionnaire, values: Mapping[str, Any]
) -> None:
    """Copy profile answers with a company role onto the response's company."""
    updates = {}
    for role, column in COMPANY_FIELDS.items():
        question = questionnaire.roles.get(role)
        if question is not None and question.id in values:
            value = values[question.id]
            updates[column] = value if column == "founded" else ("" if value is None else str(value))
    if not updates:
        return
    company = db.get(Company, response.company_id) if response.company_id else None
    if company is None:
        company = Company()
        db.add(company)
        db.flush()
        db.exec(update(Response).where(Response.id == response.id).values(company_id=company.id))
    for column, value in updates.items():
        setattr(company, column, value)
    db.add(company)


def resume_section(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> str | None:
    """The first section with a required question still unanswered, or None."""
    missing = missing_required(questionnaire, answers)
    return missing[0].section_id if missing else None


def submit(
    db: Session,
    response: Response,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    expected_revision: int,
) -> ScoreResult:
    """Lock the response, score it and cache the scores on it."""
    answers = load_answers(db, response.id)
    if missing_required(questionnaire, answers):
        raise MissingAnswers()
    if unconfirmed(questionnaire, answers, carried_questions(db, response.id)):
        raise CarriedUnconfirmed()
    result = score(questionnaire, answers, catalogue)
    before = response.status
    with write_transaction(db):
        now = utcnow()
        _change_if_unchanged(
            db,
            response,
            expected_revision,
            status=ResponseStatus.SUBMITTED,
            submitted_at=now,
            updated_at=now,
            overall_score=_float(result.overall.score),
            overall_level=result.overall.level,
            scored_with=fingerprint(questionnaire, catalogue),
        )
        cache_scores(db, response.id, result)
        record_submission(db, response, answers, result, at=now)  # the answers as reviewed
        _record_submit(db, response.id, before)
        # The company's earlier actions that these answers now show (see services.achievements).
        mark_achieved(db, response, shown_practices(result), own_transaction=False)
    db.refresh(response)
    return result


def _record_submit(db: Session, response_id: int, before: str) -> None:
    """A resubmission after a return is a step of the review too."""
    if before == ResponseStatus.RETURNED:
        db.add(
            ReviewEvent(
                response_id=response_id,
                action=ReviewAction.RESUBMIT,
                status_before=before,
                status_after=ResponseStatus.SUBMITTED,
            )
        )
    audit(db, COMPANY, "response.submit", "response", response_id, before, ResponseStatus.SUBMITTED)


def cache_scores(db: Session, response_id: int, result: ScoreResult) -> None:
    db.exec(delete(ResponseScore).where(ResponseScore.response_id == response_id))
    rows = [
        (ScoreKind.AREA, area.area, _float(area.score), area.level)
        for area in result.areas
        if area.score is not None
    ]
    rows += [(ScoreKind.GOAL, str(g.number), g.aggregate, g.level) for g in result.goals]
    # A signature goal keeps its figure, and its rank as its level.
    rows += [
        (ScoreKind.SIGNATURE, str(g.number), round(g.distinctiveness, 4), str(g.rank))
        for g in result.signature_goals
    ]
    for kind, key, value, level in rows:
        db.add(ResponseScore(response_id=response_id, kind=kind, key=key, value=value, level=level))


def _float(value) -> float | None:
    return None if value is None else round(float(value), 4)


def refresh_scores(db: Session, registry: Registry, catalogue: PracticeCatalogue, batch: int = 200) -> int:
    """Recompute the cached scores made with another questionnaire text, mapping or
    method (an upgrade improved them); returns how many were recomputed."""
    stale = 0
    for questionnaire in registry.all():
        current = fingerprint(questionnaire, catalogue)
        query = select(Response).where(
            Response.questionnaire_id == questionnaire.id,
            Response.questionnaire_version == questionnaire.version,
            Response.submitted_at.is_not(None),
            Response.status.in_(SCORED),
            or_(Response.scored_with.is_(None), Response.scored_with != current),
        )
        while found := list(db.exec(query.limit(batch))):
            with write_transaction(db):
                for response in found:
                    result = score(questionnaire, load_answers(db, response.id), catalogue)
                    cache_scores(db, response.id, result)
                    response.overall_score = _float(result.overall.score)
                    response.overall_level = result.overall.level
                    response.scored_with = current
                    db.add(response)
            stale += len(found)
    return stale
