"""Annotated dependencies: the only way route functions reach settings,
definitions, the database, the printer and the signed-in staff member.

They are `async def` although most do not await: FastAPI runs plain `def`
dependencies in the thread pool, and a thread hop per dependency costs more
than these one-line lookups. Database work stays in the endpoints (see run_db).
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, TypeVar

import anyio
import anyio.to_thread
from fastapi import Depends, Path, Request
from jinja2 import Environment
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.datastructures import FormData

from assess.config import Settings
from assess.db import session
from assess.definitions.characters import forbidden_character
from assess.models import StaffUser
from assess.services.accounts import api_token_user
from assess.services.errors import UnstorableText
from assess.services.printing import Printer
from assess.services.startup import Definitions
from assess.vocab import Role
from assess.web.sessions import AdminRequired, StaffRequired, session_user

T = TypeVar("T")


@dataclass(frozen=True)
class AppContext:
    """What a running app holds for its requests; made once by create_web_app."""

    settings: Settings
    secret: str
    engine: Engine
    definitions: Definitions
    templates: Environment
    printer: Printer


def context_of(request: Request) -> AppContext:
    return request.app.state.context


async def get_context(request: Request) -> AppContext:
    return context_of(request)


async def get_db(request: Request) -> AsyncIterator[Session]:
    # Opening a session takes no connection yet and closing one returns it to
    # the pool (a rollback at most): both quick enough for the event loop, and
    # cheaper there than a hop to the thread pool.
    db = session(context_of(request).engine)
    try:
        yield db
    finally:
        db.close()


async def get_definitions(request: Request) -> Definitions:
    return context_of(request).definitions


async def get_printer(request: Request) -> Printer:
    return context_of(request).printer


async def get_answers_form(request: Request) -> FormData:
    """The posted form, read before a sync endpoint runs in the thread pool, so
    database work never blocks the event loop while a body is still arriving.
    Survey answers: their characters are checked question by question."""
    return await request.form()


async def get_form(request: Request) -> FormData:
    """The posted form, refused whole if a field holds characters no database keeps."""
    form = await request.form()
    if any(isinstance(v, str) and forbidden_character(v) for v in form.values()):
        raise UnstorableText()
    return form


async def get_locale(request: Request) -> str:
    return request.state.locale


async def get_base_url(request: Request) -> str:
    """The app's address as the visitor reached it, for links shown to copy."""
    return str(request.base_url).rstrip("/")


ContextDep = Annotated[AppContext, Depends(get_context)]
DbDep = Annotated[Session, Depends(get_db)]
DefinitionsDep = Annotated[Definitions, Depends(get_definitions)]
PrinterDep = Annotated[Printer, Depends(get_printer)]
LocaleDep = Annotated[str, Depends(get_locale)]
FormDep = Annotated[FormData, Depends(get_form)]
AnswersFormDep = Annotated[FormData, Depends(get_answers_form)]
BaseUrlDep = Annotated[str, Depends(get_base_url)]
# Ids in paths fit the database's integer columns: a larger number is a 422, not a database error.
RowId = Annotated[int, Path(ge=1, le=2_147_483_647)]


# --- who is asking --------------------------------------------------------------


def get_staff(request: Request, db: DbDep) -> StaffUser:
    user = session_user(request, db)
    if user is None:
        raise StaffRequired()
    request.state.staff = user  # the page header shows who is logged in
    return user


def get_admin(user: Annotated[StaffUser, Depends(get_staff)]) -> StaffUser:
    if user.role != Role.ADMIN:
        raise AdminRequired()
    return user


def get_api_user(request: Request, db: DbDep) -> StaffUser:
    """A staff session, or `Authorization: Bearer <token>` from an admin-made token."""
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = api_token_user(db, header[7:].strip())
    else:
        user = session_user(request, db)
    if user is None:
        raise StaffRequired()
    return user


StaffDep = Annotated[StaffUser, Depends(get_staff)]
AdminDep = Annotated[StaffUser, Depends(get_admin)]
ApiUserDep = Annotated[StaffUser, Depends(get_api_user)]


# --- database work from async endpoints -----------------------------------------

_DB_THREADS: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, anyio.CapacityLimiter]] = (
    weakref.WeakKeyDictionary()
)


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
