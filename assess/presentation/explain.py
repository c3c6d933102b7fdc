"""Readable explanations of a score in the reader's language.

Turns the plain `ScoreResult` into texts: each question's answer and why it
earned its points, targets with their official text and the answers behind
them, opportunities with suggestions. The feedback view (`feedback.py`)
builds on it for pages and reports; the command line uses it directly.
"""

from __future__ import annotations

from fractions import Fraction

from assess.i18n import N_, gettext
from assess.presentation.goals import goals_view
from assess.questionnaire.model import Questionnaire
from assess.questionnaire.types import answer_text
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.result import AreaScore, QuestionStatus, ScoreResult, apportion

REASONS = {
    "scored": N_("Answered: {earned} of {possible} points."),
    "unanswered": N_("Not answered: 0 of {possible} points."),
    "not_applicable": N_("Not applicable: left out of the score."),
    "hidden": N_("Not asked because of an earlier answer: left out of the score."),
    "unscored": N_("Not scored: background information."),
}
SSE_NAMES = {"economic": N_("Economic"), "social": N_("Social"), "democratic": N_("Democratic")}
SSE_LEVELS = {"none": N_("not shown yet"), "partial": N_("partly shown"), "clear": N_("clearly shown")}


def fmt(value: float | Fraction | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    text = f"{float(value):.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def explanation_rows(
    result: ScoreResult, questionnaire: Questionnaire, answers: dict, locale: str
) -> list[dict]:
    """One row per question, with contributions rounded so each area's rows add
    up to the area score as shown."""
    rows = []
    by_area: dict[str, list[int]] = {}
    for i, item in enumerate(result.explanation):
        q = questionnaire.question(item.question)
        reason = gettext(
            locale, REASONS[item.status], earned=fmt(item.earned, 2), possible=fmt(item.possible, 2)
        )
        rows.append(
            {
                "question": q.id,
                "section": q.section_id,
                "area": item.area,
                "label": q.label.get(locale),
                "answer": answer_text(q, item.answer, answers, locale),
                "status": item.status,
                "earned": float(item.earned),
                "possible": float(item.possible),
                "reason": reason,
                "practices": list(item.practices),
                "contribution": 0.0,
            }
        )
        if item.area and item.status in (QuestionStatus.SCORED, QuestionStatus.UNANSWERED):
            by_area.setdefault(item.area, []).append(i)
    for indices in by_area.values():
        shown = apportion([result.contribution(result.explanation[i]) for i in indices])
        for i, value in zip(indices, shown, strict=True):
            rows[i]["contribution"] = value
    return rows


def maturity_levels(questionnaire: Questionnaire, locale: str) -> list[dict]:
    """The maturity bands, lowest first: for charts, legends and filters."""
    return [
        {
            "id": level.id,
            "label": level.label.get(locale),
            "min": level.min,
            "description": level.description.get(locale) if level.description else "",
        }
        for level in questionnaire.maturity_levels
    ]


def describe(
    result: ScoreResult,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    answers: dict,
    locale: str,
) -> dict:
    """Everything a score says, as texts in the reader's language (see feedback.py for the limits)."""
    goals = goals_view(result, catalogue, locale)
    return {
        "overall": _area_view(result.overall, questionnaire, locale),
        "areas": [_area_view(a, questionnaire, locale) for a in result.areas],
        "explanation": explanation_rows(result, questionnaire, answers, locale),
        "unanswered": [questionnaire.question(qid).label.get(locale) for qid in result.unanswered],
        "targets": _targets_view(result, questionnaire, catalogue, answers, locale),
        "goals": goals,
        "signatures": [g for g in goals if g["signature"]],
        "evidence": _evidence_view(result, questionnaire, catalogue, answers, locale),
        "opportunities": _opportunities_view(result, questionnaire, catalogue, locale),
        "sse": _sse_view(result, questionnaire, catalogue, answers, locale),
    }


def _area_view(area: AreaScore, questionnaire: Questionnaire, locale: str) -> dict:
    levels = {level.id: level for level in questionnaire.maturity_levels}
    labels = {a.id: a.label.get(locale) for a in questionnaire.areas}
    level = levels.get(area.level) if area.level else None
    return {
        "id": area.area,
        "label": labels.get(area.area, gettext(locale, N_("Overall"))),
        "score": None if area.score is None else round(float(area.score), 1),
        "level": area.level,
        "level_label": level.label.get(locale) if level else "–",
    }


def _targets_view(
    result: ScoreResult,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    answers: dict,
    locale: str,
) -> list[dict]:
    sdg = catalogue.sdg
    targets = []
    for t in result.targets:
        chain = []
        for evidence, strength in result.chain(t):
            q = questionnaire.question(evidence.question)
            practice = catalogue[evidence.practice]
            link = next(k for k in practice.links if k.target == t.code)
            chain.append(
                {
                    "question": q.label.get(locale),
                    "answer": answer_text(q, evidence.answer, answers, locale),
                    "practice": practice.label.get(locale),
                    "strength": strength,
                    "rationale": link.rationale.get(locale),
                }
            )
        # Why the target: each practice behind it once, with the link's rationale.
        why = list(
            {c["practice"]: {"practice": c["practice"], "rationale": c["rationale"]} for c in chain}.values()
        )
        targets.append(
            {
                "code": t.code,
                "goal": t.goal,
                "contribution": t.contribution,
                "text": sdg.target(t.code).text_in(locale),
                "chain": chain,
                "practices": [w["practice"] for w in why],
                "why": why,
            }
        )
    return targets


def _evidence_view(
    result: ScoreResult,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    answers: dict,
    locale: str,
) -> list[dict]:
    """Each answer behind the SDG profile once: what was answered, the practices it shows
    and the targets they reach."""
    reached: dict[str, list[str]] = {}
    for t in result.targets:
        for practice, _ in t.practices:
            reached.setdefault(practice, []).append(t.code)
    rows: dict[tuple[str, str], dict] = {}
    for e in result.evidence:
        q = questionnaire.question(e.question)
        key = (e.question, str(e.answer))
        row = rows.setdefault(
            key, {"answer": answer_text(q, e.answer, answers, locale), "practices": [], "targets": []}
        )
        row["practices"].append(catalogue[e.practice].label.get(locale))
        row["targets"] += [code for code in reached.get(e.practice, []) if code not in row["targets"]]
    return list(rows.values())


def _opportunities_view(
    result: ScoreResult, questionnaire: Questionnaire, catalogue: PracticeCatalogue, locale: str
) -> list[dict]:
    return [
        {
            "practice": catalogue[o.practice].label.get(locale),
            "suggestion": catalogue[o.practice].suggestion.get(locale),
            "points": round(o.points, 1),
            "sdg": o.sdg,
            "new_targets": list(o.new_targets),
            "questions": [questionnaire.question(qid).label.get(locale) for qid in o.questions],
        }
        for o in result.opportunities
    ]


def _sse_view(
    result: ScoreResult,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    answers: dict,
    locale: str,
) -> list[dict]:
    return [
        {
            "feature": f.feature,
            "label": gettext(locale, SSE_NAMES[f.feature]),
            "level": f.level,
            "level_label": gettext(locale, SSE_LEVELS[f.level]),
            "shown": [catalogue[p].label.get(locale) for p in f.shown],
            "reachable": len(f.reachable),
            "answers": [
                {
                    "question": questionnaire.question(e.question).label.get(locale),
                    "answer": answer_text(questionnaire.question(e.question), e.answer, answers, locale),
                }
                for e in f.evidence
            ],
        }
        for f in result.sse
    ]
