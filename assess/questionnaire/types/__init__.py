"""Question types, one module each, found through a registry (see `base`)."""

from collections.abc import Mapping
from typing import Any

from assess.questionnaire.model import Question
from assess.questionnaire.types import choice, number, scale, text, yes_no_na  # noqa: F401  (each registers its types)
from assess.questionnaire.types.base import (
    CONDITION_TESTS,
    NO_POINTS,
    REGISTRY,
    Cleaned,
    Issue,
    Points,
    QuestionType,
    chosen_other,
    exact,
    get_type,
)

OTHER_TEXT_MAX = 200  # characters of an "other (please specify)" answer

__all__ = [
    "CONDITION_TESTS",
    "NO_POINTS",
    "OTHER_TEXT_MAX",
    "REGISTRY",
    "Cleaned",
    "Issue",
    "Points",
    "QuestionType",
    "chosen_other",
    "exact",
    "get_type",
]


def answer_text(question: Question, value: Any, answers: Mapping[str, Any], locale: str) -> str:
    """An answer as people read it, in their language."""
    return get_type(question.type).answer_text(question, value, answers, locale)
