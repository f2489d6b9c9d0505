"""The web Scale Out Manager's reads: catalog.caller_roles (sql/<dialect>/0005/).

Revision ID: 0005
Revises: 0004
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003", "0004"))
