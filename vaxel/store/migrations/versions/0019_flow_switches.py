"""Lavinbesked switches' state per tenant (IVR4, issue 14 §7): on or off, and their keypad
number for ``*96*<nr>#``.

Revision ID: 0019
Revises: 0018
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "flow_switches",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("is_on", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("changed_at", sa.Float, nullable=False, server_default="0"),
        sa.Column("changed_by", sa.String(128), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("tenant_id", "name"),
        sa.UniqueConstraint("tenant_id", "number"),
    )


def downgrade() -> None:
    op.drop_table("flow_switches")
