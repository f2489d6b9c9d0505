"""The permission checks keep their plans: PostgreSQL's two SQL-language checks become PL/pgSQL, which
PostgreSQL does not plan again on every call (sql/<dialect>/0011/).

Revision ID: 0011
Revises: 0010
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade",
                   earlier=("0001", "0002", "0003", "0004", "0005", "0006", "0007", "0008", "0009", "0010"))
