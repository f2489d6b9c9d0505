"""Schedules, fired by the workers (catalog.create_schedule, enable_schedule, disable_schedule,
delete_schedule, run_schedule_now; sql/<dialect>/0008/).

Revision ID: 0008
Revises: 0007
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003", "0004", "0005", "0006", "0007"))
