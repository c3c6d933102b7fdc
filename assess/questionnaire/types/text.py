"""Free text: short_text (one line) and long_text (a text area); never scored."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
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
    plain_text,
    register,
)

SAMPLES = (
    "地域とともに歩む会社です。",
    "We work with our neighbours.",
    "社員と地域の笑顔のために",
    "Quality first, for our town.",
)
SHORT_MAX, LONG_MAX = 200, 4000


def cleaner(default_max: int) -> Callable[[Question, Sequence[str]], Cleaned]:
    def clean(question: Question, raw: Sequence[str]) -> Cleaned:
        text = first_text(raw)
        if not text:
            return None, None
        limit = question.max_length or default_max
        if len(text) > limit:
            return None, Issue("too_long", {"max": limit, "length": len(text)})
        return text, None

    return clean


def sampler(default_max: int) -> Callable[[Question, random.Random], Any]:
    def sample(question: Question, rng: random.Random) -> Any:
        return rng.choice(SAMPLES)[: question.max_length or default_max]

    return sample


def _text(name: str, widget: str, default_max: int) -> QuestionType:
    return QuestionType(
        name=name,
        widget=widget,
        fields=frozenset({"max_length"}),
        tests=frozenset({"equals", "in", "answered"}),
        clean=cleaner(default_max),
        points=lambda question: NO_POINTS,
        evidence=no_evidence,
        answer_text=plain_text,
        sample=sampler(default_max),
        condition_values=any_value,
        max_length=default_max,
    )


register(_text("short_text", "survey/fields/text.html", SHORT_MAX))
register(_text("long_text", "survey/fields/textarea.html", LONG_MAX))
