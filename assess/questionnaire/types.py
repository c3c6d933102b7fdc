"""Question types: one small cleaning function per type, found through a registry.

A cleaner turns the raw strings a form posted for one question into the stored
answer value, or reports an issue. `None` means "no answer".
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from assess.questionnaire.model import OTHER, Question


@dataclass(frozen=True)
class Issue:
    code: str  # key of a respondent message in assess/questionnaire/validation.py
    params: dict[str, Any] = field(default_factory=dict)


Cleaned = tuple[Any, Issue | None]
Cleaner = Callable[[Question, Sequence[str]], Cleaned]


@dataclass(frozen=True)
class QuestionType:
    name: str
    clean: Cleaner
    choice: bool = False  # has options
    scored: bool = False  # can earn points
    fields: frozenset[str] = frozenset()  # type-specific fields it accepts


REGISTRY: dict[str, QuestionType] = {}


def question_type(name: str, *, choice=False, scored=False, fields=()):
    def register(func: Cleaner) -> Cleaner:
        REGISTRY[name] = QuestionType(name, func, choice, scored, frozenset(fields))
        return func

    return register


def get_type(name: str) -> QuestionType:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown question type {name!r}; valid types: {', '.join(sorted(REGISTRY))}") from None


def _first(raw: Sequence[str]) -> str:
    for item in raw:
        if isinstance(item, str) and item.strip():
            return item.strip()
    return ""


def _single(question: Question, raw: Sequence[str]) -> Cleaned:
    value = _first(raw)
    if not value:
        return None, None
    if value not in question.option_values:
        return None, Issue("unknown_option")
    return value, None


CHOICE_FIELDS = ("options", "options_from", "other")
question_type("single_choice", choice=True, scored=True, fields=CHOICE_FIELDS)(_single)
question_type("dropdown", choice=True, scored=True, fields=CHOICE_FIELDS)(_single)


@question_type("multiple_choice", choice=True, scored=True, fields=CHOICE_FIELDS + ("max_score",))
def _multiple(question: Question, raw: Sequence[str]) -> Cleaned:
    chosen: list[str] = []
    for item in raw:
        item = item.strip() if isinstance(item, str) else ""
        if item and item not in chosen:
            chosen.append(item)
    if not chosen:
        return None, None
    valid = question.option_values
    if any(item not in valid for item in chosen):
        return None, Issue("unknown_option")
    exclusive = [o.value for o in question.options if o.exclusive and o.value in chosen]
    if exclusive and len(chosen) > 1:
        label = question.option(exclusive[0]).label
        return None, Issue("exclusive", {"option": label})
    # Keep the definition's order so stored answers are canonical.
    return [v for v in valid if v in chosen], None


@question_type("scale", scored=True, fields=("scale", "practices", "practice_min"))
def _scale(question: Question, raw: Sequence[str]) -> Cleaned:
    value = _first(raw)
    if not value:
        return None, None
    if value not in {"1", "2", "3", "4", "5"}:
        return None, Issue("scale")
    return int(value), None


@question_type("yes_no_na", scored=True, fields=("practices",))
def _yes_no_na(question: Question, raw: Sequence[str]) -> Cleaned:
    value = _first(raw)
    if not value:
        return None, None
    if value not in ("yes", "no", "na"):
        return None, Issue("unknown_option")
    return value, None


@question_type("number", fields=("unit", "min", "max", "integer"))
def _number(question: Question, raw: Sequence[str]) -> Cleaned:
    text = _first(raw)
    if not text:
        return None, None
    # Respondents in Japan often type full-width digits or thousands commas.
    text = text.translate(_FULLWIDTH).replace(",", "").replace(" ", "")
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
        return None, Issue("range", {"min": _fmt(lo), "max": _fmt(hi)})
    return (int(number) if number.is_integer() else number), None


_FULLWIDTH = str.maketrans("０１２３４５６７８９．－，", "0123456789.-,")


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _text(default_max: int) -> Cleaner:
    def clean(question: Question, raw: Sequence[str]) -> Cleaned:
        text = _first(raw)
        if not text:
            return None, None
        limit = question.max_length or default_max
        if len(text) > limit:
            return None, Issue("too_long", {"max": limit, "length": len(text)})
        return text, None

    return clean


question_type("short_text", fields=("max_length",))(_text(200))
question_type("long_text", fields=("max_length",))(_text(4000))

OTHER_TEXT_MAX = 200


def chosen_other(question: Question, value: Any) -> bool:
    if not question.other or value is None:
        return False
    return value == OTHER or (isinstance(value, list) and OTHER in value)
