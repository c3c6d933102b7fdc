"""The SDG side of a score: target contributions with their evidence chains,
goal aggregates and levels, opportunities, and the SSE lens. Pure functions.

A practice counts once per target however many answers evidence it, so
repeating a practice in several questions does not inflate the profile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from functools import lru_cache

from assess.practices import SSE_FEATURES, PracticeCatalogue
from sdg_map import load_catalogue

if TYPE_CHECKING:
    from assess.scoring import Evidence, GoalResult, Opportunity, Plan, SseFeature, TargetContribution

TOP_OPPORTUNITIES = 5
SSE_CLEAR_SHARE = 0.5  # share of a feature's reachable practices that shows it clearly


def sdg_profile(evidence: list["Evidence"], practices: PracticeCatalogue) -> tuple[tuple["TargetContribution", ...], tuple["GoalResult", ...]]:
    from assess.scoring import GoalResult, TargetContribution

    contribution: dict[str, float] = {}
    sources: dict[str, list] = {}
    goal_of: dict[str, int] = {}
    table = practices.link_table
    seen: set[str] = set()
    # Each practice adds its links once, however many answers show it.
    for item in evidence:
        pid = item[2]
        if pid in seen:
            continue
        seen.add(pid)
        for code, goal, weight, source in table.get(pid, ()):
            if code in contribution:
                contribution[code] += weight
                sources[code].append(source)
            else:
                contribution[code] = weight
                sources[code] = [source]
                goal_of[code] = goal
    order = _target_order()
    new = tuple.__new__  # skips a Python-level __new__ per named tuple
    ranked = sorted([(-value, order[code], code) for code, value in contribution.items()])
    targets = tuple([new(TargetContribution, (code, goal_of[code], -value, tuple(sources[code]))) for value, _, code in ranked])
    aggregate = dict.fromkeys(range(1, 18), 0.0)
    members: dict[int, list[str]] = {}
    for value, _, code in ranked:
        goal = goal_of[code]
        aggregate[goal] -= value
        if goal in members:
            members[goal].append(code)
        else:
            members[goal] = [code]
    some, strong = practices.some, practices.strong
    goals = []
    for negative, n in sorted([(-v, n) for n, v in aggregate.items()]):
        v = -negative
        level = "strong" if v >= strong else ("some" if v >= some else "none")
        goals.append(new(GoalResult, (n, v, level, tuple(members[n]) if n in members else ())))
    goals = tuple(goals)
    return targets, goals


@lru_cache(maxsize=1)
def _target_order() -> dict[str, int]:
    """Catalogue position of every target code: 8.2 before 8.10 before 8.a."""
    return {t.code: i for i, t in enumerate(load_catalogue().targets())}


def opportunities(
    plan: "Plan",
    visible: Mapping[str, bool],
    answers: Mapping[str, Any],
    earned: Mapping[str, int],
    chosen_points: Mapping[str, int],
    evidence: list["Evidence"],
    targets: tuple["TargetContribution", ...],
    practices: PracticeCatalogue,
    total_possible: int,
) -> tuple["Opportunity", ...]:
    """Practices the company does not show yet, on questions it was shown,
    ranked by the score points and SDG contribution they would add."""
    from assess.scoring import Opportunity

    shown = {e.practice for e in evidence}
    reached = {t.code for t in targets}
    view = _catalogue_view(plan, practices)
    weight_of = view["sdg_weight"]
    gains: dict[str, list] = {}  # practice -> [points gain in units, question ids]
    # Walk only the practices not shown yet: usually a minority of them.
    for pid, places in view["places"].items():
        if pid in shown:
            continue
        best_gain, questions = 0, []
        for qid, scored, multiple, cap, best in places:
            if not visible[qid]:
                continue
            answer = answers.get(qid)
            if answer == "na":
                continue
            questions.append(qid)
            if not scored:
                continue
            # An answer showing a practice not shown yet can only add its own points:
            # alongside the current choices (multiple choice) or instead of them.
            current = earned[qid]
            base = chosen_points.get(qid) if multiple else None
            gain = min(base + best, cap) - current if base is not None else best - current
            if gain > best_gain:
                best_gain = gain
        if questions:
            gains[pid] = [best_gain, questions]
    out = []
    for pid, (gain, questions) in gains.items():
        points = 100 * gain / total_possible if total_possible else 0.0
        new = tuple([code for code in view["targets"][pid] if code not in reached])
        sdg = weight_of[pid]
        out.append(tuple.__new__(Opportunity, (pid, tuple(questions), points, sdg, new, points + sdg)))
    out.sort(key=lambda o: (-o.value, -len(o.new_targets), o.practice))
    return tuple(out)


def _catalogue_view(plan: "Plan", practices: PracticeCatalogue) -> dict:
    """Per (questionnaire, catalogue) tables, built on first use and kept on the plan."""
    view = plan.views.get(id(practices))
    if view is None or view["catalogue"] is not practices:
        reachable = {p for qp in plan.questions for ids in qp.evidences.values() for p in ids if p in practices.practices}
        view = plan.views[id(practices)] = {
            "catalogue": practices,
            "sdg_weight": {pid: sum(link.weight for link in p.links) for pid, p in practices.practices.items()},
            "targets": {pid: tuple(link.target for link in p.links) for pid, p in practices.practices.items()},
            "places": _places(plan, practices),
            "sse_of": {p: practices[p].sse for p in reachable if practices[p].sse},
            "sse": {f: (frozenset(ids), tuple(sorted(ids))) for f in SSE_FEATURES for ids in [[p for p in reachable if f in practices[p].sse]]},
        }
    return view


def _places(plan: "Plan", practices: PracticeCatalogue) -> dict[str, list[tuple]]:
    """practice -> (question, scored, multiple choice, cap, best units) where it can be shown."""
    places: dict[str, list[tuple]] = {}
    for qp in plan.questions:
        q = qp.question
        for pid, best in qp.practice_best.items():
            if pid in practices.practices:
                places.setdefault(pid, []).append((q.id, q.scored, q.type == "multiple_choice", qp.cap, best))
    return places


def sse_lens(plan: "Plan", evidence: list["Evidence"], practices: PracticeCatalogue) -> tuple["SseFeature", ...]:
    from assess.scoring import SseFeature

    view = _catalogue_view(plan, practices)
    features_of = view["sse_of"]
    items: dict[str, list] = {f: [] for f in SSE_FEATURES}
    for e in evidence:
        for feature in features_of.get(e[2], ()):
            items[feature].append(e)
    out = []
    for feature, (reachable, listed) in view["sse"].items():
        found = tuple(items[feature])
        shown = tuple(dict.fromkeys([e.practice for e in found]))
        share = len(shown) / len(reachable) if reachable else 0.0
        level = "none" if not shown else ("clear" if share >= SSE_CLEAR_SHARE else "partial")
        out.append(SseFeature(feature, level, shown, listed, found))
    return tuple(out)
