"""Every question type is complete: its widget, cleaning, points, evidence, answer
text, sample value and condition tests live together and work together."""

import random
from dataclasses import MISSING, fields
from pathlib import Path

import pytest

from assess.questionnaire.registry import load_directory
from assess.questionnaire.types import CONDITION_TESTS, REGISTRY, QuestionType, answer_text, get_type
from assess.resources import template_dir

ROOT = Path(__file__).resolve().parent.parent
PARTS = (
    "widget",
    "fields",
    "tests",
    "clean",
    "points",
    "evidence",
    "answer_text",
    "sample",
    "condition_values",
)


@pytest.fixture(scope="module")
def examples():
    """The first question of each type in the shipped questionnaire."""
    questionnaire = load_directory(ROOT / "questionnaires").latest("community-sme")
    found = {}
    for q in questionnaire.questions:
        found.setdefault(q.type, q)
    return found


def test_a_type_cannot_be_registered_without_every_part():
    required = {f.name for f in fields(QuestionType) if f.default is MISSING and f.default_factory is MISSING}
    assert set(PARTS) <= required
    with pytest.raises(TypeError):
        QuestionType(name="rating", widget="survey/fields/scale.html")  # type: ignore[call-arg]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_type_has_every_part(name):
    qtype = get_type(name)
    for part in PARTS:
        assert getattr(qtype, part) is not None, f"{name} lacks {part}"
    assert (template_dir() / qtype.widget).is_file(), f"{name}: no template {qtype.widget}"
    assert "answered" in qtype.tests and qtype.tests <= set(CONDITION_TESTS)
    for part in ("clean", "points", "evidence", "answer_text", "sample", "condition_values"):
        assert callable(getattr(qtype, part)), f"{name}.{part} is not callable"


def posted(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_type_works_end_to_end(name, examples):
    qtype, question = get_type(name), examples[name]
    rng = random.Random(name)
    for _ in range(20):
        value = qtype.sample(question, rng)
        cleaned, issue = qtype.clean(question, posted(value))
        assert issue is None and cleaned == value, (name, value, cleaned, issue)
        text = answer_text(question, value, {f"{question.id}.other": "自由記述"}, "ja")
        assert isinstance(text, str) and text
        allowed = qtype.condition_values(question)
        if allowed is not None and not isinstance(value, list):
            assert value in allowed
    assert qtype.clean(question, [])[0] is None  # nothing posted: no answer
    points = qtype.points(question)
    if qtype.scored and question.scored:
        assert points.possible > 0 and max(points.by_answer.values()) > 0
    else:
        assert points.possible == 0 and not points.by_answer
    for answer, practices in qtype.evidence(question).items():
        assert practices and (allowed is None or answer in allowed)
