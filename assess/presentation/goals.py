"""The 17 goals as a company reads them: its signature goals with one sentence each
on why they stand out, and the full ranking with a figure per goal."""

from __future__ import annotations

from assess.i18n import N_, gettext
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.result import GoalResult, ScoreResult
from assess.scoring.signature import EVERYDAY

FEW = 0.15  # prevalence under which "few companies" do a practice
REASON_DRIVERS = 2  # practices a reason names

# Tiles: a signature goal in full colour, a goal the practices reach in a lighter shade.
SIGNATURE, SOME, NONE = "signature", "some", "none"

REASONS = {
    "core": N_("Goal {n} stands out for you because your main business is {core}."),
    "core_and": N_(
        "Goal {n} stands out for you because your main business is {core}, and you also work on {other}."
    ),
    "few": N_("Goal {n} stands out for you because of {practices}, which few companies do."),
    "less": N_("Goal {n} stands out for you because of {practices}, which is less common among companies."),
}
AND = {"ja": "と", "en": " and "}


def tier(goal: GoalResult) -> str:
    if goal.signature:
        return SIGNATURE
    return SOME if goal.distinctiveness > 0 else NONE


def reason_drivers(goal: GoalResult, catalogue: PracticeCatalogue) -> list[str]:
    """The practices a reason names: the uncommon and core ones behind the goal, largest part first."""
    distinctive = [p for p in goal.drivers if catalogue[p].core or catalogue[p].prevalence < EVERYDAY]
    return distinctive[:REASON_DRIVERS]


def reason(goal: GoalResult, catalogue: PracticeCatalogue, locale: str) -> str:
    """One sentence on why a signature goal stands out, naming the practices behind it."""
    named = reason_drivers(goal, catalogue)
    labels = [_phrase(catalogue[p].label.get(locale), locale) for p in named]
    core = [label for p, label in zip(named, labels, strict=True) if catalogue[p].core]
    others = [label for p, label in zip(named, labels, strict=True) if not catalogue[p].core]
    if core:
        key = "core_and" if others else "core"
        return gettext(
            locale, REASONS[key], n=goal.number, core=AND[locale].join(core), other=AND[locale].join(others)
        )
    rarest = min(catalogue[p].prevalence for p in named)
    key = "few" if rarest < FEW else "less"
    return gettext(locale, REASONS[key], n=goal.number, practices=AND[locale].join(labels))


def _phrase(label: str, locale: str) -> str:
    """A label inside an English sentence starts in lower case (unless it is an acronym)."""
    if locale == "ja" or len(label) < 2 or label[1].isupper():
        return label
    return label[0].lower() + label[1:]


def goals_view(result: ScoreResult, catalogue: PracticeCatalogue, locale: str) -> list[dict]:
    """All 17 goals, most distinctive first, each with its rank, figure and (signature) reason."""
    sdg = catalogue.sdg
    out = []
    for g in result.goals:
        goal = sdg.goal(g.number)
        out.append(
            {
                "number": g.number,
                "short": goal.short_in(locale),
                "title": goal.title_in(locale),
                "color": goal.color,
                "aggregate": g.aggregate,
                "level": g.level,
                "targets": list(g.targets),
                "rank": g.rank,
                "distinctiveness": round(g.distinctiveness, 1),
                "signature": g.signature,
                "tier": tier(g),
                "reason": reason(g, catalogue, locale) if g.signature else "",
                "practices": [catalogue[p].label.get(locale) for p in g.drivers],
            }
        )
    return out
