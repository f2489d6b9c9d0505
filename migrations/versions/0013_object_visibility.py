"""The views over folders, projects, environments and schedules decide what a login that is not an admin
may read in the query itself, instead of a permission check called for every row (sql/<dialect>/0013/).

Revision ID: 0013
Revises: 0012
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade",
                   earlier=("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010",
                            "0011", "0012"))
