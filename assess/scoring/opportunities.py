"""Opportunities: practices a company does not show yet, on questions it was shown,
ranked by the score points and SDG contribution they would add."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assess.scoring.areas import AreaPass
from assess.scoring.plan import Plan, PracticePlace
from assess.scoring.result import Opportunity, TargetContribution


def opportunities(
    plan: Plan,
    answers: Mapping[str, Any],
    visible: Mapping[str, bool],
    tally: AreaPass,
    targets: tuple[TargetContribution, ...],
    total_possible: int,
) -> tuple[Opportunity, ...]:
    shown = {e.practice for e in tally.evidence}
    reached = {t.code for t in targets}
    found = []
    for pid, places in plan.places.items():
        if pid in shown:
            continue
        open_places = [p for p in places if _open(p, answers, visible)]
        if not open_places:
            continue
        gain = max((_gain(p, tally) for p in open_places if p.scored), default=0)
        points = 100 * gain / total_possible if total_possible else 0.0
        new_targets = tuple(t.link.target for t in plan.links[pid] if t.link.target not in reached)
        sdg = plan.sdg_weight[pid]
        found.append(
            Opportunity(pid, tuple(p.question for p in open_places), points, sdg, new_targets, points + sdg)
        )
    found.sort(key=lambda o: (-o.value, -len(o.new_targets), o.practice))
    return tuple(found)


def _open(place: PracticePlace, answers: Mapping[str, Any], visible: Mapping[str, bool]) -> bool:
    """Shown to the company and not marked "not applicable"."""
    if not visible[place.question]:
        return False
    return place.not_applicable is None or answers.get(place.question) != place.not_applicable


def _gain(place: PracticePlace, tally: AreaPass) -> int:
    """Units an answer showing the practice would add: alongside the current
    choices (multiple choice) or instead of the current answer."""
    current = tally.earned_of[place.question]
    base = tally.chosen_points.get(place.question) if place.multiple else None
    if base is None:
        return max(place.best - current, 0)
    return max(min(base + place.best, place.cap) - current, 0)
