"""Conditions, page validation and versioning of loaded questionnaires."""

from dataclasses import FrozenInstanceError

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.definitions.errors import DefinitionFileError
from assess.questionnaire.conditions import effective_answers, holds, visibility
from assess.questionnaire.loader import load_text
from assess.questionnaire.model import AllOf, AnyOf, Comparison, Not
from assess.questionnaire.pages import missing_required, validate_page
from assess.questionnaire.registry import Registry, check_published, load_directory, load_files
from tests.defs import VALID, definition, load


@pytest.fixture(scope="module")
def q():
    questionnaire, errors = load(VALID)
    assert questionnaire is not None, errors
    return questionnaire


# --- conditions -------------------------------------------------------------


def test_comparisons():
    answers = {"a": "yes", "m": ["x", "y"], "n": 7}
    seen = {}
    assert holds(Comparison("a", "equals", "yes"), answers, seen)
    assert not holds(Comparison("a", "equals", "no"), answers, seen)
    assert holds(Comparison("a", "in", ("no", "yes")), answers, seen)
    assert holds(Comparison("m", "contains", "y"), answers, seen)
    assert not holds(Comparison("m", "contains", "z"), answers, seen)
    assert holds(Comparison("n", "gte", 7), answers, seen)
    assert not holds(Comparison("n", "lte", 6), answers, seen)
    assert holds(Comparison("n", "answered", True), answers, seen)
    assert holds(Comparison("zzz", "answered", False), answers, seen)
    assert not holds(Comparison("zzz", "equals", "yes"), answers, seen)


def test_combinations():
    yes, no = Comparison("a", "equals", "yes"), Comparison("a", "equals", "no")
    answers = {"a": "yes"}
    assert holds(AllOf((yes, Not(no))), answers, {})
    assert not holds(AllOf((yes, no)), answers, {})
    assert holds(AnyOf((no, yes)), answers, {})
    assert not holds(Not(AnyOf((no, yes))), answers, {})


def test_hidden_question_counts_as_unanswered():
    assert not holds(Comparison("a", "equals", "yes"), {"a": "yes"}, {"a": False})
    assert holds(Comparison("a", "answered", False), {"a": "yes"}, {"a": False})


def test_visibility_and_stale_answers(q):
    answers = {"energy": ["none"], "detail": "old text", "staff": 3, "rating": 5}
    shown = visibility(q, answers)
    assert shown["detail"] is False and shown["rating"] is False and shown["energy"] is True
    assert effective_answers(q, answers) == {"energy": ["none"], "staff": 3}
    answers["energy"], answers["staff"] = ["led"], 12
    assert effective_answers(q, answers) == {
        "energy": ["led"],
        "staff": 12,
        "detail": "old text",
        "rating": 5,
    }


def test_nested_condition_loads():
    text = VALID.replace(
        "show_if: {question: staff, gte: 10}",
        "show_if: {all: [{question: staff, gte: 10}, {any: [{question: energy, contains: led}, {question: "
        'recycle, in: ["yes", "na"]}]}]}',
    )
    questionnaire, errors = load(text)
    assert questionnaire is not None, [str(e) for e in errors]
    rating = questionnaire.question("rating")
    assert isinstance(rating.show_if, AllOf)
    assert visibility(questionnaire, {"staff": 20, "recycle": "na"})["rating"]
    assert not visibility(questionnaire, {"staff": 20, "recycle": "no"})["rating"]


# --- page validation ---------------------------------------------------------


def test_valid_page(q):
    section = q.sections[0]
    result = validate_page(
        q, section, {}, {"energy": ["led", "solar"], "staff": "12", "recycle": "yes", "rating": "4"}, "en"
    )
    assert result.ok, result.errors
    assert result.values["energy"] == ["led", "solar"]
    assert result.values["staff"] == 12 and result.values["rating"] == 4 and result.values["recycle"] == "yes"
    assert result.values["detail"] is None  # visible, left empty: clears any earlier answer


def test_valid_answers_kept_when_others_invalid(q):
    result = validate_page(q, q.sections[0], {}, {"energy": ["led"], "staff": "lots", "recycle": ""}, "en")
    assert result.values["energy"] == ["led"]
    assert "staff" not in result.values
    assert result.errors["staff"] == "Enter a number, for example 12."
    assert result.errors["recycle"] == "This question is required."
    assert result.raw["staff"] == ["lots"]


def test_messages_in_japanese(q):
    result = validate_page(q, q.sections[0], {}, {"staff": "5000"}, "ja")
    assert result.errors["staff"] == "0から1000までの数値を入力してください。"
    assert result.errors["energy"] == "この質問は必須です。"


def test_number_rules(q):
    section = q.sections[0]
    assert validate_page(q, section, {}, {"staff": "１２"}, "en").values["staff"] == 12  # full-width digits
    assert validate_page(q, section, {}, {"staff": "1,000"}, "en").values["staff"] == 1000
    assert validate_page(q, section, {}, {"staff": "2.5"}, "en").errors["staff"] == "Enter a whole number."
    assert (
        validate_page(q, section, {}, {"staff": "-1"}, "en").errors["staff"]
        == "Enter a number from 0 to 1000."
    )
    assert validate_page(q, section, {}, {"staff": "nan"}, "en").errors["staff"].startswith("Enter a number")


def test_exclusive_none_of_these(q):
    result = validate_page(q, q.sections[0], {}, {"energy": ["led", "none"]}, "en")
    assert result.errors["energy"] == "“None of these” cannot be combined with other choices."


def test_unknown_option_value(q):
    result = validate_page(q, q.sections[0], {}, {"energy": ["wind"], "recycle": "maybe"}, "en")
    assert result.errors["energy"] == result.errors["recycle"] == "Choose one of the options shown."


def test_other_needs_its_text(q):
    section = q.sections[0]
    result = validate_page(q, section, {}, {"energy": ["other"], "recycle": "no"}, "en")
    assert result.errors["energy"] == "Please say what “other” is."
    assert result.values["energy"] == ["other"]  # the choice itself is kept
    result = validate_page(
        q, section, {}, {"energy": ["other"], "energy.other": ["wind turbine"], "recycle": "no"}, "en"
    )
    assert result.ok and result.values["energy.other"] == "wind turbine"
    result = validate_page(
        q, section, {}, {"energy": ["led"], "energy.other": ["stale"], "recycle": "no"}, "en"
    )
    assert result.values["energy.other"] is None


def test_hidden_question_not_required_and_post_ignored(q):
    text = VALID.replace(
        "label: {ja: 評価, en: Rating}", "label: {ja: 評価, en: Rating}\n      required: true"
    )
    questionnaire, _ = load(text)
    result = validate_page(
        questionnaire,
        questionnaire.sections[0],
        {},
        {"energy": ["led"], "recycle": "yes", "staff": "3", "rating": "2"},
        "en",
    )
    assert result.ok and "rating" not in result.values
    result = validate_page(
        questionnaire,
        questionnaire.sections[0],
        {},
        {"energy": ["led"], "recycle": "yes", "staff": "30"},
        "en",
    )
    assert result.errors == {"rating": "This question is required."}


def test_text_length():
    questionnaire, _ = load(VALID.replace("type: long_text", "type: long_text\n      max_length: 10"))
    result = validate_page(questionnaire, questionnaire.sections[0], {}, {"detail": "x" * 11}, "en")
    assert result.errors["detail"] == "Please shorten this to 10 characters (now 11)."


def test_missing_required(q):
    assert [m.id for m in missing_required(q, {})] == ["energy", "recycle"]
    assert [m.id for m in missing_required(q, {"energy": ["other"], "recycle": "na"})] == ["energy"]
    assert missing_required(q, {"energy": ["led"], "recycle": "na"}) == []


form_values = st.one_of(
    st.text(max_size=30), st.lists(st.text(max_size=10), max_size=4), st.integers(), st.none()
)
forms = st.dictionaries(
    st.sampled_from(["energy", "energy.other", "staff", "detail", "recycle", "rating", "junk"])
    | st.text(max_size=8),
    form_values,
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(form=forms, locale=st.sampled_from(["ja", "en", "xx"]))
def test_page_validation_never_raises(q, form, locale):
    result = validate_page(q, q.sections[0], {}, form, locale)
    ids = {x.id for x in q.sections[0].questions}
    assert set(result.errors) <= ids
    assert all(isinstance(m, str) and m for m in result.errors.values())
    assert {k.removesuffix(".other") for k in result.values} <= ids
    # whatever was accepted validates again to the same value
    again = validate_page(
        q,
        q.sections[0],
        {},
        {k: v if isinstance(v, list) else ("" if v is None else str(v)) for k, v in result.values.items()},
        locale,
    )
    for key, value in result.values.items():
        if value is not None and key in again.values:
            assert again.values[key] == value


# --- versions ------------------------------------------------------------------


def test_content_hash_ignores_comments_but_not_content():
    a, _ = load(VALID)
    b, _ = load_text("# a comment\n" + definition(VALID), "t-v1.yaml")
    c, _ = load(VALID.replace("Details", "More details"))
    assert a.content_hash == b.content_hash != c.content_hash


def test_versions_side_by_side(tmp_path):
    (tmp_path / "t-v1.yaml").write_text(definition(VALID), encoding="utf-8")
    (tmp_path / "t-v2.yaml").write_text(
        definition(VALID).replace("version: 1", "version: 2").replace("Details", "Tell us more"),
        encoding="utf-8",
    )
    registry = load_directory(tmp_path)
    assert [x.version for x in registry.all()] == [1, 2]
    assert registry.latest("t").version == 2
    assert registry.get("t", 1).question("detail").label.en == "Details"


def test_same_version_twice_is_an_error(tmp_path):
    (tmp_path / "t-v1.yaml").write_text(definition(VALID), encoding="utf-8")
    (tmp_path / "copy.yaml").write_text(definition(VALID), encoding="utf-8")
    registry, errors = load_files(sorted(tmp_path.glob("*.yaml")))
    assert [e.code for e in errors] == ["Q502"]


def test_changed_locked_version_is_refused(q):
    registry = Registry({q.key: q})
    assert check_published(registry, {q.key: q.content_hash}) == []
    errors = check_published(registry, {q.key: "0" * 64})
    assert errors[0].code == "Q501" and "version 2" in errors[0].fix


def test_load_directory_raises_with_every_error(tmp_path):
    (tmp_path / "a.yaml").write_text("id: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("[", encoding="utf-8")
    with pytest.raises(DefinitionFileError) as info:
        load_directory(tmp_path)
    assert {e.file.split("/")[-1] for e in info.value.errors} == {"a.yaml", "b.yaml"}


def test_models_are_immutable(q):
    with pytest.raises(FrozenInstanceError):
        q.sections[0].questions[0].required = False
