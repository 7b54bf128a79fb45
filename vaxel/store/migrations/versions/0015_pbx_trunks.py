"""Trunks, classes of service and number presentation (issue 14 §2, PBX2, PBX8).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _tenant(primary_key: bool = False) -> sa.Column[str]:
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "pbx_trunks",
        _tenant(primary_key=True),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("host", sa.String(253), nullable=False),
        sa.Column("port", sa.Integer, nullable=False),
        sa.Column("transport", sa.String(8), nullable=False, server_default="udp"),
        sa.Column("username", sa.String(64), nullable=False, server_default=""),
        sa.Column("auth_username", sa.String(64), nullable=False, server_default=""),
        sa.Column("domain", sa.String(253), nullable=False, server_default=""),
        sa.Column("expires_s", sa.Integer, nullable=False, server_default="3600"),
        sa.Column("password", sa.String(128), nullable=False, server_default=""),
        sa.Column("main_number", sa.String(32), nullable=False, server_default=""),
    )
    op.create_table(
        "pbx_service_classes",
        _tenant(),
        sa.Column("class_id", sa.String(40), nullable=False),
        sa.Column("name", sa.String(80), nullable=False, server_default=""),
        sa.Column("reach", sa.Integer, nullable=False),
        sa.Column("premium_allowed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("tenant_id", "class_id"),
    )
    op.create_table(
        "pbx_class_assignments",
        _tenant(),
        sa.Column("owner_kind", sa.String(8), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("class_id", sa.String(40), nullable=False),
        sa.UniqueConstraint("tenant_id", "owner_kind", "owner"),
    )
    op.create_table(
        "pbx_presentations",
        _tenant(),
        sa.Column("owner_kind", sa.String(8), nullable=False),
        sa.Column("owner", sa.String(64), nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("direct_number", sa.String(32), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "owner_kind", "owner"),
    )


def downgrade() -> None:
    for table in ("pbx_presentations", "pbx_class_assignments", "pbx_service_classes"):
        op.drop_table(table)
    op.drop_table("pbx_trunks")
