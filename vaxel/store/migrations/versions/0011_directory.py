"""The directory (issue 13, DIR1, DIR3, DIR5): people, the unit tree, a tenant's custom
fields, the presences (hänvisning) set for each person — by hand, per group, by calendar or
schedule — and the tenant's own absence reasons beside the Swedish defaults.

A person's lists (numbers, units, groups, titles, keywords) and custom fields are JSON
beside the columns that are looked up (external id for imports and LDAP, extension for the
PBX); the search index is built in memory from these rows.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
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
        "directory_units",
        _tenant(),
        sa.Column("unit_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.String(64), nullable=True),
        sa.UniqueConstraint("tenant_id", "unit_id"),
    )
    op.create_table(
        "directory_people",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(200), nullable=True),  # NULL: entered by hand
        sa.Column("given_name", sa.String(200), nullable=False),
        sa.Column("family_name", sa.String(200), nullable=False),
        sa.Column("extension", sa.String(40), nullable=False, server_default=""),
        sa.Column("email", sa.String(320), nullable=False, server_default=""),
        sa.Column("room", sa.String(200), nullable=False, server_default=""),
        sa.Column("location", sa.String(200), nullable=False, server_default=""),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("numbers", sa.JSON, nullable=False),
        sa.Column("unit_ids", sa.JSON, nullable=False),
        sa.Column("groups", sa.JSON, nullable=False),
        sa.Column("titles", sa.JSON, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("custom", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "person_id"),
        sa.UniqueConstraint("tenant_id", "external_id"),
    )
    op.create_index("ix_directory_people_extension", "directory_people", ["tenant_id", "extension"])
    op.create_table(
        "directory_fields",
        _tenant(),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("visibility", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("tenant_id", "name"),
    )
    op.create_table(
        "directory_presence",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("group_name", sa.String(100), nullable=False, server_default=""),
        sa.Column("reason_id", sa.String(64), nullable=False),
        sa.Column("text", sa.String(200), nullable=False, server_default=""),
        sa.Column("since", sa.Float, nullable=False),
        sa.Column("until", sa.Float, nullable=True),
        sa.Column("set_by", sa.String(100), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "person_id", "source", "group_name"),
    )
    op.create_table(
        "directory_reasons",
        _tenant(),
        sa.Column("reason_id", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.UniqueConstraint("tenant_id", "reason_id"),
    )


def downgrade() -> None:
    op.drop_table("directory_reasons")
    op.drop_table("directory_presence")
    op.drop_table("directory_fields")
    op.drop_index("ix_directory_people_extension", table_name="directory_people")
    op.drop_table("directory_people")
    op.drop_table("directory_units")
