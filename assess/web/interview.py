"""Interview mode on the web: a cookie, scoped to the company's link, that marks the pages a
staff member fills in with the company (see assess.services.interviews)."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from assess.models import Response, StaffUser
from assess.services.interviews import marker, read_marker
from assess.web.sessions import session_user

COOKIE = "assess_interview"


def set_marker(reply, token: str, secret: str, staff: StaffUser, response: Response, secure: bool) -> None:
    # Scoped to the company's pages: the staff workspace and other links never see it.
    reply.set_cookie(
        COOKIE,
        marker(secret, staff.id, response.id),
        httponly=True,
        samesite="lax",
        secure=secure,
        path=f"/s/{token}",
    )


def clear_marker(reply, token: str) -> None:
    reply.delete_cookie(COOKIE, path=f"/s/{token}")


def interviewer(request: Request, db: Session, secret: str, response: Response) -> StaffUser | None:
    """The staff member interviewing on this response: a genuine marker for it and that
    member's live session in the same browser. Anyone else is the company."""
    found = read_marker(secret, request.cookies.get(COOKIE, ""))
    if found is None or found[1] != response.id:
        return None
    staff = session_user(request, db)
    return staff if staff is not None and staff.id == found[0] else None
