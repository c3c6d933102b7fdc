"""What the tests share: an in-process HTTP client, driving the survey and the
staff workspace over HTTP, command-line runs, a live server and a browser."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from assess.cli.main import app as cli
from assess.config import Settings
from assess.db import session
from assess.models import Response, Round
from assess.services.accounts import create_user
from assess.services.tokens import hash_token

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
KEY = "k" * 48
PASSWORD = "correct horse battery"
PROFILE = {"company_name": "有田テスト陶業株式会社", "prefecture": "saga"}
ENV = {"energy": ["led"], "staff": "12", "recycle": "yes", "rating": "3"}


# --- the app -----------------------------------------------------------------------


def db_of(app) -> Session:
    return session(app.state.context.engine)


def definitions_of(app):
    return app.state.context.definitions


def response_of(app, token: str) -> Response:
    with db_of(app) as db:
        return db.exec(select(Response).where(Response.token_hash == hash_token(token))).one()


class Client:
    """A synchronous in-process HTTP client over httpx's ASGI transport."""

    def __init__(self, app, base_url: str = "http://testserver", raise_app_exceptions: bool = True):
        self._runner = asyncio.Runner()
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=raise_app_exceptions)
        self._client = httpx.AsyncClient(transport=transport, base_url=base_url)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._client.cookies

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        return self._runner.run(self._client.request(method, url, **kwargs))

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._runner.run(self._client.aclose())
        self._runner.close()


# --- the survey over HTTP ----------------------------------------------------------


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def revision_of(html: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', html).group(1)


def shown_of(html: str) -> str:
    return re.search(r'name="shown" value="([^"]*)"', html).group(1)


def add_round(app, slug="saga-2019", **fields) -> Round:
    values = dict(
        slug=slug,
        name_ja="佐賀県調査 2019",
        name_en="Saga survey 2019",
        fiscal_year=2019,
        region="Saga",
        questionnaire_id="t",
        questionnaire_version=1,
        organiser_ja="テスト支援機構",
        organiser_en="Test Support Org",
    )
    values.update(fields)
    with db_of(app) as db:
        round_ = Round(**values)
        db.add(round_)
        db.commit()
        db.refresh(round_)
        return round_


def rounds(app) -> list[Round]:
    with db_of(app) as db:
        return list(db.exec(select(Round)))


def start(client, slug="saga-2019") -> str:
    page = client.get(f"/r/{slug}")
    started = client.post(f"/r/{slug}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.status_code == 303, started.text
    return started.headers["location"].split("/")[2]


def post_section(
    client, token: str, section: str, data: dict, action: str = "next", page_html: str | None = None
):
    html = page_html or client.get(f"/s/{token}/p/{section}").text
    form = {
        "csrf_token": csrf_of(html),
        "revision": revision_of(html),
        "shown": shown_of(html),
        "action": action,
        **data,
    }
    return client.post(f"/s/{token}/p/{section}", data=form)


# --- staff -------------------------------------------------------------------------


def make_user(app, email="staff@example.org", role="staff"):
    with db_of(app) as db:
        return create_user(db, email, role, password=PASSWORD)


def log_in(client, email="staff@example.org", password=PASSWORD):
    page = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_of(page.text),
            "email": email,
            "password": password,
            "next": "/staff/responses",
        },
    )


def submitted(
    client, slug="saga-2019", name="有田テスト陶業株式会社", consent=("motto", "story"), env=None
) -> str:
    """A respondent's whole survey, submitted; returns its token. Uses a fresh cookie jar."""
    jar = dict(client.cookies)
    client.cookies.clear()
    token = start(client, slug)
    post_section(client, token, "profile", {**PROFILE, "company_name": name})
    post_section(client, token, "env", env or ENV)
    post_section(
        client,
        token,
        "narrative",
        {"motto": "地域とともに", "story": "祭りに参加しています", "consent": list(consent)},
    )
    review = client.get(f"/s/{token}/review")
    client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )
    client.cookies.clear()
    client.cookies.update(jar)
    return token


# --- the command line on the shipped definitions -----------------------------------


def live_settings(tmp_path: Path, database_url: str, secret: str) -> Settings:
    """Settings for a live server on the shipped questionnaires: the test's PostgreSQL database,
    or a SQLite file (in-memory SQLite cannot be shared by the server's threads)."""
    url = database_url if not database_url.startswith("sqlite") else f"sqlite:///{tmp_path / 'live.db'}"
    return Settings(
        data_dir=tmp_path / "data",
        database_url=url,
        secret_key=secret * 48,
        questionnaire_dir=ROOT / "questionnaires",
        practices_file=ROOT / "sdg_map" / "practices.yaml",
    )


def settings_for(url: str, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir,
        database_url=url,
        secret_key=KEY,
        questionnaire_dir=ROOT / "questionnaires",
        practices_file=ROOT / "sdg_map" / "practices.yaml",
    )


def run(monkeypatch, settings: Settings, *args: str):
    """`assess ARGS` with the environment naming `settings`."""
    for name, value in (
        ("DATABASE_URL", settings.database_url),
        ("DATA_DIR", settings.data_dir),
        ("SECRET_KEY", KEY),
        ("QUESTIONNAIRE_DIR", settings.questionnaire_dir),
        ("PRACTICES_FILE", settings.practices_file),
    ):
        monkeypatch.setenv(f"ASSESS_{name}", str(value))
    return CliRunner().invoke(cli, list(args))


# --- a live server and a browser ----------------------------------------------------

AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("ASSESS_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, app, port: int | None = None):
        import uvicorn

        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        )
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


def browser_page(browser, width: int = 1100, downloads: bool = False):
    """A fresh browser context (its own cookies) and its page, with a 10 s default timeout."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=downloads)
    context.set_default_timeout(10_000)
    return context, context.new_page()


def browser_log_in(page, url: str, email: str, lands=re.compile(r".*/staff/?$")) -> None:
    """Open a staff `url`, log in on the form it shows, and wait to land where `lands` says."""
    page.goto(url)
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("パスワード").fill(PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_url(lands)


def next_page(page) -> None:
    """Save a survey page with its "next" button and wait for the following page."""
    page.locator("form.survey .actions button[value=next]").click()
    page.wait_for_load_state()


def shot(page, name: str) -> Path:
    OUTPUT.mkdir(exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, name: str) -> list[dict]:
    """Serious and critical axe-core violations on the current page."""
    if not AXE.exists():
        pytest.fail(
            f"axe-core is missing ({AXE}); run ./setup.sh test, which installs it from the npm registry"
        )
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / f"axe-{name}.json").write_text(
        json.dumps(result["violations"], indent=1, ensure_ascii=False), encoding="utf-8"
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]} for v in bad
    ]


def fill_visible(page) -> None:
    """Answer every visible question on a survey page with a plausible value."""
    for wrapper in page.query_selector_all("[data-question]"):
        if wrapper.is_visible():
            _fill(wrapper, wrapper.get_attribute("data-type"), wrapper.get_attribute("data-question"))


def _fill(wrapper, qtype: str, qid: str) -> None:
    if qtype in ("single_choice", "scale", "yes_no_na"):
        radios = wrapper.query_selector_all(f'input[type=radio][name="{qid}"]')
        if not any(r.is_checked() for r in radios):
            (radios[3] if qtype == "scale" else radios[0]).check()
    elif qtype == "multiple_choice":
        boxes = [
            b
            for b in wrapper.query_selector_all(f'input[type=checkbox][name="{qid}"]')
            if b.get_attribute("value") != "other"
        ]
        if not any(b.is_checked() for b in boxes):
            boxes[0].check()
    elif qtype == "dropdown":
        select_box = wrapper.query_selector("select")
        if not select_box.input_value():
            select_box.select_option(index=1)
    elif qtype == "number":
        field = wrapper.query_selector(f'input[name="{qid}"]')
        if not field.input_value():
            field.fill("2001" if "year" in qid or "founded" in qid else "12")
    elif qtype in ("short_text", "long_text"):
        field = wrapper.query_selector(f'[name="{qid}"]')
        if not field.input_value():
            field.fill("地域とともに歩む")
