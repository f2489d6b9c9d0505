"""Permissions on folders, projects, environments and operations (catalog.grant_permission,
deny_permission, revoke_permission), enforced by the procedures and views (sql/<dialect>/0007/).

Revision ID: 0007
Revises: 0006
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001", "0002", "0003", "0004", "0005", "0006"))
