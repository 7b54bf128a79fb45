"""A person's call forwarding, one row per condition (issue 14 §4, PBX5).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pbx_forwarding",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("condition", sa.String(16), nullable=False),
        sa.Column("destination", sa.String(21), nullable=False),
        sa.Column("after_s", sa.Integer, nullable=False),
        sa.Column("set_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "person_id", "condition"),
    )


def downgrade() -> None:
    op.drop_table("pbx_forwarding")
