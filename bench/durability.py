"""No acknowledged answer is lost when an app process dies under load.

    .venv/bin/python bench/durability.py [--database sqlite|postgres] [--respondents 384]
        [--concurrency 64] [--workers 2] [--seconds 180]

Starts `assess serve --workers 2` on 127.0.0.1 on a fresh database (a
temporary SQLite file, or a private PostgreSQL server with fsync on, from
scripts/pg_temp.py), runs simulated respondents completing the survey, and
SIGKILLs one app worker process once a third of them are done (the database
server itself keeps running: this checks that a success response is only
sent after the commit, and that a dead worker leaves nothing half-written). Respondents whose
requests fail reload the page and try again, as people do. Afterwards it
checks that every answer whose save got a success response is stored as
sent, and that every submitted response has its scores cached.

Last line: `durability: <lost> of <acknowledged> acknowledged answers lost`.
Exits 1 when anything was lost, nothing was acknowledged, or no worker was
killed while respondents were answering.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pg_temp import temporary_postgres

from assess.questionnaire.registry import load_directory
from bench.respondents import (
    Run,
    free_port,
    lost_answers,
    percentile,
    run_respondents,
    server,
    stored_answers,
)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def workers_of(pid: int) -> list[int]:
    """uvicorn's worker processes: spawned children, not the resource tracker."""
    out = []
    for child in children(pid):
        try:
            cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if "spawn_main" in cmdline and "resource_tracker" not in cmdline:
            out.append(child)
    return sorted(out)


async def kill_a_worker(pid: int, run: Run, when_completed: int, deadline: float, log: dict) -> None:
    while run.completed < when_completed and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    workers = workers_of(pid)
    if not workers:
        log["killed"] = None
        return
    victim = workers[-1]
    os.kill(victim, signal.SIGKILL)
    log.update(
        killed=victim,
        at_completed=run.completed,
        at_acked=sum(len(a) for a in run.acked.values()),
        before=workers,
    )


def unscored(database_url: str) -> tuple[int, int]:
    """(submitted responses, of which without cached scores)."""
    from sqlalchemy import exists, func, select

    from assess.db import make_engine, session
    from assess.models import Response, ResponseScore
    from assess.vocab import ResponseStatus

    engine = make_engine(database_url)
    with session(engine) as db:
        submitted = Response.status != ResponseStatus.DRAFT
        total = db.scalar(select(func.count()).select_from(Response).where(submitted))
        has_scores = exists().where(ResponseScore.response_id == Response.id)
        missing = db.scalar(
            select(func.count())
            .select_from(Response)
            .where(submitted, Response.overall_score.is_(None) | ~has_scores)
        )
    engine.dispose()
    return total, missing


def submitted_status(database_url: str, tokens: set[str]) -> int:
    """How many acknowledged submissions are not stored as submitted."""
    from sqlmodel import select

    from assess.db import make_engine, session
    from assess.models import Response
    from assess.services.tokens import hash_token
    from assess.vocab import ResponseStatus

    engine = make_engine(database_url)
    with session(engine) as db:
        hashes = {hash_token(t) for t in tokens}
        stored = set(
            db.exec(select(Response.token_hash).where(Response.status == ResponseStatus.SUBMITTED)).all()
        )
    engine.dispose()
    return len(hashes - stored)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--respondents", type=int, default=384)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=180)
    parser.add_argument(
        "--kill-after",
        type=int,
        default=-1,
        help="completed respondents before the kill (default a third; 0: no kill)",
    )
    return parser.parse_args()


def wait_for_workers(pid: int, workers: int) -> None:
    """Every worker up and past start-up, or the first one takes all the connections."""
    for _ in range(100):
        if len(workers_of(pid)) >= workers:
            break
        time.sleep(0.1)
    time.sleep(3)


async def scenario(pid: int, port: int, questionnaire, args: argparse.Namespace, log: dict):
    run = Run()
    deadline = time.monotonic() + args.seconds
    when = max(1, args.respondents // 3) if args.kill_after < 0 else args.kill_after
    killer = asyncio.create_task(kill_a_worker(pid, run, when, deadline, log)) if when else None
    # New connections per respondent, as new browsers make: they spread over the workers.
    result = await run_respondents(
        port, questionnaire, args.respondents, args.concurrency, args.seconds, run, fresh_connections=True
    )
    if killer is not None:
        if not killer.done():  # the load ended first: a kill now would prove nothing
            killer.cancel()
            log["too_late"] = True
        await asyncio.gather(killer, return_exceptions=True)
    return result


def main() -> None:
    args = arguments()
    questionnaire = load_directory(ROOT / "questionnaires").latest("community-sme")
    tmp = Path(tempfile.mkdtemp(prefix="assess-durability-"))
    postgres = (
        temporary_postgres(fsync=True)
        if args.database == "postgres"
        else nullcontext(f"sqlite:///{tmp / 'assess.db'}")
    )
    with postgres as database_url:
        env = {**os.environ, "ASSESS_DATA_DIR": str(tmp), "ASSESS_DATABASE_URL": database_url}
        env["ASSESS_START_LIMIT"] = "100000"  # every simulated respondent comes from 127.0.0.1
        port = free_port()
        log: dict = {}
        with server(env, port, args.workers) as process:
            wait_for_workers(process.pid, args.workers)
            run, elapsed = asyncio.run(scenario(process.pid, port, questionnaire, args, log))
            time.sleep(1)
            after = workers_of(process.pid)
        stored = stored_answers(database_url, list(run.acked))
        total_submitted, without_scores = unscored(database_url)
        submits_lost = submitted_status(database_url, run.submitted)

    acknowledged = sum(len(a) for a in run.acked.values())
    lost = lost_answers(run.acked, stored)
    all_latency = [v for values in run.latency.values() for v in values]
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(run.status.items()))
    print(f"database: {args.database}; {args.workers} workers; {args.concurrency} concurrent respondents")
    if log.get("killed"):
        print(
            f"killed worker {log['killed']} (of {log['before']}) with SIGKILL after {log['at_completed']} "
            "respondents "
            f"and {log['at_acked']} acknowledged answers; workers afterwards: {after}"
        )
    else:
        print("no worker was killed" + (": none found" if "killed" in log else ""))
    print(f"respondents: {run.completed} completed, {run.failed} gave up, in {elapsed:.1f} s")
    print(
        f"requests: {run.requests} ({statuses}); interrupted by the kill: {run.resent} sent again on a new "
        "connection, "
        f"{run.transport_errors} failed twice (the respondent reloaded the page)"
    )
    print(
        f"throughput: {run.requests / elapsed:.0f} requests/s; latency p50 "
        f"{percentile(all_latency, 50):.0f} ms, p99 {percentile(all_latency, 99):.0f} ms; "
        f"section POST p99 {percentile(run.latency.get('section POST', []), 99):.0f} ms"
    )
    for kind, values in sorted(run.latency.items()):
        print(
            f"  {kind:<13} n={len(values):<5} p50 {percentile(values, 50):6.1f} ms  p99 "
            f"{percentile(values, 99):6.1f} ms  max {max(values):6.0f} ms"
        )
    print(f"answers: {acknowledged} acknowledged, {acknowledged - lost} stored as sent")
    print(
        f"submissions: {len(run.submitted)} acknowledged, {submits_lost} not stored as submitted; "
        f"{total_submitted} submitted in the database, {without_scores} without cached scores"
    )
    interrupted = run.resent + run.transport_errors
    problems = []
    if args.kill_after != 0 and not log.get("killed"):
        problems.append(
            "no worker was killed while respondents were answering"
            + (" (the load ended first)" if log.get("too_late") else "")
        )
    elif log.get("killed") and not interrupted:
        print(
            "note: the kill interrupted no request (the killed worker was idle); run again for a stronger "
            "test"
        )
    if not acknowledged:
        problems.append("no answer was acknowledged")
    if lost or submits_lost or without_scores:
        problems.append("data was lost")
    for problem in problems:
        print(f"FAILED: {problem}")
    print(f"durability: {lost} of {acknowledged} acknowledged answers lost")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
