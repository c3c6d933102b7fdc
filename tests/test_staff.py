"""The staff workspace over HTTP: accounts, review workflow, case studies,
rounds, comparison, export and the JSON API."""

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from assess.models import AuditEvent, CaseStudy, Invitation, LoginAttempt, Response, StaffUser
from assess.services.accounts import create_api_token, find_user, issue_password_link, verify_password
from assess.services.tokens import hash_token
from tests.helpers import (
    PASSWORD,
    add_round,
    csrf_of,
    db_of,
    log_in,
    make_user,
    post_section,
    revision_of,
    submitted,
)


@pytest.fixture
def staff(app, client):
    user = make_user(app)
    assert log_in(client).status_code == 303
    return user


def response_id(app, token) -> int:
    with db_of(app) as db:
        return db.exec(select(Response.id).where(Response.token_hash == hash_token(token))).one()


def form_post(client, page_url, action_url, data):
    page = client.get(page_url)
    return client.post(action_url, data={"csrf_token": csrf_of(page.text), **data})


# --- accounts ---------------------------------------------------------------------


def test_passwords_are_argon2(app):
    user = make_user(app)
    assert user.password_hash.startswith("$argon2") and verify_password(user.password_hash, PASSWORD)


def test_staff_pages_need_login(client, round_):
    page = client.get("/staff/responses")
    assert page.status_code == 303 and page.headers["location"].startswith("/staff/login?next=")
    assert client.get("/api/rounds").status_code == 401


def test_login_sets_a_signed_expiring_cookie_and_logout_clears_it(app, client):
    make_user(app)
    done = log_in(client)
    cookie = done.headers["set-cookie"]
    assert (
        "staff_session=" in cookie
        and "HttpOnly" in cookie
        and "SameSite=lax" in cookie
        and "Max-Age=28800" in cookie
    )
    assert client.get("/staff/responses").status_code == 200
    value, jar = client.cookies["staff_session"], dict(client.cookies)
    client.cookies.clear()
    client.cookies.update(
        {**jar, "staff_session": value[:-1] + ("0" if value[-1] != "0" else "1")}
    )  # tampered
    assert client.get("/staff/responses").status_code == 303
    client.cookies.clear()
    client.cookies.update(jar)
    page = client.get("/staff/responses")
    out = client.post("/staff/logout", data={"csrf_token": csrf_of(page.text)})
    assert out.headers["location"] == "/staff/login"
    assert 'staff_session=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]


def test_wrong_password_and_throttling(app, client):
    make_user(app)
    for _ in range(5):
        assert log_in(client, password="wrong password").status_code == 401
    throttled = log_in(client)  # even the right password is refused for a while
    assert throttled.status_code == 429 and "分後" in throttled.text
    with db_of(app) as db:
        assert len(db.exec(select(LoginAttempt)).all()) == 5


def test_deactivated_account_cannot_log_in(app, client):
    user = make_user(app)
    with db_of(app) as db:
        row = db.get(StaffUser, user.id)
        row.active = False
        db.add(row)
        db.commit()
    assert log_in(client).status_code == 401


def test_one_time_password_link(app, client):
    with db_of(app) as db:
        user = make_user(app, "new@example.org")
        token = issue_password_link(db, user)
    page = client.get(f"/staff/password/{token}")
    assert page.status_code == 200 and "new@example.org" in page.text
    short = client.post(
        f"/staff/password/{token}",
        data={"csrf_token": csrf_of(page.text), "password": "short", "again": "short"},
    )
    assert short.status_code == 400
    done = client.post(
        f"/staff/password/{token}",
        data={
            "csrf_token": csrf_of(page.text),
            "password": "a new long password",
            "again": "a new long password",
        },
    )
    assert done.status_code == 303
    assert client.get(f"/staff/password/{token}").status_code == 404  # used up
    with db_of(app) as db:
        assert verify_password(find_user(db, "new@example.org").password_hash, "a new long password")


def test_admin_manages_accounts(app, client):
    make_user(app, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    added = form_post(
        client,
        "/staff/users",
        "/staff/users",
        {"email": "Colleague@Example.org", "role": "staff", "name": "同僚"},
    )
    assert added.status_code == 200 and "/staff/password/" in added.text
    with db_of(app) as db:
        colleague = find_user(db, "colleague@example.org")
    assert colleague.role == "staff" and colleague.password_hash == ""
    form_post(client, "/staff/users", f"/staff/users/{colleague.id}/active", {"active": "0"})
    with db_of(app) as db:
        assert db.get(StaffUser, colleague.id).active is False
        assert (
            db.exec(select(AuditEvent).where(AuditEvent.action == "user.deactivate")).one().actor
            == "admin@example.org"
        )


def test_staff_cannot_reach_admin_pages(client, staff):
    assert client.get("/staff/users").status_code == 403
    assert client.get("/staff/tokens").status_code == 403


# --- review workflow ------------------------------------------------------------------


def test_list_filter_sort_and_search(app, client, round_, staff):
    low = submitted(client, name="低得点商店", env={"energy": ["none"], "staff": "3", "recycle": "no"})
    high = submitted(
        client,
        name="高得点工業",
        env={"energy": ["led", "solar"], "staff": "12", "recycle": "yes", "rating": "5"},
    )
    page = client.get("/staff/responses?sort=overall&dir=desc").text
    assert page.index("高得点工業") < page.index("低得点商店")
    page = client.get("/staff/responses?sort=area:env&dir=asc").text
    assert page.index("低得点商店") < page.index("高得点工業")
    searched = client.get("/staff/responses?q=高得点").text
    assert "高得点工業" in searched and "低得点商店" not in searched
    assert "低得点商店" not in client.get("/staff/responses?level=leading").text
    assert "低得点商店" in client.get("/staff/responses?prefecture=saga&status=submitted").text
    assert response_id(app, low) and response_id(app, high)


def test_return_resubmit_approve(app, client, round_, staff):
    token = submitted(client)
    rid = response_id(app, token)
    detail = client.get(f"/staff/responses/{rid}")
    assert "有田テスト陶業株式会社" in detail.text and "<svg" in detail.text
    no_comment = client.post(
        f"/staff/responses/{rid}/action", data={"csrf_token": csrf_of(detail.text), "action": "return"}
    )
    assert no_comment.headers["location"].endswith("?e=comment")
    client.post(
        f"/staff/responses/{rid}/action", data={"csrf_token": csrf_of(detail.text), "action": "start_review"}
    )
    client.post(
        f"/staff/responses/{rid}/note",
        data={"csrf_token": csrf_of(detail.text), "note": "社内メモ：電話で確認済み"},
    )
    client.post(
        f"/staff/responses/{rid}/action",
        data={"csrf_token": csrf_of(detail.text), "action": "return", "comment": "従業員数をご確認ください"},
    )
    # the company sees the comment (never the internal note) and can edit again
    jar = dict(client.cookies)
    client.cookies.clear()
    page = client.get(f"/s/{token}/p/env")
    assert page.status_code == 200 and "従業員数をご確認ください" in page.text and "社内メモ" not in page.text
    post_section(
        client,
        token,
        "env",
        {"energy": ["led"], "staff": "14", "recycle": "yes", "rating": "3"},
        page_html=page.text,
    )
    review = client.get(f"/s/{token}/review")
    client.post(
        f"/s/{token}/submit", data={"csrf_token": csrf_of(review.text), "revision": revision_of(review.text)}
    )
    client.cookies.clear()
    client.cookies.update(jar)
    detail = client.get(f"/staff/responses/{rid}")
    assert "再提出" in detail.text and "社内メモ" in detail.text
    client.post(
        f"/staff/responses/{rid}/action", data={"csrf_token": csrf_of(detail.text), "action": "approve"}
    )
    with db_of(app) as db:
        assert db.get(Response, rid).status == "approved"
        audits = [
            (a.action, a.before, a.after)
            for a in db.exec(select(AuditEvent).where(AuditEvent.object_id == rid).order_by(AuditEvent.id))
        ]
    assert ("response.return", "in_review", "returned") in audits and (
        "response.approve",
        "submitted",
        "approved",
    ) in audits
    assert ("response.submit", "returned", "submitted") in audits


def test_case_study_needs_consent_and_keeps_answers(app, client, round_, staff):
    token = submitted(client, consent=("none",))
    rid = response_id(app, token)
    page = client.get(f"/staff/responses/{rid}")
    client.post(
        f"/staff/responses/{rid}/action", data={"csrf_token": csrf_of(page.text), "action": "approve"}
    )
    form = client.get(f"/staff/responses/{rid}/case-study")
    assert "地域とともに" in form.text  # starts from the company's words
    refused = client.post(
        f"/staff/responses/{rid}/case-study",
        data={
            "csrf_token": csrf_of(form.text),
            "motto": "編集したモットー",
            "included": "1",
            "position": "1",
        },
    )
    assert refused.status_code == 400 and "編集したモットー" in refused.text and "同意" in refused.text
    with db_of(app) as db:
        assert db.exec(select(CaseStudy)).first() is None


def test_case_study_saved_beside_the_original(app, client, round_, staff):
    token = submitted(client)
    rid = response_id(app, token)
    page = client.get(f"/staff/responses/{rid}")
    client.post(
        f"/staff/responses/{rid}/action", data={"csrf_token": csrf_of(page.text), "action": "approve"}
    )
    form = client.get(f"/staff/responses/{rid}/case-study")
    done = client.post(
        f"/staff/responses/{rid}/case-study",
        data={
            "csrf_token": csrf_of(form.text),
            "motto": "人と地域をつなぐ",
            "story": "編集済み",
            "included": "1",
            "position": "2",
        },
    )
    assert done.status_code == 303
    with db_of(app) as db:
        study = db.exec(select(CaseStudy)).one()
        assert (study.motto, study.included, study.position) == ("人と地域をつなぐ", True, 2)
    assert (
        "地域とともに" in client.get(f"/staff/responses/{rid}/case-study").text
    )  # the original stays beside


# --- rounds, comparison, export ------------------------------------------------------


def test_create_round_and_invite(app, client, staff):
    page = client.get("/staff/rounds/new")
    bad = client.post(
        "/staff/rounds/new",
        data={
            "csrf_token": csrf_of(page.text),
            "slug": "Bad Slug",
            "name_ja": "",
            "name_en": "x",
            "fiscal_year": "20x",
            "questionnaire": "t:1",
            "status": "open",
            "access": "invitation",
        },
    )
    assert bad.status_code == 400 and 'id="e-slug"' in bad.text and 'value="x"' in bad.text
    made = client.post(
        "/staff/rounds/new",
        data={
            "csrf_token": csrf_of(page.text),
            "slug": "kyoto-2025",
            "name_ja": "京都 2025",
            "name_en": "Kyoto 2025",
            "fiscal_year": "2025",
            "questionnaire": "t:1",
            "status": "open",
            "access": "invitation",
            "foreword_ja": "はじめに",
        },
    )
    url = made.headers["location"]
    detail = client.get(url)
    client.post(
        f"{url}/invite",
        data={"csrf_token": csrf_of(detail.text), "company": "京都テスト織物", "note": "社長宛て"},
    )
    upload = '会社名,メモ\n丹後テスト酒造,電話済み\n=HYPERLINK("x"),\n'.encode("cp932")
    uploaded = client.post(
        f"{url}/invite-csv",
        data={"csrf_token": csrf_of(detail.text)},
        files={"file": ("list.csv", upload, "text/csv")},
    )
    assert uploaded.status_code == 200 and "2社" in uploaded.text
    links = re.findall(r"http://testserver/i/[\w-]+", uploaded.text)
    assert len(links) == 3
    started = client.get(links[0].removeprefix("http://testserver"))
    assert "京都テスト織物" in started.text
    with db_of(app) as db:
        assert len(db.exec(select(Invitation)).all()) == 3


def test_overview_and_peer_comparison_need_five(app, client, round_, staff):
    tokens = [submitted(client, name=f"比較テスト{i}") for i in range(6)]
    overview = client.get(f"/staff/rounds/{round_.id}/overview")
    assert overview.status_code == 200 and overview.text.count("<svg") >= 4 and "比較テスト0" in overview.text
    detail = client.get(f"/staff/responses/{response_id(app, tokens[0])}").text
    assert "中央値" in detail  # five other companies in the round
    few = add_round(app, slug="small")
    lone = [submitted(client, slug="small", name=f"少数{i}") for i in range(3)]
    detail = client.get(f"/staff/responses/{response_id(app, lone[0])}").text
    assert "比較は表示していません" in detail and few.id


def test_export_csv_and_xlsx_neutralise_formulas(app, client, round_, staff):
    submitted(client, name="=cmd|' /C calc'!A0")
    csv_file = client.get(f"/staff/rounds/{round_.id}/export.csv")
    rows = list(csv.reader(io.StringIO(csv_file.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["回答", "会社"] and rows[1][1] == "'=cmd|' /C calc'!A0"
    xlsx = client.get(f"/staff/rounds/{round_.id}/export.xlsx?lang=en")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[1]]
    assert header[1] == "Company" and "SDG 7" in header and "Energy saving" in header
    assert (
        sheet.cell(2, 2).value.startswith("'=")
        and sheet.cell(2, header.index("Energy saving") + 1).value == "LED"
    )


def test_signature_goals_in_the_export_and_the_heat_map_order(app, client, round_, staff):
    solar = {"energy": ["led", "solar"], "staff": "12", "recycle": "yes", "rating": "3"}
    for i in range(2):
        submitted(client, name=f"太陽光{i}", env=solar)
    submitted(client, name="日常のみ")
    header, *rows = list(
        csv.reader(
            io.StringIO(client.get(f"/staff/rounds/{round_.id}/export.csv").content.decode("utf-8-sig"))
        )
    )
    column = header.index("特徴的なゴール")
    assert sorted(row[column] for row in rows) == ["", "7, 13", "7, 13"]  # renewable energy
    from assess.services.reporting import round_overview

    with db_of(app) as db:
        overview = round_overview(db, round_.id, ("env",), None)
    assert overview["signature_counts"] == {7: 2, 13: 2} and overview["goal_order"][:2] == [7, 13]
    assert sorted(overview["goal_order"]) == list(range(1, 18))
    assert "特徴的なゴール" in client.get(f"/staff/rounds/{round_.id}/overview").text


# --- JSON API ------------------------------------------------------------------------------


def test_api_with_session_and_tokens(app, client, round_, staff):
    rid = response_id(app, submitted(client))
    assert client.get("/api/rounds").json()[0]["slug"] == "saga-2019"
    page = client.get(f"/api/rounds/{round_.id}/responses").json()
    assert page["total"] == 1 and page["items"][0]["company_name"] == "有田テスト陶業株式会社"
    detail = client.get(f"/api/responses/{rid}").json()
    assert detail["answers"]["staff"] == 12 and {a["area"] for a in detail["areas"]} == {"env"}
    sdg = client.get(f"/api/responses/{rid}/sdg").json()
    assert {t["code"] for t in sdg["targets"]} >= {"7.3", "12.5"}
    assert sdg["signature_goals"] == []  # LED lighting and recycling: everyday practices
    goals = {g["number"]: g for g in sdg["goals"]}
    assert set(goals) == set(range(1, 18)) and not any(g["signature"] for g in goals.values())
    assert goals[12]["practices"] == ["recycling"] and goals[12]["rank"] == 2  # after 7: LED lighting
    assert goals[12]["distinctiveness"] == pytest.approx(0.152, abs=1e-3)  # log2(1 / 0.9)
    with db_of(app) as db:
        admin = make_user(app, "admin@example.org", "admin")
        token = create_api_token(db, "dashboard", admin)
    client.cookies.clear()
    assert client.get("/api/rounds").status_code == 401
    assert client.get("/api/rounds", headers={"authorization": f"Bearer {token}"}).status_code == 200
    assert client.get("/api/rounds", headers={"authorization": "Bearer asst_wrong"}).status_code == 401
    assert "/api/rounds/{round_id}/responses" in client.get("/api/openapi.json").json()["paths"]
    assert "GET /api/responses/{response_id}/sdg" in client.get("/api/docs").text


def test_the_list_names_prefectures_and_industries_in_the_reader_s_language(new_database, tmp_path):
    from datetime import UTC, datetime

    from assess.app import create_app
    from assess.models import Company
    from tests.helpers import Client, settings_for

    real = create_app(settings_for(new_database("names"), tmp_path / "data"))
    round_ = add_round(real, slug="names", questionnaire_id="community-sme", questionnaire_version=2)
    with db_of(real) as db:
        company = Company(name="名前テスト株式会社", prefecture="tokyo", industry="medical_welfare")
        db.add(company)
        db.commit()
        db.refresh(company)
        db.add(
            Response(
                round_id=round_.id,
                company_id=company.id,
                questionnaire_id="community-sme",
                questionnaire_version=2,
                content_hash="x",
                locale="ja",
                token_hash="n" * 64,
                status="submitted",
                submitted_at=datetime.now(UTC),
            )
        )
        db.commit()
    make_user(real)
    client = Client(real)
    try:
        log_in(client)
        ja = client.get("/staff/responses").text.split("<tbody>")[1]
        en = client.get("/staff/responses?lang=en").text.split("<tbody>")[1]
    finally:
        client.close()
        real.state.context.engine.dispose()
    assert "東京都" in ja and "tokyo" not in ja and "medical_welfare" not in ja
    assert "Tokyo" in en and "medical_welfare" not in en
