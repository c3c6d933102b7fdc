"""Blank paper questionnaires: every question type has a paper answer space, conditions
read in words, and the real questionnaire's forms (v1 and v2, ja and en) read back with
pypdf hold every question, option and section; an invitation's form carries its link
and QR code. The first two pages of the v2 form go to test-output/ (look at them)."""

import io
import re
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import select

from assess.config import Settings
from assess.definitions.text import Text
from assess.i18n import gettext
from assess.models import Invitation
from assess.pdf.fetcher import StaticFetcher
from assess.pdf.paper import paper_html, qr_svg
from assess.pdf.printer import PdfPrinter, print_environment
from assess.presentation.paper import (
    ANSWER_IF,
    SPACES,
    NoPaperSpace,
    PaperCover,
    answer_space,
    paper_form,
)
from assess.questionnaire.model import Option, Question, Scale
from assess.questionnaire.types import REGISTRY
from assess.services.companies import InviteEntry
from assess.services.invitations import invite
from tests.defs import load
from tests.helpers import KEY, OUTPUT, ROOT, Client, add_round, db_of, log_in, make_user

# Its own SQLite database and WeasyPrint renders: the same in every run (see conftest.py).
pytestmark = pytest.mark.own_database

KINDS = {"ticks", "scale", "number", "lines"}
HOSTILE_ROUND = "<script>alert(1)</script> & 調査"
HOSTILE_COMPANY = 'Acme & <b>Sons</b> <img src="http://127.0.0.1:9/x.png">'


def squash(text: str) -> str:
    """Text without any white space: pypdf breaks lines (and Japanese has no spaces)."""
    return re.sub(r"\s+", "", text)


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


# --- every question type -----------------------------------------------------------------


def sample_question(name: str) -> Question:
    qtype = REGISTRY[name]
    options = (
        (Option("a", Text("あ", "A")), Option("none", Text("なし", "None"), exclusive=True))
        if qtype.choice
        else ()
    )
    return Question(
        id=f"q_{name}",
        type=name,
        label=Text(f"{name}の設問", f"Question of {name}"),
        section_id="s",
        options=options,
        other=qtype.choice,
        scale=Scale(Text("低い", "Low"), Text("高い", "High")) if "scale" in qtype.fields else None,
        unit=Text("人", "people") if "unit" in qtype.fields else None,
        min=0 if "min" in qtype.fields else None,
        max=10 if "max" in qtype.fields else None,
    )


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_every_registered_question_type_has_a_paper_answer_space(name):
    assert name in SPACES, f"question type {name}: add its paper answer space to assess/presentation/paper.py"
    for locale in ("ja", "en"):
        space = answer_space(sample_question(name), locale)
        assert space.kind in KINDS, name
        if space.kind == "ticks":
            assert space.options and all(o.label for o in space.options)
        if space.kind == "lines":
            assert space.lines >= 1
        if space.kind == "scale":
            assert space.points == (1, 2, 3, 4, 5) and space.min_label and space.max_label


def test_every_answer_space_kind_is_drawn_by_the_template():
    """One form with a question of every type: each gets its own answer space in the HTML."""
    from assess.presentation.paper import AnswerSpace, PaperForm, PaperQuestion, PaperSection

    questions = tuple(
        PaperQuestion(n, f"Q{n}", f"q{n}", name, f"label {name}", "", False, "", answer_space(q, "en"))
        for n, (name, q) in enumerate(((name, sample_question(name)) for name in sorted(REGISTRY)), 1)
    )
    form = PaperForm("t", 1, "en", "Title", "Description", 5, (PaperSection("s", "S", "", questions),))
    html = paper_html(print_environment(), form)
    for q in questions:
        block = html.split(f'id="q{q.number}"')[1].split('<div class="q ')[0]
        marker = {
            "ticks": '<span class="box"></span>',
            "scale": 'class="scale"',
            "number": 'class="numbox"',
            "lines": 'class="line"',
        }[q.space.kind]
        assert marker in block, (q.type, block)
    assert AnswerSpace("ticks").kind == "ticks"


def test_a_type_without_paper_space_is_refused_clearly():
    question = Question(id="x", type="no_such_type", label=Text("x", "x"), section_id="s")
    with pytest.raises(NoPaperSpace, match="no_such_type"):
        answer_space(question, "en")


# --- conditions in words ---------------------------------------------------------------

CONDITIONS = """
- id: s1
  title: {ja: 基本, en: Basics}
  questions:
    - id: recycle
      type: yes_no_na
      label: {ja: リサイクル, en: Recycling}
    - id: kind
      type: single_choice
      label: {ja: 種類, en: Kind}
      options:
        - {value: a, label: {ja: 甲, en: Alpha}}
        - {value: b, label: {ja: 乙, en: Beta}}
        - {value: c, label: {ja: 丙, en: Gamma}}
    - id: energy
      type: multiple_choice
      label: {ja: 省エネ, en: Energy}
      options:
        - {value: led, label: {ja: LED照明, en: LED lighting}}
        - {value: solar, label: {ja: 太陽光, en: Solar}}
        - {value: none, label: {ja: 特にない, en: None of these}, exclusive: true}
    - id: rating
      type: scale
      label: {ja: 評価, en: Rating}
      scale: {min_label: {ja: 低い, en: Low}, max_label: {ja: 高い, en: High}}
    - id: staff
      type: number
      label: {ja: 従業員数, en: Employees}
      unit: {ja: 人, en: people}
    - id: note
      type: short_text
      label: {ja: メモ, en: Note}
    - id: q_equals
      type: short_text
      label: {ja: 等しい, en: Equals}
      show_if: {question: recycle, equals: "yes"}
    - id: q_in
      type: short_text
      label: {ja: いずれか, en: In}
      show_if: {question: kind, in: [a, c]}
    - id: q_contains
      type: short_text
      label: {ja: 含む, en: Contains}
      show_if: {question: energy, contains: solar}
    - id: q_gte
      type: short_text
      label: {ja: 以上, en: Gte}
      show_if: {question: rating, gte: 4}
    - id: q_lte
      type: short_text
      label: {ja: 以下, en: Lte}
      show_if: {question: staff, lte: 20}
    - id: q_answered
      type: short_text
      label: {ja: 回答済み, en: Answered}
      show_if: {question: note, answered: true}
    - id: q_blank
      type: short_text
      label: {ja: 未回答, en: Blank}
      show_if: {question: note, answered: false}
    - id: q_not
      type: short_text
      label: {ja: 否定, en: Not}
      show_if:
        all:
          - {question: energy, answered: true}
          - not: {question: energy, contains: none}
    - id: q_any
      type: short_text
      label: {ja: どれか, en: Any}
      show_if:
        any:
          - {question: energy, contains: led}
          - {question: energy, contains: solar}
          - all:
              - {question: kind, equals: b}
              - {question: rating, gte: 3}
"""

EXPECTED = {
    "en": {
        "q_equals": "Answer if you answered “Yes” to Q1.",
        "q_in": "Answer if your answer to Q2 was “Alpha” or “Gamma”.",
        "q_contains": "Answer if you ticked “Solar” in Q3.",
        "q_gte": "Answer if your answer to Q4 was 4 or more.",
        "q_lte": "Answer if your answer to Q5 was 20 people or less.",
        "q_answered": "Answer if you answered Q6.",
        "q_blank": "Answer if you left Q6 blank.",
        "q_not": "Answer if you answered Q3 and you did not tick “None of these” in Q3.",
        "q_any": "Answer if you ticked “LED lighting” or “Solar” in Q3, "
        "or (you answered “Beta” to Q2 and your answer to Q4 was 3 or more).",
    },
    "ja": {
        "q_equals": "問1で『はい』と答えた場合にお答えください。",
        "q_in": "問2の答えが『甲』、『丙』のいずれかである場合にお答えください。",
        "q_contains": "問3で『太陽光』を選んだ場合にお答えください。",
        "q_gte": "問4の答えが4以上である場合にお答えください。",
        "q_lte": "問5の答えが20人以下である場合にお答えください。",
        "q_answered": "問6に答えた場合にお答えください。",
        "q_blank": "問6に答えなかった場合にお答えください。",
        "q_not": "問3に答えた、かつ問3で『特にない』を選ばなかった場合にお答えください。",
        "q_any": "問3で『LED照明』、『太陽光』のいずれかを選んだ、"
        "または（問2で『乙』と答えた、かつ問4の答えが3以上である）場合にお答えください。",
    },
}


def conditions_questionnaire():
    questionnaire, errors = load(CONDITIONS)
    assert not [e for e in errors if not e.warning], errors
    return questionnaire


@pytest.mark.parametrize("locale", ["en", "ja"])
def test_conditions_are_written_in_words(locale):
    if locale == "ja" and gettext("ja", ANSWER_IF) == ANSWER_IF:
        pytest.fail("the paper form's messages are not in the Japanese catalogue yet (see the i18n steps)")
    form = paper_form(conditions_questionnaire(), locale)
    notes = {q.id: q.condition for q in form.questions}
    assert all(not notes[q] for q in ("recycle", "kind", "energy", "rating", "staff", "note"))
    for qid, expected in EXPECTED[locale].items():
        assert notes[qid] == expected, (qid, notes[qid])
    assert [q.ref for q in form.questions][:2] == (["問1", "問2"] if locale == "ja" else ["Q1", "Q2"])


def test_choice_hints_exclusive_options_and_other():
    form = paper_form(load(CONDITIONS)[0], "en")
    energy = next(q for q in form.questions if q.id == "energy").space
    assert energy.hint == "Tick all that apply."
    assert [(o.label, o.note) for o in energy.options][-1] == ("None of these", "tick this alone")
    kind = next(q for q in form.questions if q.id == "kind").space
    assert kind.hint == "Tick one." and kind.columns == 3
    staff = next(q for q in form.questions if q.id == "staff").space
    assert staff.kind == "number" and staff.unit == "people"


# --- the real questionnaire ------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    from assess.app import create_app

    tmp = Path(tmp_path_factory.mktemp("paper"))
    settings = Settings(
        data_dir=tmp / "data",
        database_url=f"sqlite:///{tmp / 'paper.db'}",
        secret_key=KEY,
        questionnaire_dir=ROOT / "questionnaires",
        practices_file=ROOT / "sdg_map" / "practices.yaml",
    )
    app = create_app(settings)
    make_user(app)
    yield app
    app.state.context.engine.dispose()


@pytest.fixture(scope="module")
def printed(real):
    """The blank form of a version in a language, printed once per test process when first
    asked for (the test processes share the forms out, so none prints all four)."""
    printer = real.state.context.printer
    registry = real.state.context.definitions.registry
    forms: dict[tuple[int, str], bytes] = {}

    def form(version: int, locale: str) -> bytes:
        if (version, locale) not in forms:
            forms[(version, locale)] = printer.paper(registry.get("community-sme", version), locale)
        return forms[(version, locale)]

    return form


@pytest.mark.parametrize("version", [1, 2])
@pytest.mark.parametrize("locale", ["ja", "en"])
def test_the_form_holds_every_question_option_and_section(real, printed, version, locale):
    questionnaire = real.state.context.definitions.registry.get("community-sme", version)
    pages = text_of(printed(version, locale))
    whole = squash("".join(pages))
    missing = [
        q.label.get(locale) for q in questionnaire.questions if squash(q.label.get(locale)) not in whole
    ]
    assert not missing, missing
    options = [
        o.label.get(locale)
        for q in questionnaire.questions
        for o in q.options
        if squash(o.label.get(locale)) not in whole
    ]
    assert not options, options
    assert all(squash(s.title.get(locale)) in whole for s in questionnaire.sections)
    total = len(pages)
    assert "1 / " in pages[0] and f"{total} / {total}" in pages[-1]
    assert all(f"{n} / {total}" in page for n, page in enumerate(pages, 1))
    assert squash(questionnaire.title.get(locale)) in squash(pages[1])  # the running header
    # every question's number, and each conditional question's note
    refs = [gettext(locale, "Q{n}", n=n) for n in range(1, len(questionnaire.questions) + 1)]
    assert all(squash(ref) in whole for ref in refs)
    form = paper_form(questionnaire, locale)
    notes = [q.condition for q in form.questions if q.condition]
    assert notes and all(squash(n) in whole for n in notes)
    reader = PdfReader(io.BytesIO(printed(version, locale)))
    assert reader.metadata.title == questionnaire.title.get(locale)
    assert reader.trailer["/Root"]["/Lang"] == locale


def test_the_v2_form_is_compact_and_its_first_pages_are_drawn(printed, tmp_path):
    OUTPUT.mkdir(exist_ok=True)
    for locale in ("ja", "en"):
        pdf = printed(2, locale)
        assert len(PdfReader(io.BytesIO(pdf)).pages) <= 20, locale
        path = tmp_path / f"paper-{locale}.pdf"
        path.write_bytes(pdf)
        for page in (1, 2):
            subprocess.run(
                [
                    "pdftoppm",
                    "-r",
                    "70",
                    "-png",
                    "-singlefile",
                    "-f",
                    str(page),
                    "-l",
                    str(page),
                    str(path),
                    str(OUTPUT / f"paper-{locale}-{page}"),
                ],
                check=True,
            )
            assert (OUTPUT / f"paper-{locale}-{page}.png").stat().st_size > 10_000
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        assert "Noto-Sans-CJK-JP" in fonts


# --- for a round and an invitation -----------------------------------------------------------


@pytest.fixture(scope="module")
def invited(real):
    round_ = add_round(
        real,
        slug="paper-2025",
        name_ja=HOSTILE_ROUND,
        name_en=HOSTILE_ROUND,
        questionnaire_id="community-sme",
        questionnaire_version=2,
        organiser_en="Org & Partners",
    )
    other = add_round(real, slug="paper-other", questionnaire_id="community-sme", questionnaire_version=1)
    with db_of(real) as db:
        (token,) = invite(db, round_, "staff@example.org", KEY, [InviteEntry(HOSTILE_COMPANY)])
        (elsewhere,) = invite(db, other, "staff@example.org", KEY, [InviteEntry("別の会社")])
        ids = {inv.round_id: inv.id for inv in db.exec(select(Invitation))}
    return {"round": round_, "other": other, "token": token, "ids": ids, "elsewhere": elsewhere}


@pytest.fixture
def staff_client(real):
    client = Client(real)
    log_in(client)
    yield client
    client.close()


def test_the_invitation_form_has_its_link_a_qr_code_and_literal_names(real, invited, staff_client):
    round_, token = invited["round"], invited["token"]
    fetched = []
    original = StaticFetcher.fetch

    def spy(self, url, *args, **kwargs):
        fetched.append(url)
        return original(self, url, *args, **kwargs)

    StaticFetcher.fetch = spy
    try:
        reply = staff_client.get(
            f"/staff/rounds/{round_.id}/invitations/{invited['ids'][round_.id]}/paper.pdf?lang=en"
        )
    finally:
        StaticFetcher.fetch = original
    assert reply.status_code == 200 and reply.content.startswith(b"%PDF")
    assert reply.headers["cache-control"] == "no-store"
    assert reply.headers["content-disposition"].startswith("attachment;")
    assert fetched and all(u.startswith("assess-static:") for u in fetched), fetched
    assert not any("127.0.0.1:9" in u or u.startswith("http") for u in fetched)
    pages = text_of(reply.content)
    first = squash(pages[0])
    link = f"http://testserver/i/{token}"
    assert link in first
    assert squash(HOSTILE_ROUND) in first and squash(HOSTILE_COMPANY) in first
    assert (
        "Org & Partners" in pages[0]
        and "Date of this paper form:" in pages[0]
        and "Filled in by:" in pages[0]
    )


def test_the_rendered_html_embeds_the_qr_code_and_escapes_names():
    questionnaire = conditions_questionnaire()
    link = "http://testserver/i/AbC-123_x"
    cover = PaperCover(round_name=HOSTILE_ROUND, company=HOSTILE_COMPANY, link=link, private=True)
    html = paper_html(print_environment(), paper_form(questionnaire, "ja"), cover)
    assert "<svg" in html and 'class="qr-code"' in html and link in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; 調査" in html
    assert "<b>Sons</b>" not in html and "<img" not in html
    svg = str(qr_svg(link))
    assert svg.startswith("<svg") and link not in svg and "href" not in svg
    assert qr_svg("") == "" and "<svg" not in paper_html(print_environment(), paper_form(questionnaire, "ja"))


def test_blank_forms_from_the_web(real, invited, staff_client):
    round_ = invited["round"]
    blank = staff_client.get("/staff/questionnaires/community-sme/1/paper.pdf?lang=ja")
    assert blank.status_code == 200 and blank.content.startswith(b"%PDF")
    assert blank.headers["cache-control"] == "no-store"
    assert 'filename="community-sme-v1-paper-ja.pdf"' in blank.headers["content-disposition"]
    assert "/i/" not in "".join(text_of(blank.content))
    for_round = staff_client.get(f"/staff/questionnaires/community-sme/2/paper.pdf?lang=en&round={round_.id}")
    first = squash(text_of(for_round.content)[0])
    assert (
        for_round.status_code == 200
        and squash(HOSTILE_ROUND) in first
        and "http://testserver/r/paper-2025" in first
    )
    page = staff_client.get(f"/staff/rounds/{round_.id}").text
    assert f"/staff/questionnaires/community-sme/2/paper.pdf?lang=ja&amp;round={round_.id}" in page
    assert f"/staff/rounds/{round_.id}/invitations/{invited['ids'][round_.id]}/paper.pdf?lang=en" in page


@pytest.mark.parametrize(
    "url",
    [
        "/staff/questionnaires/no-such/1/paper.pdf",
        "/staff/questionnaires/community-sme/99/paper.pdf",
        "/staff/questionnaires/community-sme/0/paper.pdf",
        "/staff/questionnaires/community-sme/x/paper.pdf",
        "/staff/questionnaires/community-sme/1/paper.pdf?round=2147483647",
        "/staff/questionnaires/community-sme/1/paper.pdf?round=abc",
        "/staff/rounds/2147483647/invitations/1/paper.pdf",
        "/staff/rounds/1/invitations/2147483647/paper.pdf",
    ],
)
def test_unknown_things_are_not_found_never_an_error(staff_client, invited, url):
    reply = staff_client.get(url)
    assert reply.status_code in (400, 404), (url, reply.status_code)  # 400: not a number in range


def test_an_invitation_of_another_round_or_questionnaire_is_not_found(staff_client, invited):
    round_, other = invited["round"], invited["other"]
    assert (
        staff_client.get(
            f"/staff/rounds/{round_.id}/invitations/{invited['ids'][other.id]}/paper.pdf"
        ).status_code
        == 404
    )
    # the round's questionnaire is v2, not v1
    assert (
        staff_client.get(f"/staff/questionnaires/community-sme/1/paper.pdf?round={round_.id}").status_code
        == 404
    )


def test_staff_must_log_in(real, invited):
    client = Client(real)
    try:
        for url in (
            "/staff/questionnaires/community-sme/2/paper.pdf",
            f"/staff/rounds/{invited['round'].id}/invitations/{invited['ids'][invited['round'].id]}/paper.pdf",
        ):
            reply = client.get(url)
            assert reply.status_code == 303 and reply.headers["location"].startswith("/staff/login"), url
    finally:
        client.close()


def test_the_paper_command(tmp_path, monkeypatch, questionnaire_dir, practices_file):
    from typer.testing import CliRunner

    from assess.cli.main import app as cli

    for name, value in {
        "ASSESS_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "ASSESS_DATA_DIR": str(tmp_path),
        "ASSESS_SECRET_KEY": "c" * 48,
        "ASSESS_QUESTIONNAIRE_DIR": str(questionnaire_dir),
        "ASSESS_PRACTICES_FILE": str(practices_file),
    }.items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    out = tmp_path / "paper.pdf"
    done = runner.invoke(cli, ["paper", "t", "1", "--lang", "en", "-o", str(out)])
    assert done.exit_code == 0, done.output
    text = "".join(text_of(out.read_bytes()))
    assert "Energy saving" in text and "1 / " in text
    missing = runner.invoke(cli, ["paper", "t", "7", "-o", str(tmp_path / "x.pdf")])
    assert missing.exit_code == 1 and "no questionnaire 't' version 7" in missing.output
    assert not (tmp_path / "x.pdf").exists()


def test_the_printer_is_what_the_app_plugs_in(real):
    assert isinstance(real.state.context.printer, PdfPrinter)
