"""Annotated dependencies shared by all routers.

They are `async def` although they do not await: FastAPI runs plain `def`
dependencies in the thread pool, and a thread hop per dependency costs more
than these one-line lookups. Database work stays in the (sync) endpoints.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from typing import Annotated, AsyncIterator, Callable, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Path, Request
from sqlalchemy.engine import Engine
from starlette.datastructures import FormData
from sqlmodel import Session

from assess.config import Settings
from assess.db import session
from assess.practices import PracticeCatalogue
from assess.questionnaire.registry import Registry

T = TypeVar("T")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_db(request: Request) -> AsyncIterator[Session]:
    # Opening a session takes no connection yet and closing one returns it to
    # the pool (a rollback at most): both quick enough for the event loop, and
    # cheaper there than a hop to the thread pool.
    db = session(request.app.state.engine)
    try:
        yield db
    finally:
        db.close()


async def get_registry(request: Request) -> Registry:
    return request.app.state.registry


async def get_practices(request: Request) -> PracticeCatalogue:
    return request.app.state.practices


async def get_form(request: Request) -> FormData:
    """The posted form, read before a sync endpoint runs in the thread pool, so
    database work never blocks the event loop while a body is still arriving."""
    return await request.form()


async def get_locale(request: Request) -> str:
    return request.state.locale


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Session, Depends(get_db)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
LocaleDep = Annotated[str, Depends(get_locale)]
PracticesDep = Annotated[PracticeCatalogue, Depends(get_practices)]
FormDep = Annotated[FormData, Depends(get_form)]
# Ids in paths fit the database's integer columns: a larger number is a 422, not a database error.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


_DB_THREADS: "weakref.WeakKeyDictionary[Engine, int]" = weakref.WeakKeyDictionary()
_LIMITERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, anyio.CapacityLimiter]]" = weakref.WeakKeyDictionary()


def set_db_threads(engine: Engine, threads: int) -> None:
    _DB_THREADS[engine] = threads


def _limiter(threads: int) -> anyio.CapacityLimiter:
    # One per event loop: anyio's limiter belongs to the loop it was made in.
    per_loop = _LIMITERS.setdefault(asyncio.get_running_loop(), {})
    if threads not in per_loop:
        per_loop[threads] = anyio.CapacityLimiter(threads)
    return per_loop[threads]


async def run_db(db: Session, work: Callable[[], T]) -> T:
    """Run database work from an async endpoint. On SQLite a whole request's
    queries take well under a millisecond (reads never wait for writers in
    WAL mode; writers queue briefly on a file lock), less than a hop to the
    thread pool, so it runs right here. Other databases answer over the
    network; their work goes to a few threads (ASSESS_DB_THREADS): many
    threads fighting over the GIL halved throughput under load."""
    bind = db.get_bind()
    threads = 0 if bind.dialect.name == "sqlite" else _DB_THREADS.get(bind, 4)
    if threads == 0:
        return work()
    return await anyio.to_thread.run_sync(work, limiter=_limiter(threads))


def on_db(endpoint: Callable) -> Callable:
    """Make a sync endpoint taking `db` async, its work done through run_db.
    FastAPI still sees the original parameters (functools.wraps)."""

    @functools.wraps(endpoint)
    async def wrapper(**kwargs):
        return await run_db(kwargs["db"], lambda: endpoint(**kwargs))

    return wrapper
