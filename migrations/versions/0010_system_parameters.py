"""SSIS's system parameters that an execution leaves at their defaults are no longer stored: the views
add them, and an execution keeps the server's logging level of its creation (sql/<dialect>/0010/).

Revision ID: 0010
Revises: 0009
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade",
                   earlier=("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009"))
