"""The booklet's findings chapter: who took part, how the areas scored, which SDG goals
stand out across the companies, what support they need, a few of their own words where
they agreed to publish them, and what staff concluded (the round's findings text).

Participants are the responses of the rounds submitted at least once (the statuses the
round's statistics page counts, so the two agree), one per company: a company that
answered in several of the rounds counts once, with its latest response. Scores and
signature goals are the ones cached at submit.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlmodel import Session, select

from assess.i18n import N_, gettext
from assess.models import Answer, CaseStudy, Company, Response, ResponseScore, Round
from assess.presentation.explain import maturity_levels
from assess.presentation.findings_charts import count_bars, goal_counts, score_spread
from assess.presentation.labels import NARRATIVE_NAMES
from assess.questionnaire.model import OTHER, Questionnaire
from assess.services.case_studies import consented, publishable
from assess.services.reporting import quartiles
from assess.services.startup import Definitions
from assess.vocab import SCORED, ResponseStatus, ScoreKind

MIN_GROUP = 3  # fewer participants (or scores in an area): no distribution, one company's would show
MAX_QUOTES = 6
QUOTE_LENGTH = 120  # characters; a longer answer is cut at the last sentence end before this
QUOTE_PARTS = ("support", "challenges")  # the narrative parts quoted, the first one answered
SENTENCE_ENDS = "。！？!?"
MAX_ROWS = 10  # of a count chart: the rest are summed in one row, so a chart keeps to its column


@dataclass(frozen=True)
class AreaSpread:
    label: str
    stats: dict[str, float] | None  # n, min, q1, median, q3, max, mean; None: fewer than MIN_GROUP


@dataclass(frozen=True)
class GoalCount:
    number: int
    short: str
    color: str
    count: int  # companies with the goal among their signature goals


@dataclass(frozen=True)
class Quote:
    text: str
    part: str  # the narrative part it comes from, named in the locale
    attribution: str  # industry and prefecture, never the company


@dataclass
class Findings:
    locale: str
    rounds: list[str] = field(default_factory=list)
    participants: int = 0
    industries: list[tuple[str, int]] = field(default_factory=list)  # most first
    sizes: list[tuple[str, int]] = field(default_factory=list)  # in the order of the bands
    prefectures: list[tuple[str, int]] = field(default_factory=list)  # most first
    small_group: bool = False  # fewer than MIN_GROUP participants: no score distributions
    areas: list[AreaSpread] = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)  # the maturity bands, lowest first
    goals: list[GoalCount] = field(default_factory=list)  # most companies first
    support_asked: bool = False  # the questionnaire has a choice question on the support needed
    support_answered: int = 0  # participants who answered it
    support: list[tuple[str, int]] = field(default_factory=list)  # most chosen first
    quotes: list[Quote] = field(default_factory=list)
    text: str = ""  # the staff's findings in the locale only; "" prints none
    charts: dict[str, Markup] = field(default_factory=dict)
    min_group: int = MIN_GROUP

    @property
    def printable(self) -> bool:
        return bool(self.participants or self.text)


@dataclass(frozen=True)
class _Participant:
    response: Response
    company: Company | None
    questionnaire: Questionnaire


def round_findings(db: Session, round_ids: list[int], definitions: Definitions, locale: str) -> Findings:
    rounds = [r for r in (db.get(Round, rid) for rid in round_ids) if r is not None]
    people = _participants(db, round_ids, definitions)
    questionnaires = list(
        dict.fromkeys(
            [definitions.registry.get(r.questionnaire_id, r.questionnaire_version) for r in rounds]
            + [p.questionnaire for p in people]
        )
    )
    findings = Findings(
        locale=locale,
        rounds=[r.name(locale) for r in rounds],
        participants=len(people),
        text="\n\n".join(
            t for r in rounds if (t := (r.findings_ja if locale == "ja" else r.findings_en).strip())
        ),
        levels=maturity_levels(questionnaires[0], locale) if questionnaires else [],
    )
    _profile_counts(findings, people, questionnaires)
    findings.small_group = len(people) < MIN_GROUP
    if not findings.small_group:
        findings.areas = _area_spreads(db, people, questionnaires, locale)
    findings.goals = _goal_counts(db, people, definitions, locale)
    _support_counts(db, findings, people)
    findings.quotes = _quotes(db, people, locale)
    findings.charts = _charts(findings)
    return findings


def _participants(db: Session, round_ids: list[int], definitions: Definitions) -> list[_Participant]:
    rows = db.exec(
        select(Response, Company)
        .join(Round, Round.id == Response.round_id)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(
            Response.round_id.in_(round_ids),
            Response.submitted_at.is_not(None),
            Response.status.in_(SCORED),
        )
        .order_by(Round.fiscal_year, Round.id, Response.id)
    ).all()
    latest: dict[object, _Participant] = {}
    for response, company in rows:  # later rounds overwrite earlier ones
        questionnaire = definitions.registry.get(response.questionnaire_id, response.questionnaire_version)
        latest[company.id if company else ("response", response.id)] = _Participant(
            response, company, questionnaire
        )
    return sorted(latest.values(), key=lambda p: p.response.id)


# --- who took part -------------------------------------------------------------------


def _option_label(questionnaires: Sequence[Questionnaire], role: str, value: str, locale: str) -> str:
    if not value:
        return gettext(locale, N_("Not given"))
    for questionnaire in questionnaires:
        question = questionnaire.roles.get(role)
        option = question.option(value) if question else None
        if option is not None:
            return option.label.get(locale)
    return gettext(locale, N_("Other")) if value == OTHER else value


def _option_order(questionnaires: Sequence[Questionnaire], role: str) -> list[str]:
    order: list[str] = []
    for questionnaire in questionnaires:
        question = questionnaire.roles.get(role)
        order += [o.value for o in question.options if o.value not in order] if question else []
    return order


def _tally(
    values: Iterable[str],
    questionnaires: Sequence[Questionnaire],
    role: str,
    locale: str,
    every: bool = False,
) -> list[tuple[str, int]]:
    """Counts of the values, labelled: most first (ties in the questionnaire's order), or with
    `every` each option in the questionnaire's order, those nobody chose too."""
    counts = Counter(values)
    order = _option_order(questionnaires, role)
    rank = {v: i for i, v in enumerate(order)}
    if every:
        keys = order + sorted(k for k in counts if k not in rank)
    else:
        keys = sorted(counts, key=lambda k: (-counts[k], rank.get(k, len(rank)), k))
    return [(_option_label(questionnaires, role, k, locale), counts.get(k, 0)) for k in keys]


def _top(counts: list[tuple[str, int]], locale: str) -> list[tuple[str, int]]:
    """The first MAX_ROWS - 1 counts and the rest in one row, when there are more than MAX_ROWS."""
    if len(counts) <= MAX_ROWS:
        return counts
    rest = counts[MAX_ROWS - 1 :]
    label = gettext(locale, N_("{n} others"), n=len(rest))
    return counts[: MAX_ROWS - 1] + [(label, sum(n for _, n in rest))]


def _profile_counts(
    findings: Findings, people: list[_Participant], questionnaires: list[Questionnaire]
) -> None:
    def values(column: str) -> list[str]:
        return [getattr(p.company, column) if p.company else "" for p in people]

    locale = findings.locale
    findings.industries = _top(_tally(values("industry"), questionnaires, "company.industry", locale), locale)
    findings.prefectures = _top(
        _tally(values("prefecture"), questionnaires, "company.prefecture", locale), locale
    )
    sizes = _tally(values("employees"), questionnaires, "company.employees", locale, every=True)
    findings.sizes = sizes if people else []


# --- scores and goals -------------------------------------------------------------------


def _area_spreads(
    db: Session, people: list[_Participant], questionnaires: list[Questionnaire], locale: str
) -> list[AreaSpread]:
    labels: dict[str, str] = {}
    for questionnaire in questionnaires:
        for area in questionnaire.areas:
            labels.setdefault(area.id, area.label.get(locale))
    values: dict[str, list[float]] = {key: [] for key in labels}
    for key, value in db.exec(
        select(ResponseScore.key, ResponseScore.value).where(
            ResponseScore.response_id.in_([p.response.id for p in people]),
            ResponseScore.kind == ScoreKind.AREA,
        )
    ):
        if key in values and value is not None:
            values[key].append(value)
    return [
        AreaSpread(label, quartiles(values[key]) if len(values[key]) >= MIN_GROUP else None)
        for key, label in labels.items()
    ]


def _goal_counts(
    db: Session, people: list[_Participant], definitions: Definitions, locale: str
) -> list[GoalCount]:
    counts = Counter(
        int(key)
        for key in db.exec(
            select(ResponseScore.key).where(
                ResponseScore.response_id.in_([p.response.id for p in people]),
                ResponseScore.kind == ScoreKind.SIGNATURE,
            )
        )
    )
    sdg = definitions.practices.sdg
    return [
        GoalCount(number, sdg.goal(number).short_in(locale), sdg.goal(number).color, n)
        for number, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


# --- support and the companies' own words ------------------------------------------------


def _answers(db: Session, people: list[_Participant], roles: tuple[str, ...]) -> dict[int, dict[str, Any]]:
    """Per response, its answers to the questions of these roles (one query)."""
    wanted = {
        p.response.id: {q.id for role in roles if (q := p.questionnaire.roles.get(role))} for p in people
    }
    ids = {qid for qids in wanted.values() for qid in qids}
    out: dict[int, dict[str, Any]] = {rid: {} for rid in wanted}
    if not ids:
        return out
    for response_id, question_id, value in db.exec(
        select(Answer.response_id, Answer.question_id, Answer.value).where(
            Answer.response_id.in_(list(wanted)), Answer.question_id.in_(sorted(ids))
        )
    ):
        if question_id in wanted[response_id]:
            out[response_id][question_id] = value
    return out


def _support_question(questionnaire: Questionnaire):
    """The choice question on the support a company needs, if the questionnaire has one."""
    question = questionnaire.roles.get("support.needed")
    return question if question is not None and question.options else None


def _support_counts(db: Session, findings: Findings, people: list[_Participant]) -> None:
    asking = [p for p in people if _support_question(p.questionnaire)]
    findings.support_asked = bool(asking)
    answers = _answers(db, asking, ("support.needed",))
    chosen: list[str] = []
    for p in asking:
        value = answers[p.response.id].get(_support_question(p.questionnaire).id)
        items = value if isinstance(value, list) else [value] if isinstance(value, str) and value else []
        findings.support_answered += bool(items)
        chosen += [str(v) for v in items]
    questionnaires = list(dict.fromkeys(p.questionnaire for p in asking))
    findings.support = _tally(chosen, questionnaires, "support.needed", findings.locale)


def excerpt(text: str, limit: int = QUOTE_LENGTH) -> str:
    """`text` on one line, whole if short, else to the last sentence end within `limit`
    characters; with no sentence end in its later part, cut at a word and ended with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [i for i, c in enumerate(text[:limit]) if c in SENTENCE_ENDS or (c == "." and text[i + 1] == " ")]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1] + 1]
    head = text[: limit - 1]
    if " " in head[limit // 2 :]:  # Latin text: not within a word
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,、，") + "…"


def _quotes(db: Session, people: list[_Participant], locale: str) -> list[Quote]:
    """At most MAX_QUOTES, one per company, under the booklet's own rules: approved responses
    whose case study staff included and the company has not withdrawn, only from a narrative
    part it consented to publish, in the case study's text as staff edited it."""
    approved = [p for p in people if p.response.status == ResponseStatus.APPROVED]
    studies = {
        study.response_id: study
        for study in db.exec(
            select(CaseStudy).where(
                CaseStudy.response_id.in_([p.response.id for p in approved]),
                CaseStudy.included.is_(True),
                CaseStudy.withdrawn_at.is_(None),
            )
        )
    }
    answers = _answers(db, approved, ("consent.publication",))
    quotes: list[Quote] = []
    for p in approved:
        given, study = answers[p.response.id], studies.get(p.response.id)
        if study is None or not publishable(p.questionnaire, given, study):
            continue
        quote = _quote(p, given, study, locale)
        if quote and quote.text not in {q.text for q in quotes}:
            quotes.append(quote)
        if len(quotes) == MAX_QUOTES:
            break
    return quotes


def _quote(p: _Participant, answers: dict[str, Any], study: CaseStudy, locale: str) -> Quote | None:
    allowed = consented(p.questionnaire, answers)
    for part in QUOTE_PARTS:
        value = getattr(study, part)
        if part in allowed and value.strip():
            return Quote(excerpt(value), gettext(locale, NARRATIVE_NAMES[part]), _attribution(p, locale))
    return None


def _attribution(p: _Participant, locale: str) -> str:
    if p.company is None:
        return ""
    qs = [p.questionnaire]
    names = [
        _option_label(qs, role, value, locale)
        for role, value in (
            ("company.industry", p.company.industry),
            ("company.prefecture", p.company.prefecture),
        )
        if value
    ]
    return ("・" if locale == "ja" else ", ").join(names)


# --- charts --------------------------------------------------------------------------------


WIDE = 660  # full-width charts: drawn at about twice the half-width ones (320), so all print text alike


def _charts(f: Findings) -> dict[str, Markup]:
    t = lambda text: gettext(f.locale, text)  # noqa: E731
    charts = {
        "industries": count_bars(f.industries, t(N_("Participants by industry")), f.participants),
        "sizes": count_bars(f.sizes, t(N_("Participants by number of employees")), f.participants),
        "prefectures": count_bars(f.prefectures, t(N_("Participants by prefecture")), f.participants),
    }
    if f.areas:
        rows = [{"label": a.label, "stats": a.stats} for a in f.areas]
        charts["areas"] = score_spread(rows, f.levels, t(N_("Area scores: spread")), t(N_("Median")), WIDE)
    if f.goals:
        goals = [{"number": g.number, "short": g.short, "color": g.color, "count": g.count} for g in f.goals]
        charts["goals"] = goal_counts(goals, t(N_("Signature goals across companies")), f.participants, WIDE)
    if f.support:
        charts["support"] = count_bars(f.support, t(N_("Support needed")), f.support_answered, WIDE)
    return charts
