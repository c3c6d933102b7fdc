"""The review workflow, internal notes and case studies (no web).

submitted → in review → approved, or returned to the company with comments;
a returned response opens again through the company's own link, and
resubmitting moves it back to submitted. Every step is a ReviewEvent and an
AuditEvent.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy import update
from sqlmodel import Session, select

from assess.accounts import audit
from assess.db import write_transaction
from assess.models import CaseStudy, Response, ReviewEvent, StaffUser, utcnow
from assess.questionnaire.model import NARRATIVE_KEYS, Questionnaire

ACTIONS = {
    # action: (statuses it applies to, status after)
    "start_review": (("submitted",), "in_review"),
    "return": (("submitted", "in_review", "approved"), "returned"),
    "approve": (("submitted", "in_review"), "approved"),
    "reopen": (("approved",), "in_review"),
}


class NotAllowed(Exception):
    """The action does not apply to the response in its present status."""


class ConsentMissing(Exception):
    """A case study may be printed only with the company's consent."""


def act(db: Session, response: Response, staff: StaffUser, action: str, comment: str = "") -> Response:
    allowed, after = ACTIONS.get(action, ((), ""))
    before = response.status
    if before not in allowed:
        raise NotAllowed(f"{action} does not apply to a {before} response")
    if action == "return" and not comment.strip():
        raise ValueError("a returned response needs a comment for the company")
    with write_transaction(db):
        # Guarded on the status read above, so two reviewers cannot both act.
        changed = db.exec(update(Response).where(Response.id == response.id, Response.status == before)
                          .values(status=after, revision=Response.revision + 1, updated_at=utcnow()))
        if changed.rowcount != 1:
            raise NotAllowed("the response changed meanwhile; reload it")
        db.add(ReviewEvent(response_id=response.id, staff_id=staff.id, action=action, comment=comment.strip(),
                           status_before=before, status_after=after))
        audit(db, staff.email, f"response.{action}", "response", response.id, before, after, comment.strip()[:500])
    db.refresh(response)
    return response


def add_note(db: Session, response: Response, staff: StaffUser, text: str) -> None:
    if not text.strip():
        raise ValueError("empty note")
    with write_transaction(db):
        db.add(ReviewEvent(response_id=response.id, staff_id=staff.id, action="note", comment=text.strip(), internal=True,
                           status_before=response.status, status_after=response.status))
        audit(db, staff.email, "response.note", "response", response.id, response.status, response.status)


def record_submit(db: Session, response_id: int, before: str) -> None:
    """Called inside the submit transaction: a resubmission after a return is a review event."""
    if before == "returned":
        db.add(ReviewEvent(response_id=response_id, action="resubmit", status_before=before, status_after="submitted"))
    audit(db, "company", "response.submit", "response", response_id, before, "submitted")


def history(db: Session, response_id: int, internal: bool) -> list[tuple[ReviewEvent, str]]:
    """Review events, oldest first, with the staff member's name; internal notes only for staff."""
    query = select(ReviewEvent, StaffUser.display_name).join(StaffUser, isouter=True).where(ReviewEvent.response_id == response_id)
    if not internal:
        query = query.where(ReviewEvent.internal == False)  # noqa: E712
    return [(event, name or "") for event, name in db.exec(query.order_by(ReviewEvent.at, ReviewEvent.id))]


def open_comments(db: Session, response: Response) -> list[str]:
    """Comments of the latest return, shown to the company while it is returned."""
    if response.status != "returned":
        return []
    event = db.exec(select(ReviewEvent).where(ReviewEvent.response_id == response.id, ReviewEvent.action == "return")
                    .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())).first()
    return [event.comment] if event and event.comment else []


def consented(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> set[str]:
    """The narrative parts the company agreed to publish."""
    question = questionnaire.roles.get("consent.publication")
    value = answers.get(question.id) if question else None
    return {v for v in value if v in NARRATIVE_KEYS} if isinstance(value, list) else set()


def company_narrative(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for key in NARRATIVE_KEYS:
        question = questionnaire.roles.get(f"narrative.{key}")
        value = answers.get(question.id) if question else None
        out[key] = str(value) if value is not None else ""
    return out


def case_study(db: Session, response: Response, questionnaire: Questionnaire, answers: Mapping[str, Any]) -> CaseStudy:
    """The saved case study, or a new one that starts from the company's own words."""
    found = db.exec(select(CaseStudy).where(CaseStudy.response_id == response.id)).first()
    return found or CaseStudy(response_id=response.id, **company_narrative(questionnaire, answers))


def save_case_study(db: Session, response: Response, staff: StaffUser, questionnaire: Questionnaire, answers: Mapping[str, Any],
                    texts: Mapping[str, str], included: bool, position: int) -> CaseStudy:
    if included and not consented(questionnaire, answers):
        raise ConsentMissing()
    if included and response.status != "approved":
        raise NotAllowed("only approved responses go into a booklet")
    study = case_study(db, response, questionnaire, answers)
    with write_transaction(db):
        for key in NARRATIVE_KEYS:
            setattr(study, key, texts.get(key, "").strip()[:8000])
        study.included, study.position, study.updated_at = included, position, utcnow()
        db.add(study)
        audit(db, staff.email, "case_study.save", "response", response.id, detail=f"included={included} position={position}")
    db.refresh(study)
    return study
