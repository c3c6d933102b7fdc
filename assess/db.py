"""Engine and sessions from Settings; Alembic migrations live in assess/migrations."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_MS = 30_000


def in_memory(url) -> bool:
    """Whether a SQLite URL names a database that lives in memory (nothing on disk)."""
    return (url.database or "") in ("", ":memory:") or url.query.get("mode") == "memory"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # Enough connections for the thread pool of each worker process.
        return create_engine(url, pool_pre_ping=True, pool_size=40, max_overflow=10)
    database = parsed.database or ""
    memory = in_memory(parsed)
    if not memory:
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_MS / 1000},
        # One shared connection keeps an in-memory database alive across sessions.
        poolclass=StaticPool if memory else None,
        **({} if memory else {"pool_size": 20, "max_overflow": 30}),
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if not memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS)).get_current_head() or ""


def current_revision(bind: Engine | Connection) -> str:
    """The migration the database is at; "" for a database without tables."""
    from alembic.migration import MigrationContext

    if isinstance(bind, Connection):
        return MigrationContext.configure(bind).get_current_revision() or ""
    with bind.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() or ""


def downgrade(engine: Engine, revision: str) -> None:
    command.downgrade(alembic_config(engine), revision)


def session(engine: Engine) -> Session:
    return Session(engine, expire_on_commit=False)


class _SqliteWriteLock:
    """Queue SQLite writers: threads of this process on a lock, processes on
    an flock of a file beside the database. Waiting in the kernel's queue is
    prompt and fair; SQLite's own busy handler sleeps in growing steps and
    gave p99 latencies near a second with 64 respondents saving at once."""

    def __init__(self, database: str):
        self.thread_lock = threading.Lock()
        self.path = f"{database}.write-lock" if database else ""
        self.fd: int | None = None

    def __enter__(self):
        self.thread_lock.acquire()
        if self.path:
            try:
                if self.fd is None:
                    self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self.fd, fcntl.LOCK_EX)
            except BaseException:
                self.thread_lock.release()
                raise
        return self

    def __exit__(self, *exc):
        try:
            if self.fd is not None:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
        finally:
            self.thread_lock.release()


_WRITE_LOCKS: dict[str, _SqliteWriteLock] = {}
_LOCKS_GUARD = threading.Lock()


def _write_lock(engine: Engine):
    if engine.dialect.name != "sqlite":
        return nullcontext()
    key = str(engine.url)
    with _LOCKS_GUARD:
        if key not in _WRITE_LOCKS:
            database = engine.url.database or ""
            memory = in_memory(engine.url)
            _WRITE_LOCKS[key] = _SqliteWriteLock("" if memory else database)
        return _WRITE_LOCKS[key]


@contextmanager
def write_transaction(db: Session):
    """One short write transaction: committed at the end, rolled back on error."""
    with _write_lock(db.get_bind()):
        try:
            yield db
            db.commit()
        except BaseException:
            db.rollback()
            raise


def retry_locked(operation, attempts: int = 5, pause: float = 0.05):
    """Run `operation()`, retrying when SQLite reports "database is locked"
    (another process held the write lock past the busy timeout)."""
    for attempt in range(attempts):
        try:
            return operation()
        except OperationalError as exc:
            if "locked" not in str(exc).lower() or attempt == attempts - 1:
                raise
            time.sleep(pause * (2**attempt))
