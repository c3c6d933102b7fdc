"""A number, with an optional unit and limits; background information, never scored."""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Any

from assess.questionnaire.model import Question
from assess.questionnaire.types.base import (
    NO_POINTS,
    Cleaned,
    Issue,
    QuestionType,
    any_value,
    first_text,
    no_evidence,
    register,
)

# Respondents in Japan often type full-width digits or thousands commas.
FULLWIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")
SAMPLE_SPAN = 500


def clean(question: Question, raw: Sequence[str]) -> Cleaned:
    text = first_text(raw)
    if not text:
        return None, None
    text = text.translate(FULLWIDTH).replace(",", "").replace(" ", "")
    try:
        number = float(text)
    except ValueError:
        return None, Issue("number")
    if not math.isfinite(number):
        return None, Issue("number")
    if question.integer and not number.is_integer():
        return None, Issue("integer")
    lo, hi = question.min, question.max
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        return None, Issue("range", {"min": _plain(lo), "max": _plain(hi)})
    return (int(number) if number.is_integer() else number), None


def _plain(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def answer_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    if value is None or value == "":
        return ""
    return f"{value} {question.unit.get(locale)}" if question.unit is not None else str(value)


def sample(question: Question, rng: random.Random) -> Any:
    lo = int(question.min) if question.min is not None else 0
    hi = int(question.max) if question.max is not None else lo + SAMPLE_SPAN
    # A year keeps its whole range; counts stay small.
    return rng.randint(lo, hi if question.role == "company.founded" else min(hi, lo + SAMPLE_SPAN))


register(
    QuestionType(
        name="number",
        widget="survey/fields/number.html",
        fields=frozenset({"unit", "min", "max", "integer"}),
        tests=frozenset({"equals", "in", "gte", "lte", "answered"}),
        clean=clean,
        points=lambda question: NO_POINTS,
        evidence=no_evidence,
        answer_text=answer_text,
        sample=sample,
        condition_values=any_value,
    )
)
