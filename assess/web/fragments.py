"""Section HTML rendered once, filled per request.

The questions of a section are the bulk of a survey page and, apart from the
respondent's values and errors, the same for everyone. They are rendered by
Jinja2 once per questionnaire version, section and language with
placeholders, and each request only fills the placeholders: several times
faster than rendering every question template on every request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from assess.questionnaire.model import Questionnaire
from assess.templating import i18n_context
from assess.web.section_view import static_section

PLACEHOLDER = re.compile("\x00(\\w)\\|([^|\x00]*)\\|([^\x00]*)\x00")


def mark(kind: str, qid: str, arg: Any = "") -> Markup:
    return Markup(f"\x00{kind}|{qid}|{arg}\x00")


@lru_cache(maxsize=256)
def section_html(env: Environment, questionnaire: Questionnaire, section_id: str, locale: str) -> str:
    questions, _ = static_section(questionnaire, section_id, locale)
    context = {**i18n_context(locale), "questions": questions, "mark": mark}
    return env.get_template("survey/questions.html").render(context)


def fill(html: str, state: Mapping[str, dict]) -> Markup:
    """Put each question's values, error and visibility into the section HTML.

    `state` maps a question id to {selected, value, other_text, error, visible, conflict}.
    """

    def replace(match: re.Match) -> str:
        kind, qid, arg = match.groups()
        q = state[qid]
        if kind == "c" or kind == "s":
            return (" checked" if kind == "c" else " selected") if arg in q["selected"] else ""
        if kind == "v":
            return str(escape(q["value"]))
        if kind == "o":
            return str(escape(q["other_text"]))
        if kind == "h":
            return "" if q["visible"] else " hidden"
        if kind == "r":
            return " has-error" if q["error"] else ""
        if kind == "e":
            return f'<p class="field-error" id="err-{qid}">{escape(q["error"])}</p>' if q["error"] else ""
        if kind == "d":
            ids = ([f"help-{qid}"] if "h" in arg else []) + ([f"err-{qid}"] if q["error"] else [])
            out = f' aria-describedby="{" ".join(ids)}"' if ids else ""
            return out + (' aria-invalid="true"' if q["error"] and "g" not in arg else "")
        if kind == "n":
            return _notes(q)
        if kind == "a":  # attached files and document requests (web.evidence), already HTML
            return q.get("evidence", "")
        raise ValueError(f"unknown placeholder {kind}")

    return Markup(PLACEHOLDER.sub(replace, html))


def _notes(q: Mapping[str, Any]) -> str:
    """Notes above a question: an answer saved from another tab, carried from an earlier year,
    or entered by staff in an interview."""
    out = ""
    if q.get("carried"):
        out += f'<p class="carried-note">{escape(q["carried"])}</p>'
    if q.get("entered"):
        out += f'<p class="entered-note">{escape(q["entered"])}</p>'
    note = q.get("conflict")
    if note is not None:
        label = escape(q["conflict_label"])
        out += f'<p class="conflict-note"><strong>{label}</strong> {escape(note or "—")}</p>'
    return out
