"""The hot paths, measured: helpers planned once a session (PostgreSQL), create_and_start_executions
without JIT and with each package's starting values read once, a worker's report parsed once
(sql/<dialect>/0009/).

Revision ID: 0009
Revises: 0008
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008"))
