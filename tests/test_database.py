"""Migrations, the model/migration match, and locked questionnaire versions."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

import assess.models  # noqa: F401
from assess import db
from assess.definitions.errors import DefinitionFileError
from assess.models import QuestionnaireVersion
from assess.questionnaire.registry import load_directory
from assess.services.startup import register_versions


@pytest.fixture
def engine(new_database):
    """An empty database: these tests migrate it themselves."""
    engine = db.make_engine(new_database())
    yield engine
    engine.dispose()


def test_upgrade_downgrade_upgrade(engine):
    db.upgrade(engine)
    head = set(inspect(engine).get_table_names())
    assert {"questionnaire_version", "round", "response", "answer"} <= head
    db.downgrade(engine, "0002")  # before the staff tables
    assert set(inspect(engine).get_table_names()) < head
    db.upgrade(engine)
    db.upgrade(engine)  # a second run changes nothing
    assert set(inspect(engine).get_table_names()) == head
    db.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}


def test_models_match_migrations(engine):
    db.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata
        )
    assert diff == [], f"models and migrations differ; add a migration: {diff}"


def test_sqlite_file_uses_wal(tmp_path):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    engine.dispose()


def test_versions_registered_and_locked_content_refused(engine, questionnaire_dir):
    db.upgrade(engine)
    registry = load_directory(questionnaire_dir)
    register_versions(engine, registry)
    register_versions(engine, registry)
    with db.session(engine) as s:
        rows = s.exec(select(QuestionnaireVersion)).all()
        assert [(r.questionnaire_id, r.version, r.content_hash) for r in rows] == [
            ("t", 1, registry.get("t", 1).content_hash)
        ]
        rows[0].locked = True  # a response now uses it
        s.add(rows[0])
        s.commit()
    path = questionnaire_dir / "t-v1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Details", "More details"), encoding="utf-8")
    with pytest.raises(DefinitionFileError) as info:
        register_versions(engine, load_directory(questionnaire_dir))
    assert info.value.errors[0].code == "Q501"
    assert "publish it as a new file with version 2" in str(info.value)


def test_unlocked_version_may_still_change(engine, questionnaire_dir):
    db.upgrade(engine)
    register_versions(engine, load_directory(questionnaire_dir))
    path = questionnaire_dir / "t-v1.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Details", "More details"), encoding="utf-8")
    changed = load_directory(questionnaire_dir)
    register_versions(engine, changed)
    with db.session(engine) as s:
        assert s.exec(select(QuestionnaireVersion)).one().content_hash == changed.get("t", 1).content_hash


def test_retry_locked_retries_only_a_locked_database():
    from sqlalchemy.exc import OperationalError

    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise OperationalError("UPDATE response", {}, Exception("database is locked"))
        return "saved"

    assert db.retry_locked(flaky, pause=0.001) == "saved" and len(calls) == 3

    def broken():
        calls.append(1)
        raise OperationalError("SELECT", {}, Exception("no such table: answer"))

    calls.clear()
    with pytest.raises(OperationalError):
        db.retry_locked(broken, pause=0.001)
    assert len(calls) == 1


def test_a_save_waits_for_another_writer_instead_of_failing(tmp_path, settings):
    """Another process holds SQLite's write lock: the respondent's save waits
    for it (busy timeout) and lands; nothing is refused or lost."""
    import sqlite3
    import threading
    import time

    from assess.app import create_app
    from assess.models import Answer
    from tests.helpers import Client, add_round, post_section, start

    path = tmp_path / "busy.db"
    app = create_app(settings.model_copy(update={"database_url": f"sqlite:///{path}"}))
    add_round(app, questionnaire_id="t")
    client = Client(app)
    token = start(client)
    page = client.get(f"/s/{token}/p/profile").text
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the write lock, as another process would hold it
    released = threading.Timer(0.6, lambda: other.execute("COMMIT"))
    released.start()
    started = time.perf_counter()
    saved = post_section(client, token, "profile", {"company_name": "有田テスト陶業"}, page_html=page)
    waited = time.perf_counter() - started
    released.join()
    other.close()
    assert saved.status_code == 303, saved.text
    assert waited >= 0.5
    with db.session(app.state.context.engine) as s:
        assert s.exec(select(Answer.value).where(Answer.question_id == "company_name")).all() == [
            "有田テスト陶業"
        ]
    client.close()
    app.state.context.engine.dispose()


def test_the_documented_migration_command_runs_on_a_fresh_checkout():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "new_migration.py"
    done = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert done.returncode == 0 and "the models match the migrations" in done.stdout, (
        done.stdout + done.stderr
    )
