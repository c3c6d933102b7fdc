"""Area scores: each question's points, the evidence its answer gives, and the
score of each area and overall, with maturity levels.

Each scored question is worth its `weight` in points. A question earns
`weight × raw / best raw` (raw: the option score, the sum of chosen option
scores up to the cap, the scale score, or 1 for "yes"). An area's score is
100 × earned / possible over its questions; the overall score pools all
areas. "Not applicable" and hidden questions leave the denominator;
unanswered ones count zero and are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from assess.scoring.plan import Plan, QuestionPlan
from assess.scoring.result import AreaScore, Evidence, QuestionExplanation, QuestionStatus


@dataclass
class AreaPass:
    """What one pass over the questions finds; opportunities need the tallies too."""

    rows: list[QuestionExplanation] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    earned: dict[str, int] = field(default_factory=dict)  # area -> units
    possible: dict[str, int] = field(default_factory=dict)  # area -> units
    unanswered: dict[str, list[str]] = field(default_factory=dict)  # area -> question ids
    earned_of: dict[str, int] = field(default_factory=dict)  # question -> units
    # Multiple choice: units of the choices an added practice would join
    # (0 when an exclusive "none of these" would be replaced).
    chosen_points: dict[str, int] = field(default_factory=dict)


def answered(answer: Any) -> bool:
    return answer is not None and answer != "" and answer != []


def score_questions(plan: Plan, answers: Mapping[str, Any], visible: Mapping[str, bool]) -> AreaPass:
    tally = AreaPass(
        earned=dict.fromkeys(plan.area_ids, 0),
        possible=dict.fromkeys(plan.area_ids, 0),
        unanswered={a: [] for a in plan.area_ids},
    )
    for qp in plan.questions:
        answer = answers.get(qp.id)
        if not visible[qp.id]:
            tally.rows.append(
                QuestionExplanation(qp.id, qp.area, QuestionStatus.HIDDEN, answer, 0, 0, plan.unit)
            )
            tally.earned_of[qp.id] = 0
        elif not qp.scored:
            tally.rows.append(_background(plan, qp, answer, tally))
        elif isinstance(answer, list):
            tally.rows.append(_multiple(plan, qp, answer, tally))
        else:
            tally.rows.append(_single(plan, qp, answer, tally))
    return tally


def _background(plan: Plan, qp: QuestionPlan, answer: Any, tally: AreaPass) -> QuestionExplanation:
    """An unscored question: only the practices its answer shows."""
    practices: tuple[str, ...] = ()
    if qp.evidence and answered(answer):
        for value in answer if isinstance(answer, list) else (answer,):
            tally.evidence.extend(qp.evidence.get(value, ()))
            practices += qp.practices.get(value, ())
    tally.earned_of[qp.id] = 0
    return QuestionExplanation(
        qp.id, qp.area, QuestionStatus.UNSCORED, answer, 0, 0, plan.unit, (), practices
    )


def _single(plan: Plan, qp: QuestionPlan, answer: Any, tally: AreaPass) -> QuestionExplanation:
    """A one-value answer (an option, yes/no, a scale or number, text)."""
    if not answered(answer):
        return _explain(plan, qp, answer, False, (), (), 0, tally)
    tally.evidence.extend(qp.evidence.get(answer, ()))
    units = qp.points.get(answer, 0)
    chosen = (str(answer),) if units > 0 else ()
    return _explain(plan, qp, answer, True, qp.practices.get(answer, ()), chosen, units, tally)


def _multiple(plan: Plan, qp: QuestionPlan, answer: list, tally: AreaPass) -> QuestionExplanation:
    """A list of options: their evidence and points in one pass; the points stop at the cap."""
    chosen: list[str] = []
    practices: list[str] = []
    raw = 0
    for value in answer:
        units = qp.points.get(value, 0)
        if units > 0:
            chosen.append(value)
            raw += units
        if value in qp.evidence:
            tally.evidence.extend(qp.evidence[value])
            practices.extend(qp.practices[value])
    row = _explain(
        plan, qp, answer, bool(answer), tuple(practices), tuple(chosen), min(raw, qp.possible), tally
    )
    if row.status is QuestionStatus.SCORED:  # what an added practice would join ("none" is replaced)
        tally.chosen_points[qp.id] = 0 if not qp.exclusive.isdisjoint(answer) else raw
    return row


def _explain(
    plan: Plan,
    qp: QuestionPlan,
    answer: Any,
    given: bool,
    practices: tuple[str, ...],
    chosen: tuple[str, ...],
    earned: int,
    tally: AreaPass,
) -> QuestionExplanation:
    """One shown question's row; adds its points to its area."""
    if qp.not_applicable is not None and answer == qp.not_applicable:
        tally.earned_of[qp.id] = 0
        return QuestionExplanation(
            qp.id, qp.area, QuestionStatus.NOT_APPLICABLE, answer, 0, 0, plan.unit, (), practices
        )
    area = qp.area or ""
    tally.possible[area] += qp.possible
    if not given:
        tally.earned_of[qp.id] = 0
        tally.unanswered[area].append(qp.id)
        return QuestionExplanation(
            qp.id, qp.area, QuestionStatus.UNANSWERED, answer, 0, qp.possible, plan.unit
        )
    tally.earned[area] += earned
    tally.earned_of[qp.id] = earned
    return QuestionExplanation(
        qp.id, qp.area, QuestionStatus.SCORED, answer, earned, qp.possible, plan.unit, chosen, practices
    )


def area_score(plan: Plan, area: str, earned: int, possible: int, unanswered: tuple[str, ...]) -> AreaScore:
    if not possible:
        return AreaScore(area, None, earned, possible, plan.unit, None, unanswered)
    percent = 100 * earned / possible
    level = plan.levels[0][1]
    for low, level_id in plan.levels:
        if percent >= low:
            level = level_id
    return AreaScore(area, Fraction(100 * earned, possible), earned, possible, plan.unit, level, unanswered)
