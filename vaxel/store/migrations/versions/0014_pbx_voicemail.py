"""Voicemail (PBX4): mailboxes, messages, the e-mail outbox and tenants' mail servers.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _tenant() -> sa.Column[str]:
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "voicemail_boxes",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("number", sa.String(40), nullable=False),
        sa.Column("pin_hash", sa.String(200), nullable=False, server_default=""),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("greetings", sa.String(100), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "person_id"),
    )
    op.create_index("ix_voicemail_boxes_number", "voicemail_boxes", ["tenant_id", "number"])
    op.create_table(
        "voicemail_messages",
        _tenant(),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("caller", sa.String(64), nullable=False, server_default=""),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("heard", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("file", sa.String(400), nullable=False),
        sa.UniqueConstraint("tenant_id", "message_id"),
    )
    op.create_index(
        "ix_voicemail_messages_person",
        "voicemail_messages",
        ["tenant_id", "person_id", "received_at"],
    )
    op.create_table(
        "voicemail_outbox",
        _tenant(),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "message_id"),
    )
    op.create_index("ix_voicemail_outbox_due", "voicemail_outbox", ["next_attempt_at"])
    op.create_table(
        "tenant_smtp",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("host", sa.String(253), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("sender", sa.String(320), nullable=False),
        sa.Column("username", sa.String(200), nullable=False, server_default=""),
        sa.Column("password", sa.String(200), nullable=False, server_default=""),
        sa.Column("security", sa.String(16), nullable=False, server_default="starttls"),
    )


def downgrade() -> None:
    op.drop_table("tenant_smtp")
    op.drop_index("ix_voicemail_outbox_due", table_name="voicemail_outbox")
    op.drop_table("voicemail_outbox")
    op.drop_index("ix_voicemail_messages_person", table_name="voicemail_messages")
    op.drop_table("voicemail_messages")
    op.drop_index("ix_voicemail_boxes_number", table_name="voicemail_boxes")
    op.drop_table("voicemail_boxes")
