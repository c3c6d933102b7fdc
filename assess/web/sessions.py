"""Staff sessions on the web: the cookie carries the session's random token; the
session itself lives in the database (assess.services.sessions)."""

from __future__ import annotations

from fastapi import Request
from sqlmodel import Session

from assess.models import StaffUser
from assess.services import sessions

SESSION_COOKIE = "staff_session"


class StaffRequired(Exception):
    """No valid staff session: HTML pages redirect to the login, the API says 401."""


class AdminRequired(Exception):
    pass


def set_session(response, token: str, max_age: int, secure: bool) -> None:
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, httponly=True, samesite="lax", secure=secure, path="/"
    )


def clear_session(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_token(request: Request) -> str:
    return request.cookies.get(SESSION_COOKIE, "")


def session_user(request: Request, db: Session) -> StaffUser | None:
    token = session_token(request)
    return sessions.session_user(db, token) if token else None
