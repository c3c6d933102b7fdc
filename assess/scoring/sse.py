"""The social and solidarity economy (SSE) lens: which of its economic, social
and democratic features the answers show, and through which answers."""

from __future__ import annotations

from collections.abc import Iterable

from assess.scoring.plan import Plan
from assess.scoring.result import Evidence, SseFeature, SseLevel

CLEAR_SHARE = 0.5  # share of a feature's reachable practices that shows it clearly


def sse_lens(plan: Plan, evidence: Iterable[Evidence]) -> tuple[SseFeature, ...]:
    found: dict[str, list[Evidence]] = {f: [] for f in plan.sse_reachable}
    for e in evidence:
        for feature in plan.sse_of.get(e.practice, ()):
            found[feature].append(e)
    return tuple(_feature(f, reachable, tuple(found[f])) for f, reachable in plan.sse_reachable.items())


def _feature(feature: str, reachable: tuple[str, ...], evidence: tuple[Evidence, ...]) -> SseFeature:
    shown = tuple(dict.fromkeys(e.practice for e in evidence))
    share = len(shown) / len(reachable) if reachable else 0.0
    level = SseLevel.NONE if not shown else (SseLevel.CLEAR if share >= CLEAR_SHARE else SseLevel.PARTIAL)
    return SseFeature(feature, level, shown, reachable, evidence)
