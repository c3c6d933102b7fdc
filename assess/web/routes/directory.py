"""The public directory: published rounds, their case studies, and the case studies' photos.

Pages may be kept by browsers and caches but are checked again on every visit (`no-cache`)
against an ETag of the page itself: a withdrawn consent shows at once, an unchanged page costs
a 304. Photos are addressed by their digest (?v=) and checked the same way. Everything not
shown by the directory is a 404, whatever the reason."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from assess.services.directory import (
    directory_index,
    public_case,
    public_photo,
    published_round,
    round_directory,
    round_view,
)
from assess.web.deps import DbDep, DefinitionsDep, LocaleDep, RowId, on_db
from assess.web.evidence import download, store
from assess.web.rendering import render

router = APIRouter()

# Pages and photos are kept but checked on every use (a cheap 304 while unchanged), so a
# withdrawal takes them down at once, in caches too.
PAGE_CACHE = "public, no-cache"
# Kept out of shared caches: a page that sets the language cookie (after ?lang=).
COOKIE_CACHE = "private, no-cache"


@router.get("/directory")
@on_db
def index(request: Request, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    rounds = directory_index(db, definitions.registry, locale)
    return _cached(request, render(request, "site/directory.html", {"rounds": rounds}))


@router.get("/directory/{slug}")
@on_db
def round_page(request: Request, slug: str, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep):
    round_ = published_round(db, slug)
    if round_ is None:
        raise HTTPException(404)
    entries = round_directory(db, round_, definitions, locale)
    context = {"round": round_view(round_, locale, len(entries)), "entries": entries}
    return _cached(request, render(request, "site/directory_round.html", context))


@router.get("/directory/{slug}/{public_key}")
@on_db
def case_page(
    request: Request, slug: str, public_key: str, db: DbDep, definitions: DefinitionsDep, locale: LocaleDep
):
    case = public_case(db, slug, public_key, definitions, locale)
    if case is None:
        raise HTTPException(404)
    return _cached(request, render(request, "site/directory_case.html", {"case": case}))


@router.get("/directory/{slug}/{public_key}/photos/{photo_id}")
@on_db
def photo(
    request: Request, slug: str, public_key: str, photo_id: RowId, db: DbDep, definitions: DefinitionsDep
):
    """The image as a download (an <img> still shows it), never sniffed, never run."""
    found = public_photo(db, slug, public_key, photo_id, definitions.registry)
    if found is None:
        raise HTTPException(404)
    etag = f'"{found.sha256[:32]}"'
    cache = PAGE_CACHE
    if _matches(request, etag):
        return Response(status_code=304, headers={"etag": etag, "cache-control": cache})
    extension = "png" if found.media_type == "image/png" else "jpg"
    response = download(
        store(request), found.stored, f"{found.kind}-{found.id}.{extension}", found.media_type
    )
    response.headers["cache-control"] = cache
    response.headers["etag"] = etag
    return response


def _cached(request: Request, page: Response) -> Response:
    """The page with its ETag, or 304 when the visitor holds the same page."""
    etag = f'"{hashlib.sha256(page.body).hexdigest()[:32]}"'
    headers = {
        "etag": etag,
        "cache-control": COOKIE_CACHE if "set-cookie" in page.headers else PAGE_CACHE,
        "vary": "Cookie",  # the language may come from the cookie
    }
    if not _matches(request, etag):
        page.headers.update(headers)
        return page
    not_modified = Response(status_code=304, headers=headers)
    for cookie in page.headers.getlist("set-cookie"):
        not_modified.headers.append("set-cookie", cookie)
    return not_modified


def _matches(request: Request, etag: str) -> bool:
    sent = request.headers.get("if-none-match", "")
    tags = {t.strip().removeprefix("W/") for t in sent.split(",")}
    return etag in tags or "*" in tags
