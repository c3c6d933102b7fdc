"""`score()`: one response's answers → area scores, SDG profile, opportunities and SSE lens."""

from __future__ import annotations

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
    targets, goals = sdg_profile(plan, tally.evidence)
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
        opportunities=opportunities(plan, answers, visible, tally, targets, total_possible),
        sse=sse_lens(plan, tally.evidence),
    )
