"""A tenant may allow international calls (issue 10 §11, PBX8).

The dial policy bars numbers outside +46 by default; a tenant with ``international_calls``
set may dial and book callbacks abroad (premium-rate and satellite numbers stay barred).
Existing tenants keep the bar.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tenants",
        sa.Column("international_calls", sa.Boolean, nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("international_calls")
