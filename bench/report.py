"""The feedback report a company downloads, timed warm in a running server.

    .venv/bin/python bench/report.py [--requests 20] [--lang ja] [--with-details]

Creates the demo in a temporary data folder, starts `assess serve` (one process), asks
once for the demo company's report to warm the process (fonts, stylesheets, templates),
then --requests times more, one after another, and counts the pages with pypdf.

Last line: `report: P pages, warm p50 N ms`.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.respondents import free_port, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--lang", choices=("ja", "en"), default="ja")
    parser.add_argument("--with-details", action="store_true", help="Include the per-question appendix.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="assess-report-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSESS_")}
    env["ASSESS_DATA_DIR"] = str(folder)
    demo = subprocess.run(
        [sys.executable, "-m", "assess", "demo"], env=env, check=True, capture_output=True, text=True
    )
    token = re.search(r"/s/([\w-]+)/results", demo.stdout).group(1)
    port = free_port()
    details = "&details=1" if args.with_details else ""
    url = f"http://127.0.0.1:{port}/s/{token}/report.pdf?lang={args.lang}{details}"
    with server(env, port, workers=1, demo=False), httpx.Client(timeout=60) as client:
        first = client.get(url)
        first.raise_for_status()
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            client.get(url).raise_for_status()
            times.append((time.perf_counter() - started) * 1000)
    pages = len(PdfReader(io.BytesIO(first.content)).pages)
    print(f"{args.requests} warm requests: min {min(times):.0f} ms, max {max(times):.0f} ms")
    print(f"report: {pages} pages, warm p50 {statistics.median(times):.0f} ms")


if __name__ == "__main__":
    main()
