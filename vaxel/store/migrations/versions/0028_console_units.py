"""The departments an operator's console serves (OP9, issue 16): a row per account and unit.

Revision ID: 0028
Revises: 0027
"""

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "console_units",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "user_id", "unit_id"),
    )


def downgrade() -> None:
    op.drop_table("console_units")
