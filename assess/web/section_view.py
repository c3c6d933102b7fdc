"""What survey templates need for one section.

The parts of a section that never change (labels, options, conditions as
JSON) are built once per questionnaire version, section and language and
cached; each request only adds the respondent's values and errors.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import (
    OTHER,
    AllOf,
    AnyOf,
    Comparison,
    Condition,
    Not,
    Questionnaire,
    Section,
    other_key,
)
from assess.questionnaire.pages import progress
from assess.questionnaire.types import get_type


def condition_json(condition: Condition | None) -> Any:
    """Conditions as plain JSON for the page's script (still data, never code)."""
    if condition is None:
        return None
    if isinstance(condition, Comparison):
        value = list(condition.value) if isinstance(condition.value, tuple) else condition.value
        return {"q": condition.question, "t": condition.test, "v": value}
    if isinstance(condition, AllOf):
        return {"all": [condition_json(c) for c in condition.conditions]}
    if isinstance(condition, AnyOf):
        return {"any": [condition_json(c) for c in condition.conditions]}
    if isinstance(condition, Not):
        return {"not": condition_json(condition.condition)}
    raise TypeError(condition)


def _referenced(condition: Condition | None, out: set[str]) -> set[str]:
    if isinstance(condition, Comparison):
        out.add(condition.question)
    elif isinstance(condition, (AllOf, AnyOf)):
        for c in condition.conditions:
            _referenced(c, out)
    elif isinstance(condition, Not):
        _referenced(condition.condition, out)
    return out


@lru_cache(maxsize=256)
def static_section(
    questionnaire: Questionnaire, section_id: str, locale: str
) -> tuple[list[dict], frozenset[str]]:
    section = questionnaire.section(section_id)
    questions, refs = [], set()
    for q in section.questions:
        _referenced(q.show_if, refs)
        qtype = get_type(q.type)
        questions.append(
            {
                "id": q.id,
                "type": q.type,
                "widget": qtype.widget,
                "label": q.label.get(locale),
                "help": q.help.get(locale) if q.help else "",
                "required": q.required,
                "options": [
                    {"value": o.value, "label": o.label.get(locale), "exclusive": o.exclusive}
                    for o in q.options
                ],
                "other": q.other,
                "other_key": other_key(q.id),
                "min_label": q.scale.min_label.get(locale) if q.scale else "",
                "max_label": q.scale.max_label.get(locale) if q.scale else "",
                "unit": q.unit.get(locale) if q.unit else "",
                "min": q.min,
                "max": q.max,
                "integer": q.integer,
                "max_length": q.max_length or qtype.max_length,
                "show_if": json.dumps(condition_json(q.show_if), ensure_ascii=False) if q.show_if else "",
                "other_value": OTHER,
            }
        )
    own = {q.id for q in section.questions}
    return questions, frozenset(refs - own)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def section_view(
    questionnaire: Questionnaire,
    section: Section,
    locale: str,
    answers: Mapping[str, Any],
    raw: Mapping[str, list[str]] | None = None,
    errors: Mapping[str, str] | None = None,
) -> dict:
    """Questions of one section with the values to show (what was posted, else
    what is saved), their errors and whether they are visible now."""
    static, outside_refs = static_section(questionnaire, section.id, locale)
    raw, errors = raw or {}, errors or {}
    visible = visibility(questionnaire, answers)
    questions = []
    for item in static:
        qid = item["id"]
        if qid in raw:
            values = [v for v in raw[qid] if v != ""]
            other_text = (raw.get(other_key(qid)) or [""])[0]
        else:
            values = _as_list(answers.get(qid))
            other_text = answers.get(other_key(qid)) or ""
        questions.append(
            {
                "id": qid,
                "label": item["label"],
                "selected": set(values),
                "value": values[0] if values else "",
                "other_text": other_text,
                "error": errors.get(qid, ""),
                "visible": visible.get(qid, True),
            }
        )
    context = {q: answers[q] for q in outside_refs if q in answers and visible.get(q, True)}
    # Inside <script type="application/json">: "<" must not be able to close the tag.
    data = (
        json.dumps(context, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return {
        "questions": questions,
        "context_json": data,
        "progress": progress(questionnaire, answers, visible),
    }
