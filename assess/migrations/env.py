"""Alembic environment over SQLModel.metadata; the engine comes from assess.db."""

from alembic import context
from sqlmodel import SQLModel

from assess.models import Vocabulary

target_metadata = SQLModel.metadata


def render_item(kind, obj, autogen_context):
    """Vocabulary columns are plain VARCHARs in the database: write them so in migrations."""
    if kind == "type" and isinstance(obj, Vocabulary):
        return f"sa.String(length={obj.impl.length})"
    return False


def run_migrations_online() -> None:
    engine = context.config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
            compare_type=True,
            render_item=render_item,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
