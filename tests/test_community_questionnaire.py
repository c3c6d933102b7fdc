"""The shipped community-SME questionnaire and practice catalogue."""

import random
import shutil
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.questionnaire.loader import load_file
from assess.questionnaire.model import ROLES
from assess.questionnaire.pages import missing_required, validate_page
from assess.questionnaire.registry import load_directory
from assess.questionnaire.sample import sample_answers
from assess.questionnaire.types import REGISTRY
from assess.scoring import score
from assess.scoring.catalogue import cross_check, load_checked, load_practices

ROOT = Path(__file__).resolve().parent.parent
FILE = ROOT / "questionnaires" / "community-sme-v1.yaml"
VERSIONS = sorted((ROOT / "questionnaires").glob("community-sme-v*.yaml"))


@pytest.fixture(scope="module", params=VERSIONS, ids=[path.stem for path in VERSIONS])
def q(request):
    questionnaire, errors = load_file(request.param)
    assert questionnaire is not None and errors == [], [str(e) for e in errors]
    return questionnaire


@pytest.fixture(scope="module")
def cat(q):
    return load_checked([q])


def test_shape(q):
    assert 60 <= len(q.questions) <= 90
    assert [a.id for a in q.areas] == ["local_ties", "environment", "stakeholders", "management"]
    assert [level.id for level in q.maturity_levels] == [
        "starting",
        "developing",
        "established",
        "advanced",
        "leading",
    ]
    assert {s.area for s in q.sections} >= {"local_ties", "environment", "stakeholders", "management", None}
    assert set(Counter(x.type for x in q.questions)) == set(REGISTRY)
    assert set(q.roles) == set(ROLES)
    assert sum(1 for x in q.questions if x.show_if) >= 6
    assert any(x.other for x in q.questions)
    prefectures = q.roles["company.prefecture"].options
    assert len(prefectures) == 47 and prefectures[40].value == "saga"


# Scales that grade the depth of practices another question already evidences.
DEPTH_ONLY = {"partnership_depth"}


def test_every_scored_question_reaches_a_practice(q):
    for question in q.questions:
        if not question.scored or question.id in DEPTH_ONLY:
            continue
        if question.options:
            best = max(o.score for o in question.options)
            top = [o for o in question.options if o.score == best]
            assert all(o.practices for o in top), f"{question.id}: its best answer evidences no practice"
        else:
            assert question.practices, f"{question.id} evidences no practice"


def test_catalogue_covers_the_questionnaires():
    catalogue, errors = load_practices()
    assert errors == []
    assert len(catalogue.practices) >= 40
    assert cross_check(catalogue, load_directory(ROOT / "questionnaires").all()) == []


@pytest.mark.parametrize(
    "practice,targets",
    [
        ("youth_hiring", {"8.6", "4.4"}),
        ("occupational_safety", {"8.8"}),
        ("recycling", {"12.5"}),
        ("waste_reduction", {"12.5"}),
        ("energy_efficiency", {"7.3"}),
        ("renewable_energy", {"7.2"}),
        ("forest_management", {"15.2"}),
        ("disaster_cooperation", {"11.5", "13.1"}),
        ("local_procurement", {"8.3"}),
        ("food_waste_reduction", {"12.3"}),
    ],
)
def test_defensible_links(cat, practice, targets):
    assert targets <= {link.target for link in cat[practice].links}


def test_every_link_has_both_languages(cat):
    for practice in cat.practices.values():
        assert practice.suggestion.ja and practice.suggestion.en
        for link in practice.links:
            assert link.rationale.ja and link.rationale.en


def test_a_broken_copy_reports_all_errors_with_file_and_line(tmp_path):
    text = FILE.read_text(encoding="utf-8")
    broken = text.replace("type: single_choice", "type: single_choise", 1)
    broken = broken.replace("estimated_minutes:", "estimated_minuts:", 1)
    first_show_if = broken.index("show_if:")
    line_of_show_if = broken[:first_show_if].count("\n") + 1
    broken = (
        broken[:first_show_if]
        + "show_if: {question: no_such_question, equals: x}\n"
        + broken[broken.index("\n", first_show_if) + 1 :]
    )
    path = tmp_path / "community-sme-v1.yaml"
    path.write_text(broken, encoding="utf-8")
    questionnaire, errors = load_file(path)
    assert questionnaire is None
    found = Counter(e.code for e in errors)
    assert found["Q301"] == 1 and found["Q103"] == 1 and found["Q104"] == 1 and found["Q202"] == 1
    q202 = next(e for e in errors if e.code == "Q202")
    assert q202.line == line_of_show_if and str(q202).startswith(f"{path}:{line_of_show_if} sections[")


def test_directory_loads(tmp_path):
    shutil.copy(FILE, tmp_path / FILE.name)
    assert load_directory(tmp_path).latest("community-sme").version == 1


@settings(max_examples=100, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), skip=st.sampled_from([0.0, 0.3, 0.9]))
def test_generated_answers_validate_and_score(q, cat, seed, skip):
    answers = sample_answers(q, random.Random(seed), skip_optional=skip)
    assert missing_required(q, answers) == []
    for section in q.sections:
        form = {
            k: [str(x) for x in v] if isinstance(v, list) else str(v)
            for k, v in answers.items()
            if k.split(".")[0] in {x.id for x in section.questions}
        }
        assert validate_page(q, section, answers, form, "ja").errors == {}
    result = score(q, answers, cat)
    assert 0 <= result.overall.score <= 100
    for area in result.areas:
        if area.score is not None:
            assert (
                sum(result.contribution(e) for e in result.explanation if e.area == area.area) == area.score
            )
    assert sum(result.overall_contribution(e) for e in result.explanation) == result.overall.score
    answered_na = {k: "na" for k, v in answers.items() if v == "no" and q.question(k).type == "yes_no_na"}
    if answered_na:
        assert score(q, {**answers, **answered_na}, cat).overall.score >= result.overall.score
