"""A lavinbesked switch may be scheduled (IVR4, issue 14 §7): on from ``on_from`` until
``off_at`` (epoch seconds; 0/0 is no window).

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("flow_switches") as batch:
        batch.add_column(sa.Column("on_from", sa.Float, nullable=False, server_default="0"))
        batch.add_column(sa.Column("off_at", sa.Float, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("flow_switches") as batch:
        batch.drop_column("off_at")
        batch.drop_column("on_from")
