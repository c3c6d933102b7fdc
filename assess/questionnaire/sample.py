"""Generated valid answers for a questionnaire: for benchmarks, demo data and
property tests. Deterministic for a given random generator."""

from __future__ import annotations

import random
from typing import Any

from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import OTHER, Question, Questionnaire, other_key

TEXTS = ("地域とともに歩む会社です。", "We work with our neighbours.", "社員と地域の笑顔のために", "Quality first, for our town.")


def sample_value(q: Question, rng: random.Random, skip_optional: float = 0.1) -> Any:
    if not q.required and rng.random() < skip_optional:
        return None
    if q.type in ("single_choice", "dropdown"):
        return rng.choice(q.option_values)
    if q.type == "multiple_choice":
        plain = [o.value for o in q.options if not o.exclusive] + ([OTHER] if q.other else [])
        exclusive = [o.value for o in q.options if o.exclusive]
        if exclusive and rng.random() < 0.15:
            return [exclusive[0]]
        chosen = set(rng.sample(plain, rng.randint(1, len(plain)))) if plain else {exclusive[0]}
        return [v for v in q.option_values if v in chosen]
    if q.type == "scale":
        return rng.randint(1, 5)
    if q.type == "yes_no_na":
        return rng.choice(("yes", "yes", "no", "na"))
    if q.type == "number":
        lo = int(q.min) if q.min is not None else 0
        hi = int(q.max) if q.max is not None else lo + 500
        return rng.randint(lo, min(hi, lo + 500) if q.role != "company.founded" else hi)
    return rng.choice(TEXTS)[: q.max_length or 200]


def sample_answers(questionnaire: Questionnaire, rng: random.Random, skip_optional: float = 0.1) -> dict[str, Any]:
    """A complete, valid set of answers; hidden questions get none."""
    answers: dict[str, Any] = {}
    for q in questionnaire.questions:
        value = sample_value(q, rng, skip_optional)
        if value is None:
            continue
        answers[q.id] = value
        if q.other and (value == OTHER or (isinstance(value, list) and OTHER in value)):
            answers[other_key(q.id)] = "その他の取り組み"
    shown = visibility(questionnaire, answers)
    return {k: v for k, v in answers.items() if shown.get(k.split(".")[0], False)}
