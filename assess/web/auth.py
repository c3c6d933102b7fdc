"""Staff sessions: a signed, expiring cookie; API tokens for the JSON API."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Annotated

from fastapi import Depends, Request

from assess.accounts import api_token_user
from assess.models import StaffUser
from assess.web.deps import DbDep

SESSION_COOKIE = "staff_session"


class StaffRequired(Exception):
    """No valid staff session: HTML pages redirect to the login, the API says 401."""


class AdminRequired(Exception):
    pass


def _signature(request: Request, payload: str) -> str:
    key = request.app.state.secret_key.encode("utf-8")
    return hmac.new(key, b"session:" + payload.encode("utf-8"), hashlib.sha256).hexdigest()


def set_session(request: Request, response, user: StaffUser) -> None:
    max_age = request.app.state.settings.session_max_age
    payload = f"{user.id}.{int(time.time()) + max_age}"
    response.set_cookie(SESSION_COOKIE, f"{payload}.{_signature(request, payload)}", max_age=max_age,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/")


def clear_session(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def session_user(request: Request, db) -> StaffUser | None:
    value = request.cookies.get(SESSION_COOKIE, "")
    parts = value.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    payload = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(parts[2], _signature(request, payload)) or int(parts[1]) < time.time():
        return None
    user = db.get(StaffUser, int(parts[0]))
    return user if user is not None and user.active else None


def get_staff(request: Request, db: DbDep) -> StaffUser:
    user = session_user(request, db)
    if user is None:
        raise StaffRequired()
    request.state.staff = user
    return user


def get_admin(user: Annotated[StaffUser, Depends(get_staff)]) -> StaffUser:
    if user.role != "admin":
        raise AdminRequired()
    return user


def get_api_user(request: Request, db: DbDep) -> StaffUser:
    """A staff session, or `Authorization: Bearer <token>` from an admin-made token."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = api_token_user(db, header[7:].strip())
    else:
        user = session_user(request, db)
    if user is None:
        raise StaffRequired()
    return user


StaffDep = Annotated[StaffUser, Depends(get_staff)]
AdminDep = Annotated[StaffUser, Depends(get_admin)]
ApiUserDep = Annotated[StaffUser, Depends(get_api_user)]
