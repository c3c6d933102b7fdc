"""The booklet's findings chapter: counts, spreads, goals and support of the participants,
quotes only where consented, the small-group rule, the staff's text, and the printed pages."""

import io
import re
import subprocess
from collections import Counter
from dataclasses import asdict

import pytest
from markupsafe import escape
from pypdf import PdfReader
from sqlmodel import select

from assess.i18n import gettext, ngettext
from assess.models import Response, Round, StaffUser
from assess.presentation.findings_charts import count_bars, goal_counts, score_spread
from assess.scoring import score
from assess.services.case_studies import company_narrative, consented, save_case_study, set_withdrawn
from assess.services.findings import MIN_GROUP, excerpt, round_findings
from assess.services.reporting import quartiles
from assess.services.responses import load_answers, save_answers, start_response, submit
from assess.services.review import act
from assess.services.rounds import BOOKLET_TEXT_MAX, RoundForm
from assess.templating import i18n_context
from tests.defs import VALID, definition
from tests.helpers import OUTPUT, add_round, csrf_of, db_of, definitions_of, log_in, make_user

pytestmark = pytest.mark.db

SURVEY = (
    """
- id: profile
  title: {ja: 会社概要, en: Company profile}
  questions:
    - id: company_name
      type: short_text
      required: true
      role: company.name
      label: {ja: 会社名, en: Company name}
    - id: prefecture
      type: dropdown
      role: company.prefecture
      label: {ja: 都道府県, en: Prefecture}
      options:
        - {value: saga, label: {ja: 佐賀県, en: Saga}}
        - {value: tokyo, label: {ja: 東京都, en: Tokyo}}
    - id: industry
      type: dropdown
      role: company.industry
      label: {ja: 業種, en: Industry}
      options:
        - {value: manufacturing, label: {ja: 製造業, en: Manufacturing}}
        - {value: fisheries, label: {ja: 漁業, en: Fisheries}}
        - {value: retail, label: {ja: 小売業, en: Retail}}
    - id: employees
      type: single_choice
      role: company.employees
      label: {ja: 従業員数, en: Employees}
      options:
        - {value: emp_1_5, label: {ja: 1～5人, en: 1-5}}
        - {value: emp_6_20, label: {ja: 6～20人, en: 6-20}}
        - {value: emp_21_50, label: {ja: 21～50人, en: 21-50}}
"""
    + VALID.replace(
        "- id: s1\n  title: {ja: 環境, en: Environment}", "- id: env\n  title: {ja: 環境, en: Environment}"
    )
    + """
- id: narrative
  title: {ja: 事例, en: Your story}
  questions:
    - {id: motto, type: short_text, role: narrative.motto, label: {ja: モットー, en: Motto}}
    - {id: challenges, type: long_text, role: narrative.challenges, label: {ja: 課題, en: Challenges}}
    - {id: wish, type: long_text, role: narrative.support, label: {ja: 期待する支援, en: Support wished for}}
    - id: needs
      type: multiple_choice
      role: support.needed
      label: {ja: 必要な支援, en: Support needed}
      options:
        - {value: finance, label: {ja: 資金, en: Finance}}
        - {value: people, label: {ja: 人材, en: People}}
        - {value: none, label: {ja: 特にない, en: None}, exclusive: true}
    - id: consent
      type: multiple_choice
      role: consent.publication
      label: {ja: 公開への同意, en: Consent to publish}
      options:
        - {value: motto, label: {ja: モットー, en: Motto}}
        - {value: challenges, label: {ja: 課題, en: Challenges}}
        - {value: support, label: {ja: 期待する支援, en: Support wished for}}
        - {value: none, label: {ja: 公開しない, en: Publish nothing}, exclusive: true}
"""
)

FINDINGS_JA = "調査の結果、地域の行事を支える企業が多いことが分かりました。"
FINDINGS_EN = "Most companies support local events, the survey found."


@pytest.fixture
def questionnaire_dir(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "t-v1.yaml").write_text(definition(SURVEY), encoding="utf-8")
    return folder


@pytest.fixture
def staff_user(app):
    return make_user(app)


def respond(
    app, round_id: int, name: str, approve: bool = True, company_id: int | None = None, **given
) -> int:
    """A response with these answers, submitted (and approved); returns its id."""
    definitions = definitions_of(app)
    q = definitions.registry.get("t", 1)
    values = {
        "company_name": name,
        "prefecture": "saga",
        "industry": "manufacturing",
        "employees": "emp_6_20",
        "energy": ["led"],
        "recycle": "yes",
        "needs": ["finance"],
        "consent": ["motto"],
        "motto": f"{name}のモットー",
        **given,
    }
    with db_of(app) as db:
        response, _ = start_response(db, db.get(Round, round_id), q, "ja", company_id=company_id)
        save_answers(db, response, {k: v for k, v in values.items() if v is not None}, response.revision, q)
        db.refresh(response)
        submit(db, response, q, definitions.practices, response.revision)
        if approve:  # and its case study, the company's own words, included when it consented
            staff = db.exec(select(StaffUser)).first()
            act(db, response, staff, "approve")
            answers = load_answers(db, response.id)
            texts, included = company_narrative(q, answers), bool(consented(q, answers))
            save_case_study(db, response, staff, q, answers, texts, included, 0)
        return response.id


def findings_of(app, round_ids: list[int], locale: str = "en"):
    with db_of(app) as db:
        return round_findings(db, round_ids, definitions_of(app), locale)


# --- the numbers -----------------------------------------------------------------------------


def test_counts_spreads_goals_and_support_of_the_participants(app, staff_user):
    round_ = add_round(app)
    ids = [
        respond(app, round_.id, "有田テスト", energy=["led", "solar"], needs=["finance", "people"]),
        respond(app, round_.id, "伊万里テスト", industry="fisheries", employees="emp_1_5", energy=["solar"]),
        respond(app, round_.id, "東京テスト", prefecture="tokyo", recycle="no", needs=["people"]),
        respond(app, round_.id, "提出のみテスト", approve=False, employees="emp_21_50", needs=["none"]),
    ]
    with db_of(app) as db:  # a draft does not count
        start_response(db, db.get(Round, round_.id), definitions_of(app).registry.get("t", 1), "ja")
    f = findings_of(app, [round_.id])
    assert f.participants == 4 and not f.small_group
    assert f.industries == [("Manufacturing", 3), ("Fisheries", 1)]
    assert f.sizes == [("1-5", 1), ("6-20", 2), ("21-50", 1)]  # every band, in the bands' order
    assert f.prefectures == [("Saga", 3), ("Tokyo", 1)]
    assert f.support_asked and f.support_answered == 4
    assert f.support == [("Finance", 2), ("People", 2), ("None", 1)]  # ties in the options' order
    # Scores and signature goals as scoring gives them, from the cached rows.
    definitions = definitions_of(app)
    q = definitions.registry.get("t", 1)
    with db_of(app) as db:
        results = [score(q, load_answers(db, rid), definitions.practices) for rid in ids]
    expected = quartiles([float(r.areas[0].score) for r in results])
    [env] = f.areas
    assert env.label == "Environment" and env.stats["n"] == 4
    assert env.stats["median"] == pytest.approx(expected["median"])
    assert env.stats["min"] == pytest.approx(expected["min"]) and env.stats["max"] == pytest.approx(
        expected["max"]
    )
    goals = Counter(g.number for r in results for g in r.signature_goals)
    assert goals and {g.number: g.count for g in f.goals} == dict(goals)
    assert [g.count for g in f.goals] == sorted(goals.values(), reverse=True)
    assert f.goals[0].color.startswith("#") and f.goals[0].short
    assert set(f.charts) == {"industries", "sizes", "prefectures", "areas", "goals", "support"}
    assert "Manufacturing: 3 (75%)" in f.charts["industries"]


def test_a_company_in_two_rounds_counts_once_with_its_latest_answers(app, staff_user):
    first = add_round(app)
    later = add_round(app, slug="saga-2020", fiscal_year=2020, name_ja="佐賀 2020", name_en="Saga 2020")
    rid = respond(app, first.id, "継続テスト", industry="fisheries")
    with db_of(app) as db:
        company_id = db.get(Response, rid).company_id
    respond(app, later.id, "継続テスト", company_id=company_id, industry="retail")
    respond(app, later.id, "新規テスト")
    f = findings_of(app, [first.id, later.id])
    assert f.participants == 2 and f.rounds == ["Saga survey 2019", "Saga 2020"]
    assert dict(f.industries) == {"Retail": 1, "Manufacturing": 1}


def test_small_groups_print_no_score_distribution(app, staff_user):
    round_ = add_round(app)
    for i in range(MIN_GROUP - 1):
        respond(app, round_.id, f"少数{i}")
    f = findings_of(app, [round_.id], "ja")
    assert f.participants == MIN_GROUP - 1 and f.small_group
    assert f.areas == [] and "areas" not in f.charts and f.industries  # counts still shown
    html = app.state.context.templates.get_template("print/_findings.html").render(
        {**i18n_context("ja"), "f": f}
    )
    assert "spread-table" not in html and "<svg" in html
    note = (
        "Score distributions are left out: fewer than {n} %s took part, so a company's scores could be "
        "recognised."
    )
    said = ngettext("ja", note % "company", note % "companies", MIN_GROUP)
    assert str(escape(said)) in html and "スコアの分布" in said
    respond(app, round_.id, "三社目")
    f = findings_of(app, [round_.id], "ja")
    assert not f.small_group and f.areas[0].stats["n"] == MIN_GROUP and "areas" in f.charts


# --- quotes ----------------------------------------------------------------------------------

LONG = (
    "地域の若い人が働ける場をもっと増やしたいと考えています。"
    "そのために、設備の更新と人材の育成に使える支援を探しています。"
    "行政と金融機関が一緒に相談に乗ってくれる窓口があると、とても助かります。"
    "同じ悩みを持つ地域の企業どうしで、経験を分かち合える場もあればうれしいです。"
)


def test_quotes_come_only_from_consented_parts_of_approved_responses_never_withdrawn(app, staff_user):
    round_ = add_round(app)
    respond(app, round_.id, "同意テスト", consent=["support"], wish=LONG, challenges="課題は同意なし。")
    respond(
        app,
        round_.id,
        "課題テスト",
        consent=["challenges"],
        wish="支援は非公開。",
        challenges="人手が足りません。",
    )
    respond(
        app, round_.id, "モットーのみ", consent=["motto"], wish="非公開の支援。", challenges="非公開の課題。"
    )
    respond(app, round_.id, "提出のみ", approve=False, consent=["support"], wish="未承認の支援。")
    withdrawn = respond(app, round_.id, "撤回テスト", consent=["support"], wish="撤回された支援。")
    with db_of(app) as db:
        response = db.get(Response, withdrawn)
        q = definitions_of(app).registry.get("t", 1)
        set_withdrawn(db, response, q, load_answers(db, response.id), True)
    f = findings_of(app, [round_.id])
    assert len(LONG) > 120 and [q.text for q in f.quotes] == [
        LONG[: LONG.index("助かります。") + 6],
        "人手が足りません。",
    ]
    assert (
        len(f.quotes[0].text) <= 120 and f.quotes[0].text.endswith("。") and LONG.startswith(f.quotes[0].text)
    )
    assert [q.part for q in f.quotes] == ["Support needed", "Challenges"]
    assert {q.attribution for q in f.quotes} == {"Manufacturing, Saga"}  # never the company's name
    printed = " ".join(q.text for q in f.quotes)
    for secret in ("非公開", "未承認", "撤回", "課題は同意なし", "支援は非公開"):
        assert secret not in printed


def test_quotes_follow_the_case_study_as_staff_edited_and_included_it(app, staff_user):
    round_ = add_round(app)
    edited = respond(app, round_.id, "編集テスト", consent=["support"], wish="社名入りの悩み。")
    left_out = respond(app, round_.id, "除外テスト", consent=["support"], wish="含めない事例の支援。")
    q = definitions_of(app).registry.get("t", 1)
    with db_of(app) as db:
        staff = db.exec(select(StaffUser)).first()
        for rid, texts, included in ((edited, {"support": "販路の悩み。"}, True), (left_out, {}, False)):
            response = db.get(Response, rid)
            save_case_study(db, response, staff, q, load_answers(db, rid), texts, included, 0)
    assert [quote.text for quote in findings_of(app, [round_.id]).quotes] == ["販路の悩み。"]


def test_excerpt_cuts_at_a_sentence_end_or_a_word():
    assert excerpt("短い答えです。\n二行目。") == "短い答えです。 二行目。"
    assert excerpt("一文目です。" + "あ" * 130) == "一文目です。" + "あ" * 113 + "…"  # no end late enough
    sentence = "We want more young people to stay."
    assert excerpt(f"{sentence} " * 5) == " ".join([sentence] * 3)  # 104 characters
    words = excerpt("word " * 40)
    assert words.endswith("word…") and len(words) <= 120


# --- charts ------------------------------------------------------------------------------------


def test_charts_escape_text_and_show_shares():
    bars = count_bars([("<b>&", 2), ("Saga", 1)], "Title <x>", total=4)
    assert "<b>" not in bars and "&lt;b&gt;&amp;" in bars and "2 (50%)" in bars and "Title &lt;x&gt;" in bars
    spread = score_spread(
        [
            {"label": "Env", "stats": {"min": 10, "q1": 20, "median": 42.4, "q3": 60, "max": 90}},
            {"label": "X", "stats": None},
        ],
        [{"label": "Start", "min": 0}, {"label": "Lead", "min": 80}],
        "Spread",
        "Median",
    )
    assert ">42<" in spread and "–" in spread and "Start" in spread
    goals = goal_counts([{"number": 7, "short": "Energy", "color": "#FCC30B", "count": 3}], "Goals", total=6)
    assert 'fill="#FCC30B"' in goals and "3 (50%)" in goals and ">7<" in goals


# --- the staff's text --------------------------------------------------------------------------


def test_staff_write_the_findings_on_the_round_form_and_too_long_is_refused(app, client, staff_user):
    round_ = add_round(app)
    assert log_in(client).status_code == 303
    page = client.get(f"/staff/rounds/{round_.id}/edit")
    assert page.status_code == 200 and 'name="findings_ja"' in page.text and 'name="findings_en"' in page.text
    with db_of(app) as db:
        values = asdict(RoundForm.of(db.get(Round, round_.id)))
    data = {
        **values,
        "csrf_token": csrf_of(page.text),
        "findings_ja": FINDINGS_JA,
        "findings_en": FINDINGS_EN,
    }
    saved = client.post(f"/staff/rounds/{round_.id}/edit", data=data)
    assert saved.status_code == 303
    with db_of(app) as db:
        stored = db.get(Round, round_.id)
        assert (stored.findings_ja, stored.findings_en) == (FINDINGS_JA, FINDINGS_EN)
    assert FINDINGS_JA in client.get(f"/staff/rounds/{round_.id}/edit").text
    too_long = client.post(
        f"/staff/rounds/{round_.id}/edit", data={**data, "findings_en": "x" * (BOOKLET_TEXT_MAX + 1)}
    )
    assert too_long.status_code == 400 and 'id="e-findings_en"' in too_long.text
    assert gettext("ja", "At most 8,000 characters: this text is longer.") in too_long.text
    assert f"{BOOKLET_TEXT_MAX:,}" in "At most 8,000 characters: this text is longer."
    with db_of(app) as db:
        assert db.get(Round, round_.id).findings_en == FINDINGS_EN  # unchanged


# --- the printed chapter -----------------------------------------------------------------------


def text_of(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def printable(app, staff_user):
    round_ = add_round(app, findings_ja=FINDINGS_JA, findings_en=FINDINGS_EN)
    first = respond(
        app, round_.id, "有田テスト陶業", consent=["motto", "support"], wish="販路の相談先がほしい。"
    )
    respond(app, round_.id, "伊万里テスト農園", industry="fisheries", energy=["solar"])
    respond(app, round_.id, "唐津テスト建設", prefecture="tokyo", needs=["people"])
    with db_of(app) as db:
        response = db.get(Response, first)
        q = definitions_of(app).registry.get("t", 1)
        staff = db.exec(select(StaffUser)).first()
        texts = {"motto": "地域とともに", "support": "販路の相談先がほしい。"}
        save_case_study(db, response, staff, q, load_answers(db, first), texts, True, 0)
    return round_


@pytest.mark.renders
@pytest.mark.parametrize("single", [True, False])
def test_the_booklet_prints_the_chapter_after_the_contents(app, printable, single):
    for locale, text, other in (("ja", FINDINGS_JA, FINDINGS_EN), ("en", FINDINGS_EN, FINDINGS_JA)):
        with db_of(app) as db:
            pdf, _ = app.state.context.printer.booklet(db, [printable.id], locale, single=single)
        pages = text_of(pdf)
        heading = gettext(locale, "Survey findings")
        contents = next(p for p in pages if gettext(locale, "Contents") in p)
        number = int(re.search(rf"{re.escape(heading)}\s*(\d+)", contents).group(1))
        chapter = pages[number - 1]
        assert heading in chapter and text in chapter.replace("\n", "")
        assert gettext(locale, "Who took part") in chapter
        joined = "".join(pages).replace("\n", "")
        assert other not in joined  # only the booklet's language
        assert "販路の相談先がほしい。" in joined  # the consented quote
        case = gettext(locale, "Case Study #{n}").format(n=1)
        assert (
            pages.index(contents)
            < number - 1
            < next(i for i, p in enumerate(pages) if case in p and p != contents)
        )  # after the contents, before the first case study
        if single:
            path = OUTPUT / f"findings-{locale}.pdf"
            OUTPUT.mkdir(exist_ok=True)
            path.write_bytes(pdf)
            subprocess.run(
                [
                    "pdftoppm",
                    "-png",
                    "-r",
                    "60",
                    "-f",
                    str(number),
                    "-l",
                    str(number),
                    "-singlefile",
                    str(path),
                    str(OUTPUT / f"findings-{locale}"),
                ],
                check=True,
            )
            path.unlink()
            assert (OUTPUT / f"findings-{locale}.png").stat().st_size > 10_000
