"""What a booklet prints, gathered from the database.

Only approved responses whose case study is marked for inclusion and whose
company consented to publication are taken, and of each only the narrative
parts the company consented to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup
from sqlmodel import Session

from assess.i18n import N_, gettext
from assess.models import CasePhoto, Company, Response, Round
from assess.presentation.case_layout import (
    CAPTION,
    CaseContent,
    arrange,
    measured_scale,
    needs_refit,
    plan,
)
from assess.presentation.charts import area_chart, goal_tiles
from assess.presentation.explain import maturity_levels
from assess.presentation.goals import reason
from assess.presentation.labels import NARRATIVE_NAMES
from assess.scoring import score
from assess.scoring.catalogue import PracticeCatalogue
from assess.services.actions import published_plan
from assess.services.case_profile import company_profile
from assess.services.case_studies import BookletEntry, booklet_entries, case_study, consented
from assess.services.findings import round_findings
from assess.services.photos import photo_url, photos_by_response, photos_of
from assess.services.responses import load_answers
from assess.services.startup import Definitions
from assess.vocab import PhotoKind

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
    findings: object | None = None  # services.findings.Findings: the chapter after the contents

    @property
    def cases(self) -> list[dict]:
        return [c for region in self.regions_list for c in region["cases"]]


def case_view(
    entry: BookletEntry,
    catalogue: PracticeCatalogue,
    locale: str,
    number: int,
    photos: list[CasePhoto] | None = None,
) -> dict:
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
    view = {
        "key": entry.response.id,  # the case study's identity while its number changes
        "number": number,
        "company": company.name if company else "",
        "motto": study.motto if "motto" in allowed else "",
        **company_profile(questionnaire, company, locale),
        "sections": [
            (gettext(locale, NARRATIVE_NAMES[k]), texts[k])
            for k in SECTIONS
            if k in allowed and texts[k].strip()
        ],
        "tiles": goal_tiles(
            goals,
            gettext(locale, N_("Signature goals")),
            columns=5,
            size=72,
            in_order=True,
            title_id=f"tiles-{entry.response.id}",
        )
        if goals
        else "",
        "goals": len(goals),
        "reasons": [g["reason"] for g in goals],
        "targets": [{"code": t.code, "text": sdg.target(t.code).text_in(locale)} for t in top],
        "chart": area_chart(
            rows,
            maturity_levels(questionnaire, locale),
            gettext(locale, N_("Scores by area")),
            width=520,
            title_id=f"chart-{entry.response.id}",
        ),
        "chart_rows": len(rows),
        "digest": "",
        "actions": [],
    }
    return {**view, **_pictures(photos or [], locale)}


def _pictures(photos: list[CasePhoto], locale: str) -> dict:
    logo = next((p for p in photos if p.kind == PhotoKind.LOGO), None)
    return {
        "logo": {"url": photo_url(logo), "aspect": _aspect(logo)} if logo else None,
        "photos": [
            {
                "url": photo_url(p),
                "aspect": _aspect(p),
                "caption": p.caption(locale),
                "credit": p.credit,
            }
            for p in photos
            if p.kind == PhotoKind.PHOTO
        ],
    }


def _aspect(photo: CasePhoto) -> float:
    """Width over height, kept within what a page can show (a restored row may say anything)."""
    return min(10.0, max(0.1, photo.width / max(photo.height, 1)))


def laid_out(case: dict, scale: float = 1.0, balance: bool = True) -> dict:
    """The case with its layout (presentation.case_layout) and each photo's printed size;
    `scale`: how much taller than estimated its print came out (see `refit`); `balance`: False
    when a balanced spread left its second page short."""
    content = CaseContent(
        motto=case["motto"],
        texts=[text for _, text in case["sections"]],
        photos=[p["aspect"] for p in case["photos"]],
        goals=case["goals"],
        reasons=case["reasons"],
        targets=[f"{t['code']} {t['text']}" for t in case["targets"]],
        actions=[
            f"{a['status_label']} {a['title']} ({a.get('practice_label') or ''})" for a in case["actions"]
        ],
        chart_rows=case["chart_rows"],
        scale=scale,
        balance=balance,
    )
    layout = plan(content)
    rows = [(case["photos"][: layout.lead], layout.lead_mm), (case["photos"][layout.lead :], layout.rest_mm)]
    sized = [[{**p, "h": round(h, 1), "w": round(h * p["aspect"], 1)} for p in row] for row, h in rows]
    return {**case, "fit": content, "layout": layout, "lead_photos": sized[0], "rest_photos": sized[1]}


def refit(booklet: Booklet, measured: dict[int, list[float]]) -> bool:
    """Lay out again each case study whose print missed its plan (`measured`: case number → the
    fill of each page it took), with its heights scaled by what the print showed; whether any
    changed (then the booklet is rendered again)."""
    changed = False
    before = [c["key"] for c in booklet.cases]
    for region in booklet.regions_list:
        for i, case in enumerate(region["cases"]):
            layout, fills = case["layout"], measured.get(case["number"])
            if fills:
                case["printed_pages"] = len(fills)
            if not fills or not needs_refit(layout, fills):
                continue
            photos = sum(h + CAPTION for h in (layout.lead_mm, layout.rest_mm) if h)
            scale = case["fit"].scale * measured_scale(layout, fills, photos)
            # A balanced spread whose second page came out short lets its text run on instead.
            balance = case["fit"].balance and not (layout.balanced and len(fills) == 2)
            if abs(scale - case["fit"].scale) <= 0.01 and balance == case["fit"].balance:
                continue
            again = {**laid_out(case, scale, balance), "printed_pages": None}
            region["cases"][i] = again
            # Text too long for a spread prints the same however it is measured: no new render.
            changed = changed or again["layout"].printed != layout.printed
    # Arranged again with what printed: text too long for a spread can move the spreads after it.
    booklet.regions_list = in_print_order(booklet.regions_list)
    return changed or [c["key"] for c in booklet.cases] != before


def booklet_content(
    db: Session, round_ids: list[int], definitions: Definitions, locale: str, sources: Markup
) -> Booklet:
    rounds = [db.get(Round, rid) for rid in round_ids]
    if any(r is None for r in rounds):
        raise LookupError("no such round")
    regions: dict[str, dict] = {}
    entries = booklet_entries(db, round_ids, definitions.registry)
    pictures = photos_by_response(db, [e.response.id for e in entries])
    for entry in entries:
        name = entry.round.region or entry.round.name(locale)
        region = regions.setdefault(name, {"name": name, "index": len(regions), "cases": []})
        case = case_view(entry, definitions.practices, locale, 0, pictures.get(entry.response.id))
        case["actions"] = published_plan(db, entry.company, definitions.practices, locale)
        region["cases"].append(laid_out(case))
    booklet = _booklet(rounds, locale, sources, in_print_order(list(regions.values())))
    booklet.findings = round_findings(db, round_ids, definitions, locale)
    return booklet


def single_case(db: Session, response: Response, definitions: Definitions, locale: str) -> Booklet:
    """A booklet of one response's case study as it would print, whether or not it is marked
    for inclusion yet (the editor's preview); consent still decides what it shows."""
    questionnaire = definitions.registry.get(response.questionnaire_id, response.questionnaire_version)
    answers = load_answers(db, response.id)
    round_ = db.get(Round, response.round_id)
    company = db.get(Company, response.company_id) if response.company_id else None
    entry = BookletEntry(
        case_study(db, response, questionnaire, answers), response, company, round_, questionnaire, answers
    )
    case = case_view(entry, definitions.practices, locale, 1, photos_of(db, response.id))
    case["actions"] = published_plan(db, company, definitions.practices, locale)
    region = {"name": round_.region or round_.name(locale), "index": 0, "cases": [laid_out(case)]}
    return _booklet([round_], locale, Markup(""), [region])


def _pages(case: dict) -> int:
    """The pages a case study takes: as printed when it has been, else as planned."""
    return case.get("printed_pages") or case["layout"].pages


def in_print_order(regions: list[dict]) -> list[dict]:
    """Each region's case studies arranged so that spreads open on a left-hand page, then
    numbered in that order. The front matter has an even number of pages (render.py pads it),
    so the first region's divider is page 1 of the body, an odd page."""
    page, number = 1, 0
    for region in regions:
        page += 1  # the divider
        cases = region["cases"]
        order = arrange([_pages(c) for c in cases], page)
        region["cases"] = [cases[i] for i in order]
        for case in region["cases"]:
            number += 1
            case["number"] = number
            page += _pages(case)
    return regions


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
