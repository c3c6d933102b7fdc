"""Generated valid answers for a questionnaire: for benchmarks, demo data and
property tests. Deterministic for a given random generator."""

from __future__ import annotations

import random
from typing import Any

from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Question, Questionnaire, other_key
from assess.questionnaire.types import chosen_other, get_type

OTHER_SAMPLE = "その他の取り組み"


def sample_value(q: Question, rng: random.Random, skip_optional: float = 0.1) -> Any:
    if not q.required and rng.random() < skip_optional:
        return None
    return get_type(q.type).sample(q, rng)


def sample_answers(
    questionnaire: Questionnaire, rng: random.Random, skip_optional: float = 0.1
) -> dict[str, Any]:
    """A complete, valid set of answers; hidden questions get none."""
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        value = sample_value(q, rng, skip_optional)
        if value is None:
            continue
        answers[q.id] = value
        if chosen_other(q, value):
            answers[other_key(q.id)] = OTHER_SAMPLE
    shown = visibility(questionnaire, answers)
    return {k: v for k, v in answers.items() if shown.get(k.split(".")[0], False)}
