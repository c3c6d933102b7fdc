"""A company over two rounds in headless Chromium: it answers FY2024, is approved, plans two
actions and completes one; staff invite it to FY2025 by its company code; it confirms the
answers carried forward, changes some, submits and sees its progress; staff follow it on the
dashboard and the company page. Screenshots (ja and en) go to test-output/: look at them."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.helpers import (
    LiveServer,
    add_round,
    browser_log_in,
    browser_page,
    definitions_of,
    fill_visible,
    live_settings,
    make_user,
    next_page,
    shot,
)

pytestmark = pytest.mark.browser

CODE = "4010001099999"  # a corporate number (fictional)


@pytest.fixture
def live(tmp_path, database_url):
    from assess.app import create_app

    settings = live_settings(tmp_path, database_url, "p")
    app = create_app(settings)
    common = {"questionnaire_id": "community-sme", "questionnaire_version": 2}
    add_round(app, slug="fy2024", name_ja="佐賀調査 2024", name_en="Saga 2024", fiscal_year=2024, **common)
    add_round(
        app,
        slug="fy2025",
        name_ja="佐賀調査 2025",
        name_en="Saga 2025",
        fiscal_year=2025,
        closes_on=date.today() + timedelta(days=10),
        **common,
    )
    make_user(app, "coordinator@example.org")
    with LiveServer(app) as server:
        server.app = app
        yield server
    app.state.context.engine.dispose()


def to_review(page, change=None) -> None:
    """Page by page to the review, answering what is shown; `change(page)` may alter a page first."""
    for _ in range(30):
        if "/review" in page.url:
            return
        if change:
            change(page)
        fill_visible(page)
        next_page(page)
    raise AssertionError(f"did not reach the review page: {page.url}")


def checkbox_option(practice: str, definitions) -> tuple[str, str, str] | None:
    """(section, question, value) of a tick box, shown on every path, that shows `practice`."""
    for section in definitions.registry.get("community-sme", 2).sections:
        for q in section.questions:
            if q.type != "multiple_choice" or q.show_if is not None:
                continue
            for option in q.options:
                if practice in option.practices and not (option.exclusive or option.not_applicable):
                    return section.id, q.id, option.value
    return None


def log_in(page, live) -> None:
    browser_log_in(page, f"{live.url}/staff", "coordinator@example.org")


def answer_fy2024(page, live) -> str:
    """Start through the open round, answer and submit; returns the private link."""
    page.goto(f"{live.url}/r/fy2024")
    page.get_by_role("button", name="回答を始める").click()
    page.get_by_role("link", name="始める").click()
    page.wait_for_url("**/p/**")
    to_review(page)
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")
    return page.locator("#resume-link").input_value()


def plan_two_actions(page, link: str, definitions) -> str:
    """Plan two next steps; complete the one a tick box can show. Returns that practice."""
    page.goto(f"{link}/actions")
    steps = page.locator("a[href*='actions?practice=']")
    practices = [
        re.search(r"practice=([\w-]+)", steps.nth(i).get_attribute("href")).group(1)
        for i in range(steps.count())
    ]
    completed = next(p for p in practices if checkbox_option(p, definitions))
    other = next(p for p in practices if p != completed)
    due = (date.today() + timedelta(days=30)).isoformat()
    for practice, owner in ((completed, "山田 花子"), (other, "佐藤 健")):
        page.goto(f"{link}/actions?practice={practice}#add-form")
        assert page.locator("#new-title").input_value()  # the step's suggestion as a title
        page.locator("#new-owner").fill(owner)
        page.locator("#new-due_on").fill(due)
        page.get_by_role("button", name="計画に追加").click()
        expect(page.locator(".notice.success")).to_be_visible()
    card = page.locator(".action-card", has=page.get_by_text("山田 花子"))
    card.locator("summary").click()
    card.locator("select[name=status]").select_option("done")
    card.get_by_role("button", name="保存").click()
    expect(page.locator(".notice.success")).to_be_visible()
    expect(page.locator(".action-badge-done")).to_have_count(1)
    return completed


def approve(staff, live, name: str) -> None:
    staff.goto(f"{live.url}/staff/responses")
    staff.locator("table.list a", has_text=name).first.click()
    staff.get_by_role("button", name="承認する").click()
    expect(staff.locator("main")).to_contain_text("承認済み")


def invite_by_code(staff, live) -> str:
    """Give the company its code on its page, then invite it to FY2025 by that code."""
    staff.goto(f"{live.url}/staff/companies?q=地域")
    staff.locator("main a", has_text="地域とともに歩む").first.click()
    staff.locator("details summary").first.click()
    staff.locator("#co-code").fill(CODE)
    staff.get_by_role("button", name="保存").first.click()
    expect(staff.locator(".facts").first).to_contain_text(CODE)
    staff.goto(f"{live.url}/staff/rounds")
    staff.locator("table a", has_text="佐賀調査 2025").first.click()
    staff.locator("#inv-code").fill(CODE)
    staff.get_by_role("button", name="招待を作成").click()
    row = staff.locator("#invitations + table tr", has_text="地域とともに歩む")
    return row.locator("code").inner_text().strip()


def answer_fy2025(page, invitation: str, tick: tuple[str, str, str]) -> None:
    """Open the invitation, confirm the carried answers page by page, tick the box that shows
    the completed action's practice, change the number of employees, submit."""
    section, question, value = tick
    page.goto(f"{invitation}?lang=ja")
    page.get_by_role("button", name="回答を始める").click()
    expect(page.locator("main")).to_contain_text("2024年度")  # answers carried from FY2024
    page.get_by_role("link", name="始める").click()
    page.wait_for_url("**/p/**")
    shot(page, "programme-carried-section-ja")
    assert page.locator(".carried-note").count() > 0

    def change(p):
        if f"/p/{section}" in p.url:
            p.locator(f'input[name="{question}"][value="{value}"]').check()

    to_review(page, change)
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")


def test_a_company_over_two_rounds(live, browser):
    definitions = definitions_of(live.app)
    company_context, page = browser_page(browser)
    staff_context, staff = browser_page(browser)
    link = answer_fy2024(page, live)
    log_in(staff, live)
    approve(staff, live, "地域とともに歩む")
    completed = plan_two_actions(page, link, definitions)
    for lang in ("ja", "en"):
        page.goto(f"{link}/actions?lang={lang}")
        shot(page, f"programme-action-plan-{lang}")

    invitation = invite_by_code(staff, live)
    assert "/i/" in invitation
    answer_fy2025(page, invitation, checkbox_option(completed, definitions))
    progress = page.locator("section.your-progress")
    expect(progress).to_be_visible()
    assert progress.locator("svg").count() >= 1
    expect(progress).to_contain_text("2024")
    for lang in ("ja", "en"):
        page.goto(f"{page.url.split('?')[0]}?lang={lang}")
        progress.scroll_into_view_if_needed()
        progress.screenshot(path=str(shot_path(f"programme-progress-{lang}")))
    # The completed action is evidenced by the new answers.
    page.goto(f"{page.url.split('?')[0].removesuffix('/results')}/actions?lang=ja")
    expect(page.locator(".action-badge-achieved")).to_have_count(1)

    for lang in ("ja", "en"):
        staff.goto(f"{live.url}/staff?lang={lang}")
        shot(staff, f"programme-dashboard-{lang}")
    staff.goto(f"{live.url}/staff?lang=ja")
    stages = staff.locator(".dash-funnel", has_text="佐賀調査 2025").locator("a[data-figure]")
    # invited, started, submitted, in review, approved
    assert [stages.nth(i).get_attribute("data-figure") for i in range(5)] == ["1", "1", "1", "0", "0"]
    stages.nth(2).click()  # every figure links to its filtered list
    expect(staff.locator("table.list")).to_contain_text("地域とともに歩む")
    staff.goto(f"{live.url}/staff?lang=ja")
    waiting = staff.locator("a[href*='status=submitted']").first
    assert waiting.get_attribute("data-figure") == "1"
    staff.goto(f"{live.url}/staff/companies?q={CODE}")
    staff.locator("main a", has_text="地域とともに歩む").first.click()
    expect(staff.locator("#progress-title")).to_be_visible()
    expect(staff.locator(".staff-actions .action-card")).to_have_count(2)
    expect(staff.locator("table.list").first).to_contain_text("2025")
    shot(staff, "programme-company-ja")
    company_context.close()
    staff_context.close()


def shot_path(name: str):
    from tests.helpers import OUTPUT

    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT / f"{name}.png"
