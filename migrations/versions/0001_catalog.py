"""The catalog: schemas, roles, tables, views and procedures (sql/<dialect>/0001/).

Revision ID: 0001
Revises:
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade")
