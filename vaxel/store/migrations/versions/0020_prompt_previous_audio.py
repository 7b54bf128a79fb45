"""A prompt recorded by phone keeps the recording it replaced, for undo (IVR5, issue 14 §7).

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.add_column(sa.Column("previous_audio", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.drop_column("previous_audio")
