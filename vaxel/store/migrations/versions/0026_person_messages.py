"""Message templates and the messages left for a person in the presence view (OP7,
issue 16 §4).

Revision ID: 0026
Revises: 0025
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _tenant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "message_templates",
        _tenant(),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "template_id"),
    )
    op.create_table(
        "person_messages",
        _tenant(),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("sender", sa.String(128), nullable=False, server_default=""),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("read_at", sa.Float, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("tenant_id", "message_id"),
    )
    op.create_index(
        "ix_person_messages_person", "person_messages", ["tenant_id", "person_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_person_messages_person", "person_messages")
    op.drop_table("person_messages")
    op.drop_table("message_templates")
