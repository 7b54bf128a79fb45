"""Snapshots of the engine's state, so start-up replays only the journal's tail (issue 10 §13).

A row holds the whole engine state after journal entry ``seq``, encoded by the state
format named in ``version``. Start-up loads the newest snapshot whose version it knows and
replays the entries after it; a snapshot of another version is ignored (full replay), so
the journal stays the only source of truth.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engine_snapshots",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("taken_at", sa.Float, nullable=False),
        sa.Column("payload", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("engine_snapshots")
