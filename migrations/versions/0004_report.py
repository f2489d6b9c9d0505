"""Report: a worker's package messages and finished attempts in one call and one transaction
(internal.report_tasks; sql/<dialect>/0004/).

Revision ID: 0004
Revises: 0003
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003"))
