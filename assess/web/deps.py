"""Annotated dependencies shared by all routers."""

from __future__ import annotations

from typing import Annotated, Iterator

from fastapi import Depends, Request
from sqlmodel import Session

from assess.config import Settings
from assess.db import session
from assess.practices import PracticeCatalogue
from assess.questionnaire.registry import Registry


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_db(request: Request) -> Iterator[Session]:
    with session(request.app.state.engine) as db:
        yield db


def get_registry(request: Request) -> Registry:
    return request.app.state.registry


def get_practices(request: Request) -> PracticeCatalogue:
    return request.app.state.practices


def get_locale(request: Request) -> str:
    return request.state.locale


SettingsDep = Annotated[Settings, Depends(get_settings)]
DbDep = Annotated[Session, Depends(get_db)]
RegistryDep = Annotated[Registry, Depends(get_registry)]
LocaleDep = Annotated[str, Depends(get_locale)]
PracticesDep = Annotated[PracticeCatalogue, Depends(get_practices)]
