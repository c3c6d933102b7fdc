"""What a booklet prints, gathered from the database.

Only approved responses whose case study is marked for inclusion and whose
company consented to publication are taken, and of each only the narrative
parts the company consented to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup
from sqlmodel import Session

from assess.i18n import N_, gettext
from assess.models import Round
from assess.presentation.charts import area_chart, goal_tiles
from assess.presentation.explain import maturity_levels
from assess.presentation.goals import reason
from assess.presentation.labels import NARRATIVE_NAMES
from assess.questionnaire.model import Questionnaire
from assess.scoring import score
from assess.scoring.catalogue import PracticeCatalogue
from assess.services.actions import published_plan
from assess.services.case_studies import BookletEntry, booklet_entries, consented
from assess.services.startup import Definitions

TARGETS_SHOWN = (2, 5)
SECTIONS = ("story", "initiatives", "challenges", "support")  # printed under their headings, in this order


@dataclass
class Booklet:
    title: str
    series: str
    rounds: str
    regions: str
    years: str
    publisher: str
    foreword: str
    sources: Markup
    regions_list: list[dict] = field(default_factory=list)
    photo_store: Path | None = None  # where the case studies' photos are read from

    @property
    def cases(self) -> list[dict]:
        return [c for region in self.regions_list for c in region["cases"]]


def _option_label(questionnaire, role: str, value: Any, locale: str) -> str:
    question = questionnaire.roles.get(role)
    if question is None or value in (None, ""):
        return str(value or "")
    option = question.option(str(value))
    return option.label.get(locale) if option else str(value)


def case_view(entry: BookletEntry, catalogue: PracticeCatalogue, locale: str, number: int) -> dict:
    questionnaire, study, company = entry.questionnaire, entry.study, entry.company
    allowed = consented(questionnaire, entry.answers)
    result = score(questionnaire, entry.answers, catalogue)
    sdg = catalogue.sdg
    # The company's signature goals only, most distinctive first, and the targets behind them.
    goals = [
        {
            "number": g.number,
            "short": sdg.goal(g.number).short_in(locale),
            "color": sdg.goal(g.number).color,
            "tier": "signature",
            "reason": reason(g, catalogue, locale),  # one line of why
        }
        for g in result.signature_goals
    ]
    signature = {g["number"] for g in goals}
    low, high = TARGETS_SHOWN
    behind = [t for t in result.targets if t.goal in signature]
    top = [t for t in behind if t.contribution >= 1.0][:high] or behind[:low]
    labels = {a.id: a.label.get(locale) for a in questionnaire.areas}
    rows = [
        {"label": labels[a.area], "score": None if a.score is None else float(a.score)} for a in result.areas
    ]
    texts = {key: getattr(study, key) for key in SECTIONS}
    return {
        "number": number,
        "company": company.name if company else "",
        "motto": study.motto if "motto" in allowed else "",
        **_profile(questionnaire, company, locale),
        "sections": [
            (gettext(locale, NARRATIVE_NAMES[k]), texts[k])
            for k in SECTIONS
            if k in allowed and texts[k].strip()
        ],
        "tiles": goal_tiles(goals, gettext(locale, N_("Signature goals")), columns=8, size=72, in_order=True)
        if goals
        else "",
        "reasons": [g["reason"] for g in goals],
        "targets": [{"code": t.code, "text": sdg.target(t.code).text_in(locale)} for t in top],
        "chart": area_chart(
            rows, maturity_levels(questionnaire, locale), gettext(locale, N_("Scores by area")), width=520
        ),
        "digest": "",
        "actions": [],
    }


def _profile(questionnaire: Questionnaire, company, locale: str) -> dict[str, str]:
    if company is None:
        return {"location": "", "industry": "", "employees": "", "founded": ""}
    prefecture = _option_label(questionnaire, "company.prefecture", company.prefecture, locale)
    return {
        "location": f"{prefecture} {company.municipality}".strip(),
        "industry": _option_label(questionnaire, "company.industry", company.industry, locale),
        "employees": _option_label(questionnaire, "company.employees", company.employees, locale),
        "founded": str(company.founded) if company.founded else "",
    }


def booklet_content(
    db: Session, round_ids: list[int], definitions: Definitions, locale: str, sources: Markup
) -> Booklet:
    rounds = [db.get(Round, rid) for rid in round_ids]
    if any(r is None for r in rounds):
        raise LookupError("no such round")
    regions: dict[str, dict] = {}
    for number, entry in enumerate(booklet_entries(db, round_ids, definitions.registry), 1):
        name = entry.round.region or entry.round.name(locale)
        region = regions.setdefault(name, {"name": name, "index": len(regions), "cases": []})
        case = case_view(entry, definitions.practices, locale, number)
        case["actions"] = published_plan(db, entry.company, definitions.practices, locale)
        region["cases"].append(case)
    return _booklet(rounds, locale, sources, list(regions.values()))


def _booklet(rounds: list[Round], locale: str, sources: Markup, regions: list[dict]) -> Booklet:
    t = lambda text, **kw: gettext(locale, text, **kw)  # noqa: E731
    names = ("・" if locale == "ja" else "; ").join(r.name(locale) for r in rounds)
    forewords = [r.foreword_ja if locale == "ja" else r.foreword_en for r in rounds]
    return Booklet(
        title=t(N_("Community-Based Survey of SMEs with Consideration for Sustainability")),
        series=t(N_("Case studies")),
        rounds=names,
        regions=" / ".join(dict.fromkeys(r.region for r in rounds if r.region)),
        years=t(N_("Fiscal year {years}"), years=", ".join(sorted({str(r.fiscal_year) for r in rounds}))),
        publisher=" / ".join(dict.fromkeys(r.organiser(locale) for r in rounds if r.organiser(locale))),
        foreword="\n\n".join(f for f in forewords if f),
        sources=sources,
        regions_list=regions,
    )
