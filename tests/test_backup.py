"""`assess export` / `assess import`: the demo data survives a round trip, row for row."""

import json

import pytest
from sqlalchemy import select

from assess.db import make_engine, session
from assess.models import Response, Round
from assess.services.backup import dumps, restore
from assess.services.backup_format import TABLES, BackupError, check, loads, table
from tests.helpers import Client, csrf_of, run, settings_for

pytestmark = pytest.mark.db


def refused(result, *needles: str) -> None:
    """A command that said no, with a message and not a crash."""
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    for needle in needles:
        assert needle in result.output, result.output


def rows(engine, name: str) -> list[dict]:
    t = table(name)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns)).mappings()]


@pytest.fixture
def demo_source(monkeypatch, new_database, tmp_path):
    """The demo data, plus what only a running app makes: questionnaire versions, an API token."""
    source = settings_for(new_database("source"), tmp_path / "source")
    assert run(monkeypatch, source, "demo").exit_code == 0
    from assess.app import create_app
    from assess.services.accounts import create_api_token, find_user
    from assess.services.demo import DEMO_EMAIL

    application = create_app(source)  # records the questionnaire versions it loaded
    with session(application.state.context.engine) as db:
        create_api_token(db, "reporting", find_user(db, DEMO_EMAIL))
    application.state.context.engine.dispose()
    return source


@pytest.mark.parametrize("hashes", [True, False], ids=["with-password-hashes", "without"])
def test_demo_round_trip_keeps_every_row(monkeypatch, new_database, tmp_path, demo_source, hashes):
    backup = tmp_path / "backup.json"
    exported = run(
        monkeypatch, demo_source, "export", str(backup), *(["--with-password-hashes"] if hashes else [])
    )
    assert exported.exit_code == 0, exported.output
    assert backup.stat().st_mode & 0o077 == 0  # personal data: owner only

    target = settings_for(new_database("target"), tmp_path / "target")
    if not hashes:  # the app was started on the new database first: it recorded unlocked versions
        from assess.app import create_app

        create_app(target).state.context.engine.dispose()
    restored = run(monkeypatch, target, "import", str(backup))
    assert restored.exit_code == 0, restored.output
    assert "21 response" in restored.output and "12 case_study" in restored.output
    assert "16 action" in restored.output
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
    assert all(
        v["locked"] for v in rows(after, "questionnaire_version")
    )  # the lock that protects given answers
    before.dispose()
    after.dispose()

    # The restored installation works: staff log in (or get a link), new respondents get new ids.
    from assess.app import create_app

    application = create_app(target)
    client = Client(application)
    try:
        login = client.get("/staff/login")
        if not hashes:
            linked = run(monkeypatch, target, "user", "link", "demo-admin@example.org")
            assert linked.exit_code == 0 and "/staff/password/" in linked.output
        else:
            from assess.services.demo import DEMO_EMAIL, DEMO_PASSWORD

            done = client.post(
                "/staff/login",
                data={"email": DEMO_EMAIL, "password": DEMO_PASSWORD, "csrf_token": csrf_of(login.text)},
            )
            assert done.status_code == 303, done.text
            assert "有田焼" in client.get("/staff/responses").text
        start = client.get("/r/saga-2019")
        started = client.post("/r/saga-2019/start", data={"csrf_token": csrf_of(start.text)})
        assert started.status_code == 303
        with session(application.state.context.engine) as db:
            assert len(db.exec(select(Response)).all()) == 22
    finally:
        client.close()
        application.state.context.engine.dispose()


def test_import_refuses_a_database_with_data(monkeypatch, tmp_path, demo_source):
    backup = tmp_path / "backup.json"
    run(monkeypatch, demo_source, "export", str(backup))
    refused(run(monkeypatch, demo_source, "import", str(backup)), "the database is not empty", "4 round")
    engine = make_engine(demo_source.db_url)
    with session(engine) as db:
        assert len(db.exec(select(Round)).all()) == 4  # nothing added, nothing lost
    engine.dispose()


def document(**tables) -> dict:
    return {"format": "assess-backup", "version": 1, "credentials": False, "tables": tables}


ROUND = {
    "id": 1,
    "slug": "saga-2019",
    "name_ja": "佐賀",
    "name_en": "Saga",
    "fiscal_year": 2019,
    "questionnaire_id": "community-sme",
    "questionnaire_version": 1,
    "created_at": "2019-07-01T09:00:00+09:00",
}


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
    assert problems_of('{"format": "assess-backup",\n "tables": [}') == [
        "line 2, column 13: not valid JSON: Expecting value"
    ]
    assert "not an assess backup" in problems_of({"tables": {}})[0]
    assert "format version 9 is not supported" in problems_of({**document(), "version": 9})[0]
    problems = problems_of(
        document(
            rounds=[],
            round=[{**ROUND, "slgu": "x", "fiscal_year": "2019", "created_at": "yesterday"}],
            answer=[{"id": 1, "response_id": 7, "question_id": "q", "value": ["a"]}],
        )
    )
    assert problems == [
        "table 'rounds' is not part of a backup (did you mean 'round'?)",
        "table 'round', row 1, column 'fiscal_year': must be a whole number",
        "table 'round', row 1, column 'created_at': must be an ISO 8601 date and time, e.g. "
        "2019-07-01T09:30:00+09:00",
        "table 'round', row 1: unknown column 'slgu' (did you mean 'slug'?)",
        "table 'answer', row 1, column 'response_id': no response with id 7 in the file",
    ]
    assert problems_of(
        document(
            round=[
                {
                    **ROUND,
                    "status": "bogus",
                    "fiscal_year": 2**40,
                    "region": "a\u0000b",
                    "created_at": "2019-07-01",
                },
                ROUND,
            ],
            staff_user=[
                {"id": 1, "email": "a@example.org", "role": "superuser"},
                {"id": 2, "email": "a@example.org"},
            ],
        )
    ) == [
        "table 'round', row 1, column 'fiscal_year': 1099511627776 is out of range (-2147483648 to "
        "2147483647)",
        "table 'round', row 1, column 'created_at': must be an ISO 8601 date and time, e.g. "
        "2019-07-01T09:30:00+09:00",
        "table 'round', row 1, column 'status': 'bogus' is not one of draft, open, closed",
        "table 'round', row 1, column 'region': contains a NUL character, which databases cannot store",
        "table 'staff_user', row 1, column 'role': 'superuser' is not one of staff, admin",
        "table 'round', row 2: the same id 1 as row 1",
        "table 'round', row 2: the same slug 'saga-2019' as row 1",
        "table 'staff_user', row 2: the same email 'a@example.org' as row 1",
    ]
    assert problems_of(
        '{"format": "assess-backup", "version": 1, "tables": {"answer": [{"value": NaN}]}}'
    ) == ["NaN is not a number JSON allows; databases cannot store it"]


def test_import_needs_the_questionnaire_the_answers_were_given_to(monkeypatch, new_database, tmp_path):
    backup = tmp_path / "b.json"
    backup.write_text(
        json.dumps(
            document(
                questionnaire_version=[
                    {
                        "questionnaire_id": "community-sme",
                        "version": 1,
                        "content_hash": "0" * 64,
                        "locked": True,
                    }
                ],
                round=[
                    {**ROUND, "questionnaire_version": 1},
                    {**ROUND, "id": 2, "slug": "x", "questionnaire_version": 5},
                ],
            )
        ),
        encoding="utf-8",
    )
    refused(
        run(monkeypatch, settings_for(new_database(), tmp_path / "d"), "import", str(backup)),
        "questionnaire community-sme version 5 is used in the backup but not in this installation",
        "community-sme version 1: the file here differs",
    )


RESPONSE = {
    "id": 1,
    "round_id": 1,
    "questionnaire_id": "community-sme",
    "questionnaire_version": 1,
    "content_hash": "0" * 64,
    "token_hash": "a" * 64,
    "status": "draft",
}


def test_a_failure_while_writing_restores_nothing(monkeypatch, new_database, tmp_path):
    from sqlalchemy.exc import DBAPIError

    import assess.services.backup

    def fail(conn):  # after every table is written, as a full disk would
        raise DBAPIError("INSERT", {}, Exception("could not extend file"))

    monkeypatch.setattr(assess.services.backup, "_reset_sequences", fail)
    engine = make_engine(new_database())
    from assess import db as dbm

    dbm.upgrade(engine)
    with pytest.raises(BackupError) as caught:
        restore(
            engine,
            "b.json",
            document(
                round=[ROUND],
                response=[RESPONSE],
                answer=[{"id": 1, "response_id": 1, "question_id": "q", "value": "x"}],
            ),
        )
    assert "nothing was restored: could not extend file" in str(caught.value)
    assert [rows(engine, name) for name in ("round", "response", "answer")] == [[], [], []]
    engine.dispose()


def test_every_json_answer_value_round_trips(new_database):
    from assess import db as dbm
    from assess.services.backup import dump

    values = [
        None,
        "日本語 <b>&amp;</b>",
        0.1 + 0.2,
        10**9,
        -3,
        True,
        ["led", "solar"],
        {"a": [1, 2.5, None, {"b": "c"}]},
        "",
    ]
    answers = [
        {
            "id": n,
            "response_id": 1,
            "question_id": f"q{n}",
            "value": v,
            "updated_at": "2019-07-01T09:00:00.123456+09:00",
        }
        for n, v in enumerate(values, 1)
    ]
    engine = make_engine(new_database())
    dbm.upgrade(engine)
    restore(engine, "b.json", document(round=[ROUND], response=[RESPONSE], answer=answers))
    again = json.loads(dumps(dump(engine)))["tables"]["answer"]
    assert [a["value"] for a in again] == values
    assert again[0]["updated_at"] == "2019-07-01T00:00:00.123456+00:00"
    engine.dispose()


def test_an_admin_downloads_a_backup_that_restores(app, client, new_database, tmp_path):
    from assess import db as dbm
    from assess.services.backup import restore
    from tests.helpers import add_round, log_in, make_user, submitted

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
    assert document["credentials"] is False and all(
        "password_hash" not in u for u in document["tables"]["staff_user"]
    )
    assert "api_token" not in document["tables"]

    target = make_engine(new_database("restored"))
    dbm.upgrade(target)
    report = restore(target, "download", document)
    assert report.counts["answer"] > 0 and report.counts["response"] == 1
    assert [r["name"] for r in rows(target, "company")] == ["<b>有田</b>テスト陶業"]
    target.dispose()

    listed = client.get("/staff/backup?lang=ja").text
    assert "admin@example.org" in listed and "最近のバックアップ" in listed


def test_export_says_why_it_cannot(monkeypatch, new_database, tmp_path):
    empty = settings_for(new_database(), tmp_path / "e")
    refused(
        run(monkeypatch, empty, "export", str(tmp_path / "b.json")),
        "the database has no tables",
        "assess db upgrade",
    )
    from assess import db as dbm

    engine = make_engine(empty.db_url)
    dbm.upgrade(engine, "0002")  # an older schema: export never migrates it
    refused(run(monkeypatch, empty, "export", str(tmp_path / "b.json")), "is at migration 0002")
    assert dbm.current_revision(engine) == "0002"
    dbm.upgrade(engine)
    engine.dispose()
    refused(
        run(monkeypatch, empty, "export", str(tmp_path / "missing" / "b.json")),
        "cannot write",
        "No such file or directory",
    )
