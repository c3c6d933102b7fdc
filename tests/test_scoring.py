"""Scoring rules on a hand-worked example, and properties on generated answers."""

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.questionnaire.sample import sample_answers
from assess.scoring import apportion, score
from assess.scoring.catalogue import load_practices_text
from tests.defs import INDUSTRY, PRACTICES, VALID, load


@pytest.fixture(scope="module")
def q():
    questionnaire, errors = load(VALID)
    return questionnaire


@pytest.fixture(scope="module")
def cat():
    catalogue, errors = load_practices_text(PRACTICES)
    assert catalogue is not None, [str(e) for e in errors]
    return catalogue


HAND = {"energy": ["led"], "staff": 12, "recycle": "yes", "rating": 3}


def test_hand_worked_example(q, cat):
    # energy: LED scores 1 of a possible 1+2=3 raw points, weight 1  -> 1/3
    # recycle: yes, weight 2                                         -> 2
    # rating: 3 on a 1-5 scale scores 2 of 4, weight 1                -> 1/2
    # possible 1 + 2 + 1 = 4; earned 17/6; score 100 * 17/6 / 4 = 70.83
    result = score(q, HAND, cat)
    env = result.area("env")
    assert env.earned == Fraction(17, 6) and env.possible == 4
    assert env.score == Fraction(1700, 24)
    assert round(float(env.score), 2) == 70.83
    assert env.level == "developing"  # 40 <= 70.83 < 80
    assert result.overall.score == env.score
    rows = {e.question: e for e in result.explanation}
    assert (
        rows["energy"].earned == Fraction(1, 3)
        and rows["energy"].possible == 1
        and rows["energy"].chosen == ("led",)
    )
    assert rows["recycle"].earned == 2 and result.contribution(rows["recycle"]) == 50
    assert rows["rating"].earned == Fraction(1, 2) and result.contribution(rows["rating"]) == Fraction(25, 2)
    assert rows["staff"].status == "unscored" and rows["detail"].status == "unscored"
    assert sum(result.contribution(e) for e in result.explanation) == env.score
    assert apportion([result.contribution(rows[k]) for k in ("energy", "recycle", "rating")]) == [
        8.3,
        50.0,
        12.5,
    ]


def test_not_applicable_and_hidden_leave_the_denominator(q, cat):
    na = score(q, {**HAND, "recycle": "na"}, cat).area("env")
    assert na.possible == 2 and na.earned == Fraction(5, 6)  # energy + rating only
    hidden = score(q, {**HAND, "staff": 3}, cat)
    assert hidden.area("env").possible == 3  # rating hidden: staff < 10
    assert {e.question: e.status for e in hidden.explanation}["rating"] == "hidden"
    statuses = {e.question: e.status for e in score(q, {**HAND, "recycle": "na"}, cat).explanation}
    assert statuses["recycle"] == "not_applicable"


def test_unanswered_optional_counts_zero_and_is_listed(q, cat):
    result = score(q, {"energy": ["led"], "staff": 12, "recycle": "yes"}, cat)
    assert result.unanswered == ("rating",)
    assert result.area("env").possible == 4 and result.area("env").earned == Fraction(7, 3)


def test_multiple_choice_cap_and_exclusive(q, cat):
    full = score(q, {**HAND, "energy": ["led", "solar"]}, cat)
    assert {e.question: e.earned for e in full.explanation}["energy"] == 1
    none = score(q, {**HAND, "energy": ["none"]}, cat)
    assert {e.question: e.earned for e in none.explanation}["energy"] == 0


def test_area_with_nothing_applicable_has_no_score(cat):
    only_yes_no, _ = load("""
- id: s1
  title: {ja: 環境, en: Environment}
  area: env
  questions:
    - {id: recycle, type: yes_no_na, label: {ja: リサイクル, en: Recycling}, practices: [recycling]}
""")
    result = score(only_yes_no, {"recycle": "na"}, cat)
    assert result.area("env").score is None and result.area("env").level is None
    assert result.overall.score is None
    assert score(only_yes_no, {"recycle": "no"}, cat).area("env").level == "starting"


def test_sdg_profile_with_evidence_chain(q, cat):
    result = score(q, HAND, cat)
    contributions = {t.code: t.contribution for t in result.targets}
    assert contributions == {"7.3": 1.0, "12.5": 1.0}
    chain = result.chain({t.code: t for t in result.targets}["12.5"])
    assert (
        chain[0][0].question == "recycle" and chain[0][0].practice == "recycling" and chain[0][1] == "direct"
    )
    goals = {g.number: g for g in result.goals}
    assert goals[7].aggregate == 1.0 and goals[7].level == "some" and goals[12].level == "some"
    assert goals[1].level == "none"
    assert [g.number for g in result.goals[:2]] == [7, 12]  # ranked, ties by number
    both = score(q, {**HAND, "energy": ["led", "solar"]}, cat)
    goals = {g.number: g for g in both.goals}
    assert goals[7].aggregate == 2.0 and goals[7].level == "strong" and goals[13].aggregate == 0.5


def test_practice_counts_once_per_target(q, cat):
    # recycling evidenced by two answers would still add 1.0 to 12.5 once
    from assess.scoring.plan import plan_for
    from assess.scoring.profile import sdg_profile

    targets, _ = sdg_profile(plan_for(q, cat), ["recycling", "recycling"])
    assert targets[0].contribution == 1.0 and targets[0].practices == (("recycling", "direct"),)


def test_opportunities_ranked_with_suggestions(q, cat):
    result = score(q, HAND, cat)
    top = result.opportunities[0]
    assert top.practice == "renewable_energy" and top.questions == ("energy",)
    # choosing solar too lifts energy from 1/3 to 1 point: 2/3 of 4 possible = 16.67 overall points
    assert top.points == pytest.approx(16.6667, abs=1e-3)
    assert top.sdg == 1.5 and top.new_targets == ("7.2", "13.3")
    assert cat["renewable_energy"].suggestion.en == "Consider solar panels."
    assert all(o.practice not in ("energy_efficiency", "recycling") for o in result.opportunities)


def test_a_core_business_or_another_industry_s_practice_is_never_a_next_step(q):
    text = PRACTICES.replace("    prevalence: 0.2\n", "    prevalence: 0.2\n    core: true\n")
    core_cat, _ = load_practices_text(text)
    assert all(o.practice != "renewable_energy" for o in score(q, HAND, core_cat).opportunities)
    industry_q, _ = load(INDUSTRY + VALID)
    fit_cat, _ = load_practices_text(
        PRACTICES.replace("    prevalence: 0.2\n", "    prevalence: 0.2\n    industries: [manufacturing]\n")
    )

    def next_steps(industry):
        return [o.practice for o in score(industry_q, {**HAND, "industry": industry}, fit_cat).opportunities]

    assert "renewable_energy" in next_steps("manufacturing")
    assert "renewable_energy" not in next_steps("fisheries")


def test_a_not_applicable_option_leaves_a_multiple_choice_question_out(cat):
    with_na, errors = load(
        VALID.replace(
            "        - {value: none, label: {ja: 特にない, en: None of these}, exclusive: true}\n",
            "        - {value: none, label: {ja: 特にない, en: None of these}, exclusive: true}\n"
            "        - {value: na, label: {ja: 該当しない, en: Does not apply},"
            " exclusive: true, not_applicable: true}\n",
        )
    )
    assert with_na is not None, [str(e) for e in errors]
    result = score(with_na, {**HAND, "energy": ["na"]}, cat)
    rows = {e.question: e for e in result.explanation}
    assert rows["energy"].status == "not_applicable" and rows["energy"].possible_units == 0
    assert result.area("env").possible == 3  # recycling (2) and rating (1) are left; energy was 1
    assert all(o.practice != "renewable_energy" for o in result.opportunities)  # not a next step either


def test_sse_lens(q, cat):
    result = score(q, HAND, cat)
    sse = {f.feature: f for f in result.sse}
    assert sse["social"].level == "clear" and sse["social"].shown == ("recycling",)
    assert sse["economic"].level == "none" and sse["economic"].reachable == ("renewable_energy",)
    assert sse["democratic"].reachable == ()


def test_result_is_plain_json(q, cat):
    import json

    data = score(q, HAND, cat).to_dict()
    assert json.loads(json.dumps(data))["overall"]["score"] == 70.8333


def test_deterministic(q, cat):
    assert score(q, HAND, cat) == score(q, dict(reversed(list(HAND.items()))), cat)


def test_apportion_keeps_the_total():
    assert apportion([Fraction(1, 3)] * 3) == [0.4, 0.3, 0.3]  # 1.0 in all, not 0.9
    assert apportion([Fraction(2, 3)] * 3) == [0.7, 0.7, 0.6]  # 2.0 in all, not 2.1
    assert apportion([Fraction(100, 3)] * 3) == [33.4, 33.3, 33.3]


# --- properties ---------------------------------------------------------------------

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_scores_within_range_and_explanation_sums(q, cat, seed):
    answers = sample_answers(q, random.Random(seed), skip_optional=0.3)
    result = score(q, answers, cat)
    for area in result.areas + (result.overall,):
        assert area.score is None or 0 <= area.score <= 100
    for area in result.areas:
        if area.score is not None:
            assert (
                sum(result.contribution(e) for e in result.explanation if e.area == area.area) == area.score
            )
    if result.overall.score is not None:
        assert sum(result.overall_contribution(e) for e in result.explanation) == result.overall.score


@settings(max_examples=200, deadline=None)
@given(seed=seeds, extra=st.sampled_from(["led", "solar"]))
def test_adding_a_practice_never_lowers_a_target(q, cat, seed, extra):
    answers = sample_answers(q, random.Random(seed))
    before = {t.code: t.contribution for t in score(q, answers, cat).targets}
    chosen = [v for v in answers.get("energy", []) if v != "none"]
    more = {**answers, "energy": sorted(set(chosen) | {extra})}
    after = {t.code: t.contribution for t in score(q, more, cat).targets}
    assert all(after.get(code, 0) >= value for code, value in before.items())


@settings(max_examples=200, deadline=None)
@given(seed=seeds)
def test_not_applicable_never_lowers_a_score(q, cat, seed):
    answers = sample_answers(q, random.Random(seed))
    if answers.get("recycle") != "no":
        answers["recycle"] = "no"
    with_no = score(q, answers, cat).area("env").score
    with_na = score(q, {**answers, "recycle": "na"}, cat).area("env").score
    assert with_na is None or with_na >= with_no
