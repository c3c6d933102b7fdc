"""Start-up work shared by the web app, the command line and the benchmarks:
loading every definition file, and recording questionnaire versions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlmodel import select

from assess.config import Settings
from assess.db import session
from assess.definitions.errors import DefinitionError, DefinitionFileError
from assess.models import QuestionnaireVersion
from assess.questionnaire.registry import Registry, check_published, load_directory
from assess.scoring.catalogue import PracticeCatalogue, load_checked
from assess.services.responses import refresh_scores

log = logging.getLogger("assess")


@dataclass(frozen=True)
class Definitions:
    """Every loaded, checked definition: immutable for the life of the process."""

    registry: Registry
    practices: PracticeCatalogue


def load_definitions(settings: Settings) -> Definitions:
    """The questionnaires and the practice catalogue, or DefinitionFileError with every problem."""
    registry = load_directory(settings.questionnaire_dir)
    return Definitions(registry, load_checked(registry.all(), settings.practices_file))


def changed_locked_versions(bind: Engine | Connection, registry: Registry) -> list[DefinitionError]:
    """Q501 for each loaded version whose locked content differs from its file. Only reads."""
    query = select(
        QuestionnaireVersion.questionnaire_id,
        QuestionnaireVersion.version,
        QuestionnaireVersion.content_hash,
        QuestionnaireVersion.first_loaded_at,
        QuestionnaireVersion.locked,
    )
    with bind.connect() if isinstance(bind, Engine) else nullcontext(bind) as conn:
        rows = [r for r in conn.execute(query).all() if r[4]]
    return _changed(registry, rows)


def _changed(registry: Registry, rows: Iterable[Any]) -> list[DefinitionError]:
    published = {(r[0], r[1]): r[2] for r in rows}
    recorded = {(r[0], r[1]): f"{r[3]:%Y-%m-%d}" for r in rows if r[3] is not None}
    return check_published(registry, published, recorded)


def register_versions(engine: Engine, registry: Registry) -> None:
    """Record each loaded version's hash; refuse changed content of locked versions."""
    with session(engine) as db:
        rows = {(r.questionnaire_id, r.version): r for r in db.exec(select(QuestionnaireVersion))}
        locked = [
            (r.questionnaire_id, r.version, r.content_hash, r.first_loaded_at)
            for r in rows.values()
            if r.locked
        ]
        errors = _changed(registry, locked)
        if errors:
            raise DefinitionFileError(errors)
        for questionnaire in registry.all():
            row = rows.get(questionnaire.key)
            if row is None:
                db.add(
                    QuestionnaireVersion(
                        questionnaire_id=questionnaire.id,
                        version=questionnaire.version,
                        content_hash=questionnaire.content_hash,
                    )
                )
            elif row.content_hash != questionnaire.content_hash:
                row.content_hash = questionnaire.content_hash  # not locked: still a draft
                db.add(row)
        db.commit()


def refresh_cached_scores(engine: Engine, definitions: Definitions) -> int:
    """At start-up: cached scores made with an older mapping or method are recomputed."""
    with session(engine) as db:
        count = refresh_scores(db, definitions.registry, definitions.practices)
    if count:
        log.info("recomputed the cached scores of %d responses for the current SDG mapping", count)
    return count
