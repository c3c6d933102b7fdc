"""Interview mode: a staff member fills in an invited company's response with it, page by
page, or enters the company's paper form.

The staff member works on the company's own pages through the company's private link (an
invitation's link can be shown again, so only invited companies can be interviewed), with
a signed marker that ties the interview to the staff member and the response. Saves made
under the marker record the staff member as the one who entered the answers; the company
can take the link over at any point and continues alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session, select

from assess.db import write_transaction
from assess.i18n import N_
from assess.models import Answer, Invitation, Response, Round, StaffUser
from assess.questionnaire.registry import Registry
from assess.services.audit import audit
from assess.services.errors import InvalidInput, NotAllowed
from assess.services.inputs import plain_date
from assess.services.invitations import start_from_invitation
from assess.services.tokens import invitation_token, sign, signed
from assess.vocab import EDITABLE

PURPOSE = "interview"
JST = timezone(timedelta(hours=9), "JST")


class NotInvited(NotAllowed):
    code = "interview_not_invited"
    message = N_(
        "Only an invited company's response can be filled in with it: its invitation link is the "
        "private link you hand over."
    )


class NotEditable(NotAllowed):
    code = "interview_not_editable"
    message = N_("This response has been submitted; it can be filled in again once it is returned.")


class PaperDateInvalid(InvalidInput):
    code = "paper_date"
    message = N_("Enter the date of the paper form, such as 2026-03-31, no later than today.")


def company_token(db: Session, response: Response, secret: str) -> str | None:
    """The company's private link token, for an invited response; None otherwise."""
    invitation = db.exec(select(Invitation).where(Invitation.response_id == response.id)).first()
    if invitation is None or not invitation.nonce:
        return None
    return invitation_token(secret, invitation.nonce)


def paper_date(text: str) -> date | None:
    """The paper form's date as typed ("" for none); refuses a malformed or future date."""
    if not text.strip():
        return None
    found = plain_date(text, high=datetime.now(JST).date())
    if found is None:
        raise PaperDateInvalid()
    return found


def begin(db: Session, response: Response, staff: StaffUser, secret: str, paper_on: date | None) -> str:
    """Start interviewing on an invited, editable response; the company's token."""
    token = company_token(db, response, secret)
    if token is None:
        raise NotInvited()
    if response.status not in EDITABLE:
        raise NotEditable()
    with write_transaction(db):
        if paper_on is not None:
            response.paper_on = paper_on
            db.add(response)
        detail = f"from paper dated {paper_on.isoformat()}" if paper_on else ""
        audit(db, staff.email, "response.interview", "response", response.id, detail=detail)
    return token


def begin_invitation(
    db: Session,
    invitation: Invitation,
    registry: Registry,
    staff: StaffUser,
    secret: str,
    paper_on: date | None,
    locale: str,
) -> tuple[Response, str]:
    """Start the invited company's response (carried forward as usual) and interview on it."""
    round_ = db.get(Round, invitation.round_id)
    token = invitation_token(secret, invitation.nonce)
    response = start_from_invitation(db, invitation, round_, registry, locale, token)
    return response, begin(db, response, staff, secret, paper_on)


def end(db: Session, response: Response, staff: StaffUser) -> None:
    with write_transaction(db):
        audit(db, staff.email, "response.interview_end", "response", response.id)


def marker(secret: str, user_id: int, response_id: int) -> str:
    """The interview marker's value: who interviews on which response, signed."""
    text = f"{user_id}.{response_id}"
    return f"{text}.{sign(secret, PURPOSE, text)}"


def read_marker(secret: str, value: str) -> tuple[int, int] | None:
    """(staff user id, response id) of a genuine marker, else None."""
    parts = value.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) < 12 for p in parts[:2]):
        return None
    if not signed(secret, PURPOSE, f"{parts[0]}.{parts[1]}", parts[2]):
        return None
    return int(parts[0]), int(parts[1])


def staff_entered(db: Session, response_id: int) -> dict[str, str]:
    """Question id → the staff member's e-mail, for the answers staff entered."""
    rows = db.exec(
        select(Answer.question_id, Answer.entered_by).where(
            Answer.response_id == response_id, Answer.entered_by != ""
        )
    ).all()
    return {qid.split(".")[0]: who for qid, who in rows}
