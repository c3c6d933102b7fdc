"""Per-request locale and security headers, as plain ASGI middleware."""

from __future__ import annotations

import contextlib
from http.cookies import SimpleCookie
from urllib.parse import parse_qs

from assess.i18n import LOCALES, normalize_locale

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


class LocaleAndHeaders:
    """Chooses the language (?lang=, then the lang cookie, then the default)
    and adds security headers to every response."""

    def __init__(self, app, default_locale: str = "ja"):
        self.app = app
        self.default_locale = default_locale

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        asked = (query.get("lang") or [None])[0]
        state = scope.setdefault("state", {})
        # Whether the visitor chose a language (the link or the cookie), or gets the default.
        state["locale_chosen"] = asked in LOCALES
        if asked in LOCALES:
            state["locale"], state["set_locale_cookie"] = asked, True
        else:
            cookie = SimpleCookie()
            for name, value in scope.get("headers", []):
                if name == b"cookie":
                    with contextlib.suppress(Exception):  # a malformed cookie header must not break the page
                        cookie.load(value.decode("latin-1"))
            stored = cookie.get("lang")
            state["locale"] = normalize_locale(stored.value if stored else None, self.default_locale)
            state["locale_chosen"] = stored is not None and stored.value in LOCALES

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
