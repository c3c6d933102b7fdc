"""What a booklet prints, gathered from the database.

Only approved responses whose case study is marked for inclusion and whose
company consented to publication are taken, and of each only the narrative
parts the company consented to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, select

from assess.charts import area_chart, goal_tiles
from assess.i18n import N_, gettext
from assess.models import CaseStudy, Company, Response, Round
from assess.practices import PracticeCatalogue
from assess.questionnaire.registry import Registry
from assess.responses import load_answers
from assess.review import consented
from assess.scoring import score

TARGETS_SHOWN = (2, 5)
SECTION_TITLES = {"story": N_("Ties with the community"), "initiatives": N_("Initiatives"),
                  "challenges": N_("Challenges"), "support": N_("Support needed")}


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

    @property
    def cases(self) -> list[dict]:
        return [c for region in self.regions_list for c in region["cases"]]


def _option_label(questionnaire, role: str, value: Any, locale: str) -> str:
    question = questionnaire.roles.get(role)
    if question is None or value in (None, ""):
        return str(value or "")
    option = question.option(str(value))
    return option.label.get(locale) if option else str(value)


def case_view(db: Session, study: CaseStudy, response: Response, company: Company | None, registry: Registry,
              practices: PracticeCatalogue, locale: str, number: int) -> dict:
    questionnaire = registry.get(response.questionnaire_id, response.questionnaire_version)
    answers = load_answers(db, response.id)
    allowed = consented(questionnaire, answers)
    result = score(questionnaire, answers, practices)
    sdg = practices.sdg
    # The company's goals only, in goal order, shaded by strength.
    goals = [{"number": g.number, "short": sdg.goal(g.number).short_in(locale), "color": sdg.goal(g.number).color, "level": g.level}
             for g in result.goals if g.level != "none"]
    low, high = TARGETS_SHOWN
    top = [t for t in result.targets if t.contribution >= 1.0][:high] or list(result.targets[:low])
    levels = [{"label": level.label.get(locale), "min": level.min} for level in questionnaire.maturity_levels]
    labels = {a.id: a.label.get(locale) for a in questionnaire.areas}
    rows = [{"label": labels[a.area], "score": None if a.score is None else float(a.score)} for a in result.areas]
    municipality = company.municipality if company else ""
    prefecture = _option_label(questionnaire, "company.prefecture", company.prefecture if company else "", locale)
    return {
        "number": number,
        "company": company.name if company else "",
        "motto": study.motto if "motto" in allowed else "",
        "location": f"{prefecture} {municipality}".strip(),
        "industry": _option_label(questionnaire, "company.industry", company.industry if company else "", locale),
        "employees": _option_label(questionnaire, "company.employees", company.employees if company else "", locale),
        "founded": str(company.founded) if company and company.founded else "",
        "sections": [(gettext(locale, SECTION_TITLES[k]), getattr(study, k)) for k in SECTION_TITLES if k in allowed and getattr(study, k).strip()],
        "tiles": goal_tiles(goals, gettext(locale, N_("Contribution to the 17 SDGs")), columns=8, size=72) if goals else "",
        "targets": [{"code": t.code, "text": sdg.target(t.code).text_in(locale)} for t in top],
        "chart": area_chart(rows, levels, gettext(locale, N_("Scores by area")), width=520),
        "digest": "",
    }


def booklet_content(db: Session, round_ids: list[int], registry: Registry, practices: PracticeCatalogue, locale: str,
                    sources: Markup) -> Booklet:
    rounds = [db.get(Round, rid) for rid in round_ids]
    if any(r is None for r in rounds):
        raise LookupError("no such round")
    rows = db.exec(
        select(CaseStudy, Response, Company, Round)
        .join(Response, CaseStudy.response_id == Response.id).join(Round, Response.round_id == Round.id)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(Response.round_id.in_(round_ids), Response.status == "approved", CaseStudy.included == True)  # noqa: E712
        .order_by(Round.id, CaseStudy.position, Response.id)
    ).all()
    regions: dict[str, dict] = {}
    number = 0
    for study, response, company, round_ in rows:
        questionnaire = registry.get(response.questionnaire_id, response.questionnaire_version)
        if not consented(questionnaire, load_answers(db, response.id)):
            continue  # consent withdrawn since inclusion: never print
        number += 1
        region = regions.setdefault(round_.region or round_.name(locale), {"name": round_.region or round_.name(locale), "index": len(regions), "cases": []})
        region["cases"].append(case_view(db, study, response, company, registry, practices, locale, number))
    t = lambda text, **kw: gettext(locale, text, **kw)  # noqa: E731
    names = "・".join(r.name(locale) for r in rounds) if locale == "ja" else "; ".join(r.name(locale) for r in rounds)
    forewords = [r.foreword_ja if locale == "ja" else r.foreword_en for r in rounds]
    return Booklet(
        title=t(N_("Community-Based Survey of SMEs with Consideration for Sustainability")),
        series=t(N_("Case studies")), rounds=names,
        regions=" / ".join(dict.fromkeys(r.region for r in rounds if r.region)),
        years=t(N_("Fiscal year {years}"), years=", ".join(sorted({str(r.fiscal_year) for r in rounds}))),
        publisher=" / ".join(dict.fromkeys(r.organiser(locale) for r in rounds if r.organiser(locale))),
        foreword="\n\n".join(f for f in forewords if f), sources=sources, regions_list=list(regions.values()),
    )
