"""Scoring: answers → area scores, maturity levels and an explanation of every
point, plus the SDG profile (see `assess/sdg_profile.py`). Pure functions:
no database, no web.

Each scored question is worth its `weight` in points. A question earns
`weight × raw / best raw` (raw: the option score, the sum of chosen option
scores up to the cap, the scale score, or 1 for "yes"). An area's score is
100 × earned / possible over its questions; the overall score pools all
areas. "Not applicable" and hidden questions leave the denominator;
unanswered ones count zero and are listed. Arithmetic is exact (fractions),
so the per-question contributions add up to the score exactly.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, is_dataclass
from fractions import Fraction
from math import lcm
from typing import Any, Mapping, NamedTuple

from assess.practices import PracticeCatalogue
from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Question, Questionnaire, other_key

ZERO = Fraction(0)
# Named tuples built through tuple.__new__ skip a Python-level __new__ call:
# ~150 are made per response, and scoring speed matters for bulk re-scoring.
_new = tuple.__new__
HUNDRED = Fraction(100)


# --- the result: plain values ---------------------------------------------------


def _points(units_field: str) -> property:
    """Points as an exact fraction from integer units (score = units / unit)."""
    return property(lambda self: Fraction(getattr(self, units_field), self.unit))


class AreaScore(NamedTuple):
    area: str  # area id, or "overall"
    score: Fraction | None  # 0–100; None when nothing in the area applies
    earned_units: int
    possible_units: int
    unit: int
    level: str | None  # maturity level id
    unanswered: tuple[str, ...] = ()

    earned = _points("earned_units")
    possible = _points("possible_units")


class QuestionExplanation(NamedTuple):
    """One question's part in the score (a named tuple: built ~80 times per response).
    Its share of the area and overall scores: `ScoreResult.contribution()`."""

    question: str
    area: str | None
    status: str  # scored | unanswered | not_applicable | hidden | unscored
    answer: Any
    earned_units: int  # points × unit: integers keep scoring fast and exact
    possible_units: int
    unit: int
    chosen: tuple[str, ...] = ()  # option values behind the points
    practices: tuple[str, ...] = ()  # practices the answer evidences

    earned = _points("earned_units")
    possible = _points("possible_units")


class Evidence(NamedTuple):
    question: str
    answer: Any  # the option value, "yes", or the scale value
    practice: str


class TargetContribution(NamedTuple):
    code: str
    goal: int
    contribution: float
    practices: tuple[tuple[str, str], ...]  # (practice id, link strength); see ScoreResult.chain


class GoalResult(NamedTuple):
    number: int
    aggregate: float
    level: str  # none | some | strong
    targets: tuple[str, ...]


class Opportunity(NamedTuple):
    practice: str
    questions: tuple[str, ...]
    points: float  # overall score points it could add
    sdg: float  # target contribution it would add
    new_targets: tuple[str, ...]
    value: float  # points + sdg: the ranking key


class SseFeature(NamedTuple):
    feature: str  # economic | social | democratic
    level: str  # none | partial | clear
    shown: tuple[str, ...]  # practices evidenced
    reachable: tuple[str, ...]  # practices the questionnaire can evidence
    evidence: tuple[Evidence, ...]


class ScoreResult(NamedTuple):
    questionnaire: str
    version: int
    content_hash: str
    overall: AreaScore
    areas: tuple[AreaScore, ...]
    explanation: tuple[QuestionExplanation, ...]
    unanswered: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    targets: tuple[TargetContribution, ...]
    goals: tuple[GoalResult, ...]  # ranked, strongest first
    opportunities: tuple[Opportunity, ...]  # ranked, most valuable first
    sse: tuple[SseFeature, ...]

    def area(self, area_id: str) -> AreaScore:
        return next(a for a in self.areas if a.area == area_id)

    def contribution(self, item: QuestionExplanation) -> Fraction:
        """Points of its area's score that a question gives."""
        area = self.area(item.area) if item.area else None
        return Fraction(100 * item.earned_units, area.possible_units) if area and area.possible_units else ZERO

    def overall_contribution(self, item: QuestionExplanation) -> Fraction:
        possible = self.overall.possible_units
        return Fraction(100 * item.earned_units, possible) if possible else ZERO

    def chain(self, target: TargetContribution) -> list[tuple[Evidence, str]]:
        """The evidence behind a target: each answer → practice, with the link's strength."""
        strength = dict(target.practices)
        return [(e, strength[e.practice]) for e in self.evidence if e.practice in strength]

    def to_dict(self) -> dict:
        data = {name: _plain(getattr(self, name)) for name in self._fields if name != "explanation"}
        data["explanation"] = [
            {
                "question": e.question, "area": e.area, "status": e.status, "answer": e.answer,
                "earned": _plain(e.earned), "possible": _plain(e.possible),
                "contribution": _plain(self.contribution(e)), "overall_contribution": _plain(self.overall_contribution(e)),
                "chosen": list(e.chosen), "practices": list(e.practices),
            }
            for e in self.explanation
        ]
        return data


def _plain(value: Any) -> Any:
    if hasattr(value, "_asdict"):  # named tuples
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, Fraction):
        return round(float(value), 4)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if is_dataclass(value):
        return _plain(asdict(value))
    return value


# --- lookup tables, built once per questionnaire --------------------------------


@dataclass
class QuestionPlan:
    question: Question
    area: str | None
    possible: int  # in units
    points: dict[Any, int] = field(default_factory=dict)  # answer/option -> units
    cap: int = 0  # multiple choice: most units it can earn
    evidences: dict[Any, tuple[str, ...]] = field(default_factory=dict)  # answer/option -> practices
    exclusive: frozenset[str] = frozenset()
    practice_best: dict[str, int] = field(default_factory=dict)  # practice -> most units an answer showing it earns
    evidence_items: dict[Any, tuple] = field(default_factory=dict)  # answer/option -> Evidence tuple, made once


@dataclass
class Plan:
    questionnaire: Questionnaire
    questions: list[QuestionPlan]
    area_ids: tuple[str, ...]
    unit: int  # common denominator of all points
    views: dict = field(default_factory=dict)  # per practice catalogue, see sdg_profile
    fast: list[tuple] = field(default_factory=list)  # (id, area, scored, yes/no, plan) per question
    levels: tuple[tuple[float, str], ...] = ()  # (lowest score, level id), ascending


def _frac(value: float) -> Fraction:
    return Fraction(value).limit_denominator(10_000)


def _exact_points(q: Question) -> tuple[Fraction, dict[Any, Fraction]]:
    """A question's possible points and the points of each answer, as fractions."""
    weight = _frac(q.weight)
    if not q.scored:
        return ZERO, {}
    if q.type in ("single_choice", "dropdown"):
        best = max(_frac(o.score) for o in q.options)
        return weight, {o.value: weight * _frac(o.score) / best for o in q.options}
    if q.type == "multiple_choice":
        total = sum((_frac(o.score) for o in q.options if o.score > 0), ZERO)
        cap = min(total, _frac(q.max_score)) if q.max_score is not None else total
        return weight, {o.value: weight * _frac(o.score) / cap for o in q.options}
    if q.type == "scale":
        scores = [_frac(x) for x in q.scale.scores]
        best = max(scores)
        return weight, {v: (weight * scores[v - 1] / best if best else ZERO) for v in range(1, 6)}
    return weight, {"yes": weight, "no": ZERO}  # yes_no_na


def _build_plan(questionnaire: Questionnaire) -> Plan:
    exact = [_exact_points(q) for q in questionnaire.questions]
    unit = 1
    for possible, points in exact:
        for value in (possible, *points.values()):
            unit = lcm(unit, value.denominator)
    plans = []
    for q, (possible, points) in zip(questionnaire.questions, exact):
        qp = QuestionPlan(q, questionnaire.section(q.section_id).area, int(possible * unit))
        qp.points = {k: int(v * unit) for k, v in points.items()}
        qp.cap = qp.possible
        qp.exclusive = frozenset(o.value for o in q.options if o.exclusive)
        if q.options:
            qp.evidences = {o.value: o.practices for o in q.options if o.practices}
        elif q.type == "yes_no_na" and q.practices:
            qp.evidences = {"yes": q.practices}
        elif q.type == "scale" and q.practices:
            qp.evidences = {v: q.practices for v in range(q.practice_min, 6)}
        for value, ids in qp.evidences.items():
            qp.evidence_items[value] = tuple(Evidence(q.id, value, pid) for pid in ids)
            for pid in ids:
                qp.practice_best[pid] = max(qp.practice_best.get(pid, 0), qp.points.get(value, 0))
        plans.append(qp)
    fast = [(qp.question.id, qp.area, qp.question.scored, qp.question.type == "yes_no_na", qp) for qp in plans]
    levels = tuple((level.min, level.id) for level in questionnaire.maturity_levels)
    return Plan(questionnaire, plans, tuple(a.id for a in questionnaire.areas), unit, fast=fast, levels=levels)


_PLANS: dict[tuple[str, int, str], Plan] = {}


def plan_for(questionnaire: Questionnaire) -> Plan:
    """Lookup tables, built once per questionnaire version and kept."""
    key = (questionnaire.id, questionnaire.version, questionnaire.content_hash)
    plan = _PLANS.get(key)
    if plan is None or plan.questionnaire is not questionnaire:
        plan = _PLANS[key] = _build_plan(questionnaire)
    return plan


# --- scoring --------------------------------------------------------------------


def score(questionnaire: Questionnaire, answers: Mapping[str, Any], practices: PracticeCatalogue) -> ScoreResult:
    from assess.sdg_profile import opportunities, sdg_profile, sse_lens

    plan = plan_for(questionnaire)
    visible = visibility(questionnaire, answers)
    get = answers.get
    unit = plan.unit
    rows: list[QuestionExplanation] = []
    earned_by_area = dict.fromkeys(plan.area_ids, 0)
    possible_by_area = dict.fromkeys(plan.area_ids, 0)
    unanswered_by_area: dict[str, list[str]] = {a: [] for a in plan.area_ids}
    evidence: list[Evidence] = []
    earned_of: dict[str, int] = {}
    chosen_points: dict[str, int] = {}
    for qid, area, scored, yes_no, qp in plan.fast:
        answer = get(qid)
        if not visible[qid]:
            rows.append(_new(QuestionExplanation, (qid, area, "hidden", answer, 0, 0, unit, (), ())))
            earned_of[qid] = 0
            continue
        has_answer = answer is not None and answer != "" and answer != []
        found = ()
        if has_answer and qp.evidences:
            if isinstance(answer, list):
                items = qp.evidence_items
                found = []
                for value in answer:
                    if value in items:
                        evidence.extend(items[value])
                        found.extend(qp.evidences[value])
                found = tuple(found)
            elif answer in qp.evidence_items:
                evidence.extend(qp.evidence_items[answer])
                found = qp.evidences[answer]
        earned, chosen = 0, ()
        if not scored:
            status, possible = "unscored", 0
        elif yes_no and answer == "na":
            status, possible = "not_applicable", 0
        else:
            possible = qp.possible
            possible_by_area[area] += possible
            if has_answer:
                status = "scored"
                if isinstance(answer, list):
                    points = qp.points
                    chosen = tuple([v for v in answer if points.get(v, 0) > 0])
                    raw = sum([points[v] for v in chosen])
                    earned = raw if raw < qp.cap else qp.cap
                    # Points of the choices an added practice would join (an exclusive
                    # "none of these" would be replaced): for opportunities.
                    chosen_points[qid] = 0 if qp.exclusive and not qp.exclusive.isdisjoint(answer) else raw
                else:
                    earned = qp.points.get(answer, 0)
                    chosen = (str(answer),) if earned > 0 else ()
                earned_by_area[area] += earned
            else:
                status = "unanswered"
                unanswered_by_area[area].append(qid)
        earned_of[qid] = earned
        rows.append(_new(QuestionExplanation, (qid, area, status, answer, earned, possible, unit, chosen, found)))
    total_earned, total_possible = sum(earned_by_area.values()), sum(possible_by_area.values())
    areas = tuple(
        _area_score(plan, a, earned_by_area[a], possible_by_area[a], unit, tuple(unanswered_by_area[a]))
        for a in plan.area_ids
    )
    unanswered = tuple(q for a in plan.area_ids for q in unanswered_by_area[a])
    overall = _area_score(plan, "overall", total_earned, total_possible, unit, unanswered)
    explanation = tuple(rows)
    targets, goals = sdg_profile(evidence, practices)
    return ScoreResult(
        questionnaire=questionnaire.id, version=questionnaire.version, content_hash=questionnaire.content_hash,
        overall=overall, areas=areas, explanation=explanation, unanswered=unanswered,
        evidence=tuple(evidence), targets=targets, goals=goals,
        opportunities=opportunities(plan, visible, answers, earned_of, chosen_points, evidence, targets, practices, total_possible),
        sse=sse_lens(plan, evidence, practices),
    )


def _area_score(plan: Plan, area: str, earned: int, possible: int, unit: int, unanswered: tuple[str, ...]) -> AreaScore:
    if not possible:
        return _new(AreaScore, (area, None, earned, possible, unit, None, unanswered))
    percent = 100 * earned / possible
    level = plan.levels[0][1]
    for low, level_id in plan.levels:
        if percent >= low:
            level = level_id
    return _new(AreaScore, (area, Fraction(100 * earned, possible), earned, possible, unit, level, unanswered))


def apportion(parts: list[Fraction], decimals: int = 1) -> list[float]:
    """Round parts so that the rounded parts add up to the rounded total
    (largest remainder), for showing an explanation that sums exactly."""
    unit = Fraction(1, 10**decimals)
    total_units = round(sum(parts, ZERO) / unit)
    floors = [int(p // unit) for p in parts]
    short = total_units - sum(floors)
    by_remainder = sorted(range(len(parts)), key=lambda i: parts[i] / unit - floors[i], reverse=True)
    for i in by_remainder[: max(short, 0)]:
        floors[i] += 1
    return [round(f * float(unit), decimals) for f in floors]
