"""The staff dashboard (GET /staff): the funnels of open rounds, what waits for review or for
a company, actions due and rounds closing soon; every figure a link to a list of that many rows."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta, timezone
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from assess.i18n import gettext, ngettext
from assess.models import Action, Company, Invitation, Response, ReviewEvent, Round
from assess.presentation.charts import funnel_chart, text_width
from assess.services.dashboard import dashboard
from assess.services.review import act
from assess.services.tokens import hash_token
from assess.vocab import ActionStatus, ResponseStatus, ReviewAction, RoundStatus
from tests.helpers import add_round, csrf_of, db_of, log_in, make_user, start, submitted

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def staff(app, client):
    user = make_user(app)
    assert log_in(client).status_code == 303
    return user


def rid(app, token: str) -> int:
    with db_of(app) as db:
        return db.exec(select(Response.id).where(Response.token_hash == hash_token(token))).one()


def review(app, user, response_id: int, *steps: str) -> None:
    with db_of(app) as db:
        for step in steps:
            act(db, db.get(Response, response_id), user, step, "ご確認ください" if step == "return" else "")


def invite(app, round_id: int, *names: str) -> None:
    with db_of(app) as db:
        for name in names:
            company = Company(name=name)
            db.add(company)
            db.flush()
            db.add(Invitation(round_id=round_id, company_id=company.id, token_hash=hash_token(f"inv-{name}")))
        db.commit()


def set_times(app, response_id: int, **fields) -> None:
    with db_of(app) as db:
        response = db.get(Response, response_id)
        for key, value in fields.items():
            setattr(response, key, value)
        db.add(response)
        db.commit()


def set_returned_at(app, response_id: int, at: datetime) -> None:
    with db_of(app) as db:
        for event in db.exec(
            select(ReviewEvent).where(
                ReviewEvent.response_id == response_id, ReviewEvent.action == ReviewAction.RETURN
            )
        ):
            event.at = at
            db.add(event)
        db.commit()


def figures(html: str) -> list[tuple[str, int]]:
    """Every figure on the dashboard: the link and the count it shows."""
    return [
        (href.replace("&amp;", "&"), int(n))
        for href, n in re.findall(r'<a href="([^"]+)" data-figure="(\d+)">', html)
    ]


def rows_of(client, url: str) -> int:
    """The rows of the list a figure links to."""
    page = client.get(url)
    assert page.status_code == 200, url
    parts = urlsplit(url)
    if parts.path == "/staff/responses":
        body = re.search(r"<tbody>(.*?)</tbody>", page.text, re.S).group(1)
        return len(re.findall(r'<td><a href="/staff/responses/\d+">', body))
    if parts.path == "/staff":
        return page.text.count('class="dash-action')
    assert parts.path.startswith("/staff/rounds/") and parts.fragment == "invitations", url
    table = page.text.split('id="invitations"', 1)[1]
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)
    return body.count("<tr>") - body.count('colspan="4"')


def funnel_figures(html: str, round_id: int) -> dict[str, int]:
    stages = {
        f"/staff/rounds/{round_id}#invitations": "invited",
        f"/staff/responses?round={round_id}&status=all": "started",
        f"/staff/responses?round={round_id}": "submitted",
        f"/staff/responses?round={round_id}&status=in_review": "in_review",
        f"/staff/responses?round={round_id}&status=approved": "approved",
    }
    return {stages[href]: n for href, n in figures(html) if href in stages}


# --- access and landing -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login(client):
    reply = client.get("/staff")
    assert reply.status_code == 303 and reply.headers["location"].startswith("/staff/login?next=")


def test_login_lands_on_the_dashboard_and_next_still_works(app, client):
    make_user(app)
    page = client.get("/staff/login")
    done = client.post(
        "/staff/login",
        data={
            "csrf_token": csrf_of(page.text),
            "email": "staff@example.org",
            "password": "correct horse battery",
        },
    )
    assert done.status_code == 303 and done.headers["location"] == "/staff"
    assert client.get("/staff/login").headers["location"] == "/staff"  # already logged in
    assert client.get("/staff/login?next=/staff/rounds").headers["location"] == "/staff/rounds"
    assert client.get("/staff/login?next=//evil.example").headers["location"] == "/staff"
    home = client.get("/staff")
    assert home.status_code == 200
    nav = re.search(r'<nav class="staff-nav".*?</nav>', home.text, re.S).group(0)
    assert re.findall(r'<a href="([^"]+)"', nav)[0] == "/staff"  # the first link of the navigation


def test_an_empty_dashboard_says_so_in_both_languages(client, staff):
    for lang in ("ja", "en"):
        page = client.get(f"/staff?lang={lang}").text
        assert f'<html lang="{lang}">' in page
        for message in (
            "No round is open.",
            "Nothing is waiting for review.",
            "No returned response is waiting to be resubmitted.",
        ):
            assert gettext(lang, message) in page
        for message in ("No open action is due in the next {n} days.",):
            assert gettext(lang, message, n=14) in page
        assert gettext(lang, "No open round closes in the next {n} days.", n=30) in page
        assert figures(page) == []


# --- the funnel ---------------------------------------------------------------------------


def test_the_funnel_of_an_open_round(app, client, round_, staff):
    invite(app, round_.id, "招待A社", "招待B社", "招待C社")
    start(client)
    start(client)  # two drafts
    tokens = [submitted(client, name=f"提出{i}社") for i in range(4)]
    ids = [rid(app, t) for t in tokens]
    review(app, staff, ids[1], "start_review")
    review(app, staff, ids[2], "approve")
    review(app, staff, ids[3], "return")
    closed = add_round(app, slug="closed-round", name_en="Closed round", status=RoundStatus.CLOSED)
    other = add_round(app, slug="other-round", name_ja="別の調査", name_en="Another survey")
    page = client.get("/staff?lang=en").text
    assert "Closed round" not in page and f"/staff/rounds/{closed.id}" not in page
    assert funnel_figures(page, round_.id) == {
        "invited": 3,
        "started": 6,
        "submitted": 4,
        "in_review": 1,
        "approved": 1,
    }
    assert funnel_figures(page, other.id) == dict.fromkeys(
        ("invited", "started", "submitted", "in_review", "approved"), 0
    )
    # the chart: its title names the round, its description every stage with its count
    chart = re.search(r'<svg[^>]*aria-labelledby="funnel-1".*?</svg>', page, re.S).group(0)
    root = ET.fromstring(chart)
    assert root.find(f"{SVG}title").text == "Saga survey 2019: from invitation to approval"
    assert root.find(f"{SVG}desc").text == "Invited: 3; Started: 6; Submitted: 4; In review: 1; Approved: 1"
    with db_of(app) as db:  # the service agrees
        funnel = dashboard(db, datetime.now(UTC)).funnels[0]
    assert (funnel.invited, funnel.started, funnel.submitted, funnel.in_review, funnel.approved) == (
        3,
        6,
        4,
        1,
        1,
    )


def test_every_figure_links_to_a_list_of_that_many_rows(app, client, round_, staff):
    invite(app, round_.id, "招待A社", "招待B社")
    start(client)
    tokens = [submitted(client, name=f"会社{i}") for i in range(5)]
    ids = [rid(app, t) for t in tokens]
    review(app, staff, ids[0], "start_review")
    review(app, staff, ids[1], "approve")
    review(app, staff, ids[2], "return")
    with db_of(app) as db:
        round_row = db.get(Round, round_.id)
        round_row.closes_on = date.today() + timedelta(days=5)
        db.add(round_row)
        company = db.exec(select(Response.company_id).where(Response.id == ids[3])).one()
        today = date.today()
        for days, status in (
            (-2, ActionStatus.PLANNED),
            (-1, ActionStatus.IN_PROGRESS),
            (3, ActionStatus.PLANNED),
        ):
            db.add(
                Action(
                    company_id=company,
                    response_id=ids[3],
                    title=f"行動{days}",
                    due_on=today + timedelta(days=days),
                    status=status,
                )
            )
        db.commit()
    for lang in ("ja", "en"):
        page = client.get(f"/staff?lang={lang}").text
        found = figures(page)
        # 5 funnel figures, waiting, returned, actions, overdue, one round closing soon
        assert len(found) == 10, found
        for url, n in found:
            assert rows_of(client, url) == n, (url, n)
        counts = dict(found)
        assert counts["/staff/responses?status=submitted&sort=submitted&dir=asc"] == 2
        assert counts["/staff/responses?status=returned"] == 1
        assert counts["/staff?actions=all#actions"] == 3 and counts["/staff?actions=overdue#actions"] == 2
        assert counts[f"/staff/responses?round={round_.id}"] == 5


# --- waiting for review and returned --------------------------------------------------------


def test_waiting_for_review_longest_first(app, client, round_, staff):
    ids = [
        rid(app, submitted(client, name=name)) for name in ("新しい社", "古い社", "中くらい社", "確認中社")
    ]
    now = datetime.now(UTC)
    for response_id, days in zip(ids, (1, 9, 4, 20), strict=True):
        set_times(app, response_id, submitted_at=now - timedelta(days=days, hours=1))
    review(app, staff, ids[3], "start_review")  # in review: no longer waiting
    page = client.get("/staff?lang=en").text
    section = page.split('id="dash-waiting"', 1)[1].split("</section>", 1)[0]
    assert [section.index(n) for n in ("古い社", "中くらい社", "新しい社")] == sorted(
        section.index(n) for n in ("古い社", "中くらい社", "新しい社")
    )
    assert "確認中社" not in section
    assert "9 days" in section and "1 day<" in section
    assert "3 responses waiting for review" in section
    listed = client.get("/staff/responses?status=submitted&sort=submitted&dir=asc").text
    assert listed.index("古い社") < listed.index("中くらい社") < listed.index("新しい社")
    ja = client.get("/staff?lang=ja").text.split('id="dash-waiting"', 1)[1].split("</section>", 1)[0]
    assert ngettext("ja", "{n} day", "{n} days", 9) in ja
    assert ngettext("ja", "{n} response waiting for review", "{n} responses waiting for review", 3) in ja
    when = (now - timedelta(days=9, hours=1)).astimezone()
    assert f"{when.year}年{when.month}月{when.day}日" in ja


def test_only_ten_wait_on_the_dashboard_and_the_link_has_all(app, client, round_, staff):
    ids = [rid(app, submitted(client, name=f"待ち{i:02d}社")) for i in range(12)]
    now = datetime.now(UTC)
    for i, response_id in enumerate(ids):
        set_times(app, response_id, submitted_at=now - timedelta(days=30 - i))
    page = client.get("/staff?lang=en").text
    section = page.split('id="dash-waiting"', 1)[1].split("</section>", 1)[0]
    assert section.count('<td><a href="/staff/responses/') == 10
    assert "待ち00社" in section and "待ち09社" in section and "待ち10社" not in section
    assert "All 12, longest waiting first" in section


def test_returned_and_not_resubmitted_oldest_return_first(app, client, round_, staff):
    ids = [rid(app, submitted(client, name=name)) for name in ("最近戻し社", "昔戻し社", "再提出社")]
    for response_id in ids:
        review(app, staff, response_id, "return")
    now = datetime.now(UTC)
    set_returned_at(app, ids[0], now - timedelta(days=2, hours=1))
    set_returned_at(app, ids[1], now - timedelta(days=12, hours=1))
    with db_of(app) as db:  # the company resubmitted the third
        response = db.get(Response, ids[2])
        response.status = ResponseStatus.SUBMITTED
        db.add(response)
        db.add(ReviewEvent(response_id=ids[2], action=ReviewAction.RESUBMIT, status_before="returned"))
        db.commit()
    section = client.get("/staff?lang=en").text.split('id="dash-returned"', 1)[1].split("</section>", 1)[0]
    assert section.index("昔戻し社") < section.index("最近戻し社") and "再提出社" not in section
    assert "12 days" in section and "2 days" in section
    assert "2 responses returned to their companies" in section
    with db_of(app) as db:
        view = dashboard(db, now)
    assert [w.response_id for w in view.returned] == [ids[1], ids[0]] and view.returned_total == 2
    assert [w.days for w in view.returned] == [12, 2]


def test_a_second_return_counts_from_the_latest(app, client, round_, staff):
    response_id = rid(app, submitted(client))
    review(app, staff, response_id, "return")
    now = datetime.now(UTC)
    set_returned_at(app, response_id, now - timedelta(days=20))
    with db_of(app) as db:
        db.add(
            ReviewEvent(
                response_id=response_id, action=ReviewAction.RETURN, at=now - timedelta(days=3, hours=1)
            )
        )
        db.commit()
        assert [w.days for w in dashboard(db, now).returned] == [3]


def test_days_count_in_the_dashboards_time_zone(app, client, round_):
    response_id = rid(app, submitted(client))
    # Submitted at 23:30 UTC on 1 April: already 2 April in Japan.
    set_times(app, response_id, submitted_at=datetime(2025, 4, 1, 23, 30, tzinfo=UTC))
    jst = timezone(timedelta(hours=9))
    with db_of(app) as db:
        waiting = dashboard(db, datetime(2025, 4, 5, 10, 0, tzinfo=jst)).waiting[0]
        assert (waiting.since, waiting.days) == (date(2025, 4, 2), 3)
        waiting = dashboard(db, datetime(2025, 4, 5, 10, 0, tzinfo=UTC)).waiting[0]
        assert (waiting.since, waiting.days) == (date(2025, 4, 1), 4)


# --- actions and rounds closing soon ------------------------------------------------------------


def test_actions_due_or_overdue_most_overdue_first(app, client, round_, staff):
    response_id = rid(app, submitted(client, name="行動計画社"))
    today = date.today()
    with db_of(app) as db:
        company = db.get(Response, response_id).company_id
        for title, days, status in (
            ("来週の点検", 6, ActionStatus.IN_PROGRESS),
            ("遅れている省エネ診断", -4, ActionStatus.PLANNED),
            ("今日の報告", 0, ActionStatus.PLANNED),
            ("ずっと先の計画", 15, ActionStatus.PLANNED),
            ("済んだ作業", -10, ActionStatus.DONE),
            ("無理だった作業", -10, ActionStatus.NOT_FEASIBLE),
        ):
            db.add(
                Action(
                    company_id=company,
                    response_id=response_id,
                    title=title,
                    owner="佐藤",
                    due_on=today + timedelta(days=days),
                    status=status,
                )
            )
        db.add(Action(company_id=company, response_id=response_id, title="期限なし"))
        db.commit()
    page = client.get("/staff?lang=en").text
    section = page.split('id="actions"', 1)[1].split("</section>", 1)[0]
    order = [section.index(t) for t in ("遅れている省エネ診断", "今日の報告", "来週の点検")]
    assert order == sorted(order)
    for absent in ("ずっと先の計画", "済んだ作業", "無理だった作業", "期限なし"):
        assert absent not in section
    assert section.count(f'href="/staff/responses/{response_id}"') == 3
    assert "4 days overdue" in section and "Due today" in section and "Due in 6 days" in section
    assert "Planned" in section and "In progress" in section and "行動計画社" in section
    overdue = client.get("/staff?actions=overdue&lang=en").text.split('id="actions"', 1)[1]
    assert "遅れている省エネ診断" in overdue.split("</section>", 1)[0]
    assert "今日の報告" not in overdue.split("</section>", 1)[0]
    ja = client.get("/staff?lang=ja").text.split('id="actions"', 1)[1].split("</section>", 1)[0]
    assert ngettext("ja", "{n} day overdue", "{n} days overdue", 4) in ja
    assert gettext("ja", "Due today") in ja


def test_rounds_closing_soon(app, client, round_, staff):
    today = date.today()
    soon = add_round(app, slug="soon", name_en="Closing soon", closes_on=today + timedelta(days=10))
    add_round(app, slug="later", name_en="Closing later", closes_on=today + timedelta(days=45))
    add_round(app, slug="today", name_en="Closing today", closes_on=today)
    add_round(app, slug="past", name_en="Closed already", closes_on=today - timedelta(days=1))
    add_round(
        app, slug="shut", name_en="Shut", closes_on=today + timedelta(days=3), status=RoundStatus.CLOSED
    )
    submitted(client, slug="soon")
    submitted(client, slug="soon", name="二社目")
    start(client, slug="soon")  # a draft is not submitted
    section = client.get("/staff?lang=en").text.split('id="dash-closing"', 1)[1].split("</section>", 1)[0]
    assert section.index("Closing today") < section.index("Closing soon")
    for absent in ("Closing later", "Closed already", "Shut"):
        assert absent not in section
    assert "10 days left" in section and "Closes today" in section
    assert f'<a href="/staff/responses?round={soon.id}" data-figure="2">2</a>' in section
    with db_of(app) as db:
        closing = dashboard(db, datetime.now().astimezone()).closing
    assert [(c.round_id, c.days_left, c.submitted) for c in closing][1] == (soon.id, 10, 2)


def test_the_list_shows_drafts_too_when_asked_for_all(app, client, round_, staff):
    start(client)
    submitted(client)
    assert client.get("/staff/responses").text.count('<td><a href="/staff/responses/') == 1
    assert client.get("/staff/responses?status=all").text.count('<td><a href="/staff/responses/') == 2


# --- the chart ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "labels",
    [
        ("招待", "回答開始", "提出済み", "確認中", "承認済み"),
        ("Invited", "Started", "Submitted", "In review", "Approved"),
        ("Companies invited by the organiser and their partners", "Started", "Submitted", "W", "M"),
    ],
)
def test_funnel_labels_and_counts_stay_inside_the_picture(labels):
    stages = list(zip(labels, (12000, 9000, 4000, 1, 0), strict=True))
    root = ET.fromstring(str(funnel_chart(stages, "Funnel", title_id="f-1")))
    width = float(root.get("viewBox").split()[2])
    texts = list(root.iter(f"{SVG}text"))
    names = [t for t in texts if t.get("text-anchor") == "end"]
    counts = [t for t in texts if t.get("text-anchor") is None]
    assert [t.text for t in names] == list(labels) and [t.text for t in counts] == [
        "12000",
        "9000",
        "4000",
        "1",
        "0",
    ]
    for t in names:
        assert float(t.get("x")) - text_width(t.text, float(t.get("font-size"))) * 1.05 >= 0
    for t in counts:
        assert float(t.get("x")) + text_width(t.text, float(t.get("font-size"))) * 1.05 <= width
    bars = [float(r.get("width")) for r in root.iter(f"{SVG}rect")]
    assert bars[0] > bars[1] > bars[2] > bars[3] > 0 == bars[4]
    assert root.get("aria-labelledby") == "f-1" and root.find(f"{SVG}title").text == "Funnel"
    assert root.find(f"{SVG}desc").text.startswith(f"{labels[0]}: 12000; ")


def test_funnel_text_is_escaped_and_empty_funnels_draw():
    chart = str(funnel_chart([("<b>&", 1)], "<t>"))
    assert "<b>" not in chart and "&lt;b&gt;&amp;" in chart
    ET.fromstring(chart)
    ET.fromstring(str(funnel_chart([("Invited", 0), ("Started", 0)], "Nothing yet")))
