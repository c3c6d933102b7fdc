"""Simulated respondents against a running `assess serve`, shared by the load
and durability benchmarks: the server, the respondents, and the count of
acknowledged answers against stored ones."""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from bench.httpclient import Client, Reply

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
SHOWN = re.compile(r'name="shown" value="([^"]*)"')
TRANSPORT_ERRORS = (OSError, asyncio.IncompleteReadError, ValueError, IndexError)
ATTEMPTS = 6


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


@contextmanager
def server(env: dict, port: int, workers: int, demo: bool = True):
    """`assess serve` in its own process group (with the demo rounds unless `demo` is False);
    stopped on exit."""
    if demo:
        subprocess.run([sys.executable, "-m", "assess", "demo"], env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "assess", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        for _ in range(300):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start: " + process.stderr.read1().decode())
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


@dataclass
class Run:
    latency: dict[str, list[float]] = field(default_factory=dict)
    status: dict[int, int] = field(default_factory=dict)
    transport_errors: int = 0
    resent: int = 0  # requests the client sent again after a broken connection
    acked: dict[str, dict] = field(default_factory=dict)  # token -> answers whose save got a 303
    submitted: set[str] = field(default_factory=set)  # tokens whose submit got a 303
    completed: int = 0
    failed: int = 0

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latency.values())


def _form(section, answers: dict) -> dict:
    ids = {q.id for q in section.questions}
    return {
        key: [str(v) for v in value] if isinstance(value, list) else str(value)
        for key, value in answers.items()
        if key.split(".")[0] in ids
    }


class Respondent:
    """One company answering every section and submitting, as a person would:
    after a failed request it reloads the page and tries again."""

    def __init__(self, client: Client, questionnaire, seed: int, run: Run):
        self.client, self.questionnaire, self.run = client, questionnaire, run
        self.slug = demo_round(questionnaire)
        self.answers = _sample(questionnaire, seed)
        self.token = ""

    async def request(self, kind: str, method: str, url: str, data: dict | None = None) -> Reply | None:
        started = time.perf_counter()
        try:
            reply = await self.client.request(method, url, data)
        except TRANSPORT_ERRORS:
            self.run.transport_errors += 1
            await self.client.close()
            return None
        self.run.latency.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        self.run.status[reply.status] = self.run.status.get(reply.status, 0) + 1
        return reply

    async def form_post(self, kind: str, page_url: str, post_url: str, fields: dict) -> Reply | None:
        """GET the page for fresh tokens, then POST; again after any failure."""
        for attempt in range(ATTEMPTS):
            if attempt:
                await asyncio.sleep(0.1 * attempt)
            page = await self.request(kind.replace("POST", "GET"), "GET", page_url)
            if page is None or page.status != 200:
                continue
            data = {"csrf_token": CSRF.search(page.text).group(1), **fields}
            for name, pattern in (("revision", REVISION), ("shown", SHOWN)):
                if (found := pattern.search(page.text)) is not None:
                    data[name] = found.group(1)
            reply = await self.request(kind, "POST", post_url, data)
            if reply is not None and reply.status == 303:
                return reply
        return None

    async def complete(self) -> bool:
        started = await self.form_post("start POST", f"/r/{self.slug}", f"/r/{self.slug}/start", {})
        if started is None:
            return False
        self.token = started.headers["location"].split("/")[2]
        acked = self.run.acked.setdefault(self.token, {})
        for section in self.questionnaire.sections:
            url = f"/s/{self.token}/p/{section.id}"
            fields = {"action": "next", **_form(section, self.answers)}
            reply = await self.form_post("section POST", url, url, fields)
            if reply is not None and "?n=more" in reply.headers.get("location", ""):
                reply = await self.form_post(
                    "section POST", reply.headers["location"], url, fields
                )  # questions it revealed
            if reply is None:
                return False
            ids = {q.id for q in section.questions}
            acked.update({k: v for k, v in self.answers.items() if k.split(".")[0] in ids})
        done = await self.form_post("submit POST", f"/s/{self.token}/review", f"/s/{self.token}/submit", {})
        if done is None:
            return False
        self.run.submitted.add(self.token)
        return True


def demo_round(questionnaire) -> str:
    """The slug of the demo round that uses this questionnaire version (the last one)."""
    from assess.services.demo import DEMO_ROUNDS

    return [r["slug"] for r in DEMO_ROUNDS if r["questionnaire_version"] == questionnaire.version][-1]


def _sample(questionnaire, seed: int) -> dict:
    from assess.questionnaire.sample import sample_answers

    return sample_answers(questionnaire, random.Random(seed))


async def run_respondents(
    port: int,
    questionnaire,
    count: int,
    concurrency: int,
    seconds: float,
    run: Run | None = None,
    fresh_connections: bool = False,
) -> tuple[Run, float]:
    """At most `count` respondents, `concurrency` at a time, for at most `seconds`;
    each on a new connection when `fresh_connections`, else reusing its slot's."""
    run = run or Run()
    queue = list(range(count))
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        client = Client("127.0.0.1", port)
        while queue and time.monotonic() < deadline:
            seed = queue.pop()
            client.cookies.clear()  # a new respondent, a new browser
            if fresh_connections:
                await client.close()
            if await Respondent(client, questionnaire, seed, run).complete():
                run.completed += 1
            else:
                run.failed += 1
        run.resent += client.resent
        await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return run, time.perf_counter() - started


def stored_answers(database_url: str, tokens: list[str]) -> dict[str, dict]:
    from sqlmodel import select

    from assess.db import make_engine, session
    from assess.models import Answer, Response
    from assess.services.tokens import hash_token

    engine = make_engine(database_url)
    out = {}
    with session(engine) as db:
        for token in tokens:
            response = db.exec(select(Response).where(Response.token_hash == hash_token(token))).first()
            rows = db.exec(select(Answer).where(Answer.response_id == response.id)).all() if response else []
            out[token] = {a.question_id: a.value for a in rows}
    engine.dispose()
    return out


def lost_answers(acked: dict[str, dict], stored: dict[str, dict]) -> int:
    return sum(
        1
        for token, answers in acked.items()
        for key, value in answers.items()
        if stored[token].get(key) != value
    )
