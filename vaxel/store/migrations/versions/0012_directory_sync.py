"""Keeping the directory in step with outside sources (issue 13 §3–4, DIR5, spec §41): each
tenant's source settings (LDAP/AD, calendar rules) with the report of the last run, and each
person's calendar address (CalDAV or ICS) with their opt-out and the last error.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
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
        "directory_sources",
        _tenant(),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("settings", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON, nullable=True),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "source"),
    )
    op.create_table(
        "directory_calendars",
        _tenant(),
        sa.Column("person_id", sa.String(64), nullable=False),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("username", sa.String(200), nullable=False, server_default=""),
        sa.Column("password", sa.String(500), nullable=False, server_default=""),
        sa.Column("opted_out", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("checked_at", sa.Float, nullable=True),
        sa.Column("error", sa.String(300), nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "person_id"),
    )


def downgrade() -> None:
    op.drop_table("directory_calendars")
    op.drop_table("directory_sources")
