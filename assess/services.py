"""Start-up work shared by the web app and the command line."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from assess.db import session
from assess.errors import DefinitionFileError
from assess.models import QuestionnaireVersion
from assess.questionnaire.registry import Registry, check_published


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
                db.add(QuestionnaireVersion(questionnaire_id=questionnaire.id, version=questionnaire.version, content_hash=questionnaire.content_hash))
            elif row.content_hash != questionnaire.content_hash:
                row.content_hash = questionnaire.content_hash  # not locked: still a draft
                db.add(row)
        db.commit()
