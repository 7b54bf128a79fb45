"""The attempt history of each callback (CB10, CB11): one row per attempt with who tried,
when, how the dial-out went, the outcome and the agent's note; a supervisor's requeue of a
failed callback is written on its last attempt.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "callback_attempts",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=False),
        sa.Column("started_at", sa.Float, nullable=False),
        sa.Column("call_result", sa.String(16), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(16), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("closed_at", sa.Float, nullable=True),
        sa.Column("next_at", sa.Float, nullable=True),
        sa.Column("requeued_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("requeued_at", sa.Float, nullable=True),
        sa.UniqueConstraint("tenant_id", "contact_id", "attempt"),
    )


def downgrade() -> None:
    op.drop_table("callback_attempts")
