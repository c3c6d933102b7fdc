"""The review workflow and internal notes.

submitted → in review → approved, or returned to the company with comments;
a returned response opens again through the company's own link, and
resubmitting moves it back to submitted. Every step is a ReviewEvent and an
AuditEvent.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import update
from sqlmodel import Session, select

from assess.db import write_transaction
from assess.models import Response, ReviewEvent, StaffUser, utcnow
from assess.services.attachments import add_requests, check_documents
from assess.services.audit import audit
from assess.services.errors import CommentRequired, EmptyNote, NotAllowed
from assess.services.mail_events import queue_review_notice
from assess.vocab import ResponseStatus, ReviewAction

S = ResponseStatus
# action: (statuses it applies to, status after)
STEPS: dict[ReviewAction, tuple[tuple[ResponseStatus, ...], ResponseStatus]] = {
    ReviewAction.START_REVIEW: ((S.SUBMITTED,), S.IN_REVIEW),
    ReviewAction.RETURN: ((S.SUBMITTED, S.IN_REVIEW, S.APPROVED), S.RETURNED),
    ReviewAction.APPROVE: ((S.SUBMITTED, S.IN_REVIEW), S.APPROVED),
    ReviewAction.REOPEN: ((S.APPROVED,), S.IN_REVIEW),
}


def steps_for(status: str) -> list[ReviewAction]:
    """The review steps a response in this status can take."""
    return [action for action, (allowed, _) in STEPS.items() if status in allowed]


def act(
    db: Session,
    response: Response,
    staff: StaffUser,
    action: str,
    comment: str = "",
    documents: Sequence[tuple[str, str]] = (),
) -> Response:
    """One review step; `documents`, (question id, note) pairs, are asked for with a return."""
    step = ReviewAction(action) if action in STEPS else None
    before = response.status
    if step is None or before not in STEPS[step][0]:
        raise NotAllowed()
    after = STEPS[step][1]
    if step == ReviewAction.RETURN and not comment.strip():
        raise CommentRequired()
    check_documents(documents, returning=step == ReviewAction.RETURN)
    with write_transaction(db):
        # Guarded on the status read above, so two reviewers cannot both act.
        changed = db.exec(
            update(Response)
            .where(Response.id == response.id, Response.status == before)
            .values(status=after, revision=Response.revision + 1, updated_at=utcnow())
        )
        if changed.rowcount != 1:
            raise NotAllowed()
        event = ReviewEvent(
            response_id=response.id,
            staff_id=staff.id,
            action=step,
            comment=comment.strip(),
            status_before=before,
            status_after=after,
        )
        db.add(event)
        db.flush()
        queue_review_notice(db, response, step, comment.strip(), event.id)
        audit(
            db, staff.email, f"response.{step}", "response", response.id, before, after, comment.strip()[:500]
        )
        add_requests(db, response.id, staff.email, documents)
    db.refresh(response)
    return response


def add_note(db: Session, response: Response, staff: StaffUser, text: str) -> None:
    if not text.strip():
        raise EmptyNote()
    with write_transaction(db):
        db.add(
            ReviewEvent(
                response_id=response.id,
                staff_id=staff.id,
                action=ReviewAction.NOTE,
                comment=text.strip(),
                internal=True,
                status_before=response.status,
                status_after=response.status,
            )
        )
        audit(db, staff.email, "response.note", "response", response.id, response.status, response.status)


def history(db: Session, response_id: int, internal: bool) -> list[tuple[ReviewEvent, str]]:
    """Review events, oldest first, with the staff member's name; internal notes only for staff."""
    query = (
        select(ReviewEvent, StaffUser.display_name)
        .join(StaffUser, isouter=True)
        .where(ReviewEvent.response_id == response_id)
    )
    if not internal:
        query = query.where(ReviewEvent.internal == False)  # noqa: E712
    return [(event, name or "") for event, name in db.exec(query.order_by(ReviewEvent.at, ReviewEvent.id))]


def open_comments(db: Session, response: Response) -> list[str]:
    """Comments of the latest return, shown to the company while it is returned."""
    if response.status != ResponseStatus.RETURNED:
        return []
    event = db.exec(
        select(ReviewEvent)
        .where(ReviewEvent.response_id == response.id, ReviewEvent.action == ReviewAction.RETURN)
        .order_by(ReviewEvent.at.desc(), ReviewEvent.id.desc())
    ).first()
    return [event.comment] if event and event.comment else []
