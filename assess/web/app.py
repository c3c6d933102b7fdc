"""The web front end's factory: nothing is created at import time."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from assess import db
from assess.config import Settings
from assess.resources import STATIC_DIR
from assess.services.printing import Printer
from assess.services.startup import Definitions, refresh_cached_scores, register_versions
from assess.templating import make_environment
from assess.web.deps import AppContext, set_db_threads
from assess.web.errors import install_error_pages
from assess.web.middleware import LocaleAndHeaders
from assess.web.routes import (
    actions,
    admin_audit,
    api,
    api_companies,
    attachments,
    contacts,
    directory,
    photos,
    results,
    site,
    staff_admin,
    staff_auth,
    staff_companies,
    staff_home,
    staff_interview,
    staff_invitations,
    staff_mail,
    staff_paper,
    staff_responses,
    staff_rounds,
    survey,
)

PAGE_ROUTERS = (
    site,
    survey,
    results,
    actions,
    staff_auth,
    staff_home,  # before staff_responses: GET /staff is the dashboard
    staff_responses,
    staff_rounds,
    staff_invitations,
    staff_companies,
    staff_admin,
    staff_interview,
    staff_paper,
    attachments,
    admin_audit,
    contacts,
    staff_mail,
    photos,
    directory,
)


def create_web_app(settings: Settings, definitions: Definitions, printer: Printer) -> FastAPI:
    # FastAPI's interactive docs page loads scripts from a CDN, which the
    # Content-Security-Policy (and offline installations) forbid: /api/docs
    # renders the same OpenAPI schema on the server instead.
    app = FastAPI(
        title="assess API", version="1", docs_url=None, redoc_url=None, openapi_url="/api/openapi.json"
    )
    engine = db.make_engine(settings.db_url)
    set_db_threads(engine, settings.db_threads)
    db.upgrade(engine)
    register_versions(engine, definitions.registry)
    refresh_cached_scores(engine, definitions)
    app.state.context = AppContext(
        settings=settings,
        secret=settings.resolved_secret_key(),
        engine=engine,
        definitions=definitions,
        templates=make_environment(),
        printer=printer,
    )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for module in PAGE_ROUTERS:
        app.include_router(module.router, include_in_schema=False)
    app.include_router(api.router)
    app.include_router(api_companies.router)
    install_error_pages(app)
    app.add_middleware(LocaleAndHeaders, default_locale=settings.default_locale)
    return app
