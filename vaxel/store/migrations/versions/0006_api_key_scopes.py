"""API keys get an id to name them by, scopes, an expiry, a revocation time and the time of
their last use (issue 10 §12).

A key made before scopes existed could do everything; it keeps all three scopes so no
integration breaks on upgrade, and an admin now sees it, with its last use, and can revoke
it. A row written without scopes gets none (the safe default).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_EVERY_SCOPE = "callbacks:create read events"


def upgrade() -> None:
    op.add_column("api_keys", sa.Column("key_id", sa.String(16), nullable=False, server_default=""))
    op.add_column(
        "api_keys", sa.Column("scopes", sa.String(200), nullable=False, server_default="")
    )
    op.add_column("api_keys", sa.Column("expires_at", sa.Float, nullable=True))
    op.add_column("api_keys", sa.Column("revoked_at", sa.Float, nullable=True))
    op.add_column("api_keys", sa.Column("last_used_at", sa.Float, nullable=True))
    # The id is the start of the key's SHA-256, as vaxel.store.api_keys makes it.
    op.execute(
        sa.text("UPDATE api_keys SET key_id = substr(key_hash, 1, 16), scopes = :every").bindparams(
            every=_EVERY_SCOPE
        )
    )
    op.create_index("ix_api_keys_key_id", "api_keys", ["key_id"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_api_keys_key_id", table_name="api_keys")
    for column in ("last_used_at", "revoked_at", "expires_at", "scopes", "key_id"):
        op.drop_column("api_keys", column)
