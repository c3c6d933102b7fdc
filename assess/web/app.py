"""The app factory: nothing is created at import time."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assess import db
from assess.config import Settings
from assess.practices import load_checked
from assess.questionnaire.registry import Registry, load_directory
from assess.services import register_versions
from urllib.parse import quote

from assess.web.auth import AdminRequired, StaffRequired
from assess.web.deps import set_db_threads
from assess.web.middleware import LocaleAndHeaders
from assess.web.routes import api, results, site, staff_admin, staff_auth, staff_responses, staff_rounds, survey
from assess.web.templating import make_environment, render

STATIC_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "static"
log = logging.getLogger("assess")


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings()
    # The interactive docs page of FastAPI loads scripts from a CDN, which the
    # Content-Security-Policy (and offline installations) forbid: /api/docs
    # renders the same OpenAPI schema on the server instead.
    app = FastAPI(title="assess API", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.secret_key = settings.resolved_secret_key()
    app.state.engine = db.make_engine(settings.db_url)
    set_db_threads(app.state.engine, settings.db_threads)
    db.upgrade(app.state.engine)
    app.state.registry = registry if registry is not None else load_directory(settings.questionnaire_dir)
    register_versions(app.state.engine, app.state.registry)
    app.state.practices = load_checked(app.state.registry.all(), settings.practices_file)
    app.state.templates = make_environment()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in (site, survey, results, staff_auth, staff_responses, staff_rounds, staff_admin):
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router)
    _install_error_pages(app)
    app.add_middleware(LocaleAndHeaders, default_locale=settings.default_locale)
    return app


def _install_error_pages(app: FastAPI) -> None:
    # Respondents and staff see a page in their language, never a traceback.
    @app.exception_handler(StaffRequired)
    async def login_required(request: Request, exc: StaffRequired):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "authentication required"}, status_code=401, headers={"www-authenticate": "Bearer"})
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="")
        return RedirectResponse(f"/staff/login?next={target}", status_code=303)

    @app.exception_handler(AdminRequired)
    async def admin_required(request: Request, exc: AdminRequired):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "administrators only"}, status_code=403)
        return render(request, "site/error.html", {"status": 403, "detail": "admin"}, 403)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return render(request, "site/error.html", {"status": exc.status_code, "detail": exc.detail}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        if request.url.path.startswith("/api/"):  # as the OpenAPI schema documents it
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return render(request, "site/error.html", {"status": 400, "detail": None}, 400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return render(request, "site/error.html", {"status": 500, "detail": None}, 500)


def factory() -> FastAPI:
    """Entry point for uvicorn --factory (each worker builds its own app)."""
    return create_app(Settings())
