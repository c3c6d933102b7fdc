"""Validating a page of answers: a pure function from a posted section to clean answers.

Valid answers are returned even when another field of the page is invalid,
so the web layer can store them at once and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from assess.definitions.characters import forbidden_character, without_forbidden
from assess.i18n import N_, gettext
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Question, Questionnaire, Section, other_key
from assess.questionnaire.types import OTHER_TEXT_MAX, Issue, chosen_other, get_type

MESSAGES = {
    "required": N_("This question is required."),
    "unknown_option": N_("Choose one of the options shown."),
    "exclusive": N_("“{option}” cannot be combined with other choices."),
    "scale": N_("Choose a value from 1 to 5."),
    "number": N_("Enter a number, for example 12."),
    "integer": N_("Enter a whole number."),
    "range": N_("Enter a number from {min} to {max}."),
    "too_long": N_("Please shorten this to {max} characters (now {length})."),
    "other_text": N_("Please say what “other” is."),
    "characters": N_(
        "This contains characters that cannot be saved (such as invisible control characters)."
        " They have been taken out: check the text and save again."
    ),
}


def message(issue: Issue, locale: str) -> str:
    params = dict(issue.params)
    if "option" in params:
        params["option"] = params["option"].get(locale)
    if issue.code == "range":
        if params.get("min") == "":
            return gettext(locale, N_("Enter a number of at most {max}."), max=params["max"])
        if params.get("max") == "":
            return gettext(locale, N_("Enter a number of at least {min}."), min=params["min"])
    return gettext(locale, MESSAGES[issue.code], **params)


@dataclass
class PageResult:
    values: dict[str, Any] = field(default_factory=dict)  # answer key -> value; None clears it
    errors: dict[str, str] = field(default_factory=dict)  # question id -> message
    codes: dict[str, str] = field(default_factory=dict)  # question id -> message key, e.g. "required"
    raw: dict[str, list[str]] = field(default_factory=dict)  # what was posted, to show again

    @property
    def ok(self) -> bool:
        return not self.errors

    def blocking(self, leaving: bool) -> dict[str, str]:
        """Errors that must be shown now. Leaving the page ("back", "save for
        later") is not blocked by unanswered required questions, only by
        entries that could not be saved."""
        if not leaving:
            return self.errors
        return {qid: text for qid, text in self.errors.items() if self.codes.get(qid) != "required"}


def _as_lists(form: Mapping[str, Any]) -> dict[str, list[str]]:
    out = {}
    for key, value in form.items():
        if isinstance(value, (list, tuple)):
            out[str(key)] = [v for v in value if isinstance(v, str)]
        elif isinstance(value, str):
            out[str(key)] = [value]
    return out


def validate_page(
    questionnaire: Questionnaire,
    section: Section,
    answers: Mapping[str, Any],
    form: Mapping[str, Sequence[str] | str],
    locale: str,
) -> PageResult:
    posted = _as_lists(form)
    result = PageResult()
    merged = dict(answers)
    issues: dict[str, Issue] = {}
    for q in section.questions:
        raw = posted.get(q.id, [])
        result.raw[q.id] = raw
        issue = _unstorable(q, posted, result)
        value, issue = (None, issue) if issue else get_type(q.type).clean(q, raw)
        if issue is not None:
            issues[q.id] = issue
            continue
        result.values[q.id] = value
        merged[q.id] = value
        if q.other:
            text = _other_text(q, posted, result)
            chosen = chosen_other(q, value)
            result.values[other_key(q.id)] = text if chosen else None
            if chosen and not text:
                issues[q.id] = Issue("other_text")
            elif chosen and len(text) > OTHER_TEXT_MAX:
                result.values.pop(other_key(q.id))
                issues[q.id] = Issue("too_long", {"max": OTHER_TEXT_MAX, "length": len(text)})
    visible = visibility(questionnaire, merged)
    for q in section.questions:
        if not visible[q.id]:
            # Hidden: never required; keep whatever was stored, ignore what was posted.
            result.values.pop(q.id, None)
            result.values.pop(other_key(q.id), None)
            continue
        issue = issues.get(q.id)
        if issue is None and q.required and result.values.get(q.id) is None:
            issue = Issue("required")
        if issue is not None:
            result.errors[q.id] = message(issue, locale)
            result.codes[q.id] = issue.code
    return result


def _unstorable(q: Question, posted: dict[str, list[str]], result: PageResult) -> Issue | None:
    """An issue when the answer (or its "other" text) holds characters that cannot be
    stored; what is shown back has them taken out, so the rest of the typing is kept."""
    for key in (q.id, other_key(q.id)):
        raw = posted.get(key, [])
        if any(forbidden_character(item) for item in raw):
            result.raw[key] = [without_forbidden(item) for item in raw]
            posted[key] = result.raw[key]
            return Issue("characters")
    return None


def _other_text(q: Question, posted: dict[str, list[str]], result: PageResult) -> str:
    raw = posted.get(other_key(q.id), [])
    result.raw[other_key(q.id)] = raw
    return next((r.strip() for r in raw if r.strip()), "")


def missing_required(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> list[Question]:
    """Visible required questions without a complete answer, in order."""
    visible = visibility(questionnaire, answers)
    missing = []
    for q in questionnaire.questions:
        if not visible[q.id]:
            continue
        value = answers.get(q.id)
        incomplete = chosen_other(q, value) and not answers.get(other_key(q.id))
        if (q.required and value in (None, "", [])) or incomplete:
            missing.append(q)
    return missing


def progress(
    questionnaire: Questionnaire, answers: Mapping[str, Any], visible: Mapping[str, bool] | None = None
) -> dict:
    """Share of the questions shown to this respondent that have an answer."""
    visible = visible if visible is not None else visibility(questionnaire, answers)
    shown = [q.id for q in questionnaire.questions if visible[q.id]]
    answered = sum(1 for qid in shown if answers.get(qid) not in (None, "", []))
    return {
        "answered": answered,
        "shown": len(shown),
        "percent": round(100 * answered / len(shown)) if shown else 0,
    }
