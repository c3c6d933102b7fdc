"""Staff pages with 10,000 submitted responses.

    .venv/bin/python bench/staff_list.py [N]

Fills a temporary SQLite database with N generated, scored responses, then
times through the app (in-process ASGI, logged in as staff) the response list
filtered by prefecture and status and sorted by an area score, and the round
overview. Last line: `staff: list p50 <ms> ms, overview p50 <ms> ms`.
"""

from __future__ import annotations

import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert

from assess.app import create_app
from assess.config import Settings
from assess.db import session
from assess.models import Answer, Company, Response, ResponseScore, Round, utcnow
from assess.questionnaire.sample import sample_answers
from assess.scoring import score
from assess.services.accounts import create_user
from assess.vocab import ResponseStatus

PREFECTURES = ("saga", "tokyo", "nagano", "kochi", "miyagi")


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
            for area in result.areas:
                if area.score is not None:
                    scores.append(
                        {
                            "response_id": i,
                            "kind": "area",
                            "key": area.area,
                            "value": float(area.score),
                            "level": area.level,
                        }
                    )
            for goal in result.goals:
                scores.append(
                    {
                        "response_id": i,
                        "kind": "goal",
                        "key": str(goal.number),
                        "value": goal.aggregate,
                        "level": goal.level,
                    }
                )
            if support in a:
                answers.append(
                    {"response_id": i, "question_id": support, "value": a[support], "updated_at": now}
                )
        conn.execute(insert(Company.__table__), companies)
        conn.execute(insert(Response.__table__), responses)
        conn.execute(insert(ResponseScore.__table__), scores)
        conn.execute(insert(Answer.__table__), answers)
        db.commit()
        create_user(db, "bench@example.org", "staff", password="bench password 1")
        return round_.id


async def timed(client: httpx.AsyncClient, url: str, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        reply = await client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert reply.status_code == 200, (url, reply.status_code)
    return out


async def measure(app, round_id: int) -> tuple[list[float], list[float], int, float]:
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
        return (
            await timed(client, list_url, 20),
            await timed(client, f"/staff/rounds/{round_id}/overview", 10),
            shown,
            cold[0],
        )


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    tmp = Path(tempfile.mkdtemp(prefix="assess-staff-bench-"))
    app = create_app(Settings(data_dir=tmp))
    started = time.perf_counter()
    round_id = fill(app, count)
    print(f"filled {count} scored responses in {time.perf_counter() - started:.1f} s")
    lists, overviews, shown, cold = asyncio.run(measure(app, round_id))
    print(
        f"list (prefecture + status filter, sorted by an area score, page 3; {shown} rows): p50 "
        f"{statistics.median(lists):.1f} ms, max {max(lists):.1f} ms"
    )
    print(
        f"round overview ({count} responses): first (computed) {cold:.1f} ms; then p50 "
        f"{statistics.median(overviews):.1f} ms, max {max(overviews):.1f} ms"
    )
    print(
        f"staff: list p50 {statistics.median(lists):.0f} ms, overview p50 "
        f"{statistics.median(overviews):.0f} ms"
    )


if __name__ == "__main__":
    main()
