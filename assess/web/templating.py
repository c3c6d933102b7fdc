"""Jinja2 environment and per-request rendering in the visitor's language."""

from __future__ import annotations

from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from assess.config import PROJECT_ROOT
from assess.i18n import LABELS, LOCALES, translations
from assess.web.security import csrf_token, set_csrf_cookie

TEMPLATE_DIR = PROJECT_ROOT / "templates"


def make_environment(template_dir: Path = TEMPLATE_DIR) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(template_dir)),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change while serving; skip the stat per render
    )
    env.install_null_translations(newstyle=True)
    return env


def i18n_context(locale: str) -> dict:
    t = translations(locale)

    def _(message: str, **params) -> str:
        text = t.gettext(message)
        return text.format(**params) if params else text

    def ngettext(singular: str, plural: str, n: int, **params) -> str:
        return t.ngettext(singular, plural, n).format(n=n, **params)

    def label(key: str) -> str:
        return _(LABELS[key]) if key in LABELS else key

    return {"_": _, "gettext": _, "ngettext": ngettext, "label": label, "locale": locale, "locales": LOCALES}


def render(request: Request, name: str, context: dict, status_code: int = 200) -> HTMLResponse:
    env: Environment = request.app.state.templates
    locale = getattr(request.state, "locale", "ja")
    base = {**i18n_context(locale), "request": request, "csrf_token": lambda: csrf_token(request)}
    html = env.get_template(name).render({**base, **context})
    response = HTMLResponse(html, status_code=status_code)
    set_csrf_cookie(request, response)
    if getattr(request.state, "set_locale_cookie", False):
        response.set_cookie("lang", locale, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
