"""WeasyPrint may fetch only the app's own static files.

Print templates refer to them as `assess-static:/print/print.css`. Any other
URL (http, https, file, data, other paths) is refused and recorded, so a
case-study text can never make the renderer read a local file or call out.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()
SCHEME = "assess-static:"


class RefusedFetch(ValueError):
    pass


class StaticFetcher(URLFetcher):
    def __init__(self):
        super().__init__(allowed_protocols=())
        self.refused: list[str] = []

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        if url.startswith(SCHEME):
            path = (STATIC / url[len(SCHEME) :].split("?")[0].lstrip("/")).resolve()
            if path.is_file() and STATIC in path.parents:
                mime, _ = mimetypes.guess_type(path.name)
                return URLFetcherResponse(
                    url, path.read_bytes(), {"Content-Type": mime or "application/octet-stream"}
                )
        self.refused.append(url[:200])
        raise RefusedFetch(f"refused to fetch {url[:200]!r}: only the app's own static files are allowed")
