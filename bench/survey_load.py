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
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assess.questionnaire.registry import load_directory
from bench.httpclient import Client
from bench.respondents import (
    CSRF,
    demo_round,
    free_port,
    lost_answers,
    percentile,
    run_respondents,
    server,
    stored_answers,
)


def wrk_rps(url: str, seconds: int, connections: int) -> tuple[float, float, float]:
    """Requests/s, p50 and p99 (ms) from wrk."""
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True
    ).stdout
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
    return (
        len(latencies) / (time.perf_counter() - started),
        percentile(latencies, 50),
        percentile(latencies, 99),
    )


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
    env["ASSESS_START_LIMIT"] = "100000"  # every simulated respondent comes from 127.0.0.1
    env.pop("ASSESS_DATABASE_URL", None)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with server(env, port, args.workers):
        run, elapsed = asyncio.run(
            run_respondents(port, questionnaire, args.respondents, args.concurrency, args.seconds)
        )
        # A section page of a finished draft, for GET throughput.
        probe = httpx.Client(base_url=url, follow_redirects=False)
        slug = demo_round(questionnaire)
        page = probe.get(f"/r/{slug}")
        token = (
            probe.post(f"/r/{slug}/start", data={"csrf_token": CSRF.search(page.text).group(1)})
            .headers["location"]
            .split("/")[2]
        )
        section_url = f"{url}/s/{token}/p/{questionnaire.sections[2].id}"
        tool = "wrk" if shutil.which("wrk") else "the script's own client (install wrk for a truer figure)"
        if shutil.which("wrk"):
            bare = wrk_rps(f"{url}/healthz", args.throughput_seconds, args.concurrency)
            section = wrk_rps(section_url, args.throughput_seconds, args.concurrency)
        else:
            bare = asyncio.run(python_rps(port, "/healthz", args.throughput_seconds, args.concurrency))
            section = asyncio.run(
                python_rps(port, section_url.removeprefix(url), args.throughput_seconds, args.concurrency)
            )
    stored = stored_answers(f"sqlite:///{tmp / 'assess.db'}", list(run.acked))
    sent = sum(len(a) for a in run.acked.values())
    lost = lost_answers(run.acked, stored)
    errors = run.transport_errors + sum(n for status, n in run.status.items() if status >= 400)
    print(
        f"respondents: {run.completed} completed in {elapsed:.1f} s at concurrency {args.concurrency}, "
        f"{args.workers} workers, {errors} errors"
    )
    print(f"respondent phase: {run.requests / elapsed:.0f} requests/s")
    for kind in ("section GET", "section POST", "submit POST"):
        values = run.latency.get(kind, [])
        print(
            f"  {kind:<13} n={len(values):<5} p50 {percentile(values, 50):6.1f} ms  p99 "
            f"{percentile(values, 99):6.1f} ms"
        )
    print(f"throughput ({tool}, {args.concurrency} connections, {args.throughput_seconds} s each):")
    print(f"  /healthz     {bare[0]:8.0f} requests/s  p50 {bare[1]:6.1f} ms  p99 {bare[2]:6.1f} ms")
    print(f"  section GET  {section[0]:8.0f} requests/s  p50 {section[1]:6.1f} ms  p99 {section[2]:6.1f} ms")
    ratio = section[0] / bare[0] if bare[0] else 0.0
    print(f"answers: {sent} acknowledged, {sent - lost} stored as sent")
    shutil.rmtree(tmp, ignore_errors=True)
    post_p99 = percentile(run.latency.get("section POST", []), 99)
    print(f"survey: {ratio:.2f} of bare throughput, POST p99 {post_p99:.0f} ms, {lost} answers lost")


if __name__ == "__main__":
    main()
