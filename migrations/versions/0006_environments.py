"""Environments, their variables and references; values set on deployed parameters; executions that
take their values from an environment (sql/<dialect>/0006/).

Revision ID: 0006
Revises: 0005
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003", "0004", "0005"))
