"""questionnaire versions

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('questionnaire_version',
    sa.Column('questionnaire_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('first_loaded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('questionnaire_id', 'version')
    )


def downgrade() -> None:
    op.drop_table('questionnaire_version')
