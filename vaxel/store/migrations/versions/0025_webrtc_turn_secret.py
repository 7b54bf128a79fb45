"""The browser phone's TURN server may be coturn's shared secret (``use-auth-secret``):
``shared_secret`` true means ``credential`` is that secret and the pages get time-limited
credentials made from it (issue 15 §3).

Revision ID: 0025
Revises: 0024
"""

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("webrtc_ice_servers") as batch:
        batch.add_column(
            sa.Column("shared_secret", sa.Boolean, nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("webrtc_ice_servers") as batch:
        batch.drop_column("shared_secret")
