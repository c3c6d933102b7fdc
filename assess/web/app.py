"""The app factory: nothing is created at import time."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from assess import db
from assess.config import Settings
from assess.practices import load_checked
from assess.questionnaire.registry import Registry, load_directory
from assess.services import register_versions
from assess.web.middleware import LocaleAndHeaders
from assess.web.routes import results, site, survey
from assess.web.templating import make_environment, render

STATIC_DIR = __import__("pathlib").Path(__file__).resolve().parent.parent / "static"
log = logging.getLogger("assess")


def create_app(settings: Settings | None = None, registry: Registry | None = None) -> FastAPI:
    settings = settings or Settings()
    app = FastAPI(title="assess", docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    app.state.settings = settings
    app.state.secret_key = settings.resolved_secret_key()
    app.state.engine = db.make_engine(settings.db_url)
    db.upgrade(app.state.engine)
    app.state.registry = registry if registry is not None else load_directory(settings.questionnaire_dir)
    register_versions(app.state.engine, app.state.registry)
    app.state.practices = load_checked(app.state.registry.all(), settings.practices_file)
    app.state.templates = make_environment()
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(site.router)
    app.include_router(survey.router)
    app.include_router(results.router)
    _install_error_pages(app)
    app.add_middleware(LocaleAndHeaders, default_locale=settings.default_locale)
    return app


def _install_error_pages(app: FastAPI) -> None:
    # Respondents and staff see a page in their language, never a traceback.
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if request.url.path.startswith("/api/"):
            from fastapi.responses import JSONResponse

            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None))
        return render(request, "site/error.html", {"status": exc.status_code, "detail": exc.detail}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        return render(request, "site/error.html", {"status": 400, "detail": None}, 400)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        log.exception("unhandled error on %s", request.url.path)
        return render(request, "site/error.html", {"status": 500, "detail": None}, 500)


def factory() -> FastAPI:
    """Entry point for uvicorn --factory (each worker builds its own app)."""
    return create_app(Settings())
