"""Per-request locale and security headers, as plain ASGI middleware."""

from __future__ import annotations

import contextlib
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, unquote_plus

from starlette.requests import Request

from assess.definitions.characters import forbidden_character
from assess.i18n import LOCALES, normalize_locale
from assess.services.attachments import MAX_UPLOAD_BODY, UPLOAD_PATH, FileTooLarge, limits
from assess.services.errors import TooLarge, UnstorableText
from assess.services.photos import MAX_PHOTO_BODY, PHOTO_UPLOAD_PATH, PhotoTooLarge, refusal_limits
from assess.web.errors import refused, server_error

SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


MAX_BODY = 5_000_000  # bytes: the largest upload (2 MB) and form fields, with room to spare

# Private links, the staff workspace, the API and downloads are never kept in a cache.
PRIVATE_PATHS = ("/s/", "/i/", "/staff", "/api/")


class LocaleAndHeaders:
    """Chooses the language (?lang=, then the lang cookie, then the default) and adds
    security headers to every response, error pages included."""

    def __init__(self, app, default_locale: str = "ja"):
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        self._choose_locale(scope)
        send = HeaderSender(send, private=scope.get("path", "").startswith(PRIVATE_PATHS))
        problem = UnstorableText() if _unstorable(scope) else _too_large(scope)
        if problem is not None:
            # Refused before any route sees it, with the same page and headers as the rest.
            response = await refused(Request(scope, receive), problem)
            response.status_code = 413 if isinstance(problem, TooLarge) else response.status_code
            return await response(scope, receive, send)
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            # Answered here rather than by Starlette's outermost error handler, so the
            # error page carries the same headers as every other page.
            if send.started:
                raise
            response = await server_error(Request(scope, receive), exc)
            await response(scope, receive, send)

    def _choose_locale(self, scope) -> None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = (query.get("lang") or [None])[0]
        state = scope.setdefault("state", {})
        # Whether the visitor chose a language (the link or the cookie), or gets the default.
        state["locale_chosen"] = asked in LOCALES
        if asked in LOCALES:
            state["locale"], state["set_locale_cookie"] = asked, True
            return
        cookie = SimpleCookie()
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                with contextlib.suppress(Exception):  # a malformed cookie header must not break the page
                    cookie.load(value.decode("latin-1"))
        stored = cookie.get("lang")
        state["locale"] = normalize_locale(stored.value if stored else None, self.default_locale)
        state["locale_chosen"] = stored is not None and stored.value in LOCALES


class HeaderSender:
    """The `send` of a request, adding the security headers (and no-store where private)."""

    def __init__(self, send, private: bool):
        self.send, self.private, self.started = send, private, False

    async def __call__(self, message):
        if message["type"] == "http.response.start":
            self.started = True
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            if b"cache-control" not in present and (self.private or b"content-disposition" in present):
                headers.append((b"cache-control", b"no-store"))
            message["headers"] = headers
        await self.send(message)


def _unstorable(scope) -> bool:
    """Whether the path or query holds characters no database keeps (a NUL, say)."""
    query = unquote_plus(scope.get("query_string", b"").decode("latin-1"), encoding="utf-8", errors="replace")
    return bool(forbidden_character(scope.get("path", "")) or forbidden_character(query))


def _too_large(scope) -> TooLarge | None:
    """A body announced larger than any form of the app takes (uploads included); an attachment
    or photo upload may be larger (services.attachments, services.photos), and is refused with
    its own message."""
    path = scope.get("path", "")
    limit, refusal = MAX_BODY, TooLarge
    if UPLOAD_PATH.match(path):
        limit, refusal = MAX_UPLOAD_BODY, lambda: FileTooLarge(**limits())
    elif PHOTO_UPLOAD_PATH.match(path):
        limit, refusal = MAX_PHOTO_BODY, lambda: PhotoTooLarge(**refusal_limits())
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            if not value.isdigit() or len(value) > 12 or int(value) > limit:
                return refusal()
            return None
    return None
