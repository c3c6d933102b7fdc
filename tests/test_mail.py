"""E-mail: contacts, the outbox written with its events, delivery to a real SMTP server
(aiosmtpd) with retries and failures, the opt-out link, the schedule, and staff's pages."""

from __future__ import annotations

import html
import re
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import select

from assess.models import Company, Contact, DeliveryAttempt, Invitation, OutboxMessage, Response, Round
from assess.presentation.mail import compose, fill, to_html, unknown_placeholders
from assess.services.mail_events import BadReminderDays, reminder_days, run_schedule
from assess.services.mail_sender import deliver_due, write_due
from assess.services.outbox import Links, subject_of
from assess.vocab import MessageKind, MessageStatus
from tests.helpers import add_round, csrf_of, db_of, log_in, make_user
from tests.smtp import MailServer, html_of, text_of

PUBLIC = "http://assess.test"


def links_of(app) -> Links:
    return Links(PUBLIC, app.state.context.secret)


def smtp_settings(app, server: MailServer, **more):
    return app.state.context.settings.model_copy(
        update={
            "smtp_host": "127.0.0.1",
            "smtp_port": server.port,
            "smtp_security": "none",
            "mail_from": "佐賀SDGs事務局 <sdgs@example.jp>",
            "public_url": PUBLIC,
            **more,
        }
    )


def deliver(app, server, **more):
    return deliver_due(app.state.context.engine, smtp_settings(app, server, **more), links_of(app), "test")


def staff_client(app, client):
    make_user(app)
    log_in(client)
    return client


def invite(client, round_id: int, name: str, email: str, language: str = "ja", contact: str = "田中 一郎"):
    page = client.get(f"/staff/rounds/{round_id}")
    answer = client.post(
        f"/staff/rounds/{round_id}/invite",
        data={
            "csrf_token": csrf_of(page.text),
            "company": name,
            "contact_name": contact,
            "email": email,
            "contact_language": language,
        },
    )
    assert answer.status_code == 303, answer.text


def send_invitations(client, round_id: int):
    page = client.get(f"/staff/rounds/{round_id}/mail")
    answer = client.post(
        f"/staff/rounds/{round_id}/mail/invitations", data={"csrf_token": csrf_of(page.text)}
    )
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def messages(app) -> list[OutboxMessage]:
    with db_of(app) as db:
        return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def bare_response(round_, company, **fields) -> Response:
    """A response row without answers, for the schedule's tests."""
    return Response(
        round_id=round_.id,
        company_id=company.id,
        questionnaire_id="t",
        questionnaire_version=1,
        content_hash="x",
        token_hash=uuid.uuid4().hex * 2,
        **fields,
    )


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


# --- the pure parts ------------------------------------------------------------------


def test_placeholders_fill_by_name_and_unknown_ones_are_named():
    assert fill("{company} 様 {{x}}", {"company": "有田陶業"}) == "有田陶業 様 {x}"
    assert unknown_placeholders("{link} {secret} {", MessageKind.INVITATION) == ["secret", ""]
    assert unknown_placeholders("{link} {closing_date}", MessageKind.INVITATION) == []
    assert unknown_placeholders("{comment}", MessageKind.INVITATION) == ["comment"]


@given(st.text(max_size=200))
def test_html_twin_escapes_any_text(text):
    body = to_html("s", text).split("<body", 1)[1].split(">", 1)[1]
    stripped = re.sub(r"</?(p|br|a|body|html)\b[^>]*>", "", body)
    assert "<" not in stripped and ">" not in stripped
    assert "".join(html.unescape(stripped).split()) == "".join(text.split())


def test_compose_adds_the_footer_and_keeps_the_subject_on_one_line():
    composed = compose(
        "件名\n{company}", "本文 {link}", {"company": "A社", "link": "https://x.jp/i/abc"}, ["foot"]
    )
    assert composed.subject == "件名 A社"
    assert composed.text.endswith("--\nfoot\n")
    assert '<a href="https://x.jp/i/abc">' in composed.html


def test_reminder_days_are_checked():
    assert reminder_days("14, 3") == [14, 3]
    assert reminder_days("3、14") == [14, 3]
    assert reminder_days("") == []
    for bad in ("0", "121", "a", "1,2,3,4,5,6", "-3"):
        with pytest.raises(BadReminderDays):
            reminder_days(bad)


# --- invitations end to end -----------------------------------------------------------


def test_invitations_reach_the_server_in_both_languages_and_their_links_work(app, client):
    round_ = add_round(app, closes_on=date(2027, 3, 31), contact="sdgs@example.jp")
    staff_client(app, client)
    invite(client, round_.id, "有田テスト陶業株式会社", "tanaka@example.jp", "ja")
    invite(client, round_.id, "Imari Test Kiln", "jane@example.com", "en", contact="Jane Smith")
    assert messages(app) == []  # inviting writes no mail until staff send it
    location = send_invitations(client, round_.id)
    assert location.endswith("?n=2")
    assert send_invitations(client, round_.id).endswith("?n=0")  # never twice

    with MailServer() as server:
        report = deliver(app, server)
        assert report.sent == 2 and server.keys() == {m.key: 1 for m in messages(app)}
    ja, en = sorted(server.messages, key=lambda m: m["To"].addresses[0].addr_spec)[::-1]
    assert ja["Subject"] == "【テスト支援機構】「佐賀県調査 2019」ご回答のお願い"
    assert ja["To"].addresses[0].display_name == "田中 一郎"
    assert "=?utf-8?" in ja.as_string().lower()  # the header is encoded on the wire
    assert ja["Reply-To"] == "sdgs@example.jp"
    text = text_of(ja)
    assert "有田テスト陶業株式会社" in text and "2027年3月31日" in text and "テスト支援機構" in text
    assert en["Subject"] == "Test Support Org: please take part in “Saga survey 2019”"
    assert "31 March 2027" in text_of(en) and "Dear Jane Smith" in text_of(en)
    link = re.search(r"http://assess\.test/i/[\w-]+", text).group(0)
    assert link in html_of(ja)
    client.cookies.clear()
    page = client.get(path_of(link))
    assert page.status_code == 200 and "有田テスト陶業株式会社" in page.text

    opt_out = re.search(r"http://assess\.test/optout/[\w.-]+", text).group(0)
    assert ja["List-Unsubscribe"].strip() == f"<{opt_out}>"
    page = client.get(path_of(opt_out))
    assert page.status_code == 200 and "tanaka@example.jp" in page.text
    assert client.post(path_of(opt_out), data={"csrf_token": csrf_of(page.text)}).status_code == 303
    with db_of(app) as db:
        contact = db.exec(select(Contact).where(Contact.email == "tanaka@example.jp")).one()
        assert contact.opted_out_at is not None
    assert client.get(path_of(opt_out[:-3] + "abc")).status_code == 404  # a forged link


def test_a_contact_who_opted_out_receives_nothing_more(app, client):
    round_ = add_round(app)
    staff_client(app, client)
    invite(client, round_.id, "A社", "a@example.jp")
    send_invitations(client, round_.id)
    with db_of(app) as db:
        contact = db.exec(select(Contact)).one()
        from assess.services.contacts import opt_out

        opt_out(db, contact)
    assert [m.status for m in messages(app)] == [MessageStatus.CANCELLED]
    invite(client, round_.id, "A社 2", "a@example.jp")  # same address, another company: a new contact
    with MailServer() as server:
        deliver(app, server)
    assert all(m["To"].addresses[0].addr_spec == "a@example.jp" for m in server.messages)
    assert len(server.messages) == 0


def test_returned_and_approved_notices_carry_the_comment_and_the_results_link(app, client):
    round_ = add_round(app)
    staff_client(app, client)
    invite(client, round_.id, "有田テスト陶業株式会社", "tanaka@example.jp")
    with db_of(app) as db:
        invitation = db.exec(select(Invitation)).one()
    token = _start_invited(app, client, invitation)
    _submit(client, token)
    with db_of(app) as db:
        response = db.exec(select(Response)).one()
    page = client.get(f"/staff/responses/{response.id}")
    client.post(
        f"/staff/responses/{response.id}/action",
        data={
            "csrf_token": csrf_of(page.text),
            "action": "return",
            "comment": "従業員数を確認してください <b>",
        },
    )
    with MailServer() as server:
        deliver(app, server)
        [returned] = server.messages
        assert "従業員数を確認してください <b>" in text_of(returned)
        assert "&lt;b&gt;" in html_of(returned)
        assert f"http://assess.test/s/{token}" in text_of(returned)
        _submit(client, token)
        page = client.get(f"/staff/responses/{response.id}")
        client.post(
            f"/staff/responses/{response.id}/action",
            data={"csrf_token": csrf_of(page.text), "action": "approve", "comment": ""},
        )
        deliver(app, server)
        approved = server.messages[-1]
    assert f"http://assess.test/s/{token}/results" in text_of(approved)
    assert client.get(f"/s/{token}/results").status_code == 200


def _start_invited(app, client, invitation) -> str:
    from assess.services.tokens import invitation_token

    token = invitation_token(app.state.context.secret, invitation.nonce)
    page = client.get(f"/i/{token}")
    assert client.post(f"/i/{token}/start", data={"csrf_token": csrf_of(page.text)}).status_code == 303
    return token


def _submit(client, token):
    from tests.helpers import ENV, PROFILE, post_section, revision_of

    post_section(client, token, "profile", {**PROFILE, "company_name": "有田テスト陶業株式会社"})
    post_section(client, token, "env", ENV)
    post_section(client, token, "narrative", {"motto": "地域とともに", "story": "祭り", "consent": ["motto"]})
    review = client.get(f"/s/{token}/review")
    answer = client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )
    assert answer.status_code == 303, answer.text


# --- failures and retries ------------------------------------------------------------


def _queued(app, client, count: int = 1):
    round_ = add_round(app)
    staff_client(app, client)
    for i in range(count):
        invite(client, round_.id, f"会社{i}", f"c{i}@example.jp")
    send_invitations(client, round_.id)
    return round_


def test_a_busy_server_means_a_retry_later_and_every_attempt_is_recorded(app, client):
    _queued(app, client)
    with MailServer("busy") as server:
        report = deliver(app, server)
    assert report.retried == 1 and server.messages == []
    [message] = messages(app)
    assert message.status == MessageStatus.QUEUED and "451" in message.last_error
    assert message.next_attempt_at.replace(tzinfo=UTC) > datetime.now(UTC) + timedelta(seconds=50)
    with MailServer() as server:
        assert deliver(app, server).sent == 0  # not due yet
        later = datetime.now(UTC) + timedelta(minutes=2)
        report = deliver_due(
            app.state.context.engine, smtp_settings(app, server), links_of(app), "test", now=later
        )
        assert report.sent == 1 and len(server.messages) == 1
    with db_of(app) as db:
        outcomes = [
            (a.outcome, a.code) for a in db.exec(select(DeliveryAttempt).order_by(DeliveryAttempt.id))
        ]
    assert outcomes == [(MessageStatus.QUEUED, 451), (MessageStatus.SENT, 250)]
    assert messages(app)[0].queue_id == "Q1"


def test_a_permanent_refusal_fails_and_shows_beside_the_contact(app, client):
    _queued(app, client)
    with MailServer("refuse") as server:
        report = deliver(app, server)
    assert report.failed == 1
    [message] = messages(app)
    assert message.status == MessageStatus.FAILED and "550" in message.last_error
    page = client.get(f"/staff/companies/{message.company_id}")
    assert "550 5.1.1 No such user" in page.text
    outbox = client.get("/staff/outbox?status=failed")
    assert subject_of(message) in outbox.text and "{organiser}" not in outbox.text


def test_an_unreachable_server_is_retried_and_after_the_last_attempt_fails(app, client):
    _queued(app, client)
    settings = smtp_settings(app, MailServer(), smtp_port=1, mail_max_attempts=2)
    engine = app.state.context.engine
    first = deliver_due(engine, settings, links_of(app), "test")
    assert first.retried == 1 and first.errors
    later = datetime.now(UTC) + timedelta(hours=1)
    second = deliver_due(engine, settings, links_of(app), "test", now=later)
    assert second.failed == 1
    assert messages(app)[0].status == MessageStatus.FAILED


@pytest.mark.parametrize("mode", ["drop", "vanish"])
def test_a_connection_lost_after_the_message_is_never_resent_by_itself(app, client, mode):
    _queued(app, client)
    with MailServer(mode) as server:
        report = deliver(app, server)
        assert report.unconfirmed == 1
        assert deliver(app, server, mail_lease_seconds=1).total() == 0
    [message] = messages(app)
    assert message.status == MessageStatus.UNCONFIRMED
    assert len(server.messages) == (1 if mode == "vanish" else 0)
    page = client.get(f"/staff/outbox/{message.id}?lang=en")
    assert "the message may have been delivered" in page.text
    client.post(f"/staff/outbox/{message.id}/send-again", data={"csrf_token": csrf_of(page.text)})
    with MailServer() as server:
        assert deliver(app, server).sent == 1


def test_two_senders_at_once_deliver_every_message_once(tmp_path, new_database, settings):
    from assess.app import create_app
    from tests.helpers import Client

    app = create_app(settings.model_copy(update={"database_url": new_database("senders", migrated=True)}))
    client = Client(app)
    _queued(app, client, count=1)
    with db_of(app) as db:
        _bulk_messages(db, 199)
    with MailServer() as server:
        owners = [
            threading.Thread(
                target=deliver_due,
                args=(app.state.context.engine, smtp_settings(app, server), links_of(app), f"sender-{i}"),
            )
            for i in range(2)
        ]
        for t in owners:
            t.start()
        for t in owners:
            t.join()
        assert len(server.keys()) == 200 and set(server.keys().values()) == {1}
    client.close()
    app.state.context.engine.dispose()


def _bulk_messages(db, count: int) -> None:
    from assess.services.outbox import queue

    for i in range(count):
        queue(db, f"bulk:{i}", MessageKind.INVITATION, f"bulk{i}@example.jp", "ja", {"company": f"社{i}"})
    db.commit()


# --- without SMTP ------------------------------------------------------------------


def test_without_a_server_messages_wait_in_the_outbox_and_can_be_written_as_eml(app, client, tmp_path):
    _queued(app, client)
    page = client.get("/staff/outbox")
    assert (
        "ASSESS_SMTP_HOST" in page.text and "会社0" in client.get(f"/staff/outbox/{messages(app)[0].id}").text
    )
    folder = tmp_path / "eml"
    report = write_due(app.state.context.engine, app.state.context.settings, links_of(app), "cli", folder)
    assert report.sent == 1
    [path] = list(folder.glob("*.eml"))
    import email
    import email.policy

    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert "会社0" in text_of(parsed)
    assert messages(app)[0].status == MessageStatus.SENT
    assert (
        write_due(app.state.context.engine, app.state.context.settings, links_of(app), "cli", folder).sent
        == 0
    )


# --- the schedule ------------------------------------------------------------------


def _jst(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - timedelta(hours=9)


def test_reminders_go_on_their_days_only_to_companies_that_have_not_submitted(app, client):
    closes = date(2027, 3, 31)
    round_ = add_round(app, closes_on=closes, reminder_days="14, 3")
    staff_client(app, client)
    invite(client, round_.id, "A社", "a@example.jp")
    invite(client, round_.id, "B社", "b@example.jp")
    send_invitations(client, round_.id)
    with db_of(app) as db:
        for message in db.exec(select(OutboxMessage)):
            message.created_at = _jst(closes - timedelta(days=30))
            db.add(message)
        db.commit()
        assert run_schedule(db, _jst(closes - timedelta(days=20))).reminders == 0
        assert run_schedule(db, _jst(closes - timedelta(days=14))).reminders == 2
        assert run_schedule(db, _jst(closes - timedelta(days=10))).reminders == 0  # the 14-day one went
        b_company = db.exec(select(Company).where(Company.name == "B社")).one()
        invitation = db.exec(select(Invitation).where(Invitation.company_id == b_company.id)).one()
        response = bare_response(round_, b_company, status="submitted")
        db.add(response)
        db.flush()
        invitation.response_id = response.id
        db.add(invitation)
        db.commit()
        assert run_schedule(db, _jst(closes - timedelta(days=3))).reminders == 1
        assert run_schedule(db, _jst(closes + timedelta(days=1))).reminders == 0
    reminders = [m for m in messages(app) if m.kind == MessageKind.REMINDER]
    assert [m.to_email for m in reminders] == ["a@example.jp", "b@example.jp", "a@example.jp"]
    assert reminders[-1].values["days_left"] == 3


def test_a_company_invited_late_is_not_reminded_of_a_reminder_day_before_its_invitation(app, client):
    closes = date(2027, 3, 31)
    round_ = add_round(app, closes_on=closes, reminder_days="14, 3")
    staff_client(app, client)
    invite(client, round_.id, "A社", "a@example.jp")
    send_invitations(client, round_.id)
    with db_of(app) as db:
        message = db.exec(select(OutboxMessage)).one()
        message.created_at = _jst(closes - timedelta(days=5))
        db.add(message)
        db.commit()
        assert run_schedule(db, _jst(closes - timedelta(days=5), 12)).reminders == 0
        assert run_schedule(db, _jst(closes - timedelta(days=3))).reminders == 1


def test_the_staff_digest_lists_the_day_s_submissions_once(app, client):
    round_ = add_round(app)
    make_user(app)
    with db_of(app) as db:
        company = Company(name="有田テスト陶業株式会社")
        db.add(company)
        db.flush()
        morning = _jst(date(2027, 1, 10), 9)
        db.add(bare_response(round_, company, status="submitted", submitted_at=morning - timedelta(hours=12)))
        db.commit()
        assert run_schedule(db, morning - timedelta(hours=2)).digests == 0  # 07:00: too early
        assert run_schedule(db, morning).digests == 1
        assert run_schedule(db, morning).digests == 0
    [digest] = [m for m in messages(app) if m.kind == MessageKind.DIGEST]
    assert "有田テスト陶業株式会社" in digest.values["submissions"] and digest.to_email == "staff@example.org"


def test_an_action_coming_due_is_announced_once(app, client):
    from assess.models import Action

    round_ = add_round(app)
    with db_of(app) as db:
        company = Company(name="A社")
        db.add(company)
        db.flush()
        db.add(Contact(company_id=company.id, email="a@example.jp", name="A"))
        response = bare_response(round_, company)
        db.add(response)
        db.flush()
        db.add(
            Action(
                company_id=company.id,
                response_id=response.id,
                title="LED照明に交換",
                due_on=date(2027, 6, 30),
            )
        )
        db.commit()
        assert run_schedule(db, _jst(date(2027, 6, 1))).actions == 0
        assert run_schedule(db, _jst(date(2027, 6, 25))).actions == 1
        assert run_schedule(db, _jst(date(2027, 6, 26))).actions == 0
    [notice] = messages(app)
    assert notice.values["action"] == "LED照明に交換" and notice.values["due_date"] == "2027年6月30日"


# --- staff pages -------------------------------------------------------------------


def test_a_round_s_wording_is_checked_previewed_and_used(app, client):
    round_ = add_round(app)
    staff_client(app, client)
    url = f"/staff/rounds/{round_.id}/mail/invitation/ja"
    page = client.get(url)
    assert page.status_code == 200 and "{link}" in page.text
    bad = client.post(
        url, data={"csrf_token": csrf_of(page.text), "subject": "s", "body": "{secret}", "action": "save"}
    )
    assert bad.status_code == 400 and "{secret}" in bad.text
    preview = client.post(
        url,
        data={
            "csrf_token": csrf_of(page.text),
            "subject": "ご案内",
            "body": "{company} 様 {link}",
            "action": "preview",
        },
    )
    assert preview.status_code == 200 and "株式会社サンプル 様 http://127.0.0.1:8000/i/" in preview.text
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_of(page.text),
            "subject": "ご案内",
            "body": "{company} 様 {link}",
            "action": "save",
        },
    )
    assert saved.status_code == 303
    invite(client, round_.id, "A社", "a@example.jp")
    send_invitations(client, round_.id)
    [message] = messages(app)
    assert message.subject == "ご案内" and message.body.startswith("{company} 様")
    assert client.get(url).status_code == 200
    assert client.get(f"/staff/rounds/{round_.id}/mail/digest/ja").status_code == 404
    assert client.get(f"/staff/rounds/{round_.id}/mail/invitation/fr").status_code == 404


def test_invitation_csv_takes_contact_columns_and_refuses_a_bad_address(app, client):
    round_ = add_round(app)
    staff_client(app, client)
    page = client.get(f"/staff/rounds/{round_.id}")
    good = (
        "会社名,メモ,コード,都道府県,担当者,メール,言語\n"
        "A社,,,,田中,a@example.jp,ja\nB社,,,,Smith,b@example.com,en\n"
    )
    answer = client.post(
        f"/staff/rounds/{round_.id}/invite-csv",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("c.csv", good.encode("utf-8"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    with db_of(app) as db:
        contacts = {c.email: c.locale for c in db.exec(select(Contact))}
    assert contacts == {"a@example.jp": "ja", "b@example.com": "en"}
    bad = "C社,,,,田中,not-an-address,ja\n"
    answer = client.post(
        f"/staff/rounds/{round_.id}/invite-csv",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("c.csv", bad.encode("utf-8"), "text/csv")},
    )
    assert answer.status_code == 400 and "not-an-address" in answer.text


def test_staff_add_and_remove_contacts_and_the_company_gives_its_own(app, client):
    round_ = add_round(app)
    staff_client(app, client)
    invite(client, round_.id, "A社", "")
    with db_of(app) as db:
        company = db.exec(select(Company)).one()
        invitation = db.exec(select(Invitation)).one()
    page = client.get(f"/staff/companies/{company.id}")
    answer = client.post(
        f"/staff/companies/{company.id}/contacts",
        data={"csrf_token": csrf_of(page.text), "name": "山田", "email": "bad", "language": "ja"},
    )
    assert "e=email" in answer.headers["location"]
    client.post(
        f"/staff/companies/{company.id}/contacts",
        data={
            "csrf_token": csrf_of(page.text),
            "name": "山田",
            "email": "yamada@example.jp",
            "language": "ja",
        },
    )
    page = client.get(f"/staff/companies/{company.id}")
    assert "yamada@example.jp" in page.text
    with db_of(app) as db:
        contact = db.exec(select(Contact)).one()
    client.post(f"/staff/contacts/{contact.id}/remove", data={"csrf_token": csrf_of(page.text)})
    assert "yamada@example.jp" not in client.get(f"/staff/companies/{company.id}").text

    token = _start_invited(app, client, invitation)
    page = client.get(f"/s/{token}/contact")
    assert page.status_code == 200
    form = {"csrf_token": csrf_of(page.text), "name": "佐藤", "email": "sato@example.jp", "language": "en"}
    refused = client.post(f"/s/{token}/contact", data=form)
    assert refused.status_code == 400  # no consent
    assert client.post(f"/s/{token}/contact", data={**form, "consent": "yes"}).status_code == 303
    with db_of(app) as db:
        given_contact = db.exec(select(Contact)).one()
    assert given_contact.email == "sato@example.jp" and given_contact.source == "company"


def test_round_counts_and_company_history_show_what_was_sent(app, client):
    round_ = _queued(app, client, count=2)
    with MailServer() as server:
        server.refused.add("c1@example.jp")
        deliver(app, server)
    page = client.get(f"/staff/rounds/{round_.id}/mail")
    assert page.status_code == 200
    counts = re.findall(r"<dd><a href=\"/staff/outbox\?round=\d+&amp;status=(\w+)\">(\d+)</a>", page.text)
    assert dict(counts)["sent"] == "1" and dict(counts)["failed"] == "1"


def test_merging_companies_keeps_one_contact_per_address(app, client):
    from assess.services.companies import merge_companies

    with db_of(app) as db:
        keep, other = Company(name="A"), Company(name="A")
        db.add(keep)
        db.add(other)
        db.flush()
        db.add(Contact(company_id=keep.id, email="x@example.jp"))
        db.add(Contact(company_id=other.id, email="x@example.jp", opted_out_at=datetime.now(UTC)))
        db.add(Contact(company_id=other.id, email="y@example.jp"))
        db.commit()
        merge_companies(db, keep, other, "staff@example.org")
        rows = {c.email: c.opted_out_at is not None for c in db.exec(select(Contact))}
    assert rows == {"x@example.jp": True, "y@example.jp": False}


def test_the_round_form_takes_a_reminder_schedule_and_refuses_a_bad_one(app, client):
    staff_client(app, client)
    page = client.get("/staff/rounds/new")
    assert 'value="14, 3"' in page.text  # offered for a new round
    form = {
        "csrf_token": csrf_of(page.text),
        "slug": "kyoto-2027",
        "name_ja": "京都 2027",
        "name_en": "Kyoto 2027",
        "fiscal_year": "2027",
        "questionnaire": "t:1",
        "status": "open",
        "access": "invitation",
    }
    bad = client.post("/staff/rounds/new", data={**form, "reminder_days": "7, zero"})
    assert bad.status_code == 400 and 'id="e-reminder_days"' in bad.text
    assert client.post("/staff/rounds/new", data={**form, "reminder_days": "3、14"}).status_code == 303
    with db_of(app) as db:
        assert db.exec(select(Round).where(Round.slug == "kyoto-2027")).one().reminder_days == "14, 3"


# --- what the review of the first version found ----------------------------------


def test_an_opt_out_link_never_works_for_a_later_contact(app, client):
    from assess.services.contacts import add_contact, contact_for_token, opt_out_token, remove_contact
    from assess.vocab import ContactSource

    secret = app.state.context.secret
    with db_of(app) as db:
        company = Company(name="A社")
        db.add(company)
        db.commit()
        first = add_contact(db, company, "", "old@example.jp", "ja", ContactSource.STAFF, "staff")
        token = opt_out_token(secret, first)
        remove_contact(db, first, "staff")
        second = add_contact(db, company, "", "new@example.jp", "ja", ContactSource.STAFF, "staff")
        assert second.id != first.id
        assert contact_for_token(db, secret, token) is None
        assert contact_for_token(db, secret, opt_out_token(secret, second)).email == "new@example.jp"


def test_an_address_that_opted_out_hears_nothing_from_any_company(app, client):
    from assess.services.contacts import opt_out, remove_contact
    from assess.services.errors import DomainError

    round_ = add_round(app)
    staff_client(app, client)
    invite(client, round_.id, "A社", "same@example.jp")
    invite(client, round_.id, "B社", "Same@Example.jp")
    with db_of(app) as db:
        first = db.exec(select(Contact).order_by(Contact.id)).first()
        opt_out(db, first)
        with pytest.raises(DomainError):
            remove_contact(db, first, "staff")  # kept, so that it keeps holding
    assert send_invitations(client, round_.id).endswith("?n=0")


def test_a_message_that_cannot_be_written_fails_alone(app, client):
    from assess.services.outbox import queue

    with db_of(app) as db:
        queue(db, "odd", MessageKind.DIGEST, "山田@例え.jp", "ja", {"count": 1}, to_name="山田")
        queue(db, "fine", MessageKind.DIGEST, "yamada@example.jp", "ja", {"count": 1}, to_name="山田")
        db.commit()
    with MailServer() as server:
        report = deliver(app, server)
    assert report.failed == 1 and report.sent == 1 and list(server.keys()) == ["fine"]
    statuses = {m.key: m.status for m in messages(app)}
    assert statuses == {"odd": MessageStatus.FAILED, "fine": MessageStatus.SENT}
