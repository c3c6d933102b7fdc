"""E-mail in headless Chromium, with the sender running inside the live server and a real
SMTP server: staff invite companies from a CSV with contacts and send the invitations; the
company follows the link in the message it received, answers and submits; staff return the
response and the company receives the comment. Screenshots go to test-output/."""

import csv
import io
import re
import time
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    LiveServer,
    add_round,
    browser_log_in,
    browser_page,
    free_port,
    live_settings,
    make_user,
    shot,
)
from tests.smtp import MailServer, text_of
from tests.test_programme_browser import to_review

pytestmark = pytest.mark.browser


@pytest.fixture
def mail():
    with MailServer() as server:
        yield server


@pytest.fixture
def live(tmp_path, database_url, mail):
    from assess.app import create_app

    port = free_port()
    settings = live_settings(tmp_path, database_url, "m").model_copy(
        update={
            "public_url": f"http://127.0.0.1:{port}",
            "smtp_host": "127.0.0.1",
            "smtp_port": mail.port,
            "smtp_security": "none",
            "mail_from": "唐津SDGs事務局 <sdgs@example.jp>",
        }
    )
    app = create_app(settings, mail_every=0.2)
    add_round(
        app,
        slug="karatsu-2026",
        name_ja="唐津調査 2026",
        name_en="Karatsu 2026",
        fiscal_year=2026,
        questionnaire_id="community-sme",
        questionnaire_version=2,
        organiser_ja="唐津地域支援センター",
        organiser_en="Karatsu Support Centre",
        closes_on=date.today() + timedelta(days=30),
        access="invitation",
    )
    make_user(app, "mail@example.org")
    with LiveServer(app, port) as server:
        yield server
    app.state.context.engine.dispose()


def received(mail: MailServer, count: int, timeout: float = 15):
    deadline = time.time() + timeout
    while len(mail.messages) < count and time.time() < deadline:
        time.sleep(0.05)
    assert len(mail.messages) >= count, f"the server holds {len(mail.messages)} of {count} messages"
    return mail.messages[count - 1]


def invitations_csv(tmp_path) -> str:
    rows = [
        ["会社名", "メモ", "コード", "都道府県", "担当者", "メール", "言語"],
        ["唐津みなと水産株式会社", "", "", "", "松浦 一郎", "matsuura@example.jp", "ja"],
        ["Yobuko Squid Works", "", "", "", "Emma Brown", "emma@example.com", "en"],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "invite.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return str(path)


def test_invitation_by_mail_then_a_return_with_comments(live, mail, browser, tmp_path):
    staff_context, staff = browser_page(browser)
    browser_log_in(staff, f"{live.url}/staff", "mail@example.org")
    staff.goto(f"{live.url}/staff/rounds")
    staff.locator("table a", has_text="唐津調査 2026").first.click()
    staff.locator("#inv-file").set_input_files(invitations_csv(tmp_path))
    staff.locator("form[action$='/invite-csv'] button").click()
    expect(staff.locator("#invitations + table")).to_contain_text("唐津みなと水産株式会社")
    staff.locator("a[href$='/mail']").first.click()
    staff.locator("form[action$='/mail/invitations'] button").click()
    expect(staff.locator(".notice.success")).to_be_visible()
    shot(staff, "mail-round-ja")

    first, second = received(mail, 1), received(mail, 2)
    by_address = {m["To"].addresses[0].addr_spec: m for m in (first, second)}
    japanese, english = by_address["matsuura@example.jp"], by_address["emma@example.com"]
    assert japanese["Subject"] == "【唐津地域支援センター】「唐津調査 2026」ご回答のお願い"
    assert english["Subject"].startswith("Karatsu Support Centre: please take part")
    link = re.search(rf"{live.url}/i/[\w-]+", text_of(japanese)).group(0)

    company_context, company = browser_page(browser)
    company.goto(link)
    expect(company.locator("main")).to_contain_text("唐津みなと水産株式会社")
    company.locator("form[action$='/start'] button").first.click()
    company.locator("a[href*='/p/']").first.click()
    company.wait_for_url("**/p/**")
    to_review(company)
    company.locator(".submit-form button").click()
    company.wait_for_url("**/results")
    private = company.locator("#resume-link").input_value()

    staff.goto(f"{live.url}/staff/responses")
    staff.locator("table.list a[href^='/staff/responses/']").first.click()  # the only response
    staff.locator("textarea[name=comment]").fill("従業員数の内訳を教えてください。")
    staff.locator("button[name=action][value=return]").click()
    expect(staff.locator("main")).to_contain_text("差し戻し")

    returned = received(mail, 3)
    assert returned["To"].addresses[0].addr_spec == "matsuura@example.jp"
    body = text_of(returned)
    assert "従業員数の内訳を教えてください。" in body and private in body
    company.goto(private)
    expect(company.locator("main")).to_contain_text("従業員数の内訳を教えてください。")

    staff.goto(f"{live.url}/staff/outbox")
    expect(staff.locator("table.list")).to_contain_text("matsuura@example.jp")
    shot(staff, "mail-outbox-ja")
    message = staff.locator("table.list a[href^='/staff/outbox/']").first
    message.click()
    expect(staff.locator(".mail-text")).to_contain_text("従業員数の内訳を教えてください。")
    shot(staff, "mail-message-ja")
    assert urlparse(link).path.startswith("/i/")
    company_context.close()
    staff_context.close()
