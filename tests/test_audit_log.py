"""The audit log for admins: its filters, links, pages, CSV file and pruning."""

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from assess.models import Action, AuditEvent, Company, Response
from assess.services.audit_log import AuditFilters, audit_page, prune
from assess.services.errors import DomainError
from tests.helpers import add_round, db_of, log_in, make_user, run, settings_for

ADMIN = "admin@example.org"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def add(db, *rows):
    for row in rows:
        db.add(row)
    db.commit()
    for row in rows:
        db.refresh(row)
    return rows


def event(actor, action, object_type, object_id, when, **fields) -> AuditEvent:
    return AuditEvent(
        actor=actor, action=action, object_type=object_type, object_id=object_id, at=at(when), **fields
    )


@pytest.fixture
def world(app):
    """Two rounds, two companies with a response each, an action, and events on all of them in 2024."""
    first = add_round(app, slug="fy2024", fiscal_year=2024, name_en="Saga 2024", name_ja="佐賀 2024")
    second = add_round(app, slug="fy2025", fiscal_year=2025, name_en="Saga 2025", name_ja="佐賀 2025")
    with db_of(app) as db:
        arita, formula = add(db, Company(name="有田陶業"), Company(name="=cmd|' /C calc'!A0"))
        common = dict(questionnaire_id="t", questionnaire_version=1, content_hash="h")
        mine, theirs = add(
            db,
            Response(round_id=first.id, company_id=arita.id, token_hash="a" * 64, **common),
            Response(round_id=second.id, company_id=formula.id, token_hash="b" * 64, **common),
        )
        (plan,) = add(db, Action(company_id=arita.id, response_id=mine.id, title="LED lighting"))
        add(
            db,
            event("staff@example.org", "company.update", "company", arita.id, "2024-01-10T03:00"),
            event("company", "response.submit", "response", mine.id, "2024-02-01T03:00", after="submitted"),
            event("staff@example.org", "action.create", "action", plan.id, "2024-03-01T03:00"),
            event("boss@example.org", "round.create", "round", first.id, "2024-04-01T03:00", after="open"),
            event("reviewer@example.org", "response.approve", "response", theirs.id, "2024-05-01T03:00"),
            event("boss@example.org", "company.update", "company", formula.id, "2024-06-01T03:00"),
            # 01:00 on 1 July in Japan, still 30 June in UTC
            event("system", "round.update", "round", second.id, "2024-06-30T16:00", detail="=HYPERLINK(1)"),
            event("boss@example.org", "widget.spin", "widget", 7, "2024-07-02T03:00"),
        )
        ids = dict(arita=arita.id, formula=formula.id, mine=mine.id, theirs=theirs.id, plan=plan.id)
    return {"first": first.id, "second": second.id, **ids}


@pytest.fixture
def admin(app, client):
    make_user(app, ADMIN, "admin")
    log_in(client, ADMIN)
    return client


def shown(client, query: str = "") -> list[str]:
    """The actions of the events on the page, as their stored codes (from the CSV of the same filters)."""
    reply = client.get(f"/staff/audit.csv{query}")
    assert reply.status_code == 200, reply.text
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    return [row[3] for row in rows[1:]]


# --- who may see it ----------------------------------------------------------------


def test_staff_are_refused_and_only_admins_see_the_link(app, client, world):
    make_user(app)
    log_in(client)
    assert client.get("/staff/audit").status_code == 403
    assert client.get("/staff/audit.csv").status_code == 403
    assert 'href="/staff/audit"' not in client.get("/staff/responses").text
    client.cookies.clear()
    assert client.get("/staff/audit").headers["location"].startswith("/staff/login")


def test_an_admin_sees_every_event_newest_first_with_words(admin, world):
    page = admin.get("/staff/audit?lang=en")
    assert page.status_code == 200
    assert 'href="/staff/audit"' in page.text  # the admin's navigation
    text = page.text.split("<tbody>")[1]  # the table, not the list of actions to filter by
    for words in ("Response submitted", "Action added", "Round created", "Company details changed"):
        assert words in text
    assert text.index("widget.spin") < text.index("Round created") < text.index("Response submitted")
    assert "2024-01-10 12:00" in text  # 03:00 UTC is noon in Japan
    assert "The company" in text and "Logged in" in text
    assert "Submitted" in text  # the status after, in words
    assert "絞り込む" in admin.get("/staff/audit?lang=ja").text


# --- the filters ---------------------------------------------------------------------


def test_filter_by_person(admin, world):
    assert shown(admin, "?person=BOSS@") == ["widget.spin", "company.update", "round.create"]
    assert shown(admin, "?person=company") == ["response.submit"]


def test_filter_by_company_finds_its_responses_and_actions(admin, world):
    mine = ["action.create", "response.submit", "company.update"]
    assert shown(admin, f"?company={world['arita']}") == mine
    assert shown(admin, "?company=有田") == mine
    assert shown(admin, f"?company=%23{world['formula']}") == ["company.update", "response.approve"]
    assert shown(admin, "?company=nobody") == []


def test_filter_by_round_finds_its_responses(admin, world):
    assert shown(admin, f"?round={world['first']}") == ["round.create", "response.submit"]
    assert shown(admin, f"?round={world['second']}") == ["round.update", "response.approve"]


def test_filter_by_action_exact_and_by_kind(admin, world):
    assert shown(admin, "?action=company.update") == ["company.update", "company.update"]
    assert shown(admin, "?action=response.*") == ["response.approve", "response.submit"]
    assert shown(admin, "?action=round.*") == ["round.update", "round.create"]
    page = admin.get("/staff/audit?lang=en").text
    assert '<option value="response.*">Every event on responses</option>' in page


def test_filter_by_dates_in_japan_time(admin, world):
    assert shown(admin, "?from=2024-07-01&to=2024-12-31") == ["widget.spin", "round.update"]
    assert shown(admin, "?from=2024-06-01&to=2024-06-30") == ["company.update"]
    assert shown(admin, "?to=2024-02-01") == ["response.submit", "company.update"]
    assert shown(admin, "?person=boss&from=2024-05-01&to=2024-06-30") == ["company.update"]


@pytest.mark.parametrize(
    "query,message",
    [
        ("from=2024-13-01", "The “from” date is not a date"),
        ("to=yesterday", "The “to” date is not a date"),
        ("from=1999-12-31", "The “from” date is not a date"),
        ("from=2024-06-02&to=2024-06-01", "The “from” date is after the “to” date."),
        ("round=abc", "Choose a round from the list."),
        ("round=99999999999999", "Choose a round from the list."),
        ("action=drop.table", "Choose an action from the list."),
        ("person=" + "p" * 201, "The person may be at most 200 characters"),
        ("company=" + "x" * 201, "The company may be at most 200 characters"),
    ],
)
def test_bad_filters_give_a_message_not_an_error(admin, world, query, message):
    for path in ("/staff/audit", "/staff/audit.csv"):
        reply = admin.get(f"{path}?{query}&lang=en")
        assert reply.status_code == 400, (path, reply.status_code)
        assert message in reply.text and 'role="alert"' in reply.text
    assert admin.get(f"/staff/audit?{query}&lang=ja").status_code == 400


def test_odd_pages_and_huge_ids_are_no_error(admin, world):
    assert admin.get("/staff/audit?page=abc").status_code == 200
    assert admin.get("/staff/audit?page=999999999").status_code == 200
    assert admin.get("/staff/audit?company=2147483648").status_code == 200
    assert admin.get("/staff/audit?round=999999999").status_code == 200
    assert admin.get("/staff/audit?person=%00").status_code == 400  # refused before it reaches the page


# --- links -----------------------------------------------------------------------------


def test_each_event_links_to_what_it_concerns(app, admin, world):
    page = admin.get("/staff/audit?lang=en").text
    assert f'<a href="/staff/responses/{world["mine"]}">Response #{world["mine"]}</a>' in page
    assert f'<a href="/staff/companies/{world["arita"]}">有田陶業</a>' in page
    assert f'<a href="/staff/companies/{world["arita"]}#action-{world["plan"]}">' in page
    assert f'<a href="/staff/rounds/{world["first"]}">Saga 2024</a>' in page
    assert '<a href="/staff/users">admin@example.org</a>' in page  # the admin's own login
    assert "widget #7" in page and 'href="/widget' not in page
    with db_of(app) as db:
        rows = audit_page(db, AuditFilters.from_query({}), "ja").rows
    targets = {(r.event.object_type, r.event.object_id): r.target for r in rows}
    assert targets[("response", world["theirs"])].context == "=cmd|' /C calc'!A0"
    assert targets[("round", world["first"])].label == "佐賀 2024"
    assert targets[("widget", 7)].href == ""
    for href in {t.href for t in targets.values() if t.href}:
        assert admin.get(href.split("#")[0]).status_code == 200, href


def test_a_company_merged_away_keeps_its_events_without_a_link(app, admin, world):
    with db_of(app) as db:
        db.add(event("boss@example.org", "company.update", "company", 424242, "2024-08-01T03:00"))
        db.commit()
    page = admin.get("/staff/audit?company=424242&lang=en").text
    assert "Company #424242" in page and "no longer exists" in page
    assert 'href="/staff/companies/424242"' not in page


# --- the CSV file -----------------------------------------------------------------------


def test_csv_has_a_header_rows_a_bom_and_no_formulas(app, admin, world):
    reply = admin.get("/staff/audit.csv?lang=en&person=boss")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("text/csv")
    assert reply.headers["content-disposition"].startswith('attachment; filename="audit-log-')
    assert reply.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["When (JST)", "Who", "What", "Action code", "Concerning"]
    assert len(rows) == 4
    assert rows[2][4] == "'=cmd|' /C calc'!A0" and rows[2][2] == "Company details changed"
    everything = admin.get("/staff/audit.csv").content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in everything and ",=" not in everything
    with db_of(app) as db:
        exported = db.exec(select(AuditEvent).where(AuditEvent.action == "audit.export_csv")).all()
    assert [(e.actor, e.detail) for e in exported][0] == (ADMIN, "3 rows; person=boss")


def test_the_download_link_keeps_the_filters(admin, world):
    page = admin.get(f"/staff/audit?person=boss&round={world['first']}&action=round.*").text
    assert f'href="/staff/audit.csv?person=boss&amp;round={world["first"]}&amp;action=round.%2A"' in page


# --- pages ----------------------------------------------------------------------------


def test_250_events_make_three_pages(app, admin):
    start = at("2023-01-01T00:00")
    with db_of(app) as db:
        for n in range(250):
            when = (start + timedelta(minutes=n)).strftime("%Y-%m-%dT%H:%M")
            db.add(event("bulk@example.org", "round.update", "round", n, when, detail=f"n{n:03}"))
        db.commit()
    first = admin.get("/staff/audit?person=bulk&lang=en").text
    assert "250 events" in first and "Page 1 of 3" in first
    assert "n249" in first and "n150" in first and "n149" not in first
    assert 'href="/staff/audit?person=bulk&amp;page=2"' in first and "Previous" not in first
    second = admin.get("/staff/audit?person=bulk&page=2&lang=en").text
    assert "n149" in second and "n050" in second and "n249" not in second
    assert 'href="/staff/audit?person=bulk"' in second  # back to the first page
    last = admin.get("/staff/audit?person=bulk&page=3&lang=en").text
    assert "n049" in last and "n000" in last and "Page 3 of 3" in last and ">Next<" not in last
    assert "Page 3 of 3" in admin.get("/staff/audit?person=bulk&page=9&lang=en").text
    assert len(shown(admin, "?person=bulk")) == 250  # the CSV file has every event, not a page


# --- retention --------------------------------------------------------------------------


def test_prune_deletes_only_older_events_and_records_itself(app, world):
    with db_of(app) as db:
        with pytest.raises(DomainError):
            prune(db, date.today() + timedelta(days=2))
        assert prune(db, date(2024, 3, 1), "system") == 2
        left = db.exec(select(AuditEvent)).all()
    actions = {e.action for e in left}
    assert "company.update" in actions and "action.create" in actions  # 1 March itself stays
    assert "response.submit" not in actions
    (done,) = [e for e in left if e.action == "audit.prune"]
    assert done.actor == "system" and done.detail == "2 events before 2024-03-01 JST"


def test_prune_on_the_command_line(monkeypatch, new_database, tmp_path):
    from assess import db as database

    config = settings_for(new_database("audit"), tmp_path / "data")
    engine = database.make_engine(config.db_url)
    database.upgrade(engine)
    with database.session(engine) as db:
        add(
            db,
            event("a@example.org", "round.create", "round", 1, "2020-01-01T00:00"),
            event("a@example.org", "round.update", "round", 1, "2020-06-30T14:59"),  # 23:59 JST
            event("a@example.org", "round.update", "round", 1, "2020-06-30T15:00"),  # 1 July JST
        )
    dry = run(monkeypatch, config, "audit", "prune", "--before", "2020-07-01", "--dry-run")
    assert dry.exit_code == 0 and "2 audit events were recorded before 2020-07-01" in dry.output
    done = run(monkeypatch, config, "audit", "prune", "--before", "2020-07-01")
    assert done.exit_code == 0, done.output
    assert "deleted 2 audit events" in done.output
    bad = run(monkeypatch, config, "audit", "prune", "--before", "01/07/2020")
    assert bad.exit_code == 1 and "not a date" in bad.output
    future = run(monkeypatch, config, "audit", "prune", "--before", "2099-01-01")
    assert future.exit_code == 1 and "cannot prune" in future.output
    with database.session(engine) as db:
        left = [(e.action, e.actor) for e in db.exec(select(AuditEvent).order_by(AuditEvent.id))]
    engine.dispose()
    assert left == [("round.update", "a@example.org"), ("audit.prune", "system")]
