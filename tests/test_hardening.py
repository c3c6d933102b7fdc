"""The findings of the security review, one test each: no server error from huge
numbers, NUL bytes or oversized CSV fields; uploads refused with a reason and taken
all or nothing; a limit on anonymous starts."""

import pytest
from sqlmodel import select

from assess.models import Company, Invitation
from tests.helpers import add_round, csrf_of, db_of, log_in, make_user, post_section, start

HUGE = "99999999999999999999"
LONG = "9" * 4301  # past Python's limit for int() of a string


@pytest.fixture
def admin(app, client):
    make_user(app, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    return csrf_of(client.get("/staff/responses").text)


def test_a_huge_revision_on_a_save_or_a_submit_is_no_error(client, round_):
    token = start(client)
    page = client.get(f"/s/{token}/p/env").text
    for revision in (HUGE, LONG, "²", "-1"):
        saved = post_section(client, token, "env", {"revision": revision, "recycle": "yes"}, page_html=page)
        assert saved.status_code in (200, 303, 409), revision
        done = client.post(f"/s/{token}/submit", data={"csrf_token": csrf_of(page), "revision": revision})
        assert done.status_code == 303 and done.headers["location"].endswith(("?n=conflict", "?n=missing"))


@pytest.mark.parametrize(
    "url",
    [
        f"/staff/responses?round={HUGE}",
        f"/staff/responses?round={LONG}&page={LONG}",
        "/staff/responses?q=%00",
        "/staff/responses?prefecture=saga%00&industry=%01",
        f"/staff/responses?q={'x' * 10_000}",
        f"/staff/rounds/{HUGE}",
        "/staff/rounds/2147483648/overview",
    ],
)
def test_huge_numbers_and_nul_in_staff_queries(client, admin, url):
    reply = client.get(url)
    assert reply.status_code in (200, 400, 404, 422), (url, reply.status_code)
    if "%00" in url or "%01" in url:
        assert reply.status_code == 400 and "cannot be saved" in client.get(url + "&lang=en").text


@pytest.mark.parametrize(
    "field,value",
    [("fiscal_year", LONG), ("fiscal_year", "²⁰²⁵"), ("questionnaire", f"t:{LONG}"), ("slug", "a\x00b")],
)
def test_round_form_with_huge_or_strange_values(client, admin, field, value):
    form = {"slug": "kyoto-2025", "name_ja": "京都", "name_en": "Kyoto", "fiscal_year": "2025"}
    reply = client.post("/staff/rounds/new", data={"csrf_token": admin, **form, field: value})
    assert reply.status_code == 400, reply.status_code


def test_a_huge_case_study_position_is_no_error(app, client, round_, admin):
    from tests.helpers import submitted

    submitted(client)
    csrf = csrf_of(client.get("/staff/responses").text)
    reply = client.post("/staff/responses/1/case-study", data={"csrf_token": csrf, "position": LONG})
    assert reply.status_code < 500


def test_nul_in_the_login_email_and_in_names(client, admin, round_):
    client.cookies.clear()
    login = client.get("/staff/login")
    reply = client.post(
        "/staff/login",
        data={"csrf_token": csrf_of(login.text), "email": "a\x00@example.org", "password": "x"},
    )
    assert reply.status_code == 400
    log_in(client, "admin@example.org")
    csrf = csrf_of(client.get("/staff/responses").text)
    invite = client.post(
        f"/staff/rounds/{round_.id}/invite", data={"csrf_token": csrf, "company": "有田\x00窯", "note": ""}
    )
    assert invite.status_code == 400


def test_a_survey_answer_with_control_characters_is_refused_and_the_rest_kept(client, round_):
    token = start(client)
    html = client.get(f"/s/{token}/p/narrative?lang=en").text
    page = post_section(
        client, token, "narrative", {"motto": "地域と\x00ともに", "story": "祭り"}, page_html=html
    )
    assert page.status_code == 200 and "cannot be saved" in page.text
    assert 'value="地域とともに"' in page.text  # shown back without the NUL, to save again


# --- uploads ------------------------------------------------------------------------


def upload(client, round_, csrf, content: bytes):
    return client.post(
        f"/staff/rounds/{round_.id}/invite-csv?lang=en",
        data={"csrf_token": csrf},
        files={"file": ("list.csv", content, "text/csv")},
    )


def invited(app) -> list[str]:
    with db_of(app) as db:
        return list(db.exec(select(Company.name).join(Invitation, Invitation.company_id == Company.id)))


def test_a_file_over_the_limit_is_refused_naming_the_limit(app, client, round_, admin):
    big = ("株式会社テスト,メモ\n" * 120_000).encode("utf-8")  # about 3 MB: over the 2 MB of a CSV
    reply = upload(client, round_, admin, big)
    assert reply.status_code == 413 and "larger than 2 MB" in reply.text
    huge = client.post(
        f"/staff/rounds/{round_.id}/invite-csv?lang=en",
        data={"csrf_token": admin},
        files={"file": ("list.csv", b"x" * 6_000_000, "text/csv")},
    )
    assert huge.status_code == 413 and "5 MB" in huge.text
    assert invited(app) == []


@pytest.mark.parametrize(
    "content,reason",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "binary"),
        ("株式会社A\n".encode("utf-16-le"), "binary"),  # UTF-16 without its byte-order mark
        (bytes(range(256)) * 4, "binary"),
        (b"PK\x03\x04 an xlsx workbook", "binary"),
    ],
)
def test_binary_files_are_refused(app, client, round_, admin, content, reason):
    reply = upload(client, round_, admin, content)
    assert reply.status_code == 400 and "CSV" in reply.text
    assert invited(app) == []


def test_utf16_with_a_byte_order_mark_is_read(app, client, round_, admin):
    reply = upload(client, round_, admin, "会社名\n有田窯,連絡先メモ\n唐津焼工房\n".encode("utf-16"))
    assert reply.status_code == 200 and sorted(invited(app)) == ["唐津焼工房", "有田窯"]


def test_a_file_with_bad_lines_invites_nobody_and_says_which_lines(app, client, round_, admin):
    rows = [
        "株式会社A,メモ",
        ",名前のない行",
        "株式会社\x1bB",
        "株式会社C",
        "x" * 201,
        '株式会社D,"' + "y" * 200_000,
    ]
    reply = upload(client, round_, admin, "\n".join(rows).encode("utf-8"))
    page = reply.text
    assert reply.status_code == 400 and invited(app) == []
    assert "Nobody was invited: 4 lines of the file need correcting first." in page
    for line in (
        "Line 2: no company name",
        "Line 3: it contains a character",
        "Line 5: the name is longer",
        "Line 6: a field is too long",
    ):
        assert line in page, line
    ok = upload(client, round_, admin, "株式会社A,メモ\n株式会社C\n".encode())
    assert ok.status_code == 200 and sorted(invited(app)) == ["株式会社A", "株式会社C"]


def test_anonymous_starts_are_limited_per_address_and_hour(app, client, monkeypatch):
    add_round(app)
    monkeypatch.setattr(app.state.context.settings, "start_limit", 3)
    csrf = csrf_of(client.get("/r/saga-2019").text)
    codes = [client.post("/r/saga-2019/start", data={"csrf_token": csrf}).status_code for _ in range(5)]
    assert codes == [303, 303, 303, 429, 429]
    assert "try again later" in client.post("/r/saga-2019/start?lang=en", data={"csrf_token": csrf}).text
