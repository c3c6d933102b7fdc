"""Lists, counts and comparisons for staff, computed in SQL from the scores
cached at submit, so they stay fast with many thousands of responses."""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, and_, case, cast, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from assess.models import Answer, Company, Response, ResponseScore, Round
from assess.services.inputs import small_int
from assess.vocab import SCORED, ResponseStatus, ScoreKind

PAGE_SIZE = 50
MIN_PEERS = 5
HEAT_LIMIT = 100  # companies shown in the heat map; the export has all
SORTS = ("overall", "company", "submitted")
ALL_STATUSES = "all"  # the status filter that shows drafts too (by default the list leaves them out)


@dataclass
class Filters:
    round_id: int | None = None
    prefecture: str = ""
    industry: str = ""
    employees: str = ""
    status: str = ""
    level: str = ""
    search: str = ""
    sort: str = "submitted"  # overall | company | submitted | area:<id>
    descending: bool = True
    page: int = 1

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """The filters of a list page's query string; anything garbled counts as not given."""
        text = {key: query.get(key, "")[:FILTER_MAX] for key in ("prefecture", "industry", "employees", "q")}
        return cls(
            round_id=_small_int(query.get("round")),
            prefecture=text["prefecture"],
            industry=text["industry"],
            employees=text["employees"],
            status=query.get("status", "")[:FILTER_MAX],
            level=query.get("level", "")[:FILTER_MAX],
            search=text["q"],
            sort=query.get("sort", "submitted")[:FILTER_MAX],
            descending=query.get("dir", "desc") != "asc",
            page=_small_int(query.get("page")) or 1,
        )


FILTER_MAX = 200  # characters of a filter or search: more is never a company's name


def _small_int(value: str | None) -> int | None:
    """A positive number that fits the database's integer columns, or None."""
    return small_int(value) or None


@dataclass
class Listing:
    rows: list[dict] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1


def _status_condition(status: str):
    """One status; every response, drafts too ("all"); or, when not given, all but drafts."""
    if status in tuple(ResponseStatus):
        return Response.status == status
    if status == ALL_STATUSES:
        return None
    return Response.status != ResponseStatus.DRAFT  # drafts only when asked for


def list_responses(db: Session, f: Filters, area_ids: tuple[str, ...]) -> Listing:
    sort_score = aliased(ResponseScore)
    query = select(
        Response,
        Company.name,
        Company.prefecture,
        Company.industry,
        Company.employees,
        Round.slug,
        Round.name_ja,
        Round.name_en,
    )
    query = query.join(Company, Response.company_id == Company.id, isouter=True).join(
        Round, Response.round_id == Round.id
    )
    conditions = []
    if f.round_id:
        conditions.append(Response.round_id == f.round_id)
    status = _status_condition(f.status)
    if status is not None:
        conditions.append(status)
    for column, value in (
        (Company.prefecture, f.prefecture),
        (Company.industry, f.industry),
        (Company.employees, f.employees),
    ):
        if value:
            conditions.append(column == value)
    if f.level:
        conditions.append(Response.overall_level == f.level)
    if f.search.strip():
        conditions.append(Company.name.contains(f.search.strip()[:100], autoescape=True))
    query = query.where(*conditions)
    total = db.exec(select(func.count()).select_from(query.subquery())).one()
    if f.sort.startswith("area:") and f.sort[5:] in area_ids:
        query = query.join(
            sort_score,
            and_(
                sort_score.response_id == Response.id,
                sort_score.kind == ScoreKind.AREA,
                sort_score.key == f.sort[5:],
            ),
            isouter=True,
        )
        key = sort_score.value
    elif f.sort == "overall":
        key = Response.overall_score
    elif f.sort == "company":
        key = Company.name
    else:
        key = Response.submitted_at
    # Responses without the value (drafts, areas not applicable) go last either way.
    order = [case((key.is_(None), 1), else_=0), key.desc() if f.descending else key.asc(), Response.id.desc()]
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, f.page), pages)
    found = db.exec(query.order_by(*order).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    ids = [r[0].id for r in found]
    areas: dict[int, dict[str, tuple[float, str | None]]] = {i: {} for i in ids}
    if ids:
        for score in db.exec(
            select(ResponseScore).where(
                ResponseScore.response_id.in_(ids), ResponseScore.kind == ScoreKind.AREA
            )
        ):
            areas[score.response_id][score.key] = (score.value, score.level)
    rows = [
        {
            "response": r,
            "company": name or "",
            "prefecture": pref or "",
            "industry": ind or "",
            "employees": emp or "",
            "round_slug": slug,
            "round_ja": name_ja,
            "round_en": name_en,
            "areas": areas[r.id],
        }
        for r, name, pref, ind, emp, slug, name_ja, name_en in found
    ]
    return Listing(rows, total, page, pages)


def quartiles(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    if len(values) == 1:
        return {
            "n": 1,
            "mean": values[0],
            "q1": values[0],
            "median": values[0],
            "q3": values[0],
            "min": values[0],
            "max": values[0],
        }
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {
        "n": len(values),
        "mean": statistics.fmean(values),
        "q1": q1,
        "median": median,
        "q3": q3,
        "min": min(values),
        "max": max(values),
    }


_OVERVIEWS: dict[tuple, dict] = {}
OVERVIEW_CACHE = 32


def round_overview(
    db: Session, round_id: int, area_ids: tuple[str, ...], support_question: str | None
) -> dict[str, Any]:
    """The round's statistics, recomputed only when one of its responses changed
    (every save, submit and review step updates `Response.updated_at`)."""
    count, changed = db.exec(
        select(func.count(), func.max(Response.updated_at)).where(Response.round_id == round_id)
    ).one()
    key = (round_id, count, str(changed), area_ids, support_question)
    if key not in _OVERVIEWS:
        if len(_OVERVIEWS) >= OVERVIEW_CACHE:
            _OVERVIEWS.pop(next(iter(_OVERVIEWS)))
        _OVERVIEWS[key] = _round_overview(db, round_id, area_ids, support_question)
    return _OVERVIEWS[key]


def _round_overview(
    db: Session, round_id: int, area_ids: tuple[str, ...], support_question: str | None
) -> dict[str, Any]:
    scored = select(Response.id).where(
        Response.round_id == round_id, Response.submitted_at.is_not(None), Response.status.in_(SCORED)
    )
    areas: dict[str, list[float]] = {a: [] for a in area_ids}
    # Tens of thousands of plain rows: Core, without ORM row processing.
    conn = db.connection()
    for key, value in conn.execute(
        select(ResponseScore.key, ResponseScore.value).where(
            ResponseScore.response_id.in_(scored), ResponseScore.kind == ScoreKind.AREA
        )
    ).all():
        if key in areas:
            areas[key].append(value)
    # The heat map shows at most HEAT_LIMIT companies (by name); the export has all.
    shown = db.exec(
        select(Response.id, Company.name)
        .join(Company, Response.company_id == Company.id, isouter=True)
        .where(Response.id.in_(scored))
        .order_by(Company.name, Response.id)
        .limit(HEAT_LIMIT)
    ).all()
    names = dict(shown)
    goals = _goal_tiers(db, list(names))
    overall = [
        v
        for (v,) in conn.execute(
            select(Response.overall_score).where(Response.id.in_(scored), Response.overall_score.is_not(None))
        )
    ]
    levels = dict(
        conn.execute(
            select(Response.overall_level, func.count())
            .where(Response.id.in_(scored))
            .group_by(Response.overall_level)
        ).all()
    )
    support: dict[str, int] = {}
    if support_question:
        # Grouped by the answer's JSON text: few distinct combinations to decode.
        text = cast(Answer.value, String)
        for value, n in conn.execute(
            select(text, func.count())
            .where(Answer.response_id.in_(scored), Answer.question_id == support_question)
            .group_by(text)
        ):
            chosen = json.loads(value)
            for item in chosen if isinstance(chosen, list) else [chosen]:
                support[item] = support.get(item, 0) + n
    heat = [{"response_id": rid, "company": name or f"#{rid}", "goals": goals[rid]} for rid, name in shown]
    signature_counts = {
        int(key): n
        for key, n in conn.execute(
            select(ResponseScore.key, func.count())
            .where(ResponseScore.response_id.in_(scored), ResponseScore.kind == ScoreKind.SIGNATURE)
            .group_by(ResponseScore.key)
        )
    }
    return {
        "signature_counts": signature_counts,
        # Heat map columns: the goals most often a signature first (then in goal order).
        "goal_order": sorted(range(1, 18), key=lambda n: -signature_counts.get(n, 0)),
        "count": len(overall),
        "overall": quartiles(overall),
        "areas": {a: quartiles(v) for a, v in areas.items()},
        "levels": levels,
        "heat": heat,
        "heat_total": len(overall),
        "support": dict(sorted(support.items(), key=lambda kv: -kv[1])),
    }


def _goal_tiers(db: Session, response_ids: list[int]) -> dict[int, dict[int, str]]:
    """Per response and goal: "signature", "some" (its practices reach the goal) or nothing."""
    tiers: dict[int, dict[int, str]] = {rid: {} for rid in response_ids}
    if not response_ids:
        return tiers
    rows = db.exec(
        select(ResponseScore.response_id, ResponseScore.kind, ResponseScore.key, ResponseScore.value).where(
            ResponseScore.response_id.in_(response_ids),
            ResponseScore.kind.in_((ScoreKind.GOAL, ScoreKind.SIGNATURE)),
        )
    )
    for response_id, kind, key, value in rows:
        if kind == ScoreKind.SIGNATURE:
            tiers[response_id][int(key)] = "signature"
        elif value > 0:
            tiers[response_id].setdefault(int(key), "some")
    return tiers


def peer_comparison(
    db: Session, response: Response, company: Company | None, area_ids: tuple[str, ...]
) -> dict[str, Any]:
    """Median and quartiles of the round and of the same industry, each only
    when at least MIN_PEERS other companies are in the group."""

    def group(extra) -> dict | None:
        ids = (
            select(Response.id)
            .join(Company, Response.company_id == Company.id, isouter=True)
            .where(
                Response.round_id == response.round_id,
                Response.status.in_(SCORED),
                Response.submitted_at.is_not(None),
                Response.id != response.id,
                *extra,
            )
        )
        values: dict[str, list[float]] = {a: [] for a in area_ids}
        peers = db.exec(select(func.count()).select_from(ids.subquery())).one()
        if peers < MIN_PEERS:
            return {"peers": peers, "hidden": True}
        for key, value in db.exec(
            select(ResponseScore.key, ResponseScore.value).where(
                ResponseScore.response_id.in_(ids), ResponseScore.kind == ScoreKind.AREA
            )
        ):
            if key in values:
                values[key].append(value)
        return {"peers": peers, "hidden": False, "areas": {a: quartiles(v) for a, v in values.items()}}

    industry = company.industry if company else ""
    return {"round": group([]), "industry": group([Company.industry == industry]) if industry else None}


def filter_choices(db: Session) -> dict[str, list[str]]:
    out = {}
    for name, column in (
        ("prefecture", Company.prefecture),
        ("industry", Company.industry),
        ("employees", Company.employees),
    ):
        out[name] = [v for v in db.exec(select(column).where(column != "").distinct().order_by(column))]
    return out
