"""The application: the web front end with PDF printing plugged in.

This is where the front ends meet, so that `web` and `pdf` never import each
other. `assess serve` runs `factory` in every worker process.
"""

from __future__ import annotations

from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI

from assess.config import Settings
from assess.pdf.printer import PdfPrinter
from assess.services.attachments import store_of
from assess.services.mail_worker import MailWorker
from assess.services.outbox import Links
from assess.services.startup import load_definitions
from assess.web.app import create_web_app


def create_app(settings: Settings | None = None, *, mail_every: float | None = None) -> FastAPI:
    """The app; with `mail_every` (seconds), its process competes to be the mail sender."""
    settings = settings or Settings()
    definitions = load_definitions(settings)
    printer = PdfPrinter(definitions, photo_store=store_of(settings.data_dir))
    app = create_web_app(settings, definitions, printer)
    if mail_every is not None:
        _run_mail_worker(app, mail_every)
    return app


def _run_mail_worker(app: FastAPI, every: float) -> None:
    context = app.state.context
    links = Links(context.settings.public_url, context.secret)
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(application):
        worker = MailWorker(context.engine, context.settings, links, every).start()
        try:
            async with inner(application) as state:
                yield state
        finally:
            await anyio.to_thread.run_sync(worker.stop)

    app.router.lifespan_context = lifespan


def factory() -> FastAPI:
    """Entry point for uvicorn --factory (each worker builds its own app and competes
    to be the one that sends mail)."""
    return create_app(Settings(), mail_every=10.0)
