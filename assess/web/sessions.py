"""Staff sessions: a signed, expiring cookie naming the account."""

from __future__ import annotations

import hashlib
import hmac
import time

from fastapi import Request
from sqlmodel import Session

from assess.models import StaffUser

SESSION_COOKIE = "staff_session"


class StaffRequired(Exception):
    """No valid staff session: HTML pages redirect to the login, the API says 401."""


class AdminRequired(Exception):
    pass


def _signature(secret: str, payload: str) -> str:
    return hmac.new(secret.encode("utf-8"), b"session:" + payload.encode("utf-8"), hashlib.sha256).hexdigest()


def set_session(response, user: StaffUser, secret: str, max_age: int, secure: bool) -> None:
    payload = f"{user.id}.{int(time.time()) + max_age}"
    response.set_cookie(
        SESSION_COOKIE,
        f"{payload}.{_signature(secret, payload)}",
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def clear_session(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_user(request: Request, db: Session, secret: str) -> StaffUser | None:
    parts = request.cookies.get(SESSION_COOKIE, "").split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) > 10:
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature(secret, payload)) or int(parts[1]) < time.time():
        return None
    user = db.get(StaffUser, int(parts[0]))
    return user if user is not None and user.active else None
