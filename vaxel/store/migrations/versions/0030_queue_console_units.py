"""The departments an operator queue's console serves (OP9, issue 16): a row per queue and
unit.

Revision ID: 0030
Revises: 0029
"""

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_console_units",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "queue_id", "unit_id"),
    )


def downgrade() -> None:
    op.drop_table("queue_console_units")
