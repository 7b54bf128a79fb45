"""Conference rooms (PBX6): number, name, PIN, host and participant limit per room.

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conference_rooms",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("room_id", sa.String(64), nullable=False),
        sa.Column("number", sa.String(16), nullable=False, unique=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("pin", sa.String(12), nullable=False, server_default=""),
        sa.Column("host_person_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("max_participants", sa.Integer, nullable=False),
        sa.UniqueConstraint("tenant_id", "room_id"),
    )


def downgrade() -> None:
    op.drop_table("conference_rooms")
