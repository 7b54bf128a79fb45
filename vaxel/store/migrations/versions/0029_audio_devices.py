"""Each agent's audio device — browser, desk phone or mobile over the trunk (issue 16, PBX9).

Revision ID: 0029
Revises: 0028
"""

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audio_devices",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "user_id",
            sa.Integer,
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("device", sa.String(16), nullable=False),
        sa.Column("mobile", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audio_devices")
