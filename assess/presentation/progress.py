"""A company's progress over the rounds, for people.

`Progress` holds plain values (`services/progress.py` gathers them): one
`Point` per scored response, in fiscal-year order, and a `Comparison` of the
latest response with the one before it. `compare()` works that comparison
out from the two scored results; `progress_view()` turns it all into text in
the reader's language and a small-multiples chart (`progress_chart.py`).

Two questionnaire versions are compared only on what both ask about: the
areas both have, and the practices both can evidence (so the targets those
practices reach). What only one version asks about is named, not counted as
gained or lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from assess.i18n import N_, gettext
from assess.presentation.explain import fmt
from assess.presentation.feedback import TOP_OPPORTUNITIES
from assess.presentation.progress_chart import progress_chart
from assess.questionnaire.model import Questionnaire
from assess.scoring.catalogue import PracticeCatalogue
from assess.scoring.result import ScoreResult

OVERALL = "overall"
SEP = {"ja": "、", "en": ", "}

# English needs a singular and a plural; Japanese uses the same sentence for both.
TARGETS_SUMMARY = (
    N_("Since {year}: {gained} target gained, {lost} lost"),
    N_("Since {year}: {gained} targets gained, {lost} lost"),
)
PRACTICES_SUMMARY = (
    N_("Since {year}: {gained} practice gained, {lost} lost"),
    N_("Since {year}: {gained} practices gained, {lost} lost"),
)


# --- the values ------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureMark:
    number: int  # goal number
    figure: float  # its distinctiveness
    rank: int


@dataclass(frozen=True)
class Point:
    """One scored response of the company, from its cached scores."""

    response_id: int
    round_id: int
    round_name_ja: str
    round_name_en: str
    fiscal_year: int
    questionnaire_id: str
    questionnaire_version: int
    overall: float | None
    overall_level: str | None = None
    areas: Mapping[str, float] = field(default_factory=dict)  # area id → score; areas without one left out
    levels: Mapping[str, str | None] = field(default_factory=dict)
    signature: tuple[SignatureMark, ...] = ()  # most distinctive first

    def round_name(self, locale: str) -> str:
        return self.round_name_ja if locale == "ja" else self.round_name_en

    @property
    def version(self) -> tuple[str, int]:
        return (self.questionnaire_id, self.questionnaire_version)


@dataclass(frozen=True)
class DoneAction:
    """An action of the company's plan marked done."""

    id: int
    title: str
    practice: str | None = None


@dataclass(frozen=True)
class Comparison:
    """The latest response against the previous one, on what both versions share."""

    previous_id: int
    latest_id: int
    previous_year: int
    latest_year: int
    previous_version: tuple[str, int]
    latest_version: tuple[str, int]
    shared_areas: tuple[str, ...]  # in the latest version's order
    only_in_previous: tuple[str, ...]  # areas only the previous version has
    only_in_latest: tuple[str, ...]
    shared_goals: tuple[int, ...]  # goals the practices of both versions can reach
    goals_only_in_previous: tuple[int, ...]
    goals_only_in_latest: tuple[int, ...]
    targets_gained: tuple[str, ...]  # target codes, in SDG order
    targets_lost: tuple[str, ...]
    practices_gained: tuple[str, ...]  # practice ids, in the order the answers show them
    practices_lost: tuple[str, ...]
    next_steps_done: tuple[str, ...]  # practices of the previous top next steps now shown
    actions_done: tuple[DoneAction, ...] = ()

    @property
    def same_version(self) -> bool:
        return self.previous_version == self.latest_version


@dataclass(frozen=True)
class Progress:
    company_id: int | None
    points: tuple[Point, ...] = ()  # in fiscal-year order
    comparison: Comparison | None = None  # None with fewer than two points

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None

    @property
    def previous(self) -> Point | None:
        return self.points[-2] if len(self.points) > 1 else None


# --- the comparison ----------------------------------------------------------------------


def reachable_goals(questionnaire: Questionnaire, catalogue: PracticeCatalogue) -> frozenset[int]:
    """The goals a questionnaire's practices can reach."""
    return frozenset(
        link.goal for p in questionnaire.practice_ids if p in catalogue for link in catalogue[p].links
    )


def compare(
    previous: Point,
    latest: Point,
    before: ScoreResult,
    after: ScoreResult,
    q_before: Questionnaire,
    q_after: Questionnaire,
    catalogue: PracticeCatalogue,
    actions: Iterable[DoneAction] = (),
    top: int = TOP_OPPORTUNITIES,
) -> Comparison:
    """What changed from `before` (the previous response, scored) to `after` (the latest).

    A practice is compared when both versions can evidence it. A target is gained when the
    latest response reaches it through a compared practice and the previous did not reach it
    at all; lost the other way round. A next step is done when the previous response's top
    `top` next steps name a practice the latest response shows."""
    shared = q_before.practice_ids & q_after.practice_ids
    shown_before = tuple(dict.fromkeys(e.practice for e in before.evidence))
    shown_after = tuple(dict.fromkeys(e.practice for e in after.evidence))
    all_before, all_after = {t.code for t in before.targets}, {t.code for t in after.targets}
    order = {t.code: i for i, t in enumerate(catalogue.sdg.targets())}
    gained = [c for c in _reached(after, shared) if c not in all_before]
    lost = [c for c in _reached(before, shared) if c not in all_after]
    areas_before = [a.id for a in q_before.areas]
    areas_after = [a.id for a in q_after.areas]
    goals_before, goals_after = reachable_goals(q_before, catalogue), reachable_goals(q_after, catalogue)
    return Comparison(
        previous_id=previous.response_id,
        latest_id=latest.response_id,
        previous_year=previous.fiscal_year,
        latest_year=latest.fiscal_year,
        previous_version=previous.version,
        latest_version=latest.version,
        shared_areas=tuple(a for a in areas_after if a in areas_before),
        only_in_previous=tuple(a for a in areas_before if a not in areas_after),
        only_in_latest=tuple(a for a in areas_after if a not in areas_before),
        shared_goals=tuple(sorted(goals_before & goals_after)),
        goals_only_in_previous=tuple(sorted(goals_before - goals_after)),
        goals_only_in_latest=tuple(sorted(goals_after - goals_before)),
        targets_gained=tuple(sorted(gained, key=lambda c: order.get(c, len(order)))),
        targets_lost=tuple(sorted(lost, key=lambda c: order.get(c, len(order)))),
        practices_gained=tuple(p for p in shown_after if p in shared and p not in shown_before),
        practices_lost=tuple(p for p in shown_before if p in shared and p not in shown_after),
        next_steps_done=tuple(o.practice for o in before.opportunities[:top] if o.practice in shown_after),
        actions_done=tuple(actions),
    )


def _reached(result: ScoreResult, practices: frozenset[str]) -> list[str]:
    """The targets a result reaches through any of `practices`."""
    return [t.code for t in result.targets if any(p in practices for p, _ in t.practices)]


# --- for people ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgressView:
    points: list[dict]  # per response: year, year_label, round, version, overall, signatures
    panels: list[dict]  # the overall score, then each area: id, label, scores (one per point, or None)
    chart: Markup  # small multiples: one line chart per panel, and the signature goals per year
    comparison: dict | None  # the latest response against the previous one; None with one point

    @property
    def shown(self) -> bool:
        """Whether there is progress to show: more than one scored response."""
        return len(self.points) > 1


def year_label(year: int, locale: str) -> str:
    return gettext(locale, N_("FY{year}"), year=year)


def progress_view(
    progress: Progress,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    catalogue: PracticeCatalogue,
    locale: str,
    medium: str = "screen",
) -> ProgressView:
    """The company's progress in the reader's language: the series, its chart and the comparison.
    `questionnaires`: the loaded versions by (id, version), for the names of areas."""
    sdg = catalogue.sdg
    labels = _area_labels(progress.points, questionnaires, locale)
    points: list[dict[str, Any]] = [
        {
            "response_id": p.response_id,
            "year": p.fiscal_year,
            "year_label": year_label(p.fiscal_year, locale),
            "round": p.round_name(locale),
            "questionnaire": p.questionnaire_id,
            "version": p.questionnaire_version,
            "overall": p.overall,
            "signatures": [
                {
                    "number": g.number,
                    "short": sdg.goal(g.number).short_in(locale),
                    "color": sdg.goal(g.number).color,
                }
                for g in p.signature
            ],
        }
        for p in progress.points
    ]
    panels: list[dict[str, Any]] = [
        {
            "id": OVERALL,
            "label": gettext(locale, N_("Overall")),
            "scores": [p.overall for p in progress.points],
        }
    ]
    panels += [
        {"id": area, "label": label, "scores": [p.areas.get(area) for p in progress.points]}
        for area, label in labels.items()
    ]
    for panel in panels:
        panel["shown"] = [fmt(s, 0) for s in panel["scores"]]
    chart = progress_chart(
        [str(p["year"]) for p in points],
        panels,
        [p["signatures"] for p in points],
        title=gettext(locale, N_("Scores by fiscal year")),
        desc=_description(points, panels, locale),
        signature_title=gettext(locale, N_("Signature goals")),
        medium=medium,
    )
    comparison = (
        _comparison_view(progress, questionnaires, catalogue, labels, locale) if progress.comparison else None
    )
    return ProgressView(points=points, panels=panels, chart=chart, comparison=comparison)


def _area_labels(
    points: Iterable[Point], questionnaires: Mapping[tuple[str, int], Questionnaire], locale: str
) -> dict[str, str]:
    """Every area scored in some point: the latest version's areas first, in its order, then older
    ones; a later version's name wins. An area no loaded version names keeps its id."""
    points = list(points)
    labels: dict[str, str] = {}
    for p in reversed(points):
        questionnaire = questionnaires.get(p.version)
        for area in questionnaire.areas if questionnaire else ():
            labels.setdefault(area.id, area.label.get(locale))
    scored = {a for p in points for a in p.areas}
    named = {a: label for a, label in labels.items() if a in scored}
    for p in reversed(points):
        for area_id in p.areas:
            named.setdefault(area_id, area_id)
    return named


def _description(points: list[dict], panels: list[dict], locale: str) -> str:
    """Every number of the chart, as sentences: one per fiscal year."""
    sep = SEP.get(locale, ", ")
    sentences = []
    for i, point in enumerate(points):
        scores = sep.join(f"{panel['label']} {panel['shown'][i]}" for panel in panels)
        goals = sep.join(str(g["number"]) for g in point["signatures"])
        if goals:
            text = gettext(
                locale,
                N_("{year}: {scores}; signature goals: {goals}."),
                year=point["year_label"],
                scores=scores,
                goals=goals,
            )
        else:
            text = gettext(
                locale,
                N_("{year}: {scores}; no signature goal yet."),
                year=point["year_label"],
                scores=scores,
            )
        sentences.append(text)
    return " ".join(sentences)


def _count(locale: str, forms: tuple[str, str], gained: int, **params: object) -> str:
    return gettext(locale, forms[0] if gained == 1 else forms[1], gained=gained, **params)


def _comparison_view(
    progress: Progress,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    catalogue: PracticeCatalogue,
    labels: Mapping[str, str],
    locale: str,
) -> dict:
    c = progress.comparison
    assert c is not None
    previous, latest = progress.points[-2], progress.points[-1]
    sdg = catalogue.sdg
    since = year_label(c.previous_year, locale)

    def target(code: str) -> dict:
        goal = sdg.goal(int(code.split(".")[0]))
        return {
            "code": code,
            "goal": goal.number,
            "short": goal.short_in(locale),
            "color": goal.color,
            "text": sdg.target(code).text_in(locale),
        }

    def practice(p: str) -> str:
        return catalogue[p].label.get(locale) if p in catalogue else p

    return {
        "since": since,
        "previous_round": previous.round_name(locale),
        "latest_round": latest.round_name(locale),
        "same_version": c.same_version,
        "targets_summary": _count(
            locale, TARGETS_SUMMARY, len(c.targets_gained), year=since, lost=len(c.targets_lost)
        ),
        "practices_summary": _count(
            locale, PRACTICES_SUMMARY, len(c.practices_gained), year=since, lost=len(c.practices_lost)
        ),
        "scores": _score_changes(previous, latest, c, labels, locale),
        "targets_gained": [target(code) for code in c.targets_gained],
        "targets_lost": [target(code) for code in c.targets_lost],
        "practices_gained": [practice(p) for p in c.practices_gained],
        "practices_lost": [practice(p) for p in c.practices_lost],
        "completed": _completed(c, practice, locale),
        "nothing_completed": gettext(
            locale, N_("None of the next steps suggested in {year} shows in the answers yet."), year=since
        ),
        "versions_note": _versions_note(c, questionnaires, labels, locale),
        "shared_areas": [labels.get(a, a) for a in c.shared_areas],
    }


def _score_changes(
    previous: Point, latest: Point, c: Comparison, labels: Mapping[str, str], locale: str
) -> list[dict]:
    """The overall score and each shared area: before, now and the change."""
    rows = [(gettext(locale, N_("Overall")), previous.overall, latest.overall)]
    rows += [(labels.get(a, a), previous.areas.get(a), latest.areas.get(a)) for a in c.shared_areas]
    out = []
    for label, before, after in rows:
        shown = fmt(before, 0), fmt(after, 0)
        # The change of the figures as shown, so that the row adds up.
        change = None if before is None or after is None else int(shown[1]) - int(shown[0])
        out.append(
            {
                "label": label,
                "previous": shown[0],
                "latest": shown[1],
                "change": "–" if change is None else f"{change:+d}" if change else "±0",
            }
        )
    return out


def _completed(c: Comparison, practice: Callable[[str], str], locale: str) -> list[dict]:
    """The previous next steps now shown, each with the action of the plan behind it, then the
    other actions marked done."""
    by_practice = {a.practice: a for a in c.actions_done if a.practice}
    out = []
    for p in c.next_steps_done:
        action = by_practice.get(p)
        note = gettext(locale, N_("Action plan: {title}"), title=action.title) if action else ""
        out.append({"label": practice(p), "note": note})
    done = set(c.next_steps_done)
    out += [
        {"label": a.title, "note": gettext(locale, N_("From the action plan"))}
        for a in c.actions_done
        if a.practice not in done or not a.practice
    ]
    return out


def _versions_note(
    c: Comparison,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    labels: Mapping[str, str],
    locale: str,
) -> list[str]:
    """What two versions share, in sentences; [] for the same version."""
    if c.same_version:
        return []
    sep = SEP.get(locale, ", ")
    names = [_version_name(v, c, questionnaires, locale) for v in (c.previous_version, c.latest_version)]
    area_names = sep.join(labels.get(a, a) for a in c.shared_areas)
    if c.shared_areas:
        first = gettext(
            locale, N_("{a} and {b} share these areas: {areas}."), a=names[0], b=names[1], areas=area_names
        )
    else:
        first = gettext(
            locale,
            N_("{a} and {b} share no area, so their area scores are not compared."),
            a=names[0],
            b=names[1],
        )
    out = [first[:1].upper() + first[1:]]  # "Version 1 and version 2 …"
    for name, areas in ((names[0], c.only_in_previous), (names[1], c.only_in_latest)):
        if areas:
            out.append(
                gettext(
                    locale,
                    N_("Only in {a}: {areas}."),
                    a=name,
                    areas=sep.join(labels.get(x, x) for x in areas),
                )
            )
    for name, goals in ((names[0], c.goals_only_in_previous), (names[1], c.goals_only_in_latest)):
        if goals:
            out.append(
                gettext(
                    locale,
                    N_("Goals only {a} can show: {goals}."),
                    a=name,
                    goals=sep.join(str(g) for g in goals),
                )
            )
    out.append(gettext(locale, N_("Targets and practices are compared on what both versions ask about.")))
    return out


def _version_name(
    version: tuple[str, int],
    c: Comparison,
    questionnaires: Mapping[tuple[str, int], Questionnaire],
    locale: str,
) -> str:
    """ "version 2" when both are versions of one questionnaire, else the questionnaire's title."""
    if c.previous_version[0] == c.latest_version[0] or version not in questionnaires:
        return gettext(locale, N_("version {n}"), n=version[1])
    return questionnaires[version].title.get(locale)
