"""The feedback view: what a company (and its reviewer) is told about one response.

One builder for the results page, the staff's response page and the PDF
feedback report, so all three show the same things with the same limits:

- the signature goals, each with one sentence on why it stands out;
- `TOP_OPPORTUNITIES` next steps that fit the company's industry and size; the rest as "more ideas";
- the full ranking of the 17 goals, a figure for each;
- `TOP_TARGETS` targets with the practices behind them; the rest are listed after;
- each answer behind the profile once, with the practices it shows.

Only the size of the pictures depends on where the view is shown (`MEDIA`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from assess.i18n import N_, gettext
from assess.presentation.charts import area_chart, goal_tiles
from assess.presentation.explain import describe, maturity_levels
from assess.questionnaire.model import Questionnaire
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.result import ScoreResult

TOP_TARGETS = 5
TOP_OPPORTUNITIES = 3
TARGETS_PER_SIGNATURE = 3
STRENGTHS = 3


@dataclass(frozen=True)
class Medium:
    chart_width: int
    tile_columns: int
    tile_size: int


MEDIA = {"screen": Medium(560, 6, 92), "print": Medium(520, 9, 64)}


@dataclass(frozen=True)
class FeedbackView:
    overall: dict
    areas: list[dict]
    levels: list[dict]  # maturity bands, lowest first
    chart: Markup  # area scores over the maturity bands
    explanation: list[dict]  # every question, with its points
    explained_sections: list[tuple[str, str, list[dict]]]  # (section id, title, scored rows)
    goals: list[dict]  # all 17, most distinctive first, with rank and figure
    signatures: list[dict]  # the signature goals with their reasons; [] when nothing stands out yet
    tiles: Markup  # the 17 goals: signature goals in full colour
    signature_tiles: Markup  # only the signature goals ("" when there are none)
    evidence: list[dict]  # each answer behind the profile once
    top_targets: list[dict]
    more_targets: list[dict]
    opportunities: list[dict]
    more_opportunities: list[dict]
    sse: list[dict]
    unanswered: list[str]
    signature_targets: dict[int, list[dict]]  # per signature goal, the targets behind it (at most 5)
    strengths: list[dict]  # the best-scored areas, best first (at most 3)


def feedback_view(
    result: ScoreResult,
    questionnaire: Questionnaire,
    catalogue: PracticeCatalogue,
    answers: Mapping[str, Any],
    locale: str,
    medium: str = "screen",
) -> FeedbackView:
    size = MEDIA[medium]
    view = describe(result, questionnaire, catalogue, dict(answers), locale)
    levels = maturity_levels(questionnaire, locale)
    chart = area_chart(
        [view["overall"], *view["areas"]],
        levels,
        gettext(locale, N_("Scores by area")),
        width=size.chart_width,
    )
    tiles = goal_tiles(
        view["goals"],
        gettext(locale, N_("Contribution to the 17 SDGs")),
        columns=size.tile_columns,
        size=size.tile_size,
    )
    signature_tiles = (
        goal_tiles(
            view["signatures"],
            gettext(locale, N_("Signature goals")),
            columns=size.tile_columns,
            size=size.tile_size,
            in_order=True,
        )
        if view["signatures"]
        else Markup("")
    )
    return FeedbackView(
        overall=view["overall"],
        areas=view["areas"],
        levels=levels,
        chart=chart,
        explanation=view["explanation"],
        explained_sections=_by_section(questionnaire, view["explanation"], locale),
        goals=view["goals"],
        signatures=view["signatures"],
        tiles=tiles,
        signature_tiles=signature_tiles,
        evidence=view["evidence"],
        top_targets=view["targets"][:TOP_TARGETS],
        more_targets=view["targets"][TOP_TARGETS:],
        opportunities=view["opportunities"][:TOP_OPPORTUNITIES],
        more_opportunities=view["opportunities"][TOP_OPPORTUNITIES:],
        sse=view["sse"],
        unanswered=view["unanswered"],
        signature_targets={
            g["number"]: [t for t in view["targets"] if t["code"] in g["targets"]][:TARGETS_PER_SIGNATURE]
            for g in view["signatures"]
        },
        strengths=sorted(
            (a for a in view["areas"] if a["score"] is not None and a["score"] > 0),
            key=lambda a: -a["score"],
        )[:STRENGTHS],
    )


def _by_section(
    questionnaire: Questionnaire, rows: list[dict], locale: str
) -> list[tuple[str, str, list[dict]]]:
    """The rows of scored areas, grouped by the section they were asked in."""
    grouped: dict[str, list[dict]] = {}
    for row in rows:
        if row["area"]:
            grouped.setdefault(row["section"], []).append(row)
    return [(s.id, s.title.get(locale), grouped[s.id]) for s in questionnaire.sections if s.id in grouped]
