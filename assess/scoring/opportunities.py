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
    shown: frozenset[str],
    targets: tuple[TargetContribution, ...],
    total_possible: int,
) -> tuple[Opportunity, ...]:
    reached = {t.code for t in targets}
    industry, size = _profile(plan, answers)
    found = []
    for pid in plan.next_steps - shown:  # the order does not matter: the sort below is total
        practice = plan.catalogue.practices[pid]
        if (practice.industries or practice.sizes) and not practice.fits(industry, size):
            continue
        questions, gain = [], 0
        for place in plan.places[pid]:
            # Shown to the company and not marked "not applicable".
            if visible[place.question] and (
                place.not_applicable is None or answers.get(place.question) != place.not_applicable
            ):
                questions.append(place.question)
                if place.scored:
                    gain = max(gain, _gain(place, tally))
        if not questions:
            continue
        points = 100 * gain / total_possible if total_possible else 0.0
        new_targets = tuple([t.target for t in plan.links[pid] if t.target not in reached])
        sdg = plan.sdg_weight[pid]
        found.append(Opportunity(pid, tuple(questions), points, sdg, new_targets, points + sdg))
    found.sort(key=lambda o: (-o.value, -len(o.new_targets), o.practice))
    return tuple(found)


def _profile(plan: Plan, answers: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """The company's industry and size, as its answers give them."""
    roles = plan.questionnaire.roles
    industry = answers.get(roles["company.industry"].id) if "company.industry" in roles else None
    size = answers.get(roles["company.employees"].id) if "company.employees" in roles else None
    return (industry if isinstance(industry, str) else None), (size if isinstance(size, str) else None)


def _gain(place: PracticePlace, tally: AreaPass) -> int:
    """Units an answer showing the practice would add: alongside the current
    choices (multiple choice) or instead of the current answer."""
    current = tally.earned_of[place.question]
    base = tally.chosen_points.get(place.question) if place.multiple else None
    if base is None:
        return max(place.best - current, 0)
    return max(min(base + place.best, place.cap) - current, 0)
