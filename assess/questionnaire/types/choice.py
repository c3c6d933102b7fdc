"""Choosing among options: single_choice (radio buttons), dropdown, multiple_choice (check boxes)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from assess.i18n import N_, gettext
from assess.questionnaire.model import OTHER, Question, other_key
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

CHOICE_FIELDS = frozenset({"options", "options_from", "other"})
SINGLE_TESTS = frozenset({"equals", "in", "answered"})


def clean_single(question: Question, raw: Sequence[str]) -> Cleaned:
    value = first_text(raw)
    if not value:
        return None, None
    if value not in question.option_values:
        return None, Issue("unknown_option")
    return value, None


def clean_multiple(question: Question, raw: Sequence[str]) -> Cleaned:
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
        option = question.option(exclusive[0])
        return None, Issue("exclusive", {"option": option.label if option else exclusive[0]})
    # Keep the definition's order so stored answers are canonical.
    return [v for v in valid if v in chosen], None


def single_points(question: Question) -> Points:
    """The best option earns the question's weight; others their share of it."""
    if not question.scored:
        return NO_POINTS
    weight = exact(question.weight)
    best = max(exact(o.score) for o in question.options)
    return Points(weight, {o.value: weight * exact(o.score) / best for o in question.options})


def multiple_points(question: Question) -> Points:
    """Chosen options add up, to at most `max_score` (or all positive scores)."""
    if not question.scored:
        return NO_POINTS
    weight = exact(question.weight)
    total = sum((exact(o.score) for o in question.options if o.score > 0), Fraction(0))
    cap = min(total, exact(question.max_score)) if question.max_score is not None else total
    return Points(weight, {o.value: weight * exact(o.score) / cap for o in question.options})


def option_evidence(question: Question) -> Mapping[Any, tuple[str, ...]]:
    return {o.value: o.practices for o in question.options if o.practices}


def option_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    if value is None or value == "" or value == []:
        return ""
    labels = []
    for item in value if isinstance(value, list) else [value]:
        option = question.option(item)
        if option is not None:
            labels.append(option.label.get(locale))
        elif item == OTHER:
            other = answers.get(other_key(question.id)) or ""
            labels.append(gettext(locale, N_("Other")) + (f" ({other})" if other else ""))
        else:
            labels.append(str(item))
    return ("、" if locale == "ja" else ", ").join(labels)


def sample_single(question: Question, rng: random.Random) -> Any:
    return rng.choice(question.option_values)


def sample_multiple(question: Question, rng: random.Random) -> Any:
    plain = [o.value for o in question.options if not o.exclusive] + ([OTHER] if question.other else [])
    exclusive = [o.value for o in question.options if o.exclusive]
    if exclusive and (rng.random() < 0.15 or not plain):
        return [exclusive[0]]
    chosen = set(rng.sample(plain, rng.randint(1, len(plain))))
    return [v for v in question.option_values if v in chosen]


def single_not_applicable(question: Question) -> Any:
    return next((o.value for o in question.options if o.not_applicable), None)


def multiple_not_applicable(question: Question) -> Any:
    value = single_not_applicable(question)
    return None if value is None else [value]  # it is exclusive: chosen alone


def option_values(question: Question) -> tuple[Any, ...]:
    return question.option_values


def _single(name: str, widget: str) -> QuestionType:
    return QuestionType(
        name=name,
        widget=widget,
        fields=CHOICE_FIELDS,
        tests=SINGLE_TESTS,
        clean=clean_single,
        points=single_points,
        evidence=option_evidence,
        answer_text=option_text,
        sample=sample_single,
        condition_values=option_values,
        choice=True,
        scored=True,
        not_applicable=single_not_applicable,
    )


register(_single("single_choice", "survey/fields/radio.html"))
register(_single("dropdown", "survey/fields/select.html"))
register(
    QuestionType(
        name="multiple_choice",
        widget="survey/fields/checkbox.html",
        fields=CHOICE_FIELDS | {"max_score"},
        tests=frozenset({"contains", "answered"}),
        clean=clean_multiple,
        points=multiple_points,
        evidence=option_evidence,
        answer_text=option_text,
        sample=sample_multiple,
        condition_values=option_values,
        choice=True,
        scored=True,
        multiple=True,
        not_applicable=multiple_not_applicable,
    )
)
