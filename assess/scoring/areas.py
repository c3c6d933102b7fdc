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
            continue
        shown = _evidence(qp, answer, tally.evidence) if answered(answer) else ()
        tally.rows.append(_explain(plan, qp, answer, shown, tally))
    return tally


def _evidence(qp: QuestionPlan, answer: Any, out: list[Evidence]) -> tuple[str, ...]:
    """Adds the evidence records of an answer to `out`; returns the practices it shows."""
    if not qp.evidence:
        return ()
    if not isinstance(answer, list):
        out.extend(qp.evidence.get(answer, ()))
        return qp.practices.get(answer, ())
    practices: list[str] = []
    for value in answer:
        if value in qp.evidence:
            out.extend(qp.evidence[value])
            practices.extend(qp.practices[value])
    return tuple(practices)


def _explain(
    plan: Plan, qp: QuestionPlan, answer: Any, practices: tuple[str, ...], tally: AreaPass
) -> QuestionExplanation:
    """One visible question's row; adds its points to its area."""
    unit = plan.unit
    if not qp.scored or (qp.not_applicable is not None and answer == qp.not_applicable):
        tally.earned_of[qp.id] = 0
        status = QuestionStatus.UNSCORED if not qp.scored else QuestionStatus.NOT_APPLICABLE
        return QuestionExplanation(qp.id, qp.area, status, answer, 0, 0, unit, (), practices)
    area = qp.area or ""
    tally.possible[area] += qp.possible
    if not answered(answer):
        tally.earned_of[qp.id] = 0
        tally.unanswered[area].append(qp.id)
        return QuestionExplanation(
            qp.id, qp.area, QuestionStatus.UNANSWERED, answer, 0, qp.possible, unit, (), practices
        )
    if isinstance(answer, list):
        chosen = tuple(v for v in answer if qp.points.get(v, 0) > 0)
        raw = sum(qp.points[v] for v in chosen)
        earned = min(raw, qp.possible)
        tally.chosen_points[qp.id] = 0 if not qp.exclusive.isdisjoint(answer) else raw
    else:
        earned = qp.points.get(answer, 0)
        chosen = (str(answer),) if earned > 0 else ()
    tally.earned[area] += earned
    tally.earned_of[qp.id] = earned
    return QuestionExplanation(
        qp.id, qp.area, QuestionStatus.SCORED, answer, earned, qp.possible, unit, chosen, practices
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
