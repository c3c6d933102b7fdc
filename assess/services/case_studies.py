"""Case studies for the booklet: staff-edited text beside the company's own words,
printed only when the response is approved and the company consented."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.models import CaseStudy, Company, Response, Round, StaffUser, utcnow
from assess.questionnaire.model import NARRATIVE_KEYS, Questionnaire
from assess.questionnaire.registry import Registry
from assess.services.audit import COMPANY, audit
from assess.services.errors import ConsentMissing, NotApproved
from assess.services.responses import load_answers
from assess.vocab import ResponseStatus

MAX_TEXT = 8000  # characters of one narrative part


@dataclass(frozen=True)
class BookletEntry:
    """One printable case study with what its page needs."""

    study: CaseStudy
    response: Response
    company: Company | None
    round: Round
    questionnaire: Questionnaire
    answers: dict[str, Any]


def consented(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """The narrative parts the company agreed to publish."""
    question = questionnaire.roles.get("consent.publication")
    value = answers.get(question.id) if question else None
    return {v for v in value if v in NARRATIVE_KEYS} if isinstance(value, list) else set()


def company_narrative(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, str]:
    """The company's own words for each narrative part."""
    out = {}
    for key in NARRATIVE_KEYS:
        question = questionnaire.roles.get(f"narrative.{key}")
        value = answers.get(question.id) if question else None
        out[key] = str(value) if value is not None else ""
    return out


def case_study(
    db: Session, response: Response, questionnaire: Questionnaire, answers: Mapping[str, Any]
) -> CaseStudy:
    """The saved case study, or a new one that starts from the company's own words."""
    found = db.exec(select(CaseStudy).where(CaseStudy.response_id == response.id)).first()
    return found or CaseStudy(response_id=response.id, **company_narrative(questionnaire, answers))


def save_case_study(
    db: Session,
    response: Response,
    staff: StaffUser,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    texts: Mapping[str, str],
    included: bool,
    position: int,
) -> CaseStudy:
    if included and not consented(questionnaire, answers):
        raise ConsentMissing()
    if included and response.status != ResponseStatus.APPROVED:
        raise NotApproved()
    study = case_study(db, response, questionnaire, answers)
    with write_transaction(db):
        for key in NARRATIVE_KEYS:
            setattr(study, key, texts.get(key, "").strip()[:MAX_TEXT])
        study.included, study.position, study.updated_at = included, position, utcnow()
        study.public_key = study.public_key or new_public_key()
        db.add(study)
        audit(
            db,
            staff.email,
            "case_study.save",
            "response",
            response.id,
            detail=f"included={included} position={position}",
        )
    db.refresh(study)
    return study


def new_public_key() -> str:
    return secrets.token_urlsafe(9)  # 12 characters; nothing in it leads to the response


def publishable(questionnaire: Questionnaire, answers: Mapping[str, Any], study: CaseStudy | None) -> bool:
    """Whether the company consented to publish anything and has not withdrawn it."""
    return bool(consented(questionnaire, answers)) and (study is None or study.withdrawn_at is None)


def set_withdrawn(
    db: Session,
    response: Response,
    questionnaire: Questionnaire,
    answers: Mapping[str, Any],
    withdrawn: bool,
    actor: str = "",
) -> CaseStudy:
    """The company withdraws its consent to publish (or gives it again): a withdrawn case study
    leaves the public directory at once and is left out of every booklet printed after.
    `actor`: "" the company, else the staff member recording what the company said."""
    study = case_study(db, response, questionnaire, answers)
    with write_transaction(db):
        study.withdrawn_at = utcnow() if withdrawn else None
        study.updated_at = utcnow()
        db.add(study)
        audit(
            db,
            actor or COMPANY,
            "consent.withdraw" if withdrawn else "consent.give",
            "response",
            response.id,
        )
    db.refresh(study)
    return study


def printable():
    """What a case study needs to be printed and shown in the directory, besides the company's
    consent in its answers: approved, included by staff, not withdrawn. One rule for both."""
    return (
        Response.status == ResponseStatus.APPROVED,
        CaseStudy.included.is_(True),
        CaseStudy.withdrawn_at.is_(None),
    )


def entries_query():
    """Case studies with their response, company and round (see `printable`)."""
    return (
        select(CaseStudy, Response, Company, Round)
        .join(Response, CaseStudy.response_id == Response.id)
        .join(Round, Response.round_id == Round.id)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(*printable())
    )


def included_count(db: Session, round_ids: list[int]) -> int:
    """At most how many case studies a booklet of these rounds prints (consent is checked only
    when they are gathered): enough to choose how to render it."""
    query = (
        select(func.count(CaseStudy.id))
        .join(Response, CaseStudy.response_id == Response.id)
        .where(Response.round_id.in_(round_ids), *printable())
    )
    return int(db.exec(query).one())


def booklet_entries(db: Session, round_ids: list[int], registry: Registry) -> list[BookletEntry]:
    """Approved, included case studies of the rounds whose company (still) consents, in booklet order."""
    rows = db.exec(
        entries_query()
        .where(Response.round_id.in_(round_ids))
        .order_by(Round.id, CaseStudy.position, Response.id)
    ).all()
    entries = []
    for study, response, company, round_ in rows:
        questionnaire = registry.get(response.questionnaire_id, response.questionnaire_version)
        answers = load_answers(db, response.id)
        if consented(questionnaire, answers):  # consent withdrawn since inclusion: never print
            entries.append(BookletEntry(study, response, company, round_, questionnaire, answers))
    return entries
