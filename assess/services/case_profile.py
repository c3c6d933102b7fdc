"""What a published case study says of the company besides its own words: its profile in the
reader's language, its signature goals with the reason and the targets behind each, and its
scores by area. The printed booklet and the public directory show the same."""

from __future__ import annotations

from typing import Any

from assess.models import Company
from assess.presentation.goals import reason
from assess.questionnaire.model import Questionnaire
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.result import ScoreResult

TARGETS_SHOWN = (2, 5)  # at least, at most: the targets named under the signature goals


def option_label(questionnaire: Questionnaire, role: str, value: Any, locale: str) -> str:
    """The option's name for a stored profile code; the value itself when it names no option."""
    question = questionnaire.roles.get(role)
    if question is None or value in (None, ""):
        return str(value or "")
    option = question.option(str(value))
    return option.label.get(locale) if option else str(value)


def company_profile(questionnaire: Questionnaire, company: Company | None, locale: str) -> dict[str, str]:
    if company is None:
        return {"location": "", "industry": "", "employees": "", "founded": ""}
    prefecture = option_label(questionnaire, "company.prefecture", company.prefecture, locale)
    return {
        "location": f"{prefecture} {company.municipality}".strip(),
        "industry": option_label(questionnaire, "company.industry", company.industry, locale),
        "employees": option_label(questionnaire, "company.employees", company.employees, locale),
        "founded": str(company.founded) if company.founded else "",
    }


def signature_goals(result: ScoreResult, catalogue: PracticeCatalogue, locale: str) -> list[dict]:
    """The company's signature goals only, most distinctive first, each with one line of why."""
    sdg = catalogue.sdg
    return [
        {
            "number": g.number,
            "short": sdg.goal(g.number).short_in(locale),
            "color": sdg.goal(g.number).color,
            "tier": "signature",
            "reason": reason(g, catalogue, locale),
        }
        for g in result.signature_goals
    ]


def signature_targets(result: ScoreResult, catalogue: PracticeCatalogue, locale: str) -> list[dict]:
    """The targets behind the signature goals that the practices reach most (a few)."""
    signature = {g.number for g in result.signature_goals}
    low, high = TARGETS_SHOWN
    behind = [t for t in result.targets if t.goal in signature]
    top = [t for t in behind if t.contribution >= 1.0][:high] or behind[:low]
    return [{"code": t.code, "text": catalogue.sdg.target(t.code).text_in(locale)} for t in top]


def area_rows(result: ScoreResult, questionnaire: Questionnaire, locale: str) -> list[dict]:
    """One row per area for the area chart: its name and score (None when not scored)."""
    labels = {a.id: a.label.get(locale) for a in questionnaire.areas}
    return [
        {"label": labels[a.area], "score": None if a.score is None else float(a.score)} for a in result.areas
    ]
