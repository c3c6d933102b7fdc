"""What changed, in headless Chromium, on the latest questionnaire: a company submits, staff
return it, the company changes a tick box, its story and a number and submits again, and
staff see the per-question diff on the response's page. Screenshots of the section (ja and
en) go to test-output/history-diff-*.png: look at them."""

import pytest
import yaml
from playwright.sync_api import expect

from assess.services.responses import find_response, save_answers, start_response, submit
from assess.services.review import act
from tests.helpers import (
    ROOT,
    LiveServer,
    add_round,
    browser_log_in,
    browser_page,
    db_of,
    definitions_of,
    live_settings,
    make_user,
    next_page,
)

pytestmark = pytest.mark.browser

PERSONAS = yaml.safe_load((ROOT / "bench" / "personas" / "answers.yaml").read_text(encoding="utf-8"))
STORY = "地域の直売所で野菜を販売しています。"
NEW_STORY = "地域の直売所と学校給食に、有機野菜を毎週届けています。"


@pytest.fixture
def live(tmp_path, database_url):
    from assess.app import create_app

    settings = live_settings(tmp_path, database_url, "h")
    app = create_app(settings)
    round_ = add_round(
        app, slug="nagano-2025", fiscal_year=2025, questionnaire_id="community-sme", questionnaire_version=2
    )
    staff = make_user(app, "coordinator@example.org")
    definitions = definitions_of(app)
    q = definitions.registry.get("community-sme", 2)
    with db_of(app) as db:  # submitted through the services, then returned with a comment
        response, token = start_response(db, round_, q, "ja")
        answers = {**PERSONAS["p02-organic-veg"], "story": STORY}
        save_answers(db, response, answers, response.revision, q)
        db.refresh(response)
        submit(db, response, q, definitions.practices, response.revision)
        act(db, find_response(db, token), staff, "return", "女性従業員の割合をご確認ください。")
    with LiveServer(app) as server:
        server.app, server.token, server.response_id = app, token, response.id
        yield server
    app.state.context.engine.dispose()


def change_and_resubmit(page, live) -> None:
    """Through the company's own link: two more tick boxes and one less, a longer story, a number."""
    base = f"{live.url}/s/{live.token}"
    page.goto(f"{base}/p/environment?lang=ja")
    page.locator('input[name="energy_saving"][value="monitoring"]').check()
    page.locator('input[name="energy_saving"][value="efficient_equipment"]').check()
    page.locator('input[name="energy_saving"][value="led"]').uncheck()
    next_page(page)
    page.goto(f"{base}/p/stakeholders_employees")
    page.locator('input[name="women_share"]').fill("60")
    next_page(page)
    page.goto(f"{base}/p/narrative")
    page.locator('textarea[name="story"]').fill(NEW_STORY)
    next_page(page)
    page.goto(f"{base}/review")
    page.locator(".submit-form button").click()
    page.wait_for_url("**/results")


def log_in(page, live) -> None:
    browser_log_in(page, f"{live.url}/staff", "coordinator@example.org")


def test_staff_see_what_changed_since_the_previous_submission(live, browser):
    company_context, page = browser_page(browser)
    staff_context, staff = browser_page(browser)
    log_in(staff, live)
    staff.goto(f"{live.url}/staff/responses/{live.response_id}")
    expect(staff.locator("section.changes")).to_have_count(0)  # submitted once: nothing to compare

    change_and_resubmit(page, live)
    for lang in ("ja", "en"):
        staff.goto(f"{live.url}/staff/responses/{live.response_id}?lang={lang}")
        section = staff.locator("section.changes")
        expect(section).to_be_visible()
        rows = section.locator(".answer-change")
        expect(rows).to_have_count(3)
        energy = section.locator('.answer-change[data-question="energy_saving"]')
        expect(energy.locator("ins.chip")).to_have_count(2)
        expect(energy.locator("del.chip")).to_have_count(1)
        story = section.locator('.answer-change[data-question="story"] .text-diff')
        expect(story.locator("ins").first).to_be_visible()
        assert story.inner_text().replace("\n", "").startswith("地域の直売所")
        women = section.locator('.answer-change[data-question="women_share"]')
        expect(women.locator("del")).to_contain_text("50")
        expect(women.locator("ins")).to_contain_text("60")
        expect(section.locator("table.score-change")).to_be_visible()
        expect(section.locator("tr.overall .delta-up")).to_contain_text("+")  # one more practice
        assert staff.evaluate("document.documentElement.scrollWidth") <= 1100
        section.scroll_into_view_if_needed()
        section.screenshot(path=str(shot_path(f"history-diff-{lang}")))
    company_context.close()
    staff_context.close()


def shot_path(name: str):
    from tests.helpers import OUTPUT

    OUTPUT.mkdir(exist_ok=True)
    return OUTPUT / f"{name}.png"
