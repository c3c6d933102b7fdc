"""Lookup tables for scoring, built once per questionnaire version and practice catalogue.

Everything that does not depend on the answers is worked out here: each
question's points in integer units of one common denominator, the evidence
records each answer makes, where each practice can be shown, and the SDG
links of each practice. Scoring a response then only looks things up.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from math import lcm
from typing import Any, NamedTuple

from assess.questionnaire.model import Question, Questionnaire
from assess.questionnaire.types import Points, get_type
from assess.scoring.catalogue import SSE_FEATURES, PracticeCatalogue
from assess.scoring.result import Evidence, PracticeLink
from assess.scoring.signature import PracticeWeight, practice_weights


@dataclass(frozen=True, slots=True)
class QuestionPlan:
    question: Question
    id: str
    area: str | None
    scored: bool
    multiple: bool  # answered with a list of options
    not_applicable: Any  # the answer that leaves it out of the score; None if there is none
    possible: int  # units it can earn (multiple choice: its cap)
    points: dict[Any, int]  # answer or option -> units
    exclusive: frozenset[str]  # options that stand alone ("none of these")
    practices: dict[Any, tuple[str, ...]]  # answer or option -> practices it shows
    evidence: dict[Any, tuple[Evidence, ...]]  # the same as Evidence records, made once
    practice_best: dict[str, int]  # practice -> most units an answer showing it earns


@dataclass(frozen=True, slots=True)
class PracticePlace:
    """A question on which a practice can be shown."""

    question: str
    scored: bool
    multiple: bool
    not_applicable: Any  # the answer that leaves the question out; None if there is none
    cap: int
    best: int  # most units an answer showing the practice earns there


class TargetLink(NamedTuple):  # unpacked for every link of every response: a plain tuple
    target: str
    goal: int
    weight: float
    source: PracticeLink
    order: int  # the target's place in the SDG catalogue: 8.2 before 8.10 before 8.a


@dataclass(frozen=True)
class Plan:
    questionnaire: Questionnaire
    catalogue: PracticeCatalogue
    questions: tuple[QuestionPlan, ...]
    area_ids: tuple[str, ...]
    unit: int  # common denominator of all points
    levels: tuple[tuple[float, str], ...]  # (lowest score, maturity level id), ascending
    links: dict[str, tuple[TargetLink, ...]]  # practice -> its SDG links
    sdg_weight: dict[str, float]  # practice -> sum of its link weights
    places: dict[str, tuple[PracticePlace, ...]]  # practice -> where it can be shown
    next_steps: frozenset[str]  # practices that can be suggested: shown somewhere, not a core business
    sse_of: dict[str, tuple[str, ...]]  # reachable practice -> its SSE features
    sse_reachable: dict[str, tuple[str, ...]]  # SSE feature -> reachable practices, sorted
    practice_weights: dict[str, PracticeWeight]  # what each practice adds to the goals it reaches


@lru_cache(maxsize=32)
def plan_for(questionnaire: Questionnaire, catalogue: PracticeCatalogue) -> Plan:
    """The tables for one questionnaire version and catalogue (both immutable, hashed by identity)."""
    points = [get_type(q.type).points(q) for q in questionnaire.questions]
    unit = 1
    for p in points:
        for value in (p.possible, *p.by_answer.values()):
            unit = lcm(unit, value.denominator)
    questions = tuple(
        _question_plan(questionnaire, q, p, unit)
        for q, p in zip(questionnaire.questions, points, strict=True)
    )
    reachable = sorted(
        {pid for qp in questions for ids in qp.practices.values() for pid in ids if pid in catalogue}
    )
    places = _places(questions, catalogue)
    order = {t.code: i for i, t in enumerate(catalogue.sdg.targets())}
    return Plan(
        questionnaire=questionnaire,
        catalogue=catalogue,
        questions=questions,
        area_ids=tuple(a.id for a in questionnaire.areas),
        unit=unit,
        levels=tuple((level.min, level.id) for level in questionnaire.maturity_levels),
        links={
            pid: tuple(
                TargetLink(link.target, link.goal, link.weight, (pid, link.strength), order[link.target])
                for link in p.links
            )
            for pid, p in catalogue.practices.items()
        },
        sdg_weight={pid: sum(link.weight for link in p.links) for pid, p in catalogue.practices.items()},
        places=places,
        next_steps=frozenset(pid for pid in places if not catalogue[pid].core),
        sse_of={pid: catalogue[pid].sse for pid in reachable if catalogue[pid].sse},
        sse_reachable={f: tuple(pid for pid in reachable if f in catalogue[pid].sse) for f in SSE_FEATURES},
        practice_weights=practice_weights(catalogue),
    )


def _question_plan(questionnaire: Questionnaire, q: Question, points: Points, unit: int) -> QuestionPlan:
    qtype = get_type(q.type)
    units = {answer: int(value * unit) for answer, value in points.by_answer.items()}
    practices = dict(qtype.evidence(q))
    best: dict[str, int] = {}
    for answer, ids in practices.items():
        for pid in ids:
            best[pid] = max(best.get(pid, 0), units.get(answer, 0))
    return QuestionPlan(
        question=q,
        id=q.id,
        area=questionnaire.section(q.section_id).area,
        scored=q.scored,
        multiple=qtype.multiple,
        not_applicable=qtype.not_applicable(q),
        possible=int(points.possible * unit),
        points=units,
        exclusive=frozenset(o.value for o in q.options if o.exclusive),
        practices=practices,
        evidence={
            answer: tuple(Evidence(q.id, answer, pid) for pid in ids) for answer, ids in practices.items()
        },
        practice_best=best,
    )


def _places(
    questions: tuple[QuestionPlan, ...], catalogue: PracticeCatalogue
) -> dict[str, tuple[PracticePlace, ...]]:
    places: dict[str, list[PracticePlace]] = {}
    for qp in questions:
        for pid, best in qp.practice_best.items():
            if pid in catalogue:
                places.setdefault(pid, []).append(
                    PracticePlace(qp.id, qp.scored, qp.multiple, qp.not_applicable, qp.possible, best)
                )
    return {pid: tuple(found) for pid, found in places.items()}
