"""The SDG profile: target contributions with their evidence, goal aggregates and levels.

A practice counts once per target however many answers evidence it, so
repeating a practice in several questions does not inflate the profile.
"""

from __future__ import annotations

from collections.abc import Iterable

from assess.scoring.plan import Plan
from assess.scoring.result import GoalResult, PracticeLink, TargetContribution
from assess.scoring.signature import GoalDistinctiveness, distinctiveness, ranks, signatures_of

GOALS = range(1, 18)


def sdg_profile(
    plan: Plan, shown: Iterable[str]
) -> tuple[tuple[TargetContribution, ...], tuple[GoalResult, ...]]:
    """The profile of the practices the answers show (in answer order; repeats count once)."""
    practices = tuple(dict.fromkeys(shown))
    targets = _targets(plan, practices)
    aggregate = dict.fromkeys(GOALS, 0.0)
    members: dict[int, list[str]] = {}
    for target in targets:
        aggregate[target.goal] += target.contribution
        members.setdefault(target.goal, []).append(target.code)
    found = distinctiveness(plan.practice_weights, practices)
    parts = {n: found[n].parts if n in found else () for n in GOALS}
    # Most distinctive first. Equal ones share a rank; their display follows the aggregate.
    ordered = sorted(GOALS, key=lambda n: (parts[n], aggregate[n]), reverse=True)
    rank = ranks(parts, ordered)
    signatures = set(signatures_of([found[n] for n in ordered if n in found]))
    level = plan.catalogue.goal_level
    none = GoalDistinctiveness(0, 0.0, (), (), False)
    goals = tuple(
        [
            GoalResult(
                n,
                aggregate[n],
                level(aggregate[n]),
                tuple(members.get(n, ())),
                found.get(n, none).score,
                rank[n],
                n in signatures,
                found.get(n, none).drivers,
            )
            for n in ordered
        ]
    )
    return targets, goals


def _targets(plan: Plan, practices: Iterable[str]) -> tuple[TargetContribution, ...]:
    """Contributions per target, largest first, then in catalogue order."""
    contribution: dict[str, float] = {}
    sources: dict[str, list[PracticeLink]] = {}
    place: dict[str, tuple[int, int]] = {}  # target -> (goal, catalogue order)
    for practice in practices:
        for code, goal, weight, source, order in plan.links.get(practice, ()):
            if code in contribution:
                contribution[code] += weight
                sources[code].append(source)
            else:
                contribution[code], sources[code], place[code] = weight, [source], (goal, order)
    ranked = sorted([(-weight, place[code][1], code) for code, weight in contribution.items()])
    return tuple(
        [
            TargetContribution(code, place[code][0], -weight, tuple(sources[code]))
            for weight, _, code in ranked
        ]
    )
