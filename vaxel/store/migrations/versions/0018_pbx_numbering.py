"""The PBX's numbering plan, devices and answer groups (issue 14 §1, §3; PBX1, PBX3).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_TABLES = (
    "pbx_group_members",
    "pbx_groups",
    "pbx_devices",
    "pbx_people",
    "pbx_did_ranges",
    "pbx_numbers",
    "pbx_plans",
)


def _tenant() -> sa.Column[str]:
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "pbx_plans",
        _tenant(),
        sa.Column("short_length", sa.Integer, nullable=True),
        sa.UniqueConstraint("tenant_id"),
    )
    op.create_table(
        "pbx_numbers",
        _tenant(),
        sa.Column("number", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("ref", sa.String(128), nullable=False),
        sa.UniqueConstraint("tenant_id", "number"),
    )
    op.create_table(
        "pbx_did_ranges",
        _tenant(),
        sa.Column("first", sa.String(20), nullable=False),
        sa.Column("last", sa.String(20), nullable=False),
        sa.Column("first_short", sa.String(8), nullable=False),
        sa.UniqueConstraint("first"),
    )
    op.create_table(
        "pbx_people",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("strategy", sa.String(16), nullable=False),
        sa.Column("ring_s", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "person_id"),
    )
    op.create_table(
        "pbx_devices",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("address", sa.String(32), nullable=False),
        sa.Column("ring_s", sa.Float, nullable=False),
        sa.Column("label", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "person_id", "position"),
    )
    op.create_table(
        "pbx_groups",
        _tenant(),
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("strategy", sa.String(16), nullable=False),
        sa.Column("ring_s", sa.Float, nullable=False),
        sa.Column("member_ring_s", sa.Float, nullable=False),
        sa.Column("queue_id", sa.String(64), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "group_id"),
    )
    op.create_table(
        "pbx_group_members",
        _tenant(),
        sa.Column("group_id", sa.String(64), nullable=False),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("logged_in", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.UniqueConstraint("tenant_id", "group_id", "person_id"),
    )


def downgrade() -> None:
    for table in _TABLES:
        op.drop_table(table)
