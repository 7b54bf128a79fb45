"""Configuration the admin pages edit besides queues, agents, schedules and flows (ADM1):
phone extensions, the tenant's short lists (pause reasons, classification codes) and
uploaded prompts with their audio.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _tenant() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "tenant_id",
        sa.String(64),
        sa.ForeignKey("tenants.tenant_id", ondelete="CASCADE"),
        nullable=False,
    )


def upgrade() -> None:
    for name, key in (("extensions", "extension_id"), ("tenant_lists", "list_id")):
        op.create_table(
            name,
            _tenant(),
            sa.Column(key, sa.String(64), nullable=False),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("document", sa.JSON, nullable=False),
            sa.UniqueConstraint("tenant_id", key),
        )
    op.create_table(
        "prompts",
        _tenant(),
        sa.Column("prompt_id", sa.String(128), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("audio", sa.LargeBinary, nullable=False),
        sa.Column("uploaded_at", sa.Float, nullable=False),
        sa.UniqueConstraint("tenant_id", "prompt_id"),
    )


def downgrade() -> None:
    for name in ("prompts", "tenant_lists", "extensions"):
        op.drop_table(name)
