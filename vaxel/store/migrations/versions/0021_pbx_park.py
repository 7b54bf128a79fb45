"""A tenant's call park recall (issue 14, OP3): how long a parked call waits before it
rings back, and whom (whoever parked it, or the operator). The orbits are the numbering
plan's ``park-orbit`` numbers (``pbx_numbers``).

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pbx_park",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("recall_s", sa.Float, nullable=False),
        sa.Column("recall_to", sa.String(16), nullable=False),
        sa.Column("operator", sa.String(8), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id"),
    )


def downgrade() -> None:
    op.drop_table("pbx_park")
