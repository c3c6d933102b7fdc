"""Browser tests in headless Chromium: the whole survey as a respondent does it.

Screenshots of each page type go to test-output/ (ignored by git).
"""

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    LiveServer,
    add_round,
    axe_violations,
    browser_log_in,
    fill_visible,
    live_settings,
    shot,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def live(tmp_path, database_url):
    from assess.app import create_app

    settings = live_settings(tmp_path, database_url, "b")
    app = create_app(settings)
    add_round(app, slug="saga-2019", questionnaire_id="community-sme", questionnaire_version=1)
    with LiveServer(app) as server:
        server.app = app
        yield server
    app.state.context.engine.dispose()


def new_page(browser, width=1000, js=True):
    # bypass_csp only lets the test inject axe-core; the app's own pages need no inline script.
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=js, bypass_csp=True
    )
    context.set_default_timeout(10_000)
    return context, context.new_page()


def begin(page, live) -> None:
    """Open the round's start page, start, and go to the first section."""
    page.goto(f"{live.url}/r/saga-2019")
    page.get_by_role("button", name="回答を始める").click()
    page.get_by_role("link", name="始める").click()
    # The click only starts the navigation; wait until the section page has loaded.
    page.wait_for_url("**/p/**")
    page.wait_for_load_state()


def answer_all_sections(page, label_prefix: str | None = None, check_axe: bool = False) -> None:
    """From the first section to the review page, answering what is shown."""
    for _ in range(30):
        if "/review" in page.url:
            return
        fill_visible(page)
        if label_prefix and "/p/profile" in page.url:
            shot(page, f"{label_prefix}-section")
            if check_axe:
                assert axe_violations(page, f"{label_prefix}-section") == []
        page.locator("form.survey .actions button[value=next]").click()
        page.wait_for_load_state()
    raise AssertionError(f"did not reach the review page: {page.url}")


def submit_and_check_results(page, name: str, check_axe: bool) -> None:
    shot(page, f"{name}-review")
    if check_axe:
        assert axe_violations(page, f"{name}-review") == []
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")
    shot(page, f"{name}-results")
    if check_axe:
        assert axe_violations(page, f"{name}-results") == []


def test_complete_the_survey_in_japanese(live, browser):
    context, page = new_page(browser)
    page.goto(f"{live.url}/r/saga-2019")
    expect(page.locator("h1")).to_contain_text("サステナビリティ")
    shot(page, "ja-start")
    assert axe_violations(page, "ja-start") == []
    page.get_by_role("button", name="回答を始める").click()
    expect(page.locator("#resume-link")).to_have_value(
        f"{live.url}/s/" + page.url.split("/s/")[1].split("/")[0]
    )
    shot(page, "ja-welcome")
    page.get_by_role("link", name="始める").click()
    answer_all_sections(page, "ja", check_axe=True)
    submit_and_check_results(page, "ja", check_axe=True)
    expect(page.locator("h1")).to_have_text("診断結果")
    expect(page.locator(".big-score")).to_be_visible()
    context.close()


def test_complete_the_survey_in_english(live, browser):
    context, page = new_page(browser)
    page.goto(f"{live.url}/r/saga-2019")
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Start the survey").click()
    page.get_by_role("link", name="Begin").click()
    expect(page.locator("h1")).to_have_text("Company profile")
    answer_all_sections(page, "en")
    submit_and_check_results(page, "en", check_axe=False)
    expect(page.locator("h1")).to_have_text("Your results")
    expect(page.locator("#sdg-title")).to_be_visible()
    context.close()


def test_leave_halfway_and_resume_in_a_fresh_browser(live, browser):
    context, page = new_page(browser)
    page.goto(f"{live.url}/r/saga-2019")
    page.get_by_role("button", name="回答を始める").click()
    link = page.locator("#resume-link").input_value()
    page.get_by_role("link", name="始める").click()
    fill_visible(page)
    page.get_by_label("貴社の名称").fill("佐賀テスト窯業株式会社")
    page.locator("form.survey .actions button[value=next]").click()
    page.wait_for_load_state()
    fill_visible(page)
    page.get_by_role("button", name="保存して後で続ける").click()
    expect(page.locator(".notice.success")).to_be_visible()
    context.close()

    fresh, again = new_page(browser)
    again.goto(link)
    assert "/p/environment" in again.url  # the first section with required questions left
    again.goto(link + "/p/profile")
    expect(again.get_by_label("貴社の名称")).to_have_value("佐賀テスト窯業株式会社")
    fresh.close()


def test_validation_error_loses_nothing(live, browser):
    context, page = new_page(browser)
    begin(page, live)
    fill_visible(page)
    page.get_by_label("貴社の名称").fill("テスト商店")
    founded = page.locator("#f-founded")
    founded.fill("千九百年")
    page.locator("form.survey .actions button[value=next]").click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#err-founded")).to_be_visible()
    expect(page.locator("#f-founded")).to_have_value("千九百年")
    expect(page.get_by_label("貴社の名称")).to_have_value("テスト商店")
    shot(page, "ja-validation-error")
    assert axe_violations(page, "ja-validation-error") == []
    summary.get_by_role("link").first.click()
    assert page.url.endswith("#q-founded")
    context.close()


def test_questions_appear_live_with_javascript(live, browser):
    context, page = new_page(browser)
    begin(page, live)
    dependent = page.locator("[data-show-if]").first
    expect(dependent).to_be_hidden()
    fill_visible(page)  # answering the earlier questions shows dependent ones without a reload
    shown = page.locator("[data-show-if]:visible").count()
    assert shown >= 1
    context.close()


def test_whole_survey_without_javascript(live, browser):
    context, page = new_page(browser, js=False)
    begin(page, live)
    answer_all_sections(page, "nojs")
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")
    expect(page.locator(".big-score")).to_be_visible()
    context.close()


FOCUSED = """() => {
  const e = document.activeElement;
  const q = e.closest('[data-question]');
  return {tag: e.tagName, type: e.type || '', name: e.name || '', value: e.value || '', checked: !!e.checked,
          action: e.getAttribute('value') || '', text: e.textContent.trim(),
          question: q ? q.dataset.question : '',
          exclusive: e.hasAttribute('data-exclusive'), filled: (e.value || '') !== ''};
}"""


def keyboard_section(page) -> None:
    """Answer a section with the keyboard alone, then press Enter on "next"."""
    handled = set()
    for _ in range(400):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED)
        if f["tag"] == "BUTTON" and f["action"] == "next":
            with page.expect_navigation():
                page.keyboard.press("Enter")
            return
        key = f["question"] or f["name"]
        if not f["question"] or key in handled or f["name"].endswith(".other"):
            continue
        if f["type"] == "checkbox" and (f["exclusive"] or f["value"] == "other"):
            continue
        answer_focused(page, f)
        handled.add(key)
    raise AssertionError("never reached the Next button")


def answer_focused(page, f: dict) -> None:
    """Answer the focused field with keys: space for a choice, an arrow for a list, typing for text."""
    if f["type"] in ("radio", "checkbox"):
        if not f["checked"]:
            page.keyboard.press("Space")
    elif f["tag"] == "SELECT":
        if not f["filled"]:
            page.keyboard.press("ArrowDown")
    elif (f["type"] == "text" or f["tag"] == "TEXTAREA") and not f["filled"]:
        numeric = page.evaluate("document.activeElement.inputMode")
        page.keyboard.type("2001" if f["name"] == "founded" else ("12" if numeric else "キーボード"))


def test_the_whole_survey_with_the_keyboard_alone(live, browser):
    context, page = new_page(browser)
    page.goto(f"{live.url}/r/saga-2019")
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "回答を始める":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("link", name="始める").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for _ in range(20):
        if "/review" in page.url:
            break
        keyboard_section(page)
    assert "/review" in page.url, page.url
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "回答を提出する":
            break
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/results")
    context.close()


def test_pages_work_at_360_pixels(live, browser):
    context, page = new_page(browser, width=360)
    begin(page, live)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot(page, "ja-section-360")
    page.goto(page.url.replace("/p/profile", "/review"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_staff_review_flow(live, browser, tmp_path):
    """Log in, find a response, return it, the company resubmits, approve,
    edit the case study, export XLSX and read it back."""
    from openpyxl import load_workbook

    from tests.helpers import make_user

    make_user(live.app, "reviewer@example.org")
    company, page = new_page(browser)
    begin(page, live)
    answer_all_sections(page)
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")
    link = page.locator("#resume-link").input_value()

    staff_context, staff = new_page(browser)
    browser_log_in(staff, f"{live.url}/staff/responses", "reviewer@example.org", "**/staff/responses")
    staff.get_by_label("会社名").fill("地域とともに歩む")
    staff.get_by_role("button", name="絞り込む").click()
    staff.locator("table.list a", has_text="地域とともに歩む").first.click()
    shot(staff, "staff-response")
    assert axe_violations(staff, "staff-response") == []
    staff.get_by_label("企業へのコメント").fill("温室効果ガスの回答をご確認ください。")
    staff.get_by_role("button", name="企業に差し戻す").click()
    expect(staff.locator(".history")).to_contain_text("温室効果ガスの回答をご確認ください。")

    page.goto(link)
    expect(page.locator("#comments-title")).to_be_visible()
    expect(page.locator("main")).to_contain_text("温室効果ガスの回答をご確認ください。")
    page.goto(link + "/review")
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")

    staff.reload()
    expect(staff.locator(".history")).to_contain_text("再提出")
    staff.get_by_role("button", name="承認する").click()
    expect(staff.locator("main")).to_contain_text("承認済み")
    staff.get_by_role("link", name="冊子用の事例を編集").click()
    staff.get_by_label("モットー").fill("人と地域をつなぐものづくり")
    staff.get_by_label("この調査回の冊子に掲載する").check()
    staff.get_by_role("button", name="事例を保存").click()
    expect(staff.locator(".notice.success")).to_be_visible()
    shot(staff, "staff-case-study")

    staff.goto(f"{live.url}/staff/rounds")
    staff.locator("table a").first.click()
    with staff.expect_download() as download:
        staff.get_by_role("link", name="XLSXで出力").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    sheet = load_workbook(path).active
    assert sheet.cell(1, 2).value == "会社" and sheet.max_row == 2
    assert sheet.cell(2, 3).value == "承認済み"
    staff.goto(f"{live.url}/staff/rounds/1/overview")
    shot(staff, "staff-overview")
    company.close()
    staff_context.close()
