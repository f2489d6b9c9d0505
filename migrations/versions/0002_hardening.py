"""Hardening: leases that survive outages, attempts that are never reused, held-task reconciliation,
strict names and values, JSON checked in the worker procedures (sql/<dialect>/0002/).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

from scaleout_catalog.sqlfiles import apply_revision

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    apply_revision(op, revision, "upgrade")


def downgrade() -> None:
    apply_revision(op, revision, "downgrade", earlier=("0001",))
