"""A tenant's uploaded prompt keeps the number staff key on a phone (``*95*<nr>#``, issue 14
§7): given once, the lowest free, so an upload added later never moves another prompt's
number (it was the place on the prompt page, sorted by name — a new upload shifted the rest
and a recording by phone replaced the wrong prompt). Existing uploads are numbered by name.

Revision ID: 0022
Revises: 0021
"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.add_column(sa.Column("number", sa.Integer, nullable=True))
    prompts = sa.table(
        "prompts",
        sa.column("tenant_id", sa.String),
        sa.column("prompt_id", sa.String),
        sa.column("name", sa.String),
        sa.column("number", sa.Integer),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(prompts.c.tenant_id, prompts.c.prompt_id).order_by(
            prompts.c.tenant_id, prompts.c.name, prompts.c.prompt_id
        )
    ).all()
    counts: dict[str, int] = {}
    for tenant_id, prompt_id in rows:
        counts[tenant_id] = counts.get(tenant_id, 0) + 1
        connection.execute(
            sa.update(prompts)
            .where(prompts.c.tenant_id == tenant_id, prompts.c.prompt_id == prompt_id)
            .values(number=counts[tenant_id])
        )
    with op.batch_alter_table("prompts") as batch:
        batch.create_unique_constraint("uq_prompts_tenant_number", ["tenant_id", "number"])


def downgrade() -> None:
    with op.batch_alter_table("prompts") as batch:
        batch.drop_constraint("uq_prompts_tenant_number", type_="unique")
        batch.drop_column("number")
