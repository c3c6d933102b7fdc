"""A scale from 1 to 5 with labelled ends."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from assess.questionnaire.model import Question
from assess.questionnaire.types.base import (
    NO_POINTS,
    Cleaned,
    Issue,
    Points,
    QuestionType,
    exact,
    first_text,
    register,
)

VALUES = (1, 2, 3, 4, 5)


def clean(question: Question, raw: Sequence[str]) -> Cleaned:
    value = first_text(raw)
    if not value:
        return None, None
    if value not in {str(v) for v in VALUES}:
        return None, Issue("scale")
    return int(value), None


def points(question: Question) -> Points:
    if not question.scored:
        return NO_POINTS
    weight = exact(question.weight)
    scores = [exact(x) for x in question.scale.scores] if question.scale else [Fraction(0)] * 5
    best = max(scores)
    return Points(weight, {v: (weight * scores[v - 1] / best if best else Fraction(0)) for v in VALUES})


def evidence(question: Question) -> Mapping[Any, tuple[str, ...]]:
    """A value of at least `practice_min` shows the question's practices."""
    if not question.practices:
        return {}
    return {v: question.practices for v in VALUES if v >= question.practice_min}


def answer_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    if value is None or value == "":
        return ""
    if question.scale is None:
        return str(value)
    ends = f"1 = {question.scale.min_label.get(locale)}, 5 = {question.scale.max_label.get(locale)}"
    return f"{value} ({ends})"


def sample(question: Question, rng: random.Random) -> Any:
    return rng.randint(1, 5)


register(
    QuestionType(
        name="scale",
        widget="survey/fields/scale.html",
        fields=frozenset({"scale", "practices", "practice_min"}),
        tests=frozenset({"equals", "in", "gte", "lte", "answered"}),
        clean=clean,
        points=points,
        evidence=evidence,
        answer_text=answer_text,
        sample=sample,
        condition_values=lambda question: VALUES,
        scored=True,
    )
)
