"""The Jinja2 environment the web pages and the printed documents share, and
the helpers templates get for text in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from jinja2 import BytecodeCache, Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket

from assess.i18n import LOCALES, translations
from assess.presentation.labels import LABELS
from assess.presentation.mail import problem_text
from assess.resources import template_dir as shipped_templates


class CompiledTemplates(BytecodeCache):
    """Compiled templates shared by every environment of the process (the web pages', the
    printer's, each app a test makes): compiling is most of a first render. Keyed by the
    template's name and source checksum, so a changed file is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


def make_environment(template_dir: Path | None = None) -> Environment:
    env = Environment(
        bytecode_cache=COMPILED,
        loader=FileSystemLoader(str(template_dir or shipped_templates())),
        autoescape=select_autoescape(["html", "xml", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates do not change while serving; skip the stat per render
    )
    env.install_null_translations(newstyle=True)
    env.globals["jst"] = jst
    return env


JST = timezone(timedelta(hours=9), "JST")


def jst(at: datetime | None) -> str:
    """A stored time as Japan time, to the minute (SQLite gives times back without their zone)."""
    if at is None:
        return ""
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(JST).strftime("%Y-%m-%d %H:%M")


def i18n_context(locale: str) -> dict:
    t = translations(locale)

    def _(message: str, **params) -> str:
        text = t.gettext(message)
        return text.format(**params) if params else text

    def ngettext(singular: str, plural: str, n: int, **params) -> str:
        return t.ngettext(singular, plural, n).format(n=n, **params)

    def label(key: str) -> str:
        return _(LABELS[key]) if key in LABELS else key

    def problem(text: str) -> str:
        return problem_text(text, locale)

    return {
        "_": _,
        "gettext": _,
        "ngettext": ngettext,
        "label": label,
        "problem": problem,
        "locale": locale,
        "locales": LOCALES,
    }
