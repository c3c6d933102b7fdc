"""What a question type is: everything the tool does with one kind of question.

Each type lives in one module of this package and registers a `QuestionType`
here; the loader, page validation, scoring, explanations, sample answers and
the survey page all find it through `get_type`. A type must give every part
(a test checks), so adding one means writing one module and one template.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assess.questionnaire.model import OTHER, Question

CONDITION_TESTS = ("equals", "in", "contains", "gte", "lte", "answered")


@dataclass(frozen=True)
class Issue:
    code: str  # key of a respondent message in assess/questionnaire/pages.py
    params: dict[str, Any] = field(default_factory=dict)


Cleaned = tuple[Any, Issue | None]  # (stored value or None for "no answer", issue)


@dataclass(frozen=True)
class Points:
    """A question's points as exact fractions: what it can earn, and what each answer
    (an option value, "yes", or a scale value) earns. Multiple-choice answers add up
    the points of their options, never beyond `possible`."""

    possible: Fraction
    by_answer: Mapping[Any, Fraction]


NO_POINTS = Points(Fraction(0), {})


def exact(value: float) -> Fraction:
    """A definition's decimal (a weight, an option score) as the fraction it was written as."""
    return Fraction(value).limit_denominator(10_000)


@dataclass(frozen=True)
class QuestionType:
    name: str
    widget: str  # template drawing its input, under templates/
    fields: frozenset[str]  # type-specific keys its definition accepts
    tests: frozenset[str]  # condition tests that apply to its answers (show_if)
    clean: Callable[[Question, Sequence[str]], Cleaned]  # posted strings -> stored value
    points: Callable[[Question], Points]  # NO_POINTS for types that are never scored
    evidence: Callable[[Question], Mapping[Any, tuple[str, ...]]]  # answer -> practices it shows
    answer_text: Callable[[Question, Any, Mapping[str, Any], str], str]  # for people, in a language
    sample: Callable[[Question, random.Random], Any]  # a valid answer, for demos and tests
    condition_values: Callable[[Question], tuple[Any, ...] | None]  # values a condition may name; None: any
    choice: bool = False  # answered by choosing options
    scored: bool = False  # can earn points
    multiple: bool = False  # its answer is a list of options
    # The stored answer that leaves the question out of the score, or None.
    not_applicable: Callable[[Question], Any] = field(default=lambda question: None)
    max_length: int | None = None  # characters of a text answer, unless the question sets its own


REGISTRY: dict[str, QuestionType] = {}


def register(question_type: QuestionType) -> QuestionType:
    unknown = question_type.tests - set(CONDITION_TESTS)
    if unknown:
        raise ValueError(f"question type {question_type.name}: unknown condition tests {sorted(unknown)}")
    REGISTRY[question_type.name] = question_type
    return question_type


def get_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        valid = ", ".join(sorted(REGISTRY))
        raise KeyError(f"unknown question type {name!r}; valid types: {valid}") from None


def first_text(raw: Sequence[str]) -> str:
    """The first non-blank posted string, stripped."""
    for item in raw:
        if isinstance(item, str) and item.strip():
            return item.strip()
    return ""


def no_evidence(question: Question) -> Mapping[Any, tuple[str, ...]]:
    return {}


def plain_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    return "" if value is None or value == "" else str(value)


def any_value(question: Question) -> None:
    return None


def chosen_other(question: Question, value: Any) -> bool:
    """Whether the answer picks "other (please specify)"."""
    if not question.other or value is None:
        return False
    return value == OTHER or (isinstance(value, list) and OTHER in value)
