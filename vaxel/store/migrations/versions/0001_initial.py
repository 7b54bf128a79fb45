"""Initial schema: tenants, users, skills, configuration documents, journal, read models.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
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
        "tenants",
        sa.Column("tenant_id", sa.String(64), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("main_number", sa.String(32), nullable=False, server_default=""),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _tenant(),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("password_hash", sa.String(255), nullable=True),
        sa.UniqueConstraint("tenant_id", "username"),
    )
    op.create_table(
        "skills",
        _tenant(),
        sa.Column("skill_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.UniqueConstraint("tenant_id", "skill_id"),
    )
    for name, key in (
        ("queues", "queue_id"),
        ("agents", "agent_id"),
        ("schedules", "schedule_id"),
        ("flows", "flow_id"),
    ):
        op.create_table(
            name,
            _tenant(),
            sa.Column(key, sa.String(64), nullable=False),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("document", sa.JSON, nullable=False),
            sa.UniqueConstraint("tenant_id", key),
        )
    op.create_table(
        "journal",
        sa.Column(
            "seq",
            sa.BigInteger().with_variant(sa.Integer, "sqlite"),
            primary_key=True,
            autoincrement=True,
        ),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("applied_at", sa.Float, nullable=False),
    )
    op.create_index("ix_journal_tenant", "journal", ["tenant_id", "seq"])
    op.create_table(
        "contacts",
        _tenant(),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("caller_number", sa.String(32), nullable=False, server_default=""),
        sa.Column("caller_data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("arrived_at", sa.Float, nullable=False),
        sa.Column("answered_at", sa.Float, nullable=True),
        sa.Column("ended_at", sa.Float, nullable=True),
        sa.Column("agent_id", sa.String(64), nullable=True),
        sa.Column("classification", sa.String(64), nullable=True),
        sa.Column("note", sa.Text, nullable=True),
        sa.UniqueConstraint("tenant_id", "contact_id"),
    )
    op.create_index("ix_contacts_arrived", "contacts", ["tenant_id", "arrived_at"])
    op.create_table(
        "callbacks",
        _tenant(),
        sa.Column("contact_id", sa.String(64), nullable=False),
        sa.Column("queue_id", sa.String(64), nullable=False),
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("interval_id", sa.String(64), nullable=False, server_default=""),
        sa.Column("caller_data", sa.JSON, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("requested_at", sa.Float, nullable=False),
        sa.Column("eligible_at", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("agents_tried", sa.JSON, nullable=False),
        sa.Column("last_note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("tenant_id", "contact_id"),
    )


def downgrade() -> None:
    for name in (
        "callbacks",
        "contacts",
        "journal",
        "flows",
        "schedules",
        "agents",
        "queues",
        "skills",
        "users",
        "tenants",
    ):
        op.drop_table(name)
