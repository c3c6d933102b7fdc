"""The SDG profile: target contributions with their evidence, goal aggregates and levels.

A practice counts once per target however many answers evidence it, so
repeating a practice in several questions does not inflate the profile.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from assess.scoring.plan import Plan
from assess.scoring.result import Evidence, GoalResult, PracticeLink, TargetContribution
from sdg_map import load_catalogue

GOALS = range(1, 18)


def sdg_profile(
    plan: Plan, evidence: Iterable[Evidence]
) -> tuple[tuple[TargetContribution, ...], tuple[GoalResult, ...]]:
    targets = _targets(plan, evidence)
    aggregate = dict.fromkeys(GOALS, 0.0)
    members: dict[int, list[str]] = {}
    for target in targets:
        aggregate[target.goal] += target.contribution
        members.setdefault(target.goal, []).append(target.code)
    level = plan.catalogue.goal_level
    ranked = sorted(GOALS, key=lambda n: (-aggregate[n], n))
    goals = tuple(GoalResult(n, aggregate[n], level(aggregate[n]), tuple(members.get(n, ()))) for n in ranked)
    return targets, goals


def _targets(plan: Plan, evidence: Iterable[Evidence]) -> tuple[TargetContribution, ...]:
    """Contributions per target, largest first, then in catalogue order."""
    contribution: dict[str, float] = {}
    sources: dict[str, list[PracticeLink]] = {}
    goal_of: dict[str, int] = {}
    for practice in dict.fromkeys(e.practice for e in evidence):  # each practice once, in order
        for item in plan.links.get(practice, ()):
            code = item.link.target
            contribution[code] = contribution.get(code, 0.0) + item.link.weight
            sources.setdefault(code, []).append(item.source)
            goal_of[code] = item.link.goal
    order = target_order()
    ranked = sorted(contribution, key=lambda code: (-contribution[code], order[code]))
    return tuple(
        TargetContribution(code, goal_of[code], contribution[code], tuple(sources[code])) for code in ranked
    )


@lru_cache(maxsize=1)
def target_order() -> dict[str, int]:
    """Catalogue position of every target code: 8.2 before 8.10 before 8.a."""
    return {t.code: i for i, t in enumerate(load_catalogue().targets())}
