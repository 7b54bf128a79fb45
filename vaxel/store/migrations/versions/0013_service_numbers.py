"""Numbers callers dial, each answered by one of its tenant's flows (issue 12 §6).

Until now only a tenant's main number was answered, by its first flow. A number is the key
on its own, so two tenants can never both answer it. A tenant's main number is assigned
here to the flow that answers it today (its first by id), so a flow added later does not
take it over.

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "service_numbers",
        sa.Column("number", sa.String(32), primary_key=True),
        sa.Column(
            "tenant_id",
            sa.String(64),
            sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("flow_id", sa.String(64), nullable=False),
    )
    op.create_index("ix_service_numbers_tenant", "service_numbers", ["tenant_id", "flow_id"])
    op.execute(
        "INSERT INTO service_numbers (number, tenant_id, flow_id) "
        "SELECT t.main_number, t.tenant_id, MIN(f.flow_id) FROM tenants t "
        "JOIN flows f ON f.tenant_id = t.tenant_id WHERE t.main_number <> '' "
        "GROUP BY t.tenant_id, t.main_number"
    )


def downgrade() -> None:
    op.drop_index("ix_service_numbers_tenant", table_name="service_numbers")
    op.drop_table("service_numbers")
