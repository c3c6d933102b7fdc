"""A company's progress over the rounds: the series, what changed, the chart, the page and the report."""

import io
import re
import xml.etree.ElementTree as ET
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import event, update
from sqlmodel import select

from assess.app import create_app
from assess.config import Settings
from assess.models import Action, Response
from assess.presentation.charts import text_width
from assess.presentation.progress import Point, Progress, compare, progress_view
from assess.presentation.progress_chart import WIDTHS, progress_chart
from assess.scoring import score
from assess.services.progress import company_progress, company_progress_view, progress_for
from assess.vocab import ActionStatus
from tests.defs import HEAD
from tests.helpers import KEY, Client, add_round, db_of, definitions_of, response_of, submitted

# 2023: LED lighting only; 2024: solar too, and recycling; 2025: solar and recycling, no LED.
YEARS = {
    2023: {"energy": ["led"], "staff": "5", "recycle": "no"},
    2024: {"energy": ["led", "solar"], "staff": "5", "recycle": "yes"},
    2025: {"energy": ["solar"], "staff": "5", "recycle": "yes"},
}
SVG = "{http://www.w3.org/2000/svg}"


def company_rounds(app, client, years=(2023, 2024), version=1, env=None) -> list[str]:
    """One company's submitted responses, one round per fiscal year; their tokens."""
    tokens = []
    for year in years:
        add_round(
            app,
            slug=f"saga-{year}",
            fiscal_year=year,
            name_ja=f"佐賀県調査 {year}",
            name_en=f"Saga survey {year}",
            questionnaire_version=version if year == years[-1] else 1,
        )
        tokens.append(submitted(client, slug=f"saga-{year}", env=(env or YEARS).get(year)))
    same_company(app, tokens)
    return tokens


def same_company(app, tokens: list[str]) -> int:
    """The responses are one company's (as staff would link them)."""
    ids = [response_of(app, token).id for token in tokens]
    first = response_of(app, tokens[0]).company_id
    with db_of(app) as db:
        db.exec(update(Response).where(Response.id.in_(ids[1:])).values(company_id=first))
        db.commit()
    return first


def progress_of(app, token: str, up_to: bool = True):
    response = response_of(app, token)
    with db_of(app) as db:
        return company_progress(db, definitions_of(app), response.company_id, response.id if up_to else None)


# --- the series and the comparison ----------------------------------------------------------


def test_one_response_is_one_point_and_no_comparison(app, client):
    (token,) = company_rounds(app, client, years=(2023,))
    progress = progress_of(app, token)
    assert len(progress.points) == 1 and progress.comparison is None and progress.previous is None
    point = progress.latest
    assert point.fiscal_year == 2023 and point.round_name("en") == "Saga survey 2023"
    assert point.questionnaire_version == 1 and point.overall is not None and set(point.areas) == {"env"}


def test_series_in_fiscal_year_order_with_cached_scores(app, client):
    tokens = company_rounds(app, client, years=(2024, 2023, 2025))  # rounds made out of order
    progress = progress_of(app, tokens[-1])
    assert [p.fiscal_year for p in progress.points] == [2023, 2024, 2025]
    assert [p.round_name("ja") for p in progress.points] == [
        "佐賀県調査 2023",
        "佐賀県調査 2024",
        "佐賀県調査 2025",
    ]
    with db_of(app) as db:
        cached = {r.id: r.overall_score for r in db.exec(select(Response))}
    assert [p.overall for p in progress.points] == [cached[p.response_id] for p in progress.points]
    assert all(p.areas["env"] == p.overall for p in progress.points)  # one area: the same score
    assert progress.points[0].overall < progress.points[1].overall
    # solar is uncommon (prevalence 0.2): goals 7 and 13 stand out from 2024 on, with their ranks
    assert [[g.number for g in p.signature] for p in progress.points] == [[], [7, 13], [7, 13]]
    assert progress.points[1].signature[0].rank == 1 and progress.points[1].signature[0].figure > 0
    # up to a response: the ones after it are left out
    middle = next(t for t in tokens if response_of(app, t).id == progress.points[1].response_id)
    assert [p.fiscal_year for p in progress_of(app, middle).points] == [2023, 2024]


def test_gained_and_lost_targets_practices_and_next_steps(app, client):
    first, second = company_rounds(app, client)
    c = progress_of(app, second).comparison
    assert c.same_version and c.previous_year == 2023 and c.latest_year == 2024
    assert c.practices_gained == ("renewable_energy", "recycling") and c.practices_lost == ()
    assert c.targets_gained == ("7.2", "12.5", "13.3") and c.targets_lost == ()  # in SDG order
    assert c.shared_areas == ("env",) and c.only_in_previous == c.only_in_latest == ()
    # 2023's next steps were solar and recycling: both show in 2024
    assert set(c.next_steps_done) == {"renewable_energy", "recycling"}


def test_lost_practice_and_target(app, client):
    tokens = company_rounds(app, client, years=(2023, 2024, 2025))
    c = progress_of(app, tokens[-1]).comparison
    assert c.previous_year == 2024 and c.practices_lost == ("energy_efficiency",) and c.practices_gained == ()
    assert c.targets_lost == ("7.3",) and c.targets_gained == ()
    assert c.next_steps_done == ()  # nothing was left to suggest in 2024 but LED, still not shown


def test_actions_marked_done_count_as_completed(app, client):
    first, second = company_rounds(app, client)
    one, two = response_of(app, first), response_of(app, second)
    with db_of(app) as db:
        for title, practice, status, planned, achieved, due in (
            ("ごみの分別を始める", "recycling", ActionStatus.DONE, one.id, two.id, date(2024, 3, 1)),
            ("社員研修", None, ActionStatus.DONE, one.id, None, date(2024, 1, 15)),
            ("まだ途中", None, ActionStatus.IN_PROGRESS, one.id, None, None),
        ):
            db.add(
                Action(
                    company_id=one.company_id,
                    response_id=planned,
                    title=title,
                    practice=practice,
                    status=status,
                    achieved_in_id=achieved,
                    due_on=due,
                )
            )
        db.commit()
    progress = progress_of(app, second)
    assert [a.title for a in progress.comparison.actions_done] == ["社員研修", "ごみの分別を始める"]
    view = progress_view(progress, definitions_of(app).registry.versions, definitions_of(app).practices, "en")
    completed = view.comparison["completed"]
    # a next step done through an action of the plan says so; another action marked done is listed too
    assert {"label": "Recycling", "note": "Action plan: ごみの分別を始める"} in completed
    assert {"label": "社員研修", "note": "From the action plan"} in completed
    assert len(completed) == 3 and "まだ途中" not in str(completed)


def test_an_action_planned_last_counts_until_a_later_response(app, client):
    tokens = company_rounds(app, client, years=(2023, 2024))
    latest = response_of(app, tokens[-1])
    with db_of(app) as db:
        db.add(Action(company_id=latest.company_id, response_id=latest.id, title="見積もり", status="done"))
        db.commit()
    assert [a.title for a in progress_of(app, tokens[-1]).comparison.actions_done] == ["見積もり"]
    later = company_rounds(app, client, years=(2025,))
    with db_of(app) as db:
        db.exec(
            update(Response)
            .where(Response.id == response_of(app, later[0]).id)
            .values(company_id=latest.company_id)
        )
        db.commit()
    # reported again up to 2024, now that 2025 exists: the action belongs to the next comparison
    assert progress_of(app, tokens[-1]).comparison.actions_done == ()
    assert [a.title for a in progress_of(app, later[0]).comparison.actions_done] == ["見積もり"]


def test_two_queries_for_the_series(app, client):
    tokens = company_rounds(app, client, years=(2023, 2024, 2025))
    response = response_of(app, tokens[-1])
    statements = []
    engine = app.state.context.engine

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with db_of(app) as db:
            company_progress(db, definitions_of(app), response.company_id)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # responses with rounds, cached scores; then the two compared responses' answers and done actions
    assert len(selects) == 5, selects
    assert "JOIN round" in selects[0] and "response_score" in selects[1]


# --- two questionnaire versions ----------------------------------------------------------------

V2 = (
    HEAD.replace("version: 1", "version: 2").replace(
        "    label: {ja: 環境, en: Environment}\n",
        "    label: {ja: 環境, en: Environment}\n  - id: social\n    label: {ja: 社会, en: Society}\n",
    )
    + """\
  - id: profile
    title: {ja: 会社概要, en: Company profile}
    questions:
      - id: company_name
        type: short_text
        required: true
        role: company.name
        label: {ja: 会社名, en: Company name}
  - id: env
    title: {ja: 環境, en: Environment}
    area: env
    questions:
      - id: energy
        type: multiple_choice
        required: true
        label: {ja: 省エネ, en: Energy saving}
        options:
          - {value: led, label: {ja: LED, en: LED}, score: 1, practices: [energy_efficiency]}
          - {value: none, label: {ja: 特にない, en: None of these}, exclusive: true}
      - id: recycle
        type: yes_no_na
        required: true
        weight: 2
        label: {ja: リサイクル, en: Recycling}
        practices: [recycling]
  - id: social
    title: {ja: 社会, en: Society}
    area: social
    questions:
      - {id: volunteer, type: yes_no_na, label: {ja: ボランティア, en: Volunteering}}
  - id: narrative
    title: {ja: 事例, en: Your story}
    questions:
      - {id: motto, type: short_text, role: narrative.motto, label: {ja: モットー, en: Motto}}
      - {id: story, type: long_text, role: narrative.story, label: {ja: 地域とのつながり, en: Our story}}
      - id: consent
        type: multiple_choice
        role: consent.publication
        label: {ja: 公開への同意, en: Consent to publish}
        options:
          - {value: motto, label: {ja: モットー, en: Motto}}
          - {value: story, label: {ja: 地域とのつながり, en: Story}}
          - {value: none, label: {ja: 公開しない, en: Publish nothing}, exclusive: true}
"""
)


@pytest.fixture
def app2(tmp_path, database_url, questionnaire_dir, practices_file):
    """The test app with a version 2 beside version 1: it drops solar and adds an area."""
    (questionnaire_dir / "t-v2.yaml").write_text(V2, encoding="utf-8")
    application = create_app(
        Settings(
            data_dir=tmp_path / "data2",
            database_url=database_url,
            secret_key=KEY,
            questionnaire_dir=questionnaire_dir,
            practices_file=practices_file,
        )
    )
    yield application
    application.state.context.engine.dispose()


def test_versions_are_compared_on_what_they_share(app2):
    client = Client(app2)
    env = {2024: YEARS[2024], 2025: {"energy": ["led"], "recycle": "no"}}
    try:
        tokens = company_rounds(app2, client, years=(2024, 2025), version=2, env=env)
    finally:
        client.close()
    progress = progress_of(app2, tokens[-1])
    assert [p.questionnaire_version for p in progress.points] == [1, 2]
    c = progress.comparison
    assert not c.same_version and c.shared_areas == ("env",)
    assert c.only_in_previous == () and c.only_in_latest == ("social",)
    assert 13 in c.goals_only_in_previous and 7 in c.shared_goals and 12 in c.shared_goals
    # solar (renewable energy) cannot be answered in version 2: not "lost"; its targets neither
    assert c.practices_lost == ("recycling",) and "renewable_energy" not in c.practices_lost
    assert c.targets_lost == ("12.5",)
    definitions = definitions_of(app2)
    view = progress_view(progress, definitions.registry.versions, definitions.practices, "en")
    note = " ".join(view.comparison["versions_note"])
    assert "Version 1 and version 2 share these areas: Environment." in note
    assert "Only in version 2: Society." in note and "Goals only version 1 can show: 13." in note
    assert [p["label"] for p in view.panels] == ["Overall", "Environment", "Society"]
    assert view.panels[2]["scores"][0] is None  # not asked in 2024


def test_compare_is_pure(app, client):
    """The comparison needs no database: two scored results and their questionnaires."""
    definitions = definitions_of(app)
    q = definitions.registry.get("t", 1)
    before = score(q, {**YEARS[2023], "company_name": "x"}, definitions.practices)
    after = score(q, {**YEARS[2024], "company_name": "x"}, definitions.practices)
    a = Point(1, 1, "一", "one", 2023, "t", 1, 50.0)
    b = Point(2, 2, "二", "two", 2024, "t", 1, 80.0)
    c = compare(a, b, before, after, q, q, definitions.practices)
    assert c.practices_gained == ("renewable_energy", "recycling") and c.targets_lost == ()
    view = progress_view(Progress(1, (a, b), c), definitions.registry.versions, definitions.practices, "en")
    assert view.comparison["targets_summary"] == "Since FY2023: 3 targets gained, 0 lost"
    assert view.comparison["practices_summary"] == "Since FY2023: 2 practices gained, 0 lost"
    assert view.comparison["scores"][0] == {
        "label": "Overall",
        "previous": "50",
        "latest": "80",
        "change": "+30",
    }
    assert [t["code"] for t in view.comparison["targets_gained"]] == ["7.2", "12.5", "13.3"]
    assert view.comparison["versions_note"] == [] and view.shown


# --- the chart ----------------------------------------------------------------------------------


def texts_outside(markup: str) -> list[str]:
    """The texts of an SVG that reach out of its viewBox, by the charts' own width estimate."""
    root = ET.fromstring(str(markup))
    _, _, width, height = (float(v) for v in root.get("viewBox").split())
    outside = []
    for node in root.iter(f"{SVG}text"):
        size, x, y = float(node.get("font-size")), float(node.get("x")), float(node.get("y"))
        w = text_width(node.text or "", size)
        anchor = node.get("text-anchor", "start")
        left = x - w if anchor == "end" else x - w / 2 if anchor == "middle" else x
        if left < 0 or left + w > width or y - size < 0 or y + size * 0.25 > height:
            outside.append(f"{node.text!r} at {x},{y}")
    return outside


def chart_for(n: int, locale: str, medium: str = "screen", areas: int = 4):
    labels = {
        "ja": [
            "総合",
            "地域とのつながり",
            "環境への配慮",
            "従業員・取引先などステークホルダーとの関係",
            "経営",
        ],
        "en": [
            "Overall",
            "Ties with the community",
            "Environment",
            "Employees, customers and suppliers",
            "Management",
        ],
    }[locale][: areas + 1]
    panels = [
        {"label": label, "scores": [None if (i + k) % 7 == 6 else (i * 37 + k * 11) % 101 for i in range(n)]}
        for k, label in enumerate(labels)
    ]
    goals = [
        [
            {"number": g, "color": c, "short": ""}
            for g, c in ((7, "#FCC30B"), (13, "#3F7E44"), (15, "#56C02B"))
        ][: i % 4]
        + ([{"number": 1, "color": "#E5243B"}, {"number": 2, "color": "#DDA63A"}] if i == n - 1 else [])
        for i in range(n)
    ]
    years = [str(2016 + i) for i in range(n)]
    return progress_chart(
        years,
        panels,
        goals,
        "スコアの推移" if locale == "ja" else "Scores by fiscal year",
        "desc",
        "Signature goals",
        medium,
    )


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10])
@pytest.mark.parametrize("locale", ["ja", "en"])
@pytest.mark.parametrize("medium", ["screen", "print"])
def test_every_label_inside_the_chart(n, locale, medium):
    chart = chart_for(n, locale, medium)
    assert texts_outside(chart) == []
    root = ET.fromstring(str(chart))
    assert root.get("viewBox").startswith(f"0 0 {WIDTHS[medium]} ")
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}desc") is not None
    assert root.get("aria-labelledby") == root.find(f"{SVG}title").get("id")
    points = len(root.findall(f".//{SVG}circle"))
    assert points == sum(1 for k in range(5) for i in range(n) if (i + k) % 7 != 6)


def test_ten_rounds_label_every_year_and_score_at_phone_size():
    chart = str(chart_for(10, "en"))
    root = ET.fromstring(chart)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    for year in range(2016, 2026):
        assert texts.count(str(year)) == 6  # under each of the five panels, and over the signature goals
    # scaled into a 360 px phone's 336 px column, scores and years stay at least 10 px, the scale 8.5
    scale = 336 / WIDTHS["screen"]
    nodes = list(root.iter(f"{SVG}text"))
    years = [float(t.get("font-size")) for t in nodes if t.text.startswith("20")]
    labels = root.findall(f"{SVG}text")  # not the goal numbers in their squares, which are <g>s
    scores = [
        float(t.get("font-size")) for t in labels if t.text.isdigit() and t.get("font-weight") == "bold"
    ]
    assert min(years) * scale >= 10 and min(scores) * scale >= 10
    assert min(float(t.get("font-size")) for t in nodes) * scale >= 8.5


def test_many_rounds_thin_the_labels_but_keep_the_latest():
    chart = str(chart_for(16, "en"))
    assert texts_outside(chart) == []
    texts = [t.text for t in ET.fromstring(chart).iter(f"{SVG}text")]
    assert "2031" in texts and texts.count("2031") == 6 and texts.count("2030") == 0


def test_the_description_gives_every_number(app, client):
    tokens = company_rounds(app, client)
    with db_of(app) as db:
        view = progress_for(db, definitions_of(app), response_of(app, tokens[-1]), "en")
    desc = ET.fromstring(str(view.chart)).find(f"{SVG}desc").text
    first, second = view.points
    assert (
        f"FY2023: Overall {first['overall']:.0f}, Environment {first['overall']:.0f}; no signature goal yet."
        in desc
    )
    assert f"FY2024: Overall {second['overall']:.0f}" in desc and "signature goals: 7, 13." in desc
    assert f'fill="{definitions_of(app).practices.sdg.goal(7).color}"' in str(view.chart)  # goal 7's colour


# --- on the page and in the report -------------------------------------------------------------


def test_results_page_shows_progress_only_with_two_responses(app, client):
    (alone,) = company_rounds(app, client, years=(2022,))
    page = client.get(f"/s/{alone}/results?lang=en").text
    assert "Your progress" not in page and f'href="/s/{alone}/actions"' in page and "Your action plan" in page
    first, second = company_rounds(app, client, years=(2023, 2024))
    page = client.get(f"/s/{second}/results?lang=en").text
    section = page[page.index('id="progress-title"') : page.index('id="opps-title"')]
    assert page.index("Your signature goals") < page.index("Your progress") < page.index("Next steps")
    assert "<svg" in section and "<desc>" in section and "Since FY2023: 3 targets gained, 0 lost" in section
    assert "Renewable energy" in section and "Recycling" in section and "12.5" in section
    assert "Next steps completed" in section
    # the first response's own results show no progress: nothing came before it
    assert "Your progress" not in client.get(f"/s/{first}/results?lang=en").text
    ja = client.get(f"/s/{second}/results?lang=ja").text
    assert "再エネ" in ja and "リサイクル" in ja


def test_staff_partial_renders_the_view(app, client):
    tokens = company_rounds(app, client, years=(2023, 2024, 2025))
    from assess.templating import i18n_context, make_environment

    with db_of(app) as db:
        view = company_progress_view(db, definitions_of(app), response_of(app, tokens[0]).company_id, "en")
    html = (
        make_environment()
        .get_template("staff/_progress.html")
        .render({**i18n_context("en"), "progress": view})
    )
    assert 'id="progress-title"' in html and html.count("/staff/responses/") == 3 and "Since FY2024" in html


def test_report_pdf_has_the_progress(app, client):
    first, second = company_rounds(app, client)
    with db_of(app) as db:
        response = response_of(app, second)
        db.add(
            Action(
                company_id=response.company_id,
                response_id=response.id,
                title="太陽光の見積もり",
                due_on=date(2025, 6, 1),
            )
        )
        db.commit()
        report = app.state.context.printer.report(db, response, "en")
        only = app.state.context.printer.report(db, response_of(app, first), "en")
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(report)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert "Your progress" in flat and "Since FY2023: 3 targets gained, 0 lost" in flat
    assert "Next steps completed" in flat and "Renewable energy" in flat
    assert "太陽光の見積もり" in flat  # the action plan, when print/_actions.html is there
    assert "Your progress" not in " ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(only)).pages)
