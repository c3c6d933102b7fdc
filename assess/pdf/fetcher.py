"""WeasyPrint may fetch only the app's own static files, and case-study photos.

Print templates refer to static files as `assess-static:/print/print.css`, and to a
photo as `assess-photo:/<stored key>` (its normalised bytes in the attachment store,
given when the fetcher is made; a key is checked against the store's pattern, so it
cannot lead elsewhere). Any other URL (http, https, file, data, other paths) is
refused and recorded, so a case-study text can never make the renderer read a local
file or call out.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

from assess.services.photos import PHOTO_TYPES, stored_path

STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()
SCHEME = "assess-static:"
PHOTO_SCHEME = "assess-photo:"


class RefusedFetch(ValueError):
    pass


class StaticFetcher(URLFetcher):
    def __init__(self, photo_store: Path | None = None):
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []
        self.photo_store = photo_store

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(PHOTO_SCHEME) and self.photo_store is not None:
            found = self._photo(url[len(PHOTO_SCHEME) :].split("?")[0].lstrip("/"))
            if found is not None:
                return URLFetcherResponse(url, found[0], {"Content-Type": found[1]})
        if url.startswith(SCHEME):
            path = (STATIC / url[len(SCHEME) :].split("?")[0].lstrip("/")).resolve()
            if path.is_file() and STATIC in path.parents:
                mime, _ = mimetypes.guess_type(path.name)
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url[:200])
        raise RefusedFetch(f"refused to fetch {url[:200]!r}: only the app's own static files are allowed")

    def _photo(self, key: str) -> tuple[bytes, str] | None:
        path = stored_path(self.photo_store, key) if self.photo_store else None
        if path is None or not path.is_file():
            return None
        data = path.read_bytes()
        for media_type, signature in PHOTO_TYPES.items():
            if data.startswith(signature):  # only what the store keeps for photos: JPEG or PNG
                return data, media_type
        return None
