"""Error pages: respondents and staff see a page in their language, never a traceback;
the JSON API answers in JSON."""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assess.services.errors import DomainError, InvalidInput, TooManyStarts
from assess.web.rendering import redirect, render
from assess.web.sessions import AdminRequired, StaffRequired

log = logging.getLogger("assess")


def _api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StaffRequired, login_required)
    app.add_exception_handler(AdminRequired, admin_required)
    app.add_exception_handler(DomainError, refused)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, bad_request)
    app.add_exception_handler(Exception, server_error)


async def login_required(request: Request, exc: Exception):
    if _api(request):
        return JSONResponse(
            {"detail": "authentication required"}, status_code=401, headers={"www-authenticate": "Bearer"}
        )
    target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
    return redirect(f"/staff/login?next={target}")


async def admin_required(request: Request, exc: Exception):
    if _api(request):
        return JSONResponse({"detail": "administrators only"}, status_code=403)
    return render(request, "site/error.html", {"status": 403, "detail": "admin"}, 403)


async def refused(request: Request, exc: Exception):
    """A rule refused the request and no page handled it: say which rule."""
    assert isinstance(exc, DomainError)
    locale = getattr(request.state, "locale", "ja")
    # Bad input, too many requests, or a rule refused it.
    status = 400 if isinstance(exc, InvalidInput) else 429 if isinstance(exc, TooManyStarts) else 409
    if _api(request):
        return JSONResponse({"detail": exc.text("en")}, status_code=status)
    return render(
        request,
        "site/error.html",
        {"status": status, "detail": exc.code, "message": exc.text(locale)},
        status,
    )


async def http_error(request: Request, exc: Exception):
    assert isinstance(exc, StarletteHTTPException)
    if _api(request):
        return JSONResponse(
            {"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )
    return render(
        request, "site/error.html", {"status": exc.status_code, "detail": exc.detail}, exc.status_code
    )


async def bad_request(request: Request, exc: Exception):
    assert isinstance(exc, RequestValidationError)
    if _api(request):  # as the OpenAPI schema documents it
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    return render(request, "site/error.html", {"status": 400, "detail": None}, 400)


async def server_error(request: Request, exc: Exception):
    log.exception("unhandled error on %s", request.url.path)
    return render(request, "site/error.html", {"status": 500, "detail": None}, 500)
