"""Booklets and feedback reports: read back with pypdf, pages drawn with pdftoppm."""

import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader
from sqlmodel import select

from assess.db import session
from assess.models import Response, StaffUser
from assess.pdf.fetcher import StaticFetcher
from assess.services.case_studies import save_case_study
from assess.services.printing import PrintFailed
from assess.services.responses import load_answers
from assess.services.review import act
from assess.services.tokens import hash_token
from tests.helpers import OUTPUT, Client, add_round, log_in, make_user, submitted


def approve_with_case(app, token, motto, story="", included=True, position=0):
    with session(app.state.context.engine) as db:
        staff = db.exec(select(StaffUser)).first()
        response = db.exec(select(Response).where(Response.token_hash == hash_token(token))).one()
        act(db, response, staff, "approve")
        q = app.state.context.definitions.registry.get(
            response.questionnaire_id, response.questionnaire_version
        )
        answers = load_answers(db, response.id)
        if included:
            save_case_study(db, response, staff, q, answers, {"motto": motto, "story": story}, True, position)
        return response.id


@pytest.fixture
def printed(app, client):
    round_ = add_round(app, foreword_ja="この冊子は地域の中小企業の取り組みを紹介します。")
    make_user(app)
    names = ["有田テスト陶業", "伊万里テスト農園", "唐津テスト建設"]
    for i, name in enumerate(names):
        approve_with_case(
            app,
            submitted(client, name=name),
            f"{name}のモットー",
            story=f"{name}は地域の祭りを支えています。\n二段落目です。",
            position=i,
        )
    secret = submitted(client, name="非公開テスト商事", consent=("none",))
    with session(app.state.context.engine) as db:
        staff = db.exec(select(StaffUser)).first()
        act(
            db,
            db.exec(select(Response).where(Response.token_hash == hash_token(secret))).one(),
            staff,
            "approve",
        )
    return round_, names


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("single", [True, False])
def test_booklet_contents_numbers_and_consent(app, printed, single):
    round_, names = printed
    with session(app.state.context.engine) as db:
        pdf, count = app.state.context.printer.booklet(db, [round_.id], "ja", single=single)
    assert count == 3
    pages = text_of(pdf)
    assert pdf.startswith(b"%PDF") and not any("非公開テスト商事" in p for p in pages)
    starts = [
        next(i for i, p in enumerate(pages) if f"事例 #{n}" in p and "目次" not in p) + 1 for n in (1, 2, 3)
    ]
    contents = next(p for p in pages if "目次" in p)
    for name, start in zip(names, starts, strict=True):
        assert re.search(rf"{name}\s*{start}\b", contents), (name, start, contents)
        assert f"{name}のモットー" in pages[start - 1]
    total = len(pages)
    assert f"2 / {total}" in pages[1] and f"{total} / {total}" in pages[-1]
    reader = PdfReader(io.BytesIO(pdf))
    assert (
        reader.metadata.title == "持続可能性に配慮した地域密着型中小企業調査"
        and reader.trailer["/Root"]["/Lang"] == "ja"
    )
    if not single:
        assert [o.title for o in reader.outline] == [f"#{n} {name}" for n, name in enumerate(names, 1)]
    else:  # from the headings' bookmark-level
        assert names[0] in str(reader.outline)
    embedded = [
        page["/Resources"]["/Font"][key].get_object()
        for page in reader.pages[:3]
        for key in page["/Resources"].get("/Font", {})
    ]
    assert embedded and all(
        "/FontDescriptor" in f.get("/DescendantFonts", [f])[0].get_object() for f in embedded
    )


@pytest.mark.renders
def test_booklet_pages_look_right(app, printed, tmp_path):
    round_, _ = printed
    with session(app.state.context.engine) as db:
        pdf, _ = app.state.context.printer.booklet(db, [round_.id], "ja", single=False)
    path = tmp_path / "booklet.pdf"
    path.write_bytes(pdf)
    OUTPUT.mkdir(exist_ok=True)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "6", str(path), str(OUTPUT / "booklet-ja")],
        check=True,
    )
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
    assert "Noto-Sans-CJK-JP" in fonts
    assert all(
        line.split()[-5] == "yes" for line in fonts.splitlines()[2:] if line.strip()
    )  # the "emb" column


def test_user_text_prints_literally_and_nothing_is_fetched(app, client):
    round_ = add_round(app)
    make_user(app)
    hostile = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/"><style>body{background:url(http://127.0.0.1:9/x)}</style>'
    approve_with_case(app, submitted(client, name="安全テスト"), "モットー", story=hostile)
    fetched = []
    original = StaticFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return original(self, url, *args, **kwargs)

    StaticFetcher.fetch = spy
    try:
        with session(app.state.context.engine) as db:
            pdf, _ = app.state.context.printer.booklet(db, [round_.id], "ja", single=True)
    finally:
        StaticFetcher.fetch = original
    assert all(u.startswith("assess-static:") for u in fetched), fetched
    joined = "".join(text_of(pdf)).replace("\n", "")
    assert 'src="file:///etc/passwd"' in joined and "127.0.0.1:9" in joined


def test_fetcher_refuses_everything_but_static_files():
    fetcher = StaticFetcher()
    assert fetcher("assess-static:/print/print.css").content_type == "text/css"
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/",
        "https://example.org/a.css",
        "assess-static:/../../pyproject.toml",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError):
            fetcher(url)
    assert len(fetcher.refused) == 5


def test_english_edition_and_feedback_report(app, printed):
    round_, _ = printed
    with session(app.state.context.engine) as db:
        pdf, _ = app.state.context.printer.booklet(db, [round_.id], "en", single=True)
        assert "Case Study #1" in "".join(text_of(pdf))
        response = db.exec(select(Response).where(Response.status == "approved")).first()
        report = app.state.context.printer.report(db, response, "ja")
    text = "".join(text_of(report))
    assert "総合スコア" in text and "ターゲット7.3" in text and "次の一歩" in text


def test_pdftoppm_available():
    assert shutil.which("pdftoppm"), "poppler-utils is installed by ./setup.sh"


def test_downloads_from_the_web(app, client, printed):
    round_, _ = printed
    token = submitted(client, name="ダウンロード確認")
    jar = dict(client.cookies)
    client.cookies.clear()
    report = client.get(f"/s/{token}/report.pdf")
    assert (
        report.status_code == 200
        and report.content.startswith(b"%PDF")
        and report.headers["cache-control"] == "no-store"
    )
    client.cookies.update(jar)
    log_in(client)
    booklet = client.get(f"/staff/rounds/{round_.id}/booklet.pdf")
    assert booklet.status_code == 200 and len(PdfReader(io.BytesIO(booklet.content)).pages) >= 7
    with session(app.state.context.engine) as db:
        rid = db.exec(select(Response.id).where(Response.token_hash == hash_token(token))).one()
    assert client.get(f"/staff/responses/{rid}/report.pdf").content.startswith(b"%PDF")


def test_booklet_and_report_commands(tmp_path, monkeypatch, questionnaire_dir, practices_file):
    from typer.testing import CliRunner

    from assess.app import create_app
    from assess.cli.main import app as cli
    from assess.config import Settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    for name, value in {
        "ASSESS_DATABASE_URL": url,
        "ASSESS_DATA_DIR": str(tmp_path),
        "ASSESS_SECRET_KEY": "c" * 48,
        "ASSESS_QUESTIONNAIRE_DIR": str(questionnaire_dir),
        "ASSESS_PRACTICES_FILE": str(practices_file),
    }.items():
        monkeypatch.setenv(name, value)
    app = create_app(Settings())
    round_ = add_round(app)
    make_user(app)
    client = Client(app)
    approve_with_case(app, submitted(client, name="コマンド確認"), "コマンドのモットー")
    client.close()
    runner = CliRunner()
    out = tmp_path / "b.pdf"
    done = runner.invoke(cli, ["booklet", round_.slug, "--lang", "en", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "1 case studies" in done.output and "コマンドのモットー" in "".join(text_of(out.read_bytes()))
    assert runner.invoke(cli, ["report", "1", "-o", str(tmp_path / "r.pdf")]).exit_code == 0
    assert runner.invoke(cli, ["report", "99", "-o", str(tmp_path / "x.pdf")]).exit_code == 1
    assert runner.invoke(cli, ["booklet", "no-such-round", "-o", str(out)]).exit_code == 1
    app.state.context.engine.dispose()


def test_a_part_that_fails_names_its_companies(app, client, monkeypatch):
    from assess.pdf import render

    round_ = add_round(app)
    make_user(app)
    for i in range(8):  # enough for rendering in parts
        approve_with_case(app, submitted(client, name=f"部品テスト{i}"), f"モットー{i}", position=i)
    render._CACHE.clear()
    monkeypatch.setattr(render, "PART_TIMEOUT", 0.0001)
    with session(app.state.context.engine) as db, pytest.raises(PrintFailed) as info:
        app.state.context.printer.booklet(db, [round_.id], "ja")
    message = info.value.params["detail"]  # the first part waited for is the first chunk of case studies
    assert message.startswith("case studies #1, #2") and "部品テスト0" in message and "longer than" in message
