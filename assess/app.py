"""The application: the web front end with PDF printing plugged in.

This is where the front ends meet, so that `web` and `pdf` never import each
other. `assess serve` runs `factory` in every worker process.
"""

from __future__ import annotations

from fastapi import FastAPI

from assess.config import Settings
from assess.pdf.printer import PdfPrinter
from assess.services.startup import load_definitions
from assess.web.app import create_web_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    definitions = load_definitions(settings)
    return create_web_app(settings, definitions, PdfPrinter(definitions))


def factory() -> FastAPI:
    """Entry point for uvicorn --factory (each worker builds its own app)."""
    return create_app(Settings())
