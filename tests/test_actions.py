"""Action plans: a company adds and follows up actions through its private link; staff
comment; later answers mark actions achieved; due and overdue actions across companies;
the export; every refusal with a message in the visitor's language and never a server error."""

import csv
import io
import re
from datetime import date, timedelta
from urllib.parse import quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from sqlmodel import select

from assess.i18n import gettext
from assess.models import Action, ActionComment, AuditEvent, Company, Response
from assess.services.achievements import mark_achieved, shown_practices
from assess.services.actions import (
    ActionForm,
    ActionNoteTooLong,
    ActionOwnerTooLong,
    ActionTitleRequired,
    ActionTitleTooLong,
    CommentMissing,
    InvalidActionStatus,
    InvalidDueDate,
    NoCompanyYet,
    UnknownPractice,
    actions_due,
    actions_of_round,
    check_action,
    create_action,
    parse_due_date,
    plan_rows,
    today_in_japan,
    update_action,
)
from assess.services.errors import FormInvalid
from assess.services.responses import save_answers, start_response, submit
from assess.vocab import ActionStatus
from tests.helpers import (
    add_round,
    csrf_of,
    db_of,
    definitions_of,
    log_in,
    make_user,
    post_section,
    response_of,
    start,
    submitted,
)

BAD_DATES = [
    "2026-02-30",
    "99999-01-01",
    "２０２６-０３-３１",
    "'; drop table action; --",
    "1999-12-31",
    "2101-01-01",
    "2026-3-31",
    "31/03/2026",
    "2026-03-31T00:00",
    " 2026-13-01",
]


def plan_url(token: str, lang: str = "") -> str:
    return f"/s/{token}/actions" + (f"?lang={lang}" if lang else "")


def add(client, token: str, **fields):
    page = client.get(plan_url(token))
    if "csrf_token" not in page.text:  # a page without forms: any page's token does
        page = client.get("/r/saga-2019")
    data = {"csrf_token": csrf_of(page.text), "title": "LED照明に切り替える", **fields}
    return client.post(f"/s/{token}/actions", data=data)


def change(client, token: str, action_id: int, **fields):
    page = client.get(plan_url(token))
    data = {"csrf_token": csrf_of(page.text), "title": "LED照明に切り替える", "status": "planned", **fields}
    return client.post(f"/s/{token}/actions/{action_id}", data=data)


def actions_in(app) -> list[Action]:
    with db_of(app) as db:
        return list(db.exec(select(Action).order_by(Action.id)))


def audits(app, kind: str = "action") -> list[AuditEvent]:
    with db_of(app) as db:
        return list(db.exec(select(AuditEvent).where(AuditEvent.object_type == kind).order_by(AuditEvent.id)))


def text_of(html: str) -> str:
    """The page's text without tags, for phrases that markup may split."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


# --- the company's pages --------------------------------------------------------------


def test_a_company_plans_an_action_from_a_next_step_and_follows_it_up(app, client, round_):
    token = submitted(client)
    page = client.get(plan_url(token, "en"))
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Your action plan" in page.text and "No actions yet" in page.text
    # The next step the answers leave open (LED and recycling are shown, solar is not):
    assert "Renewable energy" in page.text and "Consider solar panels." in page.text
    assert f'href="/s/{token}/actions?practice=renewable_energy#add-form"' in page.text
    prefilled = client.get(f"/s/{token}/actions?practice=renewable_energy")
    assert 'value="Consider solar panels."' in prefilled.text
    assert '<option value="renewable_energy" selected>' in prefilled.text

    reply = add(
        client,
        token,
        title="Solar panels on the roof",
        practice="renewable_energy",
        owner="Sato",
        due_on="2026-03-31",
        note="Ask the city about subsidies",
    )
    assert reply.status_code == 303
    [action] = actions_in(app)
    assert reply.headers["location"] == f"/s/{token}/actions?n=added#action-{action.id}"
    assert (action.title, action.practice, action.owner, action.due_on, action.status, action.note) == (
        "Solar panels on the roof",
        "renewable_energy",
        "Sato",
        date(2026, 3, 31),
        ActionStatus.PLANNED,
        "Ask the city about subsidies",
    )
    assert action.response_id == response_of(app, token).id
    shown = client.get(reply.headers["location"])
    assert "The action was added to your plan." in shown.text
    assert "Solar panels on the roof" in shown.text and "2026-03-31" in shown.text and "Sato" in shown.text
    assert "In your plan" in shown.text  # the next step it came from

    reply = change(
        client,
        token,
        action.id,
        title="Solar panels on the roof",
        practice="renewable_energy",
        owner="Sato",
        due_on="2026-06-30",
        status="in_progress",
        note="Quote received",
    )
    assert reply.status_code == 303 and reply.headers["location"].endswith(f"?n=saved#action-{action.id}")
    [action] = actions_in(app)
    assert (action.status, action.due_on, action.note) == ("in_progress", date(2026, 6, 30), "Quote received")
    page = client.get(reply.headers["location"])
    assert "The action was saved." in page.text and "In progress" in page.text

    events = audits(app)
    assert [(e.actor, e.action, e.object_id, e.before, e.after) for e in events] == [
        ("company", "action.create", action.id, "", "planned"),
        ("company", "action.update", action.id, "planned", "in_progress"),
    ]
    assert events[1].detail == "due_on, status, note"


def test_the_plan_is_in_japanese_by_default(app, client, round_):
    token = submitted(client)
    add(client, token, title="分別ルールを決める", practice="recycling")
    page = client.get(plan_url(token))
    assert '<html lang="ja">' in page.text
    assert gettext("ja", "Your action plan") in page.text and "分別ルールを決める" in page.text
    assert "リサイクル" in page.text  # the practice's Japanese name
    assert gettext("ja", "Planned") in page.text


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "fields,field,error",
    [
        ({"title": ""}, "title", ActionTitleRequired),
        ({"title": "   "}, "title", ActionTitleRequired),
        ({"title": "x" * 201}, "title", ActionTitleTooLong),
        ({"owner": "y" * 101}, "owner", ActionOwnerTooLong),
        ({"note": "z" * 2001}, "note", ActionNoteTooLong),
        ({"practice": "no_such_practice"}, "practice", UnknownPractice),
        ({"practice": "p" * 5000}, "practice", UnknownPractice),
        ({"status": "finished"}, "status", InvalidActionStatus),
        *[({"due_on": bad}, "due_on", InvalidDueDate) for bad in BAD_DATES],
    ],
)
def test_a_wrong_value_is_refused_with_a_message_in_the_visitors_language(
    app, client, round_, lang, fields, field, error
):
    token = submitted(client)
    client.get(plan_url(token, lang))  # the language is remembered in a cookie
    reply = add(client, token, **fields)
    assert reply.status_code == 400
    message = gettext(lang, error.message)
    assert message in reply.text and f'<html lang="{lang}">' in reply.text
    assert f'href="#new-{field}"' in reply.text and f'id="new-{field}-error"' in reply.text
    assert actions_in(app) == [] and audits(app) == []


def test_the_date_message_reads_as_asked(app, client, round_):
    token = submitted(client)
    client.get(plan_url(token, "en"))
    reply = add(client, token, due_on="2026-02-30")
    assert "Enter a date such as 2026-03-31." in reply.text


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_wrong_update_keeps_the_typed_values_beside_the_message(app, client, round_, lang):
    token = submitted(client)
    client.get(plan_url(token, lang))
    add(client, token, title="古い題名")
    [action] = actions_in(app)
    reply = change(client, token, action.id, title="新しい題名", owner="佐藤", due_on="２０２６-０３-３１")
    assert reply.status_code == 400
    assert gettext(lang, InvalidDueDate.message) in reply.text
    assert f'href="#a{action.id}-due_on"' in reply.text
    assert 'value="新しい題名"' in reply.text and 'value="佐藤"' in reply.text
    assert '<details class="action-edit" open>' in reply.text
    [unchanged] = actions_in(app)
    assert unchanged.title == "古い題名" and unchanged.owner == ""
    assert [e.action for e in audits(app)] == ["action.create"]


def test_dates_inside_the_range_and_empty_are_taken():
    assert parse_due_date("") is None and parse_due_date("  ") is None
    assert parse_due_date("2000-01-01") == date(2000, 1, 1)
    assert parse_due_date("2100-12-31") == date(2100, 12, 31)
    assert parse_due_date("2028-02-29") == date(2028, 2, 29)
    for bad in BAD_DATES + ["2027-02-29", "0000-00-00", "+2026-03-31", "2026-03-31x", "\x00"]:
        with pytest.raises(InvalidDueDate):
            parse_due_date(bad)


def test_check_action_reports_every_wrong_field_at_once(app):
    catalogue = definitions_of(app).practices
    with pytest.raises(FormInvalid) as caught:
        check_action(
            ActionForm(title="", practice="nope", owner="o" * 101, due_on="2026-02-30", status="x", note=""),
            catalogue,
        )
    assert caught.value.errors == {
        "title": "action_title",
        "owner": "action_owner_long",
        "practice": "action_practice",
        "due_on": "action_due",
        "status": "action_status",
    }
    clean = check_action(ActionForm(title="LED", practice="", due_on="2026-03-31"), catalogue)
    assert clean.practice is None and clean.due_on == date(2026, 3, 31) and clean.status == "planned"


def test_a_link_reaches_only_its_own_companys_actions(app, client, round_):
    token_a = submitted(client, name="A社")
    token_b = submitted(client, name="B社")
    add(client, token_a, title="A社の秘密の計画")
    [action] = actions_in(app)
    page_b = client.get(plan_url(token_b))
    assert page_b.status_code == 200 and "A社の秘密の計画" not in page_b.text
    assert f"/actions/{action.id}" not in page_b.text
    reply = change(client, token_b, action.id, title="乗っ取り", status="done")
    assert reply.status_code == 404
    assert reply.headers["cache-control"] == "no-store" and "x-frame-options" in reply.headers
    assert actions_in(app)[0].title == "A社の秘密の計画" and actions_in(app)[0].status == "planned"
    assert change(client, token_a, 999_999, title="x").status_code == 404
    csrf = csrf_of(page_b.text)
    assert client.post(f"/s/no-such-token/actions/{action.id}", data={"csrf_token": csrf}).status_code == 404
    assert client.get(plan_url("no-such-token")).status_code == 404
    # An action's own address leads to it in the plan, for its company only.
    own = client.get(f"/s/{token_a}/actions/{action.id}?lang=en")
    assert (
        own.status_code == 303
        and own.headers["location"] == f"/s/{token_a}/actions?lang=en#action-{action.id}"
    )
    assert client.get(f"/s/{token_b}/actions/{action.id}").status_code == 404
    assert client.get(f"/s/{token_b}/actions/99999999999").status_code in (400, 422)
    # B's own action does not show on A's page either.
    add(client, token_b, title="B社の計画")
    page_a = client.get(plan_url(token_a))
    assert "B社の計画" not in page_a.text and "A社の秘密の計画" in page_a.text


def test_every_link_of_the_company_shows_the_whole_plan(app, client, round_):
    """A later response of the same company (another round) sees and changes the plan."""
    token = submitted(client)
    add(client, token, title="最初の計画")
    later_round = add_round(app, slug="saga-2020", name_en="Saga survey 2020", fiscal_year=2020)
    with db_of(app) as db:
        company_id = response_of(app, token).company_id
        questionnaire = definitions_of(app).registry.get("t", 1)
        _, later = start_response(db, later_round, questionnaire, "en", company_id=company_id)
    page = client.get(plan_url(later, "en"))
    assert "最初の計画" in page.text and "Saga survey 2019" in page.text  # planned in the first round
    [action] = actions_in(app)
    assert change(client, later, action.id, title="最初の計画", status="done").status_code == 303
    assert actions_in(app)[0].status == "done"


def test_drafts_plan_once_the_company_profile_is_answered(app, client, round_):
    token = start(client)
    page = client.get(plan_url(token, "en"))
    assert page.status_code == 200 and "Answer the company profile first" in page.text
    assert 'action="/s/' not in page.text.split("</aside>", 1)[1]  # no forms yet
    reply = add(client, token, title="計画")
    assert reply.status_code == 409 and gettext("en", NoCompanyYet.message) in reply.text
    assert actions_in(app) == []
    post_section(client, token, "profile", {"company_name": "下書き工房", "prefecture": "saga"})
    assert add(client, token, title="計画").status_code == 303
    assert [a.title for a in actions_in(app)] == ["計画"]
    assert "計画" in client.get(plan_url(token)).text


def test_approved_responses_keep_their_plan_open(app, client, round_):
    token = submitted(client)
    make_user(app)
    log_in(client)
    response_id = response_of(app, token).id
    page = client.get(f"/staff/responses/{response_id}")
    client.post(
        f"/staff/responses/{response_id}/action", data={"csrf_token": csrf_of(page.text), "action": "approve"}
    )
    assert response_of(app, token).status == "approved"
    assert add(client, token, title="承認後の計画").status_code == 303


def test_overdue_actions_are_marked_and_the_plan_sorts(app, client, round_):
    token = submitted(client)
    past = (today_in_japan() - timedelta(days=3)).isoformat()
    add(client, token, title="期限切れの計画", due_on=past)
    add(client, token, title="遠い計画", due_on="2099-01-01")
    yesterday = (today_in_japan() - timedelta(days=1)).isoformat()
    add(client, token, title="済んだ計画", due_on=yesterday, status="done")
    page = client.get(plan_url(token, "en"))
    assert page.text.count("badge-overdue") == 1
    overdue_card = page.text.split(f'id="action-{actions_in(app)[0].id}"')[1].split("</article>")[0]
    assert "Overdue" in overdue_card
    newest = text_of(page.text)
    assert newest.index("済んだ計画") < newest.index("遠い計画") < newest.index("期限切れの計画")
    by_due = text_of(client.get(f"/s/{token}/actions?sort=due").text)
    assert by_due.index("期限切れの計画") < by_due.index("済んだ計画") < by_due.index("遠い計画")
    by_status = text_of(client.get(f"/s/{token}/actions?sort=status").text)
    assert by_status.index("期限切れの計画") < by_status.index("遠い計画") < by_status.index("済んだ計画")
    assert client.get(f"/s/{token}/actions?sort=%00nonsense").status_code in (200, 400)


# --- staff ------------------------------------------------------------------------------


def test_a_staff_comment_is_shown_to_the_company_and_audited(app, client, round_):
    token = submitted(client)
    add(client, token, title="LEDに切り替える")
    [action] = actions_in(app)
    response_id = response_of(app, token).id
    url = f"/staff/responses/{response_id}/actions/{action.id}/comment"
    page = client.get(plan_url(token))
    assert (
        client.post(url, data={"csrf_token": csrf_of(page.text), "text": "x"})
        .headers["location"]
        .startswith("/staff/login")
    )  # anonymous visitors cannot comment
    make_user(app)
    log_in(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    reply = client.post(
        url, data={"csrf_token": csrf, "text": "  補助金の締切は6月です。\n申請書をご確認ください。 "}
    )
    assert (
        reply.status_code == 303
        and reply.headers["location"] == f"/staff/responses/{response_id}#action-{action.id}"
    )
    with db_of(app) as db:
        [comment] = db.exec(select(ActionComment)).all()
    assert (
        comment.text == "補助金の締切は6月です。\n申請書をご確認ください。"
        and comment.author == "staff"  # the display name
    )
    assert [(e.actor, e.action, e.before, e.after) for e in audits(app)][-1] == (
        "staff@example.org",
        "action.comment",
        "planned",
        "planned",
    )
    client.cookies.clear()
    page = client.get(plan_url(token, "en"))
    assert "Comments from the organiser" in page.text and "補助金の締切は6月です。" in page.text

    log_in(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    empty = client.post(url, data={"csrf_token": csrf, "text": "   "})
    assert empty.status_code == 303 and f"?e={CommentMissing.code}" in empty.headers["location"]
    long = client.post(url, data={"csrf_token": csrf, "text": "あ" * 2001})
    assert "?e=action_comment_long" in long.headers["location"]
    with db_of(app) as db:
        assert len(db.exec(select(ActionComment)).all()) == 1


def test_staff_comment_only_on_the_responses_own_company(app, client, round_):
    token_a = submitted(client, name="A社")
    token_b = submitted(client, name="B社")
    add(client, token_a, title="A社の計画")
    [action] = actions_in(app)
    make_user(app)
    log_in(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    other = response_of(app, token_b).id
    reply = client.post(
        f"/staff/responses/{other}/actions/{action.id}/comment", data={"csrf_token": csrf, "text": "x"}
    )
    assert reply.status_code == 404
    missing = client.post(
        f"/staff/responses/2147483647/actions/{action.id}/comment", data={"csrf_token": csrf, "text": "x"}
    )
    assert missing.status_code == 404
    huge = client.post(
        f"/staff/responses/{other}/actions/99999999999999/comment", data={"csrf_token": csrf, "text": "x"}
    )
    assert huge.status_code in (400, 422)


def test_the_staff_partial_shows_the_plan_with_a_comment_form(app, client, round_):
    token = submitted(client)
    add(
        client,
        token,
        title="LEDに切り替える",
        owner="佐藤",
        due_on="2026-03-31",
        note="見積もりを取る",
        practice="energy_efficiency",
    )
    [action] = actions_in(app)
    response = response_of(app, token)
    context = app.state.context
    with db_of(app) as db:
        rows = plan_rows(db, response.company_id, context.definitions.practices, "en")
    from assess.templating import i18n_context

    html = context.templates.get_template("staff/_actions.html").render(
        {**i18n_context("en"), "actions": rows, "response_id": response.id, "csrf_token": lambda: "TOKEN"}
    )
    assert f'action="/staff/responses/{response.id}/actions/{action.id}/comment"' in html
    assert 'name="csrf_token" value="TOKEN"' in html and 'name="text"' in html
    for text in ("LEDに切り替える", "佐藤", "2026-03-31", "見積もりを取る", "Energy efficiency", "Planned"):
        assert text in html
    # Plain Action objects render too.
    with db_of(app) as db:
        objects = list(db.exec(select(Action)))
        html = context.templates.get_template("staff/_actions.html").render(
            {**i18n_context("ja"), "actions": objects, "response_id": response.id, "csrf_token": lambda: "T"}
        )
    assert "LEDに切り替える" in html and gettext("ja", "Planned") in html
    empty = context.templates.get_template("staff/_actions.html").render(
        {**i18n_context("en"), "actions": [], "response_id": 1, "csrf_token": lambda: "T"}
    )
    assert "has not planned any actions yet" in empty


def test_the_print_partial_lists_actions_with_status_and_due_date(app, client, round_):
    token = submitted(client)
    add(client, token, title="分別を始める", due_on="2026-03-31", practice="recycling")
    response = response_of(app, token)
    context = app.state.context
    from assess.templating import i18n_context

    with db_of(app) as db:
        rows = plan_rows(db, response.company_id, context.definitions.practices, "ja")
    template = context.templates.get_template("print/_actions.html")
    html = template.render({**i18n_context("ja"), "actions": rows})
    assert '<table class="explain">' in html
    assert "分別を始める" in html and "2026-03-31" in html and "リサイクル" in html
    assert gettext("ja", "Planned") in html
    assert template.render({**i18n_context("ja"), "actions": []}).strip() == ""


# --- later answers, due dates, the export ------------------------------------------------


def later_response(app, token: str, slug: str = "saga-2020"):
    """A response of the same company in a later round, answered and submitted."""
    round_ = add_round(
        app, slug=slug, name_ja="佐賀県調査 2020", name_en="Saga survey 2020", fiscal_year=2020
    )
    definitions = definitions_of(app)
    questionnaire = definitions.registry.get("t", 1)
    with db_of(app) as db:
        company = db.get(Company, response_of(app, token).company_id)
        response, _ = start_response(db, round_, questionnaire, "ja", company_id=company.id)
        answers = {"company_name": company.name, "energy": ["solar"], "recycle": "no"}
        save_answers(db, response, answers, response.revision, questionnaire)
        db.refresh(response)
        result = submit(db, response, questionnaire, definitions.practices, response.revision)
        db.refresh(response)
    return response, result


def test_later_answers_mark_done_and_ongoing_actions_achieved(app, client, round_):
    token = submitted(client)
    for title, practice, status in [
        ("済んだ太陽光", "renewable_energy", "done"),
        ("進行中の太陽光", "renewable_energy", "in_progress"),
        ("予定の太陽光", "renewable_energy", "planned"),
        ("断念した太陽光", "renewable_energy", "not_feasible"),
        ("済んだ分別", "recycling", "done"),
        ("独自の案", "", "done"),
    ]:
        add(client, token, title=title, practice=practice)
        change(client, token, actions_in(app)[-1].id, title=title, practice=practice, status=status)
    later, result = later_response(app, token)
    shown = shown_practices(result)
    assert "renewable_energy" in shown and "recycling" not in shown
    # Submitting the later response marked them (services.responses.submit).
    by_title = {a.title: a for a in actions_in(app)}
    assert {t for t, a in by_title.items() if a.achieved_in_id == later.id} == {
        "済んだ太陽光",
        "進行中の太陽光",
    }
    assert by_title["進行中の太陽光"].status == "in_progress"  # the company's own status stays
    achieved = [e for e in audits(app) if e.action == "action.achieved"]
    assert {(e.actor, e.object_id, e.before, e.after) for e in achieved} == {
        ("system", by_title["済んだ太陽光"].id, "done", "done"),
        ("system", by_title["進行中の太陽光"].id, "in_progress", "in_progress"),
    }
    with db_of(app) as db:
        assert mark_achieved(db, later, shown) == []  # once only
        # The response's own actions never count: planned on it, evidenced by it.
        first = db.get(Response, response_of(app, token).id)
        assert mark_achieved(db, first, {"renewable_energy", "recycling"}) == []
    page = client.get(plan_url(token, "en"))
    assert (
        page.text.count("badge-achieved") == 2
        and "Your answers to Saga survey 2020 show this practice." in page.text
    )
    # A resubmission that no longer shows the practice takes the mark back.
    with db_of(app) as db:
        assert mark_achieved(db, later, {"recycling"}) == [by_title["済んだ分別"].id]
    by_title = {a.title: a for a in actions_in(app)}
    assert (
        by_title["済んだ太陽光"].achieved_in_id is None and by_title["済んだ分別"].achieved_in_id == later.id
    )
    assert [e.action for e in audits(app)].count("action.not_achieved") == 2


def test_mark_achieved_writes_into_the_callers_transaction(app, client, round_):
    from assess.db import write_transaction

    token = submitted(client)
    add(client, token, title="済んだ太陽光", practice="renewable_energy")
    change(
        client, token, actions_in(app)[0].id, title="済んだ太陽光", practice="renewable_energy", status="done"
    )
    later, result = later_response(app, token)
    assert actions_in(app)[0].achieved_in_id == later.id  # marked by the submission itself
    with db_of(app) as db, write_transaction(db):
        assert mark_achieved(db, later, set(), own_transaction=False) == []  # unmarked ...
        assert len(mark_achieved(db, later, shown_practices(result), own_transaction=False)) == 1
    assert actions_in(app)[0].achieved_in_id == later.id


def test_actions_due_lists_open_actions_due_soon_or_overdue(app, client, round_):
    today = date(2026, 3, 1)
    token_a = submitted(client, name="A社")
    token_b = submitted(client, name="B社")
    add(client, token_a, title="期限切れ", due_on="2026-02-20")
    add(client, token_a, title="もうすぐ", due_on="2026-03-10", status="in_progress")
    add(client, token_b, title="今日", due_on="2026-03-01")
    add(client, token_b, title="まだ先", due_on="2026-05-01")
    add(client, token_b, title="期限なし")
    add(client, token_b, title="済んだ", due_on="2026-02-01")
    change(client, token_b, actions_in(app)[-1].id, title="済んだ", due_on="2026-02-01", status="done")
    with db_of(app) as db:
        due = actions_due(db, today, 14)
        assert [(d.company_name, d.title, d.due_on, d.status, d.overdue, d.days_left) for d in due] == [
            ("A社", "期限切れ", date(2026, 2, 20), "planned", True, -9),
            ("B社", "今日", date(2026, 3, 1), "planned", False, 0),
            ("A社", "もうすぐ", date(2026, 3, 10), "in_progress", False, 9),
        ]
        assert due[0].response_id == response_of(app, token_a).id
        assert [d.title for d in actions_due(db, today, 0)] == ["期限切れ", "今日"]
        assert len(actions_due(db, today, 10**12)) == 4  # no overflow: at most ten years ahead
        assert len(actions_due(db, today, -5)) == 2
        assert len(actions_due(db, today, 14, limit=1)) == 1


def test_the_round_export_lists_every_action_and_neutralises_formulas(app, client, round_):
    token = submitted(client, name='=HYPERLINK("http://evil")')
    add(
        client,
        token,
        title="=1+1",
        practice="renewable_energy",
        owner="@owner",
        due_on="2026-03-31",
        note="-note",
    )
    add(client, token, title="独自の案")
    first, own = actions_in(app)
    change(
        client,
        token,
        first.id,
        title="=1+1",
        practice="renewable_energy",
        owner="@owner",
        due_on="2026-03-31",
        note="-note",
        status="done",
    )
    later, result = later_response(app, token)
    with db_of(app) as db:
        mark_achieved(db, later, shown_practices(result))
    make_user(app)
    log_in(client)
    reply = client.get(f"/staff/rounds/{round_.id}/actions.csv?lang=en")
    assert reply.status_code == 200 and reply.headers["content-type"].startswith("text/csv")
    assert (
        reply.headers["cache-control"] == "no-store" and "attachment" in reply.headers["content-disposition"]
    )
    rows = list(csv.reader(io.StringIO(reply.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Company",
        "Round",
        "Action",
        "Next step",
        "Person in charge",
        "Due date",
        "Status",
        "Achieved in",
        "Note",
        "Staff comments",
    ]
    assert rows[1] == [
        '\'=HYPERLINK("http://evil")',
        "Saga survey 2019",
        "'=1+1",
        "Renewable energy",
        "'@owner",
        "2026-03-31",
        "Done",
        "Saga survey 2020",
        "'-note",
        "0",
    ]
    assert rows[2][2:8] == ["独自の案", "", "", "", "Planned", ""]
    ja = client.get(f"/staff/rounds/{round_.id}/actions.csv?lang=ja").content.decode("utf-8-sig")
    assert gettext("ja", "Company") in ja and gettext("ja", "Done") in ja and "佐賀県調査 2019" in ja

    book = load_workbook(io.BytesIO(client.get(f"/staff/rounds/{round_.id}/actions.xlsx?lang=en").content))
    sheet = book.active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Company" and values[1][0] == '\'=HYPERLINK("http://evil")'
    assert values[1][2] == "'=1+1" and values[1][5].date() == date(2026, 3, 31)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)  # no formula cells
    # The later round's export names the same company's actions too.
    with db_of(app) as db:
        assert len(actions_of_round(db, later.round_id)) == 2
    assert [e.action for e in audits(app, "round")] == [
        "round.export_actions_csv",
        "round.export_actions_csv",
        "round.export_actions_xlsx",
    ]
    assert client.get(f"/staff/rounds/{round_.id}/actions.doc").status_code == 404
    assert client.get("/staff/rounds/2147483647/actions.csv").status_code == 404
    client.cookies.clear()
    assert client.get(f"/staff/rounds/{round_.id}/actions.csv").headers["location"].startswith("/staff/login")


def test_the_export_of_a_round_without_actions_has_the_header_only(app, client, round_):
    make_user(app)
    log_in(client)
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/staff/rounds/{round_.id}/actions.csv").content.decode("utf-8-sig"))
        )
    )
    assert len(rows) == 1


def test_services_refuse_a_response_without_company(app, round_, client):
    token = start(client)
    catalogue = definitions_of(app).practices
    with db_of(app) as db:
        response = db.get(Response, response_of(app, token).id)
        with pytest.raises(NoCompanyYet):
            create_action(db, response, catalogue, ActionForm(title="x"))
        assert mark_achieved(db, response, {"recycling"}) == []
        assert plan_rows(db, None, catalogue, "ja") == []


def test_an_unchanged_update_writes_nothing(app, client, round_):
    token = submitted(client)
    add(client, token, title="同じ", due_on="2026-03-31")
    catalogue = definitions_of(app).practices
    with db_of(app) as db:
        action = db.exec(select(Action)).one()
        update_action(db, action, catalogue, ActionForm.of(action))
    assert [e.action for e in audits(app)] == ["action.create"]


# --- garbage --------------------------------------------------------------------------------

FIELDS = ["title", "practice", "owner", "due_on", "status", "note", "text", "csrf_token", "sort"]
GARBAGE = [
    "99999999999999999999",
    "9" * 4301,
    "-1",
    "2147483648",
    "١٢",
    "²",
    "\x00",
    "a\x00b",
    "\ud800",
    "\x1b[31m",
    "=cmd|' /C calc'!A0",
    "' OR 1=1 --",
    "２０２６-０３-３１",
    "2026-02-30",
    "99999-01-01",
    "",
    " ",
    "energy_efficiency",
    "done",
    "x" * 100_000,
]
value = st.one_of(st.sampled_from(GARBAGE), st.text(max_size=30))
form = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(min_size=1, max_size=8)),
    st.lists(value, min_size=1, max_size=3),
    max_size=7,
)


def encode(fields: dict) -> bytes:
    pairs = [
        f"{quote_plus(k, errors='surrogatepass')}={quote_plus(v, errors='surrogatepass')}"
        for k, items in fields.items()
        for v in items
    ]
    return "&".join(pairs).encode("ascii")


def test_no_garbage_is_a_server_error(app, client, round_):
    token_a = submitted(client, name="A社")
    token_b = submitted(client, name="B社")
    draft = start(client)
    add(client, token_a, title="A")
    make_user(app)
    log_in(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    ids = ["1", "2", "3", "0", "2147483648", "9" * 30, "-1", "%00"]
    paths = [
        "/s/{token}/actions",
        "/s/{token}/actions/{action_id}",
        "/staff/responses/{action_id}/actions/{action_id}/comment",
    ]
    seen: set[int] = set()

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        path=st.sampled_from(paths),
        token=st.sampled_from([token_a, token_b, draft, "no-such-token"]),
        ident=st.sampled_from(ids),
        fields=form,
    )
    def call(path, token, ident, fields):
        url = path.replace("{token}", token).replace("{action_id}", ident)
        body = encode({**fields, "csrf_token": [csrf]})
        reply = client.post(url, content=body, headers={"content-type": "application/x-www-form-urlencoded"})
        seen.add(reply.status_code)
        assert reply.status_code < 500, (url, list(fields), reply.status_code)
        asked = {k: [x[:200] for x in v] for k, v in fields.items() if k in ("sort", "practice", "n")}
        query = encode(asked)
        assert client.get(f"/s/{token}/actions?{query.decode()}").status_code < 500

    call()
    assert seen & {303} and seen & {400} and seen & {404}, seen


def test_the_company_chooses_whether_its_case_study_shows_the_plan(app, client, round_):
    from assess.services.actions import published_plan

    token = submitted(client)
    add(client, token, title="太陽光パネルを載せる", practice="renewable_energy", owner="山田 花子")
    add(client, token, title="断念した案")
    change(client, token, actions_in(app)[-1].id, title="断念した案", status="not_feasible")
    definitions = definitions_of(app)

    def shown():
        with db_of(app) as db:
            company = db.get(Company, response_of(app, token).company_id)
            return published_plan(db, company, definitions.practices, "ja")

    assert shown() == []  # not without the company's consent
    page = client.get(plan_url(token))
    reply = client.post(
        f"/s/{token}/actions/publish", data={"csrf_token": csrf_of(page.text), "published": "yes"}
    )
    assert reply.status_code == 303 and reply.headers["location"].endswith("?n=consent#publish")
    assert [(a["title"], a["status"]) for a in shown()] == [("太陽光パネルを載せる", "planned")]
    assert "山田" not in str(shown())  # never the person in charge
    assert "checked" in client.get(plan_url(token)).text.split('id="published"')[1][:40]
    client.post(f"/s/{token}/actions/publish", data={"csrf_token": csrf_of(page.text)})  # withdrawn
    assert shown() == []
    consent = [e for e in audits(app, "company") if e.action == "action_plan.publish"]
    assert [(e.before, e.after) for e in consent] == [("False", "True"), ("True", "False")]
