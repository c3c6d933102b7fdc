"""Pages in the visitor's language, and the responses every router uses."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from assess.templating import i18n_context
from assess.web.csrf import csrf_token, set_csrf_cookie

YEAR = 365 * 24 * 3600


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    env = request.app.state.context.templates
    locale = getattr(request.state, "locale", "ja")
    base = {**i18n_context(locale), "request": request, "csrf_token": lambda: csrf_token(request)}
    html = env.get_template(name).render({**base, **context})
    response = HTMLResponse(html, status_code=status_code)
    set_csrf_cookie(request, response)
    if getattr(request.state, "set_locale_cookie", False):
        response.set_cookie("lang", locale, max_age=YEAR, samesite="lax", httponly=True)
    return response


def redirect(url: str) -> RedirectResponse:
    """See other: every form answers a POST with a redirect (post/redirect/get)."""
    return RedirectResponse(url, status_code=303)


def private(response):
    """Pages behind a private link must not be cached or leak the link."""
    response.headers["cache-control"] = "no-store"
    return response


def attachment(content: bytes, media_type: str, filename: str) -> Response:
    """A download, never shown inline."""
    return Response(
        content, media_type=media_type, headers={"content-disposition": f'attachment; filename="{filename}"'}
    )
