"""The browser phone's ICE servers per tenant (issue 15 §3): STUN/TURN addresses (a JSON
list), the TURN user and its password.

Revision ID: 0024
Revises: 0023
"""

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webrtc_ice_servers",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("urls", sa.Text, nullable=False),
        sa.Column("username", sa.String(128), nullable=False, server_default=""),
        sa.Column("credential", sa.String(128), nullable=False, server_default=""),
        sa.Column("changed_at", sa.Float, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("webrtc_ice_servers")
