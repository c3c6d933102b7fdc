"""Public pages that are not part of a survey: home, about, health check."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, PlainTextResponse

from assess.presentation.sources import sources_html
from assess.resources import STATIC_DIR
from assess.web.deps import DefinitionsDep, LocaleDep
from assess.web.rendering import render

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> PlainTextResponse:  # async: no thread hop, answers promptly under load
    return PlainTextResponse("ok")


@router.api_route("/favicon.ico", methods=["GET", "HEAD"], include_in_schema=False)
async def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico on their own: the same SVG the pages link."""
    return FileResponse(
        STATIC_DIR / "img" / "favicon.svg",
        media_type="image/svg+xml",
        headers={"cache-control": "public, max-age=86400"},
    )


@router.get("/")
def home(request: Request, definitions: DefinitionsDep, locale: LocaleDep):
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
        for q in definitions.registry.all()
    ]
    return render(request, "site/home.html", {"questionnaires": questionnaires})


@router.get("/about")
def about(request: Request, definitions: DefinitionsDep):
    practices = definitions.practices
    links = [link for p in practices.practices.values() for link in p.links]
    stats = {
        "practices": len(practices.practices),
        "links": len(links),
        "targets": len({link.target for link in links}),
        "goals": len({link.goal for link in links}),
        "questionnaires": len(definitions.registry.all()),
    }
    return render(request, "site/about.html", {"stats": stats, "sources": sources_html()})


@router.get("/api/docs")
def api_docs(request: Request):
    """The JSON API's OpenAPI schema as a readable page."""
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, spec in methods.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": spec.get("summary", ""),
                    "parameters": [
                        (p["name"], p["in"], p.get("required", False)) for p in spec.get("parameters", [])
                    ],
                    "returns": next(
                        iter(
                            spec.get("responses", {})
                            .get("200", {})
                            .get("content", {})
                            .get("application/json", {})
                            .get("schema", {})
                            .values()
                        ),
                        "",
                    ),
                }
            )
    models = {
        name: list(model.get("properties", {}))
        for name, model in schema.get("components", {}).get("schemas", {}).items()
    }
    return render(request, "site/api_docs.html", {"endpoints": endpoints, "models": models})
