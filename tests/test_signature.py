"""Signature goals and the ranking by what is distinctive: rules on tiny inline
catalogues, then properties on the real catalogue and the latest questionnaire."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.config import Settings
from assess.presentation.goals import reason, reason_drivers
from assess.questionnaire.sample import sample_answers
from assess.questionnaire.types import get_type
from assess.scoring import score
from assess.scoring.catalogue import load_practices_text
from assess.scoring.signature import (
    EVERYDAY,
    MAX_SIGNATURES,
    PracticeWeight,
    distinctiveness,
    practice_weights,
    ranks,
    signature_goals,
)
from assess.services.startup import load_definitions


def practice(pid: str, prevalence: float, *targets: str, core: bool = False) -> str:
    links = "\n".join(
        f'      - {{target: "{t.rstrip("~")}", strength: {"indirect" if t.endswith("~") else "direct"},'
        f" rationale: {{ja: 理由。, en: Why.}}}}"
        for t in targets
    )
    return (
        f"  - id: {pid}\n    label: {{ja: {pid}, en: {pid}}}\n    prevalence: {prevalence}\n"
        + ("    core: true\n" if core else "")
        + f"    targets:\n{links}\n    suggestion: {{ja: 提案。, en: Try it.}}\n"
    )


def catalogue_of(*practices: str):
    text = "weights: {direct: 1.0, indirect: 0.5}\ngoal_levels: {some: 0.5, strong: 2.0}\npractices:\n"
    catalogue, errors = load_practices_text(text + "".join(practices))
    assert catalogue is not None and not [e for e in errors if not e.warning], [str(e) for e in errors]
    return catalogue


def signatures(catalogue, *practices: str) -> list[int]:
    return signature_goals(distinctiveness(practice_weights(catalogue), practices))


# --- rules ------------------------------------------------------------------------


def test_weight_is_surprise_doubled_for_the_core_business_and_strongest_link_per_goal():
    cat = catalogue_of(
        practice("rare", 0.125, "15.2", "15.1~", "6.6~"),
        practice("core", 0.25, "9.1", core=True),
    )
    weights = practice_weights(cat)
    assert weights["rare"] == PracticeWeight(3.0, True, ((15, 3.0, "rare"), (6, 1.5, "rare")))
    assert weights["core"] == PracticeWeight(4.0, True, ((9, 4.0, "core"),))


def test_everyday_practices_alone_make_no_signature_goal():
    cat = catalogue_of(
        practice("hiring", 0.9, "8.5"), practice("safety", 0.8, "8.8"), practice("sorting", 0.6, "12.5")
    )
    assert signatures(cat, "hiring", "safety", "sorting") == []


def test_one_uncommon_practice_outranks_a_pile_of_everyday_ones():
    cat = catalogue_of(
        *(practice(f"everyday{i}", 0.5, f"8.{i}") for i in range(1, 9)),
        practice("forest", 0.125, "15.2~"),
    )
    found = distinctiveness(practice_weights(cat), [f"everyday{i}" for i in range(1, 9)] + ["forest"])
    assert found[8].score == 1.0 and len(found[8].parts) == 8
    assert found[15].score == 1.5
    assert ranks({g: d.parts for g, d in found.items()}) == {15: 1, 8: 2}
    assert signature_goals(found) == [15]


def test_a_goal_needs_an_uncommon_leader_and_a_third_of_the_top_goal():
    cat = catalogue_of(
        practice("core", 1 / 64, "2.3", core=True),  # 12 bits
        practice("some", 1 / 8, "4.7"),  # 3 bits: under a third of 12
        practice("more", 1 / 16, "5.5"),  # 4 bits: a third
        practice("common", 0.6, "11.3"),
    )
    assert signatures(cat, "core", "some", "more", "common") == [2, 5]


def test_equal_goals_share_a_rank_and_ties_at_the_cut_are_left_out():
    goals = [f"{g}.1" for g in range(1, MAX_SIGNATURES + 2)]  # one more than can be signatures
    cat = catalogue_of(*(practice(f"p{i}", 0.1, target) for i, target in enumerate(goals)))
    found = distinctiveness(practice_weights(cat), [f"p{i}" for i in range(len(goals))])
    assert set(ranks({g: d.parts for g, d in found.items()}).values()) == {1}
    assert signature_goals(found) == []
    cat = catalogue_of(
        *(practice(f"p{i}", 0.1, target) for i, target in enumerate(goals[:-1])),
        practice("lower", 0.2, goals[-1]),
    )
    found = distinctiveness(practice_weights(cat), [f"p{i}" for i in range(len(goals) - 1)] + ["lower"])
    assert sorted(signature_goals(found)) == list(range(1, MAX_SIGNATURES + 1))


def test_the_next_practice_breaks_a_tie_never_the_goal_number():
    cat = catalogue_of(practice("shared", 0.05, "3.4", "17.17"), practice("partner", 0.3, "17.16~"))
    found = distinctiveness(practice_weights(cat), ["shared", "partner"])
    assert ranks({g: d.parts for g, d in found.items()}) == {17: 1, 3: 2}
    assert signature_goals(found) == [17, 3]


def test_competition_ranks():
    assert ranks({1: (3.0,), 2: (2.0,), 3: (2.0,), 4: (1.0,), 5: ()}) == {1: 1, 2: 2, 3: 2, 4: 4, 5: 5}


# --- properties on the real catalogue -------------------------------------------------


@pytest.fixture(scope="module")
def definitions():
    return load_definitions(Settings())


@pytest.fixture(scope="module")
def weights(definitions):
    return practice_weights(definitions.practices)


def practice_sets(catalogue, keep=lambda p: True):
    ids = sorted(pid for pid, p in catalogue.practices.items() if keep(p))
    return st.lists(st.sampled_from(ids), max_size=25, unique=True)


REAL = load_definitions(Settings()).practices  # the strategies below need it at import


@settings(max_examples=300, deadline=None)
@given(chosen=practice_sets(REAL, lambda p: not p.core and p.prevalence >= EVERYDAY))
def test_only_everyday_practices_give_no_signature_goal(weights, chosen):
    assert signature_goals(distinctiveness(weights, chosen)) == []


def strongest_goals(weight: PracticeWeight) -> set[int]:
    top = max(p.part for p in weight.parts)
    return {p.goal for p in weight.parts if p.part == top}


@settings(max_examples=300, deadline=None)
@given(
    chosen=practice_sets(REAL),
    added=st.sampled_from(sorted(p for p, v in REAL.practices.items() if v.prevalence < EVERYDAY)),
)
def test_adding_an_uncommon_practice_never_lowers_its_goals_rank(weights, chosen, added):
    def rank_of(practices):
        found = distinctiveness(weights, practices)
        return ranks({g: found[g].parts if g in found else () for g in range(1, 18)})

    before, after = rank_of(chosen), rank_of([*chosen, added])
    for goal in strongest_goals(weights[added]):
        assert after[goal] <= before[goal]


@settings(max_examples=300, deadline=None)
@given(chosen=practice_sets(REAL), seed=st.integers(0, 2**32 - 1))
def test_relabelling_goal_numbers_keeps_the_practices_behind_each_signature(weights, chosen, seed):
    numbers = list(range(1, 18))
    random.Random(seed).shuffle(numbers)
    relabel = dict(zip(range(1, 18), numbers, strict=True))
    relabelled = {
        pid: PracticeWeight(w.bits, w.distinctive, tuple(p._replace(goal=relabel[p.goal]) for p in w.parts))
        for pid, w in weights.items()
    }
    found, found_r = distinctiveness(weights, chosen), distinctiveness(relabelled, chosen)

    def behind(found, goals):
        return sorted(found[g].drivers for g in goals)

    assert behind(found, signature_goals(found)) == behind(found_r, signature_goals(found_r))
    assert {relabel[g] for g in signature_goals(found)} == set(signature_goals(found_r))


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_every_reason_names_practices_evidenced_in_the_answers(definitions, seed):
    q, cat = definitions.registry.latest("community-sme"), definitions.practices
    result = score(q, sample_answers(q, random.Random(seed), skip_optional=0.3), cat)
    evidenced = {e.practice for e in result.evidence}
    for goal in result.signature_goals:
        named = reason_drivers(goal, cat)
        assert named and set(named) <= evidenced
        for locale in ("ja", "en"):
            sentence = reason(goal, cat, locale)
            assert str(goal.number) in sentence
            assert all(cat[p].label.get(locale).lower() in sentence.lower() for p in named)


def everyday_answers(q, cat, rng: random.Random) -> dict:
    """Generated answers with every option that shows an uncommon or core practice taken out."""

    def everyday(practices) -> bool:
        return all(not cat[p].core and cat[p].prevalence >= EVERYDAY for p in practices)

    answers = {}
    for question, value in sample_answers(q, rng).items():
        found = q.question(question) if "." not in question else None
        if found is None:
            continue
        shows = get_type(found.type).evidence(found)
        if isinstance(value, list):
            kept = [v for v in value if everyday(shows.get(v, ()))]
            exclusive = [o.value for o in found.options if o.exclusive and not o.not_applicable]
            value = kept or exclusive[:1]
        elif not everyday(shows.get(value, ())):
            value = next((v for v in found.option_values if everyday(shows.get(v, ()))), "no")
        if value:
            answers[question] = value
    return answers


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_company_with_only_everyday_answers_has_no_signature_goal(definitions, seed):
    q, cat = definitions.registry.latest("community-sme"), definitions.practices
    result = score(q, everyday_answers(q, cat, random.Random(seed)), cat)
    assert result.evidence and result.signature_goals == ()
