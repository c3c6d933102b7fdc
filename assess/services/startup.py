"""Start-up work shared by the web app, the command line and the benchmarks:
loading every definition file, and recording questionnaire versions."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from assess.config import Settings
from assess.db import session
from assess.definitions.errors import DefinitionFileError
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


def register_versions(engine: Engine, registry: Registry) -> None:
    """Record each loaded version's hash; refuse changed content of locked versions."""
    with session(engine) as db:
        rows = {(r.questionnaire_id, r.version): r for r in db.exec(select(QuestionnaireVersion))}
        locked = {key: r.content_hash for key, r in rows.items() if r.locked}
        errors = check_published(registry, locked)
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
