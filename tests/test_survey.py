"""The respondent's side over HTTP: start, answer, save and resume, submit."""

import pytest
from sqlmodel import select

from assess.models import Answer, Company, QuestionnaireVersion, Response, ResponseScore
from assess.services.invitations import create_invitation
from assess.services.tokens import hash_token
from tests.helpers import (
    ENV,
    PROFILE,
    add_round,
    csrf_of,
    db_of,
    post_section,
    response_of,
    revision_of,
    start,
)


def answers_in_db(app, token):
    with db_of(app) as db:
        response = db.exec(select(Response).where(Response.token_hash == hash_token(token))).one()
        return {
            a.question_id: a.value for a in db.exec(select(Answer).where(Answer.response_id == response.id))
        }


def test_start_page_explains_the_survey(client, round_):
    page = client.get("/r/saga-2019")
    assert page.status_code == 200
    for text in ("佐賀県調査 2019", "テスト支援機構", "約5分", "回答の使われ方", "個人情報"):
        assert text in page.text
    english = client.get("/r/saga-2019?lang=en").text
    assert "Test Support Org" in english and "How your answers are used" in english and "Privacy" in english
    assert client.get("/r/no-such-round").status_code == 404


def test_starting_creates_a_draft_with_a_private_link(client, app, round_):
    token = start(client)
    assert len(token) >= 32  # 24 random bytes, 192 bits
    welcome = client.get(f"/s/{token}/welcome")
    assert f"/s/{token}" in welcome.text and "このリンクを保存して" in welcome.text
    response = response_of(app, token)
    assert response.status == "draft" and response.token_hash == hash_token(token)
    assert token not in str(response.model_dump())
    assert welcome.headers["cache-control"] == "no-store"
    with db_of(app) as db:
        assert db.exec(select(QuestionnaireVersion)).one().locked


def test_section_pages_show_progress_and_the_link(client, round_):
    token = start(client)
    page = client.get(f"/s/{token}/p/profile")
    assert "3セクション中1" in page.text and 'value="http://testserver/s/' + token in page.text
    assert '<label for="f-company_name"' in page.text
    env = client.get(f"/s/{token}/p/env?lang=en")
    assert "Section 2 of 3" in env.text and "<fieldset" in env.text and "<legend>" in env.text


def test_next_saves_and_moves_on(client, app, round_):
    token = start(client)
    done = post_section(client, token, "profile", PROFILE)
    assert done.status_code == 303 and done.headers["location"] == f"/s/{token}/p/env"
    assert answers_in_db(app, token) == {"company_name": "有田テスト陶業株式会社", "prefecture": "saga"}
    with db_of(app) as db:
        company = db.exec(select(Company)).one()
        assert (company.name, company.prefecture) == ("有田テスト陶業株式会社", "saga")


def test_back_and_save_for_later_are_not_blocked_by_required_questions(client, round_):
    token = start(client)
    back = post_section(client, token, "env", {}, action="back")
    assert back.headers["location"] == f"/s/{token}/p/profile"
    saved = post_section(client, token, "profile", {"company_name": "X"}, action="save")
    assert saved.headers["location"] == f"/s/{token}/p/profile?n=saved"
    assert "保存しました" in client.get(saved.headers["location"]).text


def test_validation_error_keeps_everything_and_saves_valid_answers(client, app, round_):
    token = start(client)
    page = post_section(client, token, "env", {"energy": ["led"], "staff": "lots", "recycle": "yes"})
    assert page.status_code == 200
    html = page.text
    assert 'class="error-summary"' in html and 'href="#q-staff"' in html
    assert 'id="err-staff"' in html and 'aria-describedby="err-staff" aria-invalid="true"' in html
    assert 'value="lots"' in html  # what was typed is shown again
    assert answers_in_db(app, token) == {"energy": ["led"], "recycle": "yes"}
    fixed = post_section(
        client,
        token,
        "env",
        {"energy": ["led"], "staff": "12", "recycle": "yes", "rating": "4"},
        page_html=html,
    )
    assert fixed.status_code == 303
    assert answers_in_db(app, token)["staff"] == 12


def test_required_error_in_english(client, round_):
    token = start(client)
    client.get("/?lang=en")  # the language choice is remembered in a cookie
    page = post_section(client, token, "profile", {"company_name": ""})
    assert "This question is required." in page.text


def test_resume_goes_to_the_first_unfinished_section(client, round_):
    token = start(client)
    assert client.get(f"/s/{token}").headers["location"] == f"/s/{token}/p/profile"
    post_section(client, token, "profile", PROFILE)
    assert client.get(f"/s/{token}").headers["location"] == f"/s/{token}/p/env"
    post_section(client, token, "env", ENV)
    assert client.get(f"/s/{token}").headers["location"] == f"/s/{token}/review"


def test_two_tabs_do_not_silently_overwrite(client, app, round_):
    token = start(client)
    tab1 = client.get(f"/s/{token}/p/env").text
    tab2 = client.get(f"/s/{token}/p/env").text
    assert post_section(client, token, "env", {**ENV, "staff": "20"}, page_html=tab1).status_code == 303
    late = post_section(client, token, "env", {**ENV, "staff": "30"}, page_html=tab2)
    assert late.status_code == 409
    assert "保存されていません" in late.text
    assert 'value="30"' in late.text  # what this tab typed is still there
    assert "20" in late.text.split('class="conflict-note"')[1].split("</p>")[0]  # what the other tab saved
    assert answers_in_db(app, token)["staff"] == 20
    again = post_section(client, token, "env", {**ENV, "staff": "30"}, page_html=late.text)
    assert again.status_code == 303 and answers_in_db(app, token)["staff"] == 30


def test_javascript_free_reveal_returns_to_the_page(client, round_):
    token = start(client)
    page = client.get(f"/s/{token}/p/env").text
    assert 'id="q-rating"' in page and 'data-question="rating"' in page
    done = post_section(
        client, token, "env", {"energy": ["led"], "staff": "15", "recycle": "yes"}, page_html=page
    )
    assert done.headers["location"] == f"/s/{token}/p/env?n=more#q-rating"


def test_review_marks_missing_and_submit_is_refused(client, app, round_):
    token = start(client)
    review = client.get(f"/s/{token}/review")
    assert review.text.count("必須：まだ回答されていません") == 3  # company name, energy, recycle
    refused = client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )
    assert refused.headers["location"] == f"/s/{token}/review?n=missing"
    assert response_of(app, token).status == "draft"


def complete(client, token):
    post_section(client, token, "profile", PROFILE)
    post_section(client, token, "env", ENV)
    post_section(client, token, "narrative", {"motto": "地域とともに", "story": "祭りに参加"})
    review = client.get(f"/s/{token}/review")
    return client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )


def test_submit_locks_scores_and_shows_results(client, app, round_):
    token = start(client)
    done = complete(client, token)
    assert done.headers["location"] == f"/s/{token}/results"
    response = response_of(app, token)
    assert response.status == "submitted" and response.submitted_at is not None
    assert (
        response.overall_score == pytest.approx(70.8333, abs=1e-3) and response.overall_level == "developing"
    )
    with db_of(app) as db:
        cached = {
            (s.kind, s.key): s.value
            for s in db.exec(select(ResponseScore).where(ResponseScore.response_id == response.id))
        }
    assert cached[("area", "env")] == pytest.approx(70.8333, abs=1e-3) and cached[("goal", "7")] == 1.0
    # locked: the section page and further saves lead to the results
    assert client.get(f"/s/{token}/p/env").headers["location"] == f"/s/{token}/results"
    form_page = client.get("/r/saga-2019").text
    later = client.post(
        f"/s/{token}/p/env", data={"csrf_token": csrf_of(form_page), "revision": "99", "staff": "99"}
    )
    assert later.headers["location"] == f"/s/{token}/results"
    assert answers_in_db(app, token)["staff"] == 12
    assert client.get(f"/s/{token}").headers["location"] == f"/s/{token}/results"


def test_results_page(client, round_):
    token = start(client)
    complete(client, token)
    page = client.get(f"/s/{token}/results?lang=en").text
    assert "Overall score" in page and "70.8" in page and "Developing" in page
    assert page.count("<svg") >= 2 and page.count('fill="#') >= 17
    assert "Target 12.5" in page and "reduce waste generation" in page  # official target text
    assert "Recycling" in page and "It reduces waste." in page  # answer -> practice -> rationale
    assert "Consider solar panels." in page  # an opportunity with its suggestion
    assert "How each point was earned" in page and "<details" in page
    # LED lighting and recycling are everyday practices: no signature goal yet, and it says so
    assert "Nothing stands out yet" in page and 'class="signatures"' not in page
    assert "shows your submitted answers and your results" in page


def test_results_name_the_signature_goals_with_a_reason(client, round_):
    token = start(client)
    post_section(client, token, "profile", PROFILE)
    post_section(client, token, "env", {**ENV, "energy": ["led", "solar"]})
    post_section(client, token, "narrative", {"motto": "地域とともに", "story": "祭りに参加"})
    review = client.get(f"/s/{token}/review")
    client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )
    page = client.get(f"/s/{token}/results?lang=en").text
    assert (
        "Goal 7 stands out for you because of renewable energy, which is less common among companies." in page
    )
    assert "Nothing stands out yet" not in page
    ja = client.get(f"/s/{token}/results?lang=ja").text
    assert "ゴール7が貴社の特徴となっているのは、再エネに取り組んでいるからです。" in ja


def test_invitation_links(client, app, round_):
    with db_of(app) as db:
        company = Company(name="多摩テスト金属株式会社")
        db.add(company)
        db.commit()
        db.refresh(company)
        token = create_invitation(db, round_, company, app.state.context.secret)
    page = client.get(f"/i/{token}")
    assert "多摩テスト金属株式会社" in page.text
    started = client.post(f"/i/{token}/start", data={"csrf_token": csrf_of(page.text)})
    assert started.headers["location"] == f"/s/{token}/welcome"
    assert response_of(app, token).company_id == company.id
    assert client.get(f"/i/{token}").headers["location"] == f"/s/{token}"
    assert client.get("/i/not-a-real-token").status_code == 404


def test_invitation_only_and_closed_rounds(client, app, round_):
    token = csrf_of(client.get("/r/saga-2019").text)
    add_round(app, slug="invite-only", access="invitation")
    add_round(app, slug="closed", status="closed")
    page = client.get("/r/invite-only")
    assert "招待制" in page.text and "/r/invite-only/start" not in page.text
    assert client.post("/r/invite-only/start", data={"csrf_token": token}).status_code == 403
    closed = client.get("/r/closed")
    assert "終了しました" in closed.text
    assert client.post("/r/closed/start", data={"csrf_token": token}).status_code == 403


def test_forms_without_a_valid_csrf_token_are_refused(client, round_):
    client.get("/r/saga-2019")
    assert client.post("/r/saga-2019/start", data={}).status_code == 403
    page = client.post("/r/saga-2019/start", data={"csrf_token": "forged"})
    assert page.status_code == 403 and "有効期限" in page.text


def test_unknown_resume_link(client, round_):
    page = client.get("/s/abcdefghijklmnopqrstuvwxyz012345/p/profile")
    assert page.status_code == 404 and "Traceback" not in page.text


def test_back_is_blocked_by_an_entry_that_cannot_be_saved(client, app, round_):
    token = start(client)
    page = post_section(client, token, "env", {"staff": "lots", "recycle": "yes"}, action="back")
    assert page.status_code == 200 and 'value="lots"' in page.text
    assert "この質問は必須です" not in page.text  # only the entry that could not be saved
    assert answers_in_db(app, token) == {"recycle": "yes"}


@pytest.mark.parametrize("status", ["closed", "draft"])
def test_a_closed_round_keeps_answers_but_takes_no_more(client, app, round_, status):
    from assess.models import Round

    token = start(client)
    post_section(client, token, "profile", PROFILE)
    post_section(client, token, "env", ENV)
    page = client.get(f"/s/{token}/p/env").text  # open in the browser while staff close the round

    def set_status(value):
        with db_of(app) as db:
            row = db.get(Round, round_.id)
            row.status = value
            db.add(row)
            db.commit()

    set_status(status)
    assert client.get(f"/s/{token}/p/env").headers["location"] == f"/s/{token}/review"
    review = client.get(f"/s/{token}/review?lang=en")
    assert "This survey round is closed" in review.text and "submit-form" not in review.text
    assert "LED" in review.text  # the answers saved so far stay visible
    late = post_section(client, token, "env", {**ENV, "energy": ["solar"]}, page_html=page)
    assert late.headers["location"] == f"/s/{token}/review"
    refused = client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(page), "revision": revision_of(page)}
    )
    assert refused.headers["location"] == f"/s/{token}/review"
    assert response_of(app, token).status == "draft" and answers_in_db(app, token)["energy"] == ["led"]
    set_status("open")  # staff reopen the round: the company carries on
    assert post_section(client, token, "env", {**ENV, "energy": ["solar"]}).status_code == 303
    assert answers_in_db(app, token)["energy"] == ["solar"]
