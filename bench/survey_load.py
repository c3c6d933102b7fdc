"""Load on the web survey: 64 respondents at once, and GET throughput.

    .venv/bin/python bench/survey_load.py [--respondents 128] [--concurrency 64] [--workers 2] [--seconds 120]

Starts `assess serve` on 127.0.0.1 with a temporary SQLite database, then:
1. runs simulated respondents (at most --respondents, at most --seconds), each
   opening every section, posting generated answers and submitting;
2. measures section-GET throughput against the bare /healthz route in the same
   run, with wrk when it is installed (apt-get install wrk), else with this
   script's own client;
3. counts the answers stored against those acknowledged.

Last line: `survey: <ratio> of bare throughput, POST p99 <ms> ms, <lost> answers lost`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.questionnaire.registry import load_directory  # noqa: E402
from bench.httpclient import Client  # noqa: E402
from assess.questionnaire.sample import sample_answers  # noqa: E402

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
REVISION = re.compile(r'name="revision" value="(\d+)"')
SHOWN = re.compile(r'name="shown" value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Stats:
    def __init__(self):
        self.latency: dict[str, list[float]] = {}
        self.errors = 0

    def add(self, kind: str, seconds: float) -> None:
        self.latency.setdefault(kind, []).append(seconds * 1000)


def form_of(section, answers: dict) -> dict:
    ids = {q.id for q in section.questions}
    data = {}
    for key, value in answers.items():
        if key.split(".")[0] in ids:
            data[key] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


async def respondent(client: Client, questionnaire, rng: random.Random, stats: Stats, acked: dict) -> None:
    async def timed(kind, method, url, data=None):
        started = time.perf_counter()
        response = await client.request(method, url, data)
        stats.add(kind, time.perf_counter() - started)
        if response.status >= 400:
            stats.errors += 1
        return response

    page = await timed("start", "GET", "/r/saga-2019")
    started = await timed("start", "POST", "/r/saga-2019/start", data={"csrf_token": CSRF.search(page.text).group(1)})
    token = started.headers["location"].split("/")[2]
    answers = sample_answers(questionnaire, rng)
    stored: dict = {}
    for section in questionnaire.sections:
        html = (await timed("section GET", "GET", f"/s/{token}/p/{section.id}")).text
        data = {"csrf_token": CSRF.search(html).group(1), "revision": REVISION.search(html).group(1),
                "shown": SHOWN.search(html).group(1), "action": "next", **form_of(section, answers)}
        result = await timed("section POST", "POST", f"/s/{token}/p/{section.id}", data=data)
        if result.status == 303 and "?n=more" in result.headers.get("location", ""):
            html = (await timed("section GET", "GET", result.headers["location"])).text
            data.update(csrf_token=CSRF.search(html).group(1), revision=REVISION.search(html).group(1), shown=SHOWN.search(html).group(1))
            result = await timed("section POST", "POST", f"/s/{token}/p/{section.id}", data=data)
        if result.status == 303:  # acknowledged: these answers must be in the database
            stored.update({k: v for k, v in answers.items() if k.split(".")[0] in {q.id for q in section.questions}})
    review = (await timed("review", "GET", f"/s/{token}/review")).text
    await timed("submit", "POST", f"/s/{token}/submit", data={"csrf_token": CSRF.search(review).group(1), "revision": REVISION.search(review).group(1)})
    acked[token] = stored


async def run_respondents(port: int, questionnaire, count: int, concurrency: int, seconds: float) -> tuple[Stats, dict, float]:
    stats, acked = Stats(), {}
    queue = list(range(count))
    deadline = time.monotonic() + seconds

    async def worker(n: int):
        client = Client("127.0.0.1", port)
        while queue and time.monotonic() < deadline:
            seed = queue.pop()
            client.cookies.clear()  # a new respondent, a new browser
            try:
                await respondent(client, questionnaire, random.Random(seed), stats, acked)
            except (OSError, asyncio.IncompleteReadError, AttributeError) as exc:
                stats.errors += 1
                print(f"respondent {seed}: {exc!r}", file=sys.stderr)
        await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(concurrency)))
    return stats, acked, time.perf_counter() - started


def wrk_rps(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 (ms) from wrk."""
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    return rps, ms("50"), ms("99")


async def python_rps(port: int, path: str, seconds: float, concurrency: int) -> tuple[float, float, float]:
    latencies, deadline = [], time.monotonic() + seconds

    async def worker():
        client = Client("127.0.0.1", port)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            await client.get(path)
            latencies.append((time.perf_counter() - started) * 1000)
        await client.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return len(latencies) / (time.perf_counter() - started), percentile(latencies, 50), percentile(latencies, 99)


def stored_answers(db_path: Path, tokens: list[str]) -> dict[str, dict]:
    os.environ["ASSESS_DATABASE_URL"] = f"sqlite:///{db_path}"
    from sqlmodel import select

    from assess.db import make_engine, session
    from assess.models import Answer, Response
    from assess.responses import hash_token

    engine = make_engine(f"sqlite:///{db_path}")
    out = {}
    with session(engine) as db:
        for token in tokens:
            response = db.exec(select(Response).where(Response.token_hash == hash_token(token))).first()
            rows = db.exec(select(Answer).where(Answer.response_id == response.id)).all() if response else []
            out[token] = {a.question_id: a.value for a in rows}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=128)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--throughput-seconds", type=int, default=8)
    args = parser.parse_args()

    questionnaire = load_directory(ROOT / "questionnaires").latest("community-sme")
    tmp = Path(tempfile.mkdtemp(prefix="assess-bench-"))
    env = {**os.environ, "ASSESS_DATA_DIR": str(tmp)}
    env.pop("ASSESS_DATABASE_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    subprocess.run([sys.executable, "-m", "assess.cli", "demo"], env=env, check=True, capture_output=True)
    server = subprocess.Popen([sys.executable, "-m", "assess.cli", "serve", "--port", str(port), "--workers", str(args.workers)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        stats, acked, elapsed = asyncio.run(run_respondents(port, questionnaire, args.respondents, args.concurrency, args.seconds))
        # A section page of a finished draft, for GET throughput.
        probe = httpx.Client(base_url=url, follow_redirects=False)
        page = probe.get("/r/saga-2019")
        token = probe.post("/r/saga-2019/start", data={"csrf_token": CSRF.search(page.text).group(1)}).headers["location"].split("/")[2]
        section_url = f"{url}/s/{token}/p/{questionnaire.sections[2].id}"
        tool = "wrk" if shutil.which("wrk") else "the script's own client (install wrk for a truer figure)"
        if shutil.which("wrk"):
            bare = wrk_rps(f"{url}/healthz", args.throughput_seconds, args.concurrency)
            section = wrk_rps(section_url, args.throughput_seconds, args.concurrency)
        else:
            bare = asyncio.run(python_rps(port, "/healthz", args.throughput_seconds, args.concurrency))
            section = asyncio.run(python_rps(port, section_url.removeprefix(url), args.throughput_seconds, args.concurrency))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    stored = stored_answers(tmp / "assess.db", list(acked))
    sent = sum(len(a) for a in acked.values())
    lost = sum(1 for token, answers in acked.items() for key, value in answers.items() if stored[token].get(key) != value)
    requests = sum(len(v) for v in stats.latency.values())
    print(f"respondents: {len(acked)} completed in {elapsed:.1f} s at concurrency {args.concurrency}, {args.workers} workers, {stats.errors} errors")
    print(f"respondent phase: {requests / elapsed:.0f} requests/s")
    for kind in ("section GET", "section POST", "submit"):
        values = stats.latency.get(kind, [])
        print(f"  {kind:<13} n={len(values):<5} p50 {percentile(values, 50):6.1f} ms  p99 {percentile(values, 99):6.1f} ms")
    print(f"throughput ({tool}, {args.concurrency} connections, {args.throughput_seconds} s each):")
    print(f"  /healthz     {bare[0]:8.0f} requests/s  p50 {bare[1]:6.1f} ms  p99 {bare[2]:6.1f} ms")
    print(f"  section GET  {section[0]:8.0f} requests/s  p50 {section[1]:6.1f} ms  p99 {section[2]:6.1f} ms")
    ratio = section[0] / bare[0] if bare[0] else 0.0
    print(f"answers: {sent} acknowledged, {sent - lost} stored as sent")
    shutil.rmtree(tmp, ignore_errors=True)
    post_p99 = percentile(stats.latency.get("section POST", []), 99)
    print(f"survey: {ratio:.2f} of bare throughput, POST p99 {post_p99:.0f} ms, {lost} answers lost")


if __name__ == "__main__":
    main()
