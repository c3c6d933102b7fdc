"""Interview mode in headless Chromium: a staff member invites a company, fills in its first
pages with it, hands over the link and ends the interview; the company finishes alone and
sees which answers staff entered. Screenshots go to test-output/: look at them."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    LiveServer,
    add_round,
    browser_log_in,
    browser_page,
    fill_visible,
    live_settings,
    make_user,
    next_page,
    shot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path, database_url):
    from assess.app import create_app

    settings = live_settings(tmp_path, database_url, "i")
    app = create_app(settings)
    add_round(
        app,
        slug="fy2025",
        name_ja="佐賀調査 2025",
        name_en="Saga 2025",
        fiscal_year=2025,
        questionnaire_id="community-sme",
        questionnaire_version=2,
        closes_on=date.today() + timedelta(days=20),
    )
    make_user(app, "visitor@example.org")
    with LiveServer(app) as server:
        yield server
    app.state.context.engine.dispose()


def test_staff_interview_and_the_company_finishes_alone(live, browser):
    staff_context, staff = browser_page(browser)
    browser_log_in(staff, f"{live.url}/staff", "visitor@example.org")
    staff.goto(f"{live.url}/staff/rounds")
    staff.locator("table a", has_text="佐賀調査 2025").first.click()
    staff.locator("#inv-company").fill("多久やまびこ製麺所")
    staff.get_by_role("button", name="招待を作成").click()
    staff.get_by_role("button", name=re.compile("企業と一緒に回答する")).first.click()
    # The response starts on the first page the company has not answered.
    staff.wait_for_url("**/p/**")
    expect(staff.locator(".interview-banner")).to_contain_text("visitor@example.org")
    for lang in ("ja", "en"):
        staff.goto(f"{staff.url.split('?')[0]}?lang={lang}")
        shot(staff, f"interview-section-{lang}")
    staff.goto(f"{staff.url.split('?')[0]}?lang=ja")
    for _ in range(2):  # the first two pages with the company
        fill_visible(staff)
        next_page(staff)
    link = staff.locator("#resume-link").input_value()
    staff.get_by_role("button", name="聞き取りを終える").click()
    staff.wait_for_url("**/staff/responses/*")
    expect(staff.locator(".notice.success")).to_be_visible()

    company_context, company = browser_page(browser)
    company.goto(link)
    expect(company.locator(".interview-banner")).to_have_count(0)
    company.goto(f"{link}/p/profile")
    assert company.locator(".entered-note").count() > 3
    company.goto(link)  # continues where the interview stopped
    for _ in range(30):
        if "/review" in company.url:
            break
        fill_visible(company)
        next_page(company)
    expect(company.locator("main")).to_contain_text("実施団体のスタッフが入力")
    company.locator(".submit-form button").click()
    company.wait_for_url("**/results")

    staff.reload()
    expect(staff.locator("main")).to_contain_text("visitor@example.org")
    company_context.close()
    staff_context.close()


def test_a_paper_form_is_printed_and_entered(live, browser, tmp_path):
    """Staff print an invited company's paper form, then enter the filled-in form in interview
    mode with the date written on it."""
    from pypdf import PdfReader

    context, staff = browser_page(browser, downloads=True)
    context.set_default_timeout(20_000)  # the paper form takes a few seconds to print
    browser_log_in(staff, f"{live.url}/staff", "visitor@example.org")
    staff.goto(f"{live.url}/staff/rounds")
    staff.locator("table a", has_text="佐賀調査 2025").first.click()
    staff.locator("#inv-company").fill("嬉野ゆずり葉茶園")
    staff.get_by_role("button", name="招待を作成").click()
    row = staff.locator("#invitations + table tr", has_text="嬉野ゆずり葉茶園")
    link = row.locator("code").inner_text().strip()
    with staff.expect_download() as download:
        row.locator(".paper-form a[hreflang=ja]").click()
    pdf = tmp_path / "paper.pdf"
    download.value.save_as(pdf)
    reader = PdfReader(pdf)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "嬉野ゆずり葉茶園" in text and link in text.replace("\n", "")
    assert f"1 / {len(reader.pages)}" in text and "問1" in text

    paper_day = (date.today() - timedelta(days=2)).isoformat()
    row.locator("input[type=date]").fill(paper_day)
    row.get_by_role("button", name=re.compile("企業と一緒に回答する")).click()
    staff.wait_for_url("**/p/**")
    fill_visible(staff)
    next_page(staff)
    staff.get_by_role("button", name="聞き取りを終える").click()
    staff.wait_for_url("**/staff/responses/*")
    expect(staff.locator("main")).to_contain_text(f"{paper_day} 付けの紙の回答用紙から入力しました")
    context.close()
