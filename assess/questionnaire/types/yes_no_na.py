"""Yes, no, or not applicable; "not applicable" leaves the question out of the score."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from assess.i18n import N_, gettext
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

VALUES = ("yes", "no", "na")
LABELS = {"yes": N_("Yes"), "no": N_("No"), "na": N_("Not applicable")}


def clean(question: Question, raw: Sequence[str]) -> Cleaned:
    value = first_text(raw)
    if not value:
        return None, None
    if value not in VALUES:
        return None, Issue("unknown_option")
    return value, None


def points(question: Question) -> Points:
    if not question.scored:
        return NO_POINTS
    weight = exact(question.weight)
    return Points(weight, {"yes": weight, "no": Fraction(0)})


def evidence(question: Question) -> Mapping[Any, tuple[str, ...]]:
    return {"yes": question.practices} if question.practices else {}


def answer_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    if value is None or value == "":
        return ""
    return gettext(locale, LABELS[value]) if value in LABELS else str(value)


def sample(question: Question, rng: random.Random) -> Any:
    return rng.choice(("yes", "yes", "no", "na"))


register(
    QuestionType(
        name="yes_no_na",
        widget="survey/fields/yes_no_na.html",
        fields=frozenset({"practices"}),
        tests=frozenset({"equals", "in", "answered"}),
        clean=clean,
        points=points,
        evidence=evidence,
        answer_text=answer_text,
        sample=sample,
        condition_values=lambda question: VALUES,
        scored=True,
        not_applicable=lambda question: "na",
    )
)
