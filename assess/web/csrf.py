"""CSRF protection for every state-changing form.

A random value lives in an HttpOnly cookie; forms carry its HMAC under the
app's secret key, so a page on another site can neither read nor forge it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from fastapi import APIRouter, Depends, HTTPException, Request

CSRF_COOKIE = "csrf"
CSRF_FIELD = "csrf_token"


def _sign(request: Request, value: str) -> str:
    key = request.app.state.context.secret.encode("utf-8")
    return hmac.new(key, b"csrf:" + value.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    """The token for forms on this page; sets the cookie when there is none."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not value or len(value) > 100:
        value = secrets.token_urlsafe(24)
        request.state.new_csrf = value
    return _sign(request, value)


def set_csrf_cookie(request: Request, response) -> None:
    value = getattr(request.state, "new_csrf", None)
    if value:
        response.set_cookie(
            CSRF_COOKIE, value, httponly=True, samesite="lax", secure=request.url.scheme == "https", path="/"
        )


async def require_csrf(request: Request) -> None:
    """Dependency: refuse a POST whose form token does not match the cookie."""
    if request.method != "POST":
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    form = await request.form()
    sent = form.get(CSRF_FIELD, "")
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, _sign(request, cookie)):
        raise HTTPException(status_code=403, detail="csrf")


class FormRouter(APIRouter):
    """A router whose state-changing routes all check the CSRF token; GET
    routes skip the check and its cost."""

    def add_api_route(self, path, endpoint, *, methods=None, dependencies=None, **kwargs):
        if methods and {m.upper() for m in methods} & {"POST", "PUT", "PATCH", "DELETE"}:
            dependencies = [*(dependencies or []), Depends(require_csrf)]
        super().add_api_route(path, endpoint, methods=methods, dependencies=dependencies, **kwargs)
