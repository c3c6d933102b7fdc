"""Staff pages with 10,000 submitted responses.

    .venv/bin/python bench/staff_list.py [N]

Fills a temporary SQLite database with N generated, scored responses in one
round, and 9 more open rounds in which every 50th company answers again (so
those companies have responses in 10 rounds), with invitations, drafts,
returned responses, review events, planned actions and closing dates; then
times through the app (in-process ASGI, logged in as staff) the response list
filtered by prefecture and status and sorted by an area score, the round
overview, the dashboard (/staff) and, where the app has it, a company page
(/staff/companies/{id}) of a company with 10 responses. Last line:
`staff: list p50 <ms> ms, overview p50 <ms> ms, dashboard p50 <ms> ms, company p50 <ms|n/a> ms`.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from assess.app import create_app
from assess.config import Settings
from assess.db import session
from assess.models import (
    Action,
    Answer,
    Company,
    Invitation,
    Response,
    ResponseScore,
    ReviewEvent,
    Round,
    utcnow,
)
from assess.questionnaire.sample import sample_answers
from assess.scoring import score
from assess.services.accounts import create_user
from assess.vocab import ActionStatus, ResponseStatus, ReviewAction

PREFECTURES = ("saga", "tokyo", "nagano", "kochi", "miyagi")
ROUNDS = 10  # the bench round, and 9 more in which every REPEAT-th company answers again
REPEAT = 50
COMPANY_URL = "/staff/companies/{company_id}"


def fill(app, count: int) -> int:
    registry, practices = app.state.context.definitions.registry, app.state.context.definitions.practices
    q = registry.latest("community-sme")
    support = q.roles["support.needed"].id
    rng = random.Random(7)
    now = utcnow()
    with session(app.state.context.engine) as db:
        round_ = Round(
            slug="bench",
            name_ja="ベンチ",
            name_en="Bench",
            fiscal_year=2025,
            questionnaire_id=q.id,
            questionnaire_version=q.version,
        )
        db.add(round_)
        db.commit()
        db.refresh(round_)
        conn = db.connection()
        companies, responses, scores, answers = [], [], [], []
        for i in range(1, count + 1):
            a = sample_answers(q, rng)
            result = score(q, a, practices)
            companies.append(
                {
                    "id": i,
                    "name": f"テスト企業{i:05d}",
                    "prefecture": rng.choice(PREFECTURES),
                    "industry": a.get("industry", ""),
                    "employees": a.get("employees", ""),
                    "municipality": "",
                    "legal_form": "",
                    "contact_note": "",
                    "created_at": now,
                }
            )
            responses.append(
                {
                    "id": i,
                    "round_id": round_.id,
                    "company_id": i,
                    "questionnaire_id": q.id,
                    "questionnaire_version": q.version,
                    "content_hash": q.content_hash,
                    "locale": "ja",
                    "status": rng.choice(
                        (ResponseStatus.SUBMITTED, ResponseStatus.IN_REVIEW, ResponseStatus.APPROVED)
                    ),
                    "token_hash": f"{i:064x}",
                    "revision": 1,
                    "created_at": now,
                    "updated_at": now,
                    "submitted_at": now,
                    "overall_score": float(result.overall.score),
                    "overall_level": result.overall.level,
                }
            )
            scores += score_rows(i, result)
            if support in a:
                answers.append(
                    {"response_id": i, "question_id": support, "value": a[support], "updated_at": now}
                )
        extra = more_rounds(db, q, practices, count, now)
        extra["invitation"] = invitations_for(responses + extra["responses"], now)
        conn.execute(insert(Company.__table__), companies)
        conn.execute(insert(Response.__table__), responses + extra["responses"])
        conn.execute(insert(ResponseScore.__table__), scores + extra["scores"])
        conn.execute(insert(Answer.__table__), answers)
        for table in (Invitation, ReviewEvent, Action):
            rows = extra[table.__tablename__]
            if rows:
                conn.execute(insert(table.__table__), rows)
        db.commit()
        create_user(db, "bench@example.org", "staff", password="bench password 1")
        return round_.id


def score_rows(response_id: int, result) -> list[dict]:
    rows = [
        {"response_id": response_id, "kind": "area", "key": a.area, "value": float(a.score), "level": a.level}
        for a in result.areas
        if a.score is not None
    ]
    return rows + [
        {
            "response_id": response_id,
            "kind": "goal",
            "key": str(g.number),
            "value": g.aggregate,
            "level": g.level,
        }
        for g in result.goals
    ]


def invitations_for(responses: list[dict], now) -> list[dict]:
    return [
        {
            "round_id": r["round_id"],
            "company_id": r["company_id"],
            "token_hash": f"i{r['id']:063x}",
            "nonce": "",
            "response_id": r["id"],
            "created_at": now,
        }
        for r in responses
    ]


def more_rounds(db, q, practices, count: int, now) -> dict[str, list[dict]]:
    """Rounds 2..ROUNDS, open, closing over the next weeks; every REPEAT-th company of the bench
    round answers each of them, in every status (drafts unscored); a return event for each
    returned response; an action plan (three actions, due from three weeks ago to five weeks
    ahead) for every repeating company. `fill` adds an invitation for every response. A random
    generator of its own: the bench round's data stay as before."""
    rng = random.Random(11)
    today = now.date()
    rounds = [
        Round(
            slug=f"bench-{n}",
            name_ja=f"ベンチ 第{n}回",
            name_en=f"Bench round {n}",
            fiscal_year=2015 + n,
            closes_on=today + timedelta(days=7 * n),
            questionnaire_id=q.id,
            questionnaire_version=q.version,
        )
        for n in range(2, ROUNDS + 1)
    ]
    db.add_all(rounds)
    db.flush()
    out: dict[str, list[dict]] = {
        "responses": [],
        "scores": [],
        "invitation": [],
        "review_event": [],
        "action": [],
    }
    statuses = tuple(ResponseStatus)
    next_id = count
    for round_ in rounds:
        for company_id in range(1, count + 1, REPEAT):
            next_id += 1
            status = rng.choice(statuses)
            submitted_at = (
                None if status == ResponseStatus.DRAFT else now - timedelta(days=rng.randint(0, 60))
            )
            row = {
                "id": next_id,
                "round_id": round_.id,
                "company_id": company_id,
                "questionnaire_id": q.id,
                "questionnaire_version": q.version,
                "content_hash": q.content_hash,
                "locale": "ja",
                "status": status,
                "token_hash": f"{next_id:064x}",
                "revision": 1,
                "created_at": now,
                "updated_at": now,
                "submitted_at": submitted_at,
                "overall_score": None,
                "overall_level": None,
            }
            if submitted_at is not None:
                result = score(q, sample_answers(q, rng), practices)
                row.update(overall_score=float(result.overall.score), overall_level=result.overall.level)
                out["scores"] += score_rows(next_id, result)
            out["responses"].append(row)
            if status == ResponseStatus.RETURNED:
                out["review_event"].append(
                    {
                        "response_id": next_id,
                        "staff_id": None,
                        "action": ReviewAction.RETURN,
                        "comment": "ご確認ください",
                        "internal": False,
                        "status_before": ResponseStatus.IN_REVIEW,
                        "status_after": ResponseStatus.RETURNED,
                        "at": now - timedelta(days=rng.randint(0, 30)),
                    }
                )
    for company_id in range(1, count + 1, REPEAT):
        for k in range(3):
            out["action"].append(
                {
                    "company_id": company_id,
                    "response_id": company_id,
                    "title": f"行動計画 {company_id}-{k + 1}",
                    "owner": "担当者",
                    "due_on": today + timedelta(days=rng.randint(-21, 35)),
                    "status": rng.choice(tuple(ActionStatus)),
                    "note": "",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    return out


async def timed(client: httpx.AsyncClient, url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = await client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, (url, reply.status_code)
    return out


async def check_pages(client: httpx.AsyncClient) -> None:
    """The timed pages show what they are for: a funnel per open round; the company's rounds,
    its progress chart and its action plan."""
    dashboard = (await client.get("/staff")).text
    assert dashboard.count('class="card dash-funnel"') == ROUNDS, "dashboard: a funnel per open round"
    company = (await client.get(COMPANY_URL.format(company_id=1))).text
    assert 'id="progress-title"' in company and "<svg" in company, "company page: progress chart"
    assert 'class="action-card' in company, "company page: action plan"


def route_paths(routes) -> set[str]:
    """The paths of the app's routes, into included routers (FastAPI keeps those as one route
    each; the app includes its routers without a prefix)."""
    found = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            found |= route_paths(included.routes)
        elif getattr(route, "path", None):
            found.add(route.path)
    return found


def has_route(app, path: str) -> bool:
    return path in route_paths(app.routes)


async def measure(app, round_id: int) -> dict:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        page = await client.get("/staff/login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        await client.post(
            "/staff/login",
            data={"csrf_token": csrf, "email": "bench@example.org", "password": "bench password 1"},
        )
        query = "prefecture=saga&status=approved&sort=area:environment&dir=desc&page=3"
        list_url = f"/staff/responses?round={round_id}&{query}"
        first = await client.get(list_url)
        shown = first.text.count("/staff/responses/")
        cold = await timed(
            client, f"/staff/rounds/{round_id}/overview", 1
        )  # computed, then cached until a response changes
        lists = await timed(client, list_url, 20)
        overviews = await timed(client, f"/staff/rounds/{round_id}/overview", 10)
        dashboards = await timed(client, "/staff", 20)
        companies = (
            await timed(client, COMPANY_URL.format(company_id=1), 20) if has_route(app, COMPANY_URL) else None
        )
        await check_pages(client)
        return {
            "lists": lists,
            "overviews": overviews,
            "shown": shown,
            "cold": cold[0],
            "dashboards": dashboards,
            "companies": companies,
        }


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tmp = Path(tempfile.mkdtemp(prefix="assess-staff-bench-"))
    app = create_app(Settings(data_dir=tmp))
    started = time.perf_counter()
    round_id = fill(app, count)
    print(
        f"filled {count} scored responses, and {ROUNDS - 1} more rounds for every {REPEAT}th company, "
        f"in {time.perf_counter() - started:.1f} s"
    )
    m = asyncio.run(measure(app, round_id))
    lists, overviews, dashboards, companies = m["lists"], m["overviews"], m["dashboards"], m["companies"]
    print(
        f"list (prefecture + status filter, sorted by an area score, page 3; {m['shown']} rows): p50 "
        f"{statistics.median(lists):.1f} ms, max {max(lists):.1f} ms"
    )
    print(
        f"round overview ({count} responses): first (computed) {m['cold']:.1f} ms; then p50 "
        f"{statistics.median(overviews):.1f} ms, max {max(overviews):.1f} ms"
    )
    print(
        f"dashboard ({ROUNDS} open rounds): p50 {statistics.median(dashboards):.1f} ms, "
        f"max {max(dashboards):.1f} ms"
    )
    if companies:
        print(
            f"company page ({ROUNDS} responses): p50 {statistics.median(companies):.1f} ms, "
            f"max {max(companies):.1f} ms"
        )
    else:
        print(f"company page: the app has no {COMPANY_URL}")
    company = f"{statistics.median(companies):.0f} ms" if companies else "n/a"
    print(
        f"staff: list p50 {statistics.median(lists):.0f} ms, overview p50 "
        f"{statistics.median(overviews):.0f} ms, dashboard p50 {statistics.median(dashboards):.0f} ms, "
        f"company p50 {company}"
    )


if __name__ == "__main__":
    main()
