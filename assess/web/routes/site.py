"""Public pages that are not part of a survey: home, about, health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse

from assess.web.deps import LocaleDep, RegistryDep
from assess.web.templating import render

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/")
def home(request: Request, registry: RegistryDep, locale: LocaleDep):
    questionnaires = [
        {
            "id": q.id,
            "version": q.version,
            "title": q.title.get(locale),
            "description": q.description.get(locale),
            "sections": len(q.sections),
            "questions": len(q.questions),
            "minutes": q.estimated_minutes,
            "hash": q.content_hash[:12],
        }
        for q in registry.all()
    ]
    return render(request, "site/home.html", {"questionnaires": questionnaires})
