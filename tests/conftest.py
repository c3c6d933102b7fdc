"""Shared fixtures: settings on a fresh database, the app, an in-process client.

Tests run on in-memory SQLite unless ASSESS_TEST_DATABASE_URL names a
PostgreSQL server; then every test gets a database of its own there.
"""

import os
import sqlite3
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import StaticPool

from assess.config import Settings
from tests.defs import PRACTICES, SURVEY, definition
from tests.helpers import KEY, Client, add_round

TEST_DB = os.environ.get("ASSESS_TEST_DATABASE_URL", "")


def pytest_collection_modifyitems(config, items):
    """Tests marked `own_database` make their own SQLite database whatever the run: they
    are identical in the PostgreSQL run, so they run once, in the SQLite run. So do the
    browser tests: they check what Chromium shows and does, while what they store goes
    through the services the in-process tests run on both databases; and the `renders`
    tests, which check what a printed page looks like."""
    if not TEST_DB.startswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="runs once, in the SQLite run")
    for item in items:
        if any(item.get_closest_marker(name) for name in ("own_database", "browser", "renders")):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def migrated_template():
    """On PostgreSQL, one database migrated to the newest schema per test process: a test's
    database is a copy of it (CREATE DATABASE ... TEMPLATE), far quicker than migrating again."""
    if not TEST_DB.startswith("postgresql"):
        yield None
        return
    from assess import db

    admin = create_engine(TEST_DB, isolation_level="AUTOCOMMIT")
    name = f"tmpl_{uuid.uuid4().hex[:16]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = db.make_engine(f"{TEST_DB.rpartition('/')[0]}/{name}")
    db.upgrade(engine)
    engine.dispose()  # a template may have no open connections while it is copied
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class Databases:
    """Makes databases on demand: SQLite files in `folder`, or databases on the PostgreSQL
    server of ASSESS_TEST_DATABASE_URL; `drop()` removes them. Empty, or with migrated=True
    a copy of the migrated template (PostgreSQL; a SQLite file is migrated by the app as it
    starts)."""

    def __init__(self, folder, template):
        self.folder, self.template, self.made = folder, template, []
        postgres = TEST_DB.startswith("postgresql")
        self.admin = create_engine(TEST_DB, isolation_level="AUTOCOMMIT") if postgres else None

    def make(self, label: str = "db", migrated: bool = False) -> str:
        if self.admin is None:
            return f"sqlite:///{self.folder / f'{label}-{len(self.made)}.db'}"
        name = f"t_{uuid.uuid4().hex[:16]}"
        template = f' TEMPLATE "{self.template}"' if migrated else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"{template}'))
        self.made.append(name)
        return f"{TEST_DB.rpartition('/')[0]}/{name}"

    def drop(self) -> None:
        if self.admin is not None:
            with self.admin.connect() as conn:
                for name in self.made:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            self.admin.dispose()


@pytest.fixture
def new_database(tmp_path, migrated_template):
    """A test's database maker (see Databases)."""
    databases = Databases(tmp_path, migrated_template)
    yield databases.make
    databases.drop()


@pytest.fixture(scope="module")
def module_database(tmp_path_factory, migrated_template):
    """A database maker whose databases last for a test module: data that the module's
    tests only read is made once."""
    databases = Databases(tmp_path_factory.mktemp("module-db"), migrated_template)
    yield databases.make
    databases.drop()


@pytest.fixture(scope="session")
def sqlite_template():
    """On SQLite, one in-memory database migrated to the newest schema per test process:
    a test's database is a copy (SQLite's backup API), far quicker than migrating again."""
    if TEST_DB.startswith("postgresql"):
        yield None
        return
    from assess import db

    template = sqlite3.connect(":memory:", check_same_thread=False)
    engine = create_engine("sqlite://", creator=lambda: template, poolclass=StaticPool)
    db.upgrade(engine)
    yield template
    engine.dispose()
    template.close()


@pytest.fixture
def database_url(new_database, sqlite_template):
    """The database of a test: a migrated in-memory SQLite database of its own (kept alive by
    a connection held here, shared with the app's), or on PostgreSQL a migrated copy."""
    if TEST_DB.startswith("postgresql"):
        yield new_database(migrated=True)
        return
    name = f"file:t{uuid.uuid4().hex}?mode=memory&cache=shared"
    keeper = sqlite3.connect(name, uri=True, check_same_thread=False)
    sqlite_template.backup(keeper)
    yield f"sqlite:///{name}&uri=true"
    keeper.close()


@pytest.fixture
def questionnaire_dir(tmp_path):
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    (folder / "t-v1.yaml").write_text(definition(SURVEY), encoding="utf-8")
    return folder


@pytest.fixture
def practices_file(tmp_path):
    path = tmp_path / "practices.yaml"
    path.write_text(PRACTICES, encoding="utf-8")
    return path


@pytest.fixture
def settings(tmp_path, database_url, questionnaire_dir, practices_file):
    return Settings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key=KEY,
        questionnaire_dir=questionnaire_dir,
        practices_file=practices_file,
    )


@pytest.fixture
def app(settings):
    from assess.app import create_app

    application = create_app(settings)
    yield application
    application.state.context.engine.dispose()


@pytest.fixture
def round_(app):
    return add_round(app)


@pytest.fixture
def client(app):
    c = Client(app)
    yield c
    c.close()


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium, one per test module (see tests/helpers.py for its arguments)."""
    from playwright.sync_api import sync_playwright

    from tests.helpers import ARGS, CHROMIUM

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
