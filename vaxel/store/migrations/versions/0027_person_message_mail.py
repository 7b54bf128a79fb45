"""The e-mail outbox of messages to a person (OP7, issue 16 §4): a row lives until the
mail server took the mail, retried with backoff.

Revision ID: 0027
Revises: 0026
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_message_mail",
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("mail_id", sa.String(64), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.Float, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("tenant_id", "mail_id"),
    )
    op.create_index("ix_person_message_mail_due", "person_message_mail", ["next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_person_message_mail_due", "person_message_mail")
    op.drop_table("person_message_mail")
