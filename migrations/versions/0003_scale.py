"""Scale: the claim returns what a task runs (one round trip starts it), indexes for a long history,
and a hot queue vacuumed as fast as it churns (sql/<dialect>/0003/).

Revision ID: 0003
Revises: 0002
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002"))
