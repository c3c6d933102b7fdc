"""Attachment uploads on a running server: 100 at once, every stored byte checked.

    .venv/bin/python bench/uploads.py [--files 100] [--min-mb 1] [--max-mb 10]

Starts `assess serve` (one process) on a free port with a temporary data folder (SQLite
file database, attachment store) and a small questionnaire whose question takes files, then:
1. times one upload of a 10 MB file through the app;
2. starts --files responses and uploads one file to each, all at once (httpx.AsyncClient),
   each 1–10 MB of random bytes wrapped as a PDF and streamed from disk;
3. checks every stored file against what was sent, byte for byte and by SHA-256, and reads
   the server's peak resident memory (VmHWM).

Last line: `uploads: N files, M MB/s, peak RSS R MB, L lost`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.respondents import CSRF, free_port, server

MB = 1024 * 1024
SLUG = "bench-uploads"
QUESTION = "certificate"
HEAD, TAIL = b"%PDF-1.4\n", b"\n%%EOF\n"
QUESTIONNAIRE = f"""\
id: bench-evidence
version: 1
title: {{ja: 証拠書類, en: Evidence}}
description: {{ja: 添付ファイルの性能測定, en: Attachment benchmark}}
estimated_minutes: 1
areas:
  - {{id: env, label: {{ja: 環境, en: Environment}}}}
maturity_levels:
  - {{id: starting, min: 0, label: {{ja: 着手, en: Starting}}}}
sections:
  - id: evidence
    title: {{ja: 書類, en: Documents}}
    questions:
      - id: {QUESTION}
        type: short_text
        label: {{ja: 認証, en: Certification}}
        attachments: true
"""


def pdf_file(path: Path, size: int, seed: int) -> str:
    """Write a PDF-looking file of exactly `size` bytes; returns its SHA-256."""
    body = random.Random(seed).randbytes(size - len(HEAD) - len(TAIL))
    data = HEAD + body + TAIL
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    try:
        import psutil  # type: ignore[import-not-found]

        info = psutil.Process(pid).memory_full_info()
        return getattr(info, "peak_wset", info.rss) / MB
    except ImportError:
        status = Path(f"/proc/{pid}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


async def start_responses(client: httpx.AsyncClient, n: int) -> tuple[list[str], str]:
    """n new responses; returns their tokens and the form token of this client's cookie."""
    page = await client.get(f"/r/{SLUG}")
    csrf = CSRF.search(page.text).group(1)
    tokens = []
    for _ in range(n):
        reply = await client.post(f"/r/{SLUG}/start", data={"csrf_token": csrf})
        tokens.append(reply.headers["location"].split("/")[2])
    return tokens, csrf


async def send(client: httpx.AsyncClient, token: str, csrf: str, path: Path) -> tuple[bool, float]:
    started = time.perf_counter()
    with path.open("rb") as f:
        reply = await client.post(
            f"/s/{token}/attachments/{QUESTION}",
            data={"csrf_token": csrf},
            files={"evidence.file": (path.name, f, "application/pdf")},
        )
    elapsed = time.perf_counter() - started
    return reply.status_code == 303 and "an=attached" in reply.headers.get("location", ""), elapsed


def stored(data_dir: Path) -> dict[str, tuple[str, int, str, str]]:
    """Per response token hash: (name, size, sha256, stored key) of its attachments."""
    with sqlite3.connect(data_dir / "assess.db") as conn:
        rows = conn.execute(
            "SELECT r.token_hash, a.name, a.size, a.sha256, a.stored FROM attachment a "
            "JOIN response r ON r.id = a.response_id"
        ).fetchall()
    return {row[0]: row[1:] for row in rows}


def matches(store: Path, sent: Path, sha: str, row) -> bool:
    if row is None:
        return False
    _, size, digest, key = row
    path = store / key
    return size == sent.stat().st_size and digest == sha and path.read_bytes() == sent.read_bytes()


async def run(args, port: int, files_dir: Path, data_dir: Path) -> None:
    limits = httpx.Limits(max_connections=args.files + 1, max_keepalive_connections=args.files + 1)
    timeout = httpx.Timeout(300.0)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=timeout
    ) as client:
        tokens, csrf = await start_responses(client, args.files + 1)
        single = files_dir / "ten-mb.pdf"
        pdf_file(single, 10 * MB, 0)
        ok, one = await send(client, tokens.pop(), csrf, single)
        print(f"one 10 MB upload through the app: {one * 1000:.0f} ms ({'stored' if ok else 'REFUSED'})")

        rng = random.Random(1)
        plan = []
        for i, token in enumerate(tokens):
            path = files_dir / f"file-{i:03d}.pdf"
            size = rng.randint(args.min_mb * MB, args.max_mb * MB)
            plan.append((token, path, pdf_file(path, size, i + 1)))
        total = sum(p.stat().st_size for _, p, _ in plan)
        started = time.perf_counter()
        results = await asyncio.gather(*(send(client, t, csrf, p) for t, p, _ in plan))
        elapsed = time.perf_counter() - started
    acknowledged = sum(ok for ok, _ in results)
    latencies = sorted(t for _, t in results)
    from assess.services.tokens import hash_token

    rows = stored(data_dir)
    store = data_dir / "attachments"
    good = sum(matches(store, path, sha, rows.get(hash_token(token))) for token, path, sha in plan)
    lost = len(plan) - good
    leftovers = [p for p in store.rglob(".*") if p.is_file()]
    print(
        f"{len(plan)} uploads at once, {total / MB:.0f} MB in {elapsed:.1f} s; {acknowledged} acknowledged, "
        f"{good} stored byte for byte; latency p50 {latencies[len(latencies) // 2] * 1000:.0f} ms, "
        f"max {latencies[-1] * 1000:.0f} ms; {len(leftovers)} temporary files left"
    )
    args.figures = (len(plan), total / MB / elapsed, lost)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--min-mb", type=int, default=1)
    parser.add_argument("--max-mb", type=int, default=10)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="assess-bench-uploads-"))
    data_dir, questionnaires, files_dir = tmp / "data", tmp / "questionnaires", tmp / "files"
    files_dir.mkdir()
    shutil.copytree(ROOT / "questionnaires", questionnaires)  # the shipped ones: the SDG map names them
    (questionnaires / "bench-evidence-v1.yaml").write_text(QUESTIONNAIRE, encoding="utf-8")
    env = {**os.environ, "ASSESS_DATA_DIR": str(data_dir), "ASSESS_QUESTIONNAIRE_DIR": str(questionnaires)}
    env["ASSESS_START_LIMIT"] = "100000"  # every response is started from 127.0.0.1
    env.pop("ASSESS_DATABASE_URL", None)
    env.pop("ASSESS_SECRET_KEY", None)
    subprocess.run(
        [sys.executable, "-m", "assess", "round", "add", SLUG, "--name-ja", "添付", "--name-en", "Uploads",
         "--fiscal-year", "2025", "--questionnaire", "bench-evidence"],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    port = free_port()
    try:
        with server(env, port, 1, demo=False) as process:
            print(f"server started: peak RSS {peak_rss_mb(process.pid):.0f} MB before any upload")
            asyncio.run(run(args, port, files_dir, data_dir))
            rss = peak_rss_mb(process.pid)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n, rate, lost = args.figures
    print(f"uploads: {n} files, {rate:.0f} MB/s, peak RSS {rss:.0f} MB, {lost} lost")


if __name__ == "__main__":
    main()
