"""The feedback report on the demo data: a few pages an owner reads in minutes, in both
languages, with the per-question appendix only when asked for. Page images go to
test-output/ (pdftoppm): look at them."""

import io
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from sqlmodel import select

from assess.db import session
from assess.models import Action, Response
from tests.helpers import OUTPUT, Client, log_in, make_user, run, settings_for

pytestmark = pytest.mark.own_database


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from assess.app import create_app

    folder = tmp_path_factory.mktemp("report")
    config = settings_for(f"sqlite:///{folder / 'demo.db'}", folder / "data")
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert run(monkeypatch, config, "demo").exit_code == 0
    app = create_app(config)
    yield app
    app.state.context.engine.dispose()


def pages_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def fullest(db) -> Response:
    """The approved response with the most to show: an action plan and an earlier round."""
    planned = {a.response_id for a in db.exec(select(Action))}
    approved = db.exec(select(Response).where(Response.status == "approved").order_by(Response.id.desc()))
    return max(approved, key=lambda r: (r.carried_from_id is not None, r.company_id in planned, r.id))


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_demo_report_is_two_to_four_pages_with_its_essentials(demo, locale):
    printer = demo.state.context.printer
    with session(demo.state.context.engine) as db:
        response = fullest(db)
        pdf = printer.report(db, response, locale)
        detailed = printer.report(db, response, locale, with_details=True)
    pages = pages_of(pdf)
    assert 2 <= len(pages) <= 4, f"{len(pages)} pages"
    text = "".join(pages)
    words = {
        "ja": ("総合スコア", "貴社の特徴的なゴール", "3つの次の一歩", "これまでの推移", "ターゲット"),
        "en": ("Overall score", "Your signature goals", "Three next steps", "Your progress", "Target "),
    }[locale]
    for word in words:
        assert word in text, word
    appendix = "付録" if locale == "ja" else "Appendix"
    assert appendix not in text and appendix in "".join(pages_of(detailed))
    assert len(pages_of(detailed)) > len(pages)
    if shutil.which("pdftoppm"):
        OUTPUT.mkdir(exist_ok=True)
        (OUTPUT / f"report-{locale}.pdf").write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "50",
                "-png",
                str(OUTPUT / f"report-{locale}.pdf"),
                str(OUTPUT / f"report-{locale}"),
            ],
            check=True,
        )


def test_the_appendix_from_the_web_checkbox(demo):
    with session(demo.state.context.engine) as db:
        response = fullest(db)
    client = Client(demo)
    try:
        make_user(demo, "report@example.org")
        log_in(client, "report@example.org")
        short = client.get(f"/staff/responses/{response.id}/report.pdf")
        long = client.get(f"/staff/responses/{response.id}/report.pdf?details=1")
    finally:
        client.close()
    assert short.status_code == long.status_code == 200
    assert len(PdfReader(io.BytesIO(long.content)).pages) > len(PdfReader(io.BytesIO(short.content)).pages)
