"""Signature goals: the few goals where what a company does stands out from what
every company does (docs/sdg-mapping.md, "Ranking by what is distinctive").

- A practice says more about a company the rarer it is: its weight is its surprise,
  log2(1 / prevalence) bits (prevalence from the catalogue), doubled when it is what the
  business itself does (a core-business practice).
- Its part in a goal is that weight times the strength of its strongest link into the
  goal: a practice counts once per goal, however many of the goal's targets it touches.
- Goals rank by their most distinctive practice; when that is equal, by the next one,
  and so on (the parts compared largest first). A pile of everyday practices never
  outweighs one uncommon practice, goals with many linked practices do not win by
  volume, and adding a practice never lowers the rank of the goal it links to most.
  A goal's figure is its largest part.
- Signature goals are the top goals, at most five, each led by an uncommon or
  core-business practice whose part reaches `SIGNATURE_MIN` and a third of the leading
  goal's. Goals tied at the cut are all left out, so no goal wins a tie by its number.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter, itemgetter
from typing import NamedTuple

from assess.scoring.catalogue import PracticeCatalogue

PREVALENCE_RANGE = (0.02, 0.98)  # keeps weights finite and every practice worth something
CORE_WEIGHT = 2.0
EVERYDAY = 0.5  # a practice at least this common says little about a company
SIGNATURE_MIN = 1.0  # bits: one uncommon practice with a direct link, or more
SIGNATURE_SHARE = 1 / 3  # of the leading goal's distinctiveness
MAX_SIGNATURES = 5


class GoalPart(NamedTuple):
    goal: int
    part: float  # what the practice adds to the goal
    practice: str


@dataclass(frozen=True, slots=True)
class PracticeWeight:
    bits: float  # surprise of seeing the practice, core business counted twice
    distinctive: bool  # uncommon or core business: can make a goal a signature
    parts: tuple[GoalPart, ...]  # one per goal it reaches


def practice_weights(catalogue: PracticeCatalogue) -> dict[str, PracticeWeight]:
    """What each practice adds to each goal; built once per catalogue (see scoring.plan)."""
    low, high = PREVALENCE_RANGE
    weights = {}
    for pid, practice in catalogue.practices.items():
        bits = math.log2(1 / min(max(practice.prevalence, low), high)) * (
            CORE_WEIGHT if practice.core else 1.0
        )
        strongest: dict[int, float] = {}
        for link in practice.links:
            strongest[link.goal] = max(strongest.get(link.goal, 0.0), link.weight)
        weights[pid] = PracticeWeight(
            bits,
            practice.core or practice.prevalence < EVERYDAY,
            tuple(GoalPart(goal, bits * strength, pid) for goal, strength in strongest.items()),
        )
    return weights


class GoalDistinctiveness(NamedTuple):  # made per goal and response: a tuple is cheapest
    goal: int
    score: float  # the goal's figure: its largest part
    parts: tuple[float, ...]  # what each practice adds to the goal, largest first: the ranking key
    drivers: tuple[str, ...]  # the practices behind the parts, in the same order
    distinctive: bool  # led by an uncommon or core-business practice


def distinctiveness(
    weights: Mapping[str, PracticeWeight], practices: Iterable[str]
) -> dict[int, GoalDistinctiveness]:
    """Each goal the practices (each once, in the order shown) reach, with its parts."""
    found: dict[int, list[GoalPart]] = {}
    for pid in practices:
        for item in weights[pid].parts if pid in weights else ():
            found.setdefault(item.goal, []).append(item)
    out = {}
    for goal, items in found.items():
        items.sort(key=itemgetter(1), reverse=True)  # largest part first; equal parts keep answer order
        _, parts, drivers = zip(*items, strict=True)
        out[goal] = GoalDistinctiveness(goal, parts[0], parts, drivers, weights[drivers[0]].distinctive)
    return out


def signature_goals(goals: Mapping[int, GoalDistinctiveness]) -> list[int]:
    """The company's signature goals, most distinctive first; [] when nothing stands out."""
    return signatures_of(sorted(goals.values(), key=attrgetter("parts"), reverse=True))


def signatures_of(ranked: Sequence[GoalDistinctiveness]) -> list[int]:
    """`signature_goals` of goals already ranked by their parts, largest first."""
    if not ranked:
        return []
    floor = max(SIGNATURE_MIN, ranked[0].score * SIGNATURE_SHARE)
    eligible = [g for g in ranked if g.distinctive and g.score >= floor]
    if len(eligible) > MAX_SIGNATURES:
        cut = eligible[MAX_SIGNATURES].parts
        eligible = [g for g in eligible[:MAX_SIGNATURES] if g.parts != cut]
    return [g.goal for g in eligible]


def ranks(parts: Mapping[int, tuple[float, ...]], ordered: Sequence[int] | None = None) -> dict[int, int]:
    """Competition ranking (1, 2, 2, 4) by parts, largest first: equal parts share a rank.
    `ordered`: the goals already sorted that way, when the caller has them."""
    if ordered is None:
        ordered = sorted(parts, key=parts.__getitem__, reverse=True)
    rank, previous, current = {}, None, 0
    for position, goal in enumerate(ordered, 1):
        if parts[goal] != previous:
            previous, current = parts[goal], position
        rank[goal] = current
    return rank
