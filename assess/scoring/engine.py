"""`score()`: one response's answers → area scores, SDG profile, opportunities and SSE lens."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from assess.questionnaire.conditions import visibility
from assess.questionnaire.model import Questionnaire
from assess.scoring.areas import area_score, score_questions
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.opportunities import opportunities
from assess.scoring.plan import plan_for
from assess.scoring.profile import sdg_profile
from assess.scoring.result import ScoreResult
from assess.scoring.sse import sse_lens

# Changes whenever the method changes in a way that changes results; see fingerprint().
METHOD = "distinctive-2"


def fingerprint(questionnaire: Questionnaire, catalogue: PracticeCatalogue) -> str:
    """What a cached score was computed from: the method, the questionnaire and the mapping.
    A cached score with another fingerprint is stale (the mapping was improved)."""
    text = f"{METHOD}:{questionnaire.content_hash}:{catalogue.content_hash}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def score(
    questionnaire: Questionnaire, answers: Mapping[str, Any], catalogue: PracticeCatalogue
) -> ScoreResult:
    plan = plan_for(questionnaire, catalogue)
    visible = visibility(questionnaire, answers)
    tally = score_questions(plan, answers, visible)
    areas = tuple(
        area_score(plan, a, tally.earned[a], tally.possible[a], tuple(tally.unanswered[a]))
        for a in plan.area_ids
    )
    unanswered = tuple(q for a in plan.area_ids for q in tally.unanswered[a])
    total_possible = sum(tally.possible.values())
    overall = area_score(plan, "overall", sum(tally.earned.values()), total_possible, unanswered)
    shown = tuple(dict.fromkeys(e.practice for e in tally.evidence))  # each practice once, in order
    targets, goals = sdg_profile(plan, shown)
    return ScoreResult(
        questionnaire=questionnaire.id,
        version=questionnaire.version,
        content_hash=questionnaire.content_hash,
        overall=overall,
        areas=areas,
        explanation=tuple(tally.rows),
        unanswered=unanswered,
        evidence=tuple(tally.evidence),
        targets=targets,
        goals=goals,
        opportunities=opportunities(plan, answers, visible, tally, frozenset(shown), targets, total_possible),
        sse=sse_lens(plan, tally.evidence),
    )
