"""Journal entries carry a schema version and a context (issue 12 §5).

``schema_version`` says how the entry's payload was written, so an old entry is upcast on
read instead of breaking replay when a field is renamed; rows written before it are
version 1. ``correlation_id`` names the story an entry belongs to (a contact, an agent, a
queue), ``causation_id`` the journal entry it follows from, ``actor`` who acted: together
they tell a callback's whole story, from the caller's key press to the agent's note.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(
            sa.Column("schema_version", sa.Integer, nullable=False, server_default="1")
        )
        batch.add_column(
            sa.Column("correlation_id", sa.String(64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("causation_id", sa.String(64), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("actor", sa.String(128), nullable=False, server_default=""))
    op.create_index("ix_journal_story", "journal", ["tenant_id", "correlation_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_journal_story", table_name="journal")
    with op.batch_alter_table("journal") as batch:
        for column in ("actor", "causation_id", "correlation_id", "schema_version"):
            batch.drop_column(column)
