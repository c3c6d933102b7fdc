"""A reviewer asks for a document, the company attaches it and resubmits, the reviewer sees
what changed and downloads the file: in headless Chromium, on the real questionnaire.
Screenshots go to test-output/: look at them."""

import re

import pytest
from playwright.sync_api import expect

from assess.services.responses import save_answers, start_response, submit
from tests.helpers import (
    LiveServer,
    add_round,
    browser_log_in,
    browser_page,
    db_of,
    definitions_of,
    live_settings,
    make_user,
    shot,
)
from tests.test_results_browser import PERSONAS

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n"


@pytest.fixture
def live(tmp_path, database_url):
    from assess.app import create_app

    settings = live_settings(tmp_path, database_url, "e")
    app = create_app(settings)
    round_ = add_round(app, slug="kochi-2025", questionnaire_id="community-sme", questionnaire_version=2)
    definitions = definitions_of(app)
    q = definitions.registry.get("community-sme", 2)
    with db_of(app) as db:
        response, token = start_response(db, round_, q, "ja")
        save_answers(db, response, PERSONAS["p05-forestry"], response.revision, q)
        db.refresh(response)
        submit(db, response, q, definitions.practices, response.revision)
    make_user(app, "reviewer@example.org")
    with LiveServer(app) as server:
        server.app, server.token, server.response_id = app, token, response.id
        yield server
    app.state.context.engine.dispose()


def test_a_requested_document_is_attached_resubmitted_reviewed_and_downloaded(live, browser, tmp_path):
    staff_context, staff = browser_page(browser, downloads=True)
    browser_log_in(
        staff,
        f"{live.url}/staff/responses/{live.response_id}",
        "reviewer@example.org",
        re.compile(r".*/staff/responses/\d+$"),
    )
    staff.locator("details.document-request-choice summary").click()
    box = staff.locator("input[name=document]").first
    question = box.get_attribute("value")
    box.check()
    staff.locator("#document-note").fill("森林認証の証明書をお送りください")
    staff.locator("#comment").fill("証明書を添付のうえ、再提出してください。")
    staff.get_by_role("button", name="企業に差し戻す").click()
    expect(staff.locator("main")).to_contain_text("差し戻し")

    company_context, company = browser_page(browser, downloads=True)
    company.goto(f"{live.url}/s/{live.token}")
    expect(company.locator("main")).to_contain_text("証明書を添付のうえ")
    questionnaire = definitions_of(live.app).registry.get("community-sme", 2)
    section = questionnaire.question_index[question].section_id
    company.goto(f"{live.url}/s/{live.token}/p/{section}")
    wrapper = company.locator(f"#q-{question}")
    expect(wrapper).to_contain_text("森林認証の証明書をお送りください")
    pdf = tmp_path / "森林認証.pdf"
    pdf.write_bytes(PDF)
    wrapper.locator("input[type=file]").set_input_files(str(pdf))
    wrapper.get_by_role("button", name="添付する", exact=True).click()
    company.wait_for_url("**an=attached**")
    expect(company.locator(f"#q-{question}").get_by_role("link", name="森林認証.pdf")).to_be_visible()
    shot(company, "evidence-requested-ja")
    # A changed answer, then resubmit.
    company.goto(f"{live.url}/s/{live.token}/p/profile")
    company.locator("form.survey input[type=text]").nth(1).fill("間伐材の製材と木質チップの製造")
    company.locator("form.survey .actions button[value=save]").click()
    company.goto(f"{live.url}/s/{live.token}/review")
    company.locator(".submit-form button").click()
    company.wait_for_url("**/results")

    staff.reload()
    changes = staff.locator("section.changes")
    expect(changes).to_be_visible()
    expect(changes).to_contain_text("間伐材の製材")
    for lang in ("ja", "en"):
        staff.goto(f"{live.url}/staff/responses/{live.response_id}?lang={lang}")
        staff.locator("section.changes").screenshot(path=str(shot(staff, f"evidence-review-{lang}")))
    with staff.expect_download() as download:
        staff.get_by_role("link", name="森林認証.pdf").first.click()
    saved = tmp_path / "downloaded.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes() == PDF
    company_context.close()
    staff_context.close()
