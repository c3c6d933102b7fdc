"""A live server in a thread and a headless Chromium driven by Playwright."""

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("ASSESS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self):
        self.thread.start()
        deadline = time.time() + 10
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc):
        self.server.should_exit = True
        self.thread.join(timeout=5)


def shot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, name: str) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing ({AXE}); run ./setup.sh test, which installs it from the npm registry")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"axe-{name}.json").write_text(json.dumps(result["violations"], indent=1, ensure_ascii=False), encoding="utf-8")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in bad]


def fill_visible(page) -> None:
    """Answer every visible question on a survey page with a plausible value."""
    for wrapper in page.query_selector_all("[data-question]"):
        if not wrapper.is_visible():
            continue
        qtype = wrapper.get_attribute("data-type")
        qid = wrapper.get_attribute("data-question")
        if qtype in ("single_choice", "scale", "yes_no_na"):
            radios = wrapper.query_selector_all(f'input[type=radio][name="{qid}"]')
            if not any(r.is_checked() for r in radios):
                (radios[3] if qtype == "scale" else radios[0]).check()
        elif qtype == "multiple_choice":
            boxes = [b for b in wrapper.query_selector_all(f'input[type=checkbox][name="{qid}"]') if b.get_attribute("value") != "other"]
            if not any(b.is_checked() for b in boxes):
                boxes[0].check()
        elif qtype == "dropdown":
            select = wrapper.query_selector("select")
            if not select.input_value():
                select.select_option(index=1)
        elif qtype == "number":
            field = wrapper.query_selector(f'input[name="{qid}"]')
            if not field.input_value():
                field.fill("2001" if "year" in qid or "founded" in qid else "12")
        elif qtype in ("short_text", "long_text"):
            field = wrapper.query_selector(f'[name="{qid}"]')
            if not field.input_value():
                field.fill("地域とともに歩む")
