"""`assess export` / `assess import`: the demo data survives a round trip, row for row."""

import json

import pytest
from sqlalchemy import select

from assess.backup import TABLES, BackupError, check, loads, table
from assess.db import make_engine, session
from assess.models import Response, Round

from client import Client
from demo_helpers import run, settings_for
from survey_helpers import csrf_of

pytestmark = pytest.mark.db


def rows(engine, name: str) -> list[dict]:
    t = table(name)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]


@pytest.fixture
def demo_source(monkeypatch, new_database, tmp_path):
    """The demo data, plus what only a running app makes: questionnaire versions, an API token."""
    source = settings_for(new_database("source"), tmp_path / "source")
    assert run(monkeypatch, source, "demo").exit_code == 0
    from assess.accounts import create_api_token, find_user
    from assess.demo import DEMO_EMAIL
    from assess.web.app import create_app

    application = create_app(source)  # records the questionnaire versions it loaded
    with session(application.state.engine) as db:
        create_api_token(db, "reporting", find_user(db, DEMO_EMAIL))
    application.state.engine.dispose()
    return source


@pytest.mark.parametrize("hashes", [True, False], ids=["with-password-hashes", "without"])
def test_demo_round_trip_keeps_every_row(monkeypatch, new_database, tmp_path, demo_source, hashes):
    backup = tmp_path / "backup.json"
    exported = run(monkeypatch, demo_source, "export", str(backup), *(["--with-password-hashes"] if hashes else []))
    assert exported.exit_code == 0, exported.output
    assert backup.stat().st_mode & 0o077 == 0  # personal data: owner only

    target = settings_for(new_database("target"), tmp_path / "target")
    restored = run(monkeypatch, target, "import", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "12 response" in restored.output and "5 case_study" in restored.output
    assert ("assess user link" in restored.output) is not hashes

    before, after = make_engine(demo_source.db_url), make_engine(target.db_url)
    compared = 0
    for name in TABLES:
        expected = rows(before, name)
        if not hashes and name == "staff_user":
            expected = [{**r, "password_hash": ""} for r in expected]
        if not hashes and name == "api_token":
            expected = []
        assert rows(after, name) == expected, name
        compared += len(expected)
    assert compared > 900
    before.dispose()
    after.dispose()

    # The restored installation works: staff log in (or get a link), new respondents get new ids.
    from assess.web.app import create_app

    application = create_app(target)
    client = Client(application)
    try:
        login = client.get("/staff/login")
        if not hashes:
            linked = run(monkeypatch, target, "user", "link", "demo-admin@example.org")
            assert linked.exit_code == 0 and "/staff/password/" in linked.output
        else:
            from assess.demo import DEMO_EMAIL, DEMO_PASSWORD

            done = client.post("/staff/login", data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": csrf_of(login.text)})
            assert done.status_code == 303, done.text
            assert "有田焼" in client.get("/staff/responses").text
        start = client.get("/r/saga-2019")
        started = client.post("/r/saga-2019/start", data={"csrf_token": csrf_of(start.text)})
        assert started.status_code == 303
        with session(application.state.engine) as db:
            assert len(db.exec(select(Response)).all()) == 13
    finally:
        client.close()
        application.state.engine.dispose()


def test_import_refuses_a_database_with_data(monkeypatch, tmp_path, demo_source):
    backup = tmp_path / "backup.json"
    run(monkeypatch, demo_source, "export", str(backup))
    again = run(monkeypatch, demo_source, "import", str(backup))
    assert again.exit_code == 1
    assert "the database is not empty" in again.output and "2 round" in again.output
    engine = make_engine(demo_source.db_url)
    with session(engine) as db:
        assert len(db.exec(select(Round)).all()) == 2  # nothing added, nothing lost
    engine.dispose()


def document(**tables) -> dict:
    return {"format": "assess-backup", "version": 1, "credentials": False, "tables": tables}


ROUND = {"id": 1, "slug": "saga-2019", "name_ja": "佐賀", "name_en": "Saga", "fiscal_year": 2019,
         "questionnaire_id": "community-sme", "questionnaire_version": 1, "created_at": "2019-07-01T09:00:00+09:00"}


def problems_of(doc) -> list[str]:
    with pytest.raises(BackupError) as caught:
        check("b.json", loads("b.json", json.dumps(doc)) if isinstance(doc, dict) else loads("b.json", doc))
    return caught.value.problems


def test_a_checked_row_gets_defaults_and_utc_times():
    rows_by_table = check("b.json", document(round=[ROUND]))
    restored = rows_by_table["round"][0]
    assert restored["status"] == "open" and restored["foreword_en"] == ""
    assert restored["created_at"].isoformat() == "2019-07-01T00:00:00+00:00"


def test_bad_files_name_every_problem():
    assert problems_of('{"format": "assess-backup",\n "tables": [}') == ["line 2, column 13: not valid JSON: Expecting value"]
    assert "not an assess backup" in problems_of({"tables": {}})[0]
    assert "format version 9 is not supported" in problems_of({**document(), "version": 9})[0]
    problems = problems_of(document(
        rounds=[],
        round=[{**ROUND, "slgu": "x", "fiscal_year": "2019", "created_at": "yesterday"}],
        answer=[{"id": 1, "response_id": 7, "question_id": "q", "value": ["a"]}],
    ))
    assert problems == [
        "table 'rounds' is not part of a backup (did you mean 'round'?)",
        "table 'round', row 1, column 'fiscal_year': must be a whole number",
        "table 'round', row 1, column 'created_at': 'yesterday' is not an ISO 8601 date and time",
        "table 'round', row 1: unknown column 'slgu' (did you mean 'slug'?)",
        "table 'answer', row 1, column 'response_id': no response with id 7 in the file",
    ]


def test_import_needs_the_questionnaire_the_answers_were_given_to(monkeypatch, new_database, tmp_path):
    backup = tmp_path / "b.json"
    backup.write_text(json.dumps(document(
        questionnaire_version=[{"questionnaire_id": "community-sme", "version": 1, "content_hash": "0" * 64, "locked": True}],
        round=[{**ROUND, "questionnaire_version": 1}, {**ROUND, "id": 2, "slug": "x", "questionnaire_version": 5}],
    )), encoding="utf-8")
    result = run(monkeypatch, settings_for(new_database(), tmp_path / "d"), "import", str(backup))
    assert result.exit_code == 1
    assert "questionnaire community-sme version 5 is used in the backup but not in this installation" in result.output
    assert "community-sme version 1: the file here differs" in result.output
    assert "Traceback" not in result.output


def test_rows_that_clash_restore_nothing(monkeypatch, new_database, tmp_path):
    backup = tmp_path / "b.json"
    backup.write_text(json.dumps(document(round=[ROUND, {**ROUND, "slug": "other"}])), encoding="utf-8")
    target = settings_for(new_database(), tmp_path / "d")
    result = run(monkeypatch, target, "import", str(backup))
    assert result.exit_code == 1 and "nothing was restored" in result.output, result.output
    engine = make_engine(target.db_url)
    assert rows(engine, "round") == []
    engine.dispose()


def test_an_admin_downloads_a_backup_that_restores(app, client, new_database, tmp_path):
    from staff_helpers import log_in, make_user, submitted
    from survey_helpers import add_round

    from assess import db as dbm
    from assess.backup import restore

    add_round(app)
    submitted(client, name="<b>有田</b>テスト陶業")
    make_user(app, "admin@example.org", "admin")
    log_in(client, "admin@example.org")
    page = client.get("/staff/backup?lang=en")
    assert page.status_code == 200 and "No backup has been downloaded here yet." in page.text
    download = client.post("/staff/backup", data={"csrf_token": csrf_of(page.text)})
    assert download.status_code == 200
    assert download.headers["content-disposition"].startswith('attachment; filename="assess-backup-')
    assert download.headers["cache-control"] == "no-store"
    document = loads("download", download.text)
    assert document["credentials"] is False and all("password_hash" not in u for u in document["tables"]["staff_user"])
    assert "api_token" not in document["tables"]

    target = make_engine(new_database("restored"))
    dbm.upgrade(target)
    report = restore(target, "download", document)
    assert report.counts["answer"] > 0 and report.counts["response"] == 1
    assert [r["name"] for r in rows(target, "company")] == ["<b>有田</b>テスト陶業"]
    target.dispose()

    listed = client.get("/staff/backup?lang=ja").text
    assert "admin@example.org" in listed and "最近のバックアップ" in listed
