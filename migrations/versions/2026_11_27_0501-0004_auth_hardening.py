"""auth hardening: token versions (logout, password change) and tickets tied to their API key

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27

Failed-login counters reuse ``rate_limit_counters`` (buckets ``login:account:…`` and
``login:client:…``), so no table is added for them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), server_default=sa.text("0"), nullable=False)
    )
    op.add_column("agent_tickets", sa.Column("api_key_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_agent_tickets_api_key_id"), "agent_tickets", ["api_key_id"], unique=False)
    op.create_foreign_key(
        op.f("fk_agent_tickets_api_key_id_api_keys"),
        "agent_tickets",
        "api_keys",
        ["api_key_id"],
        ["id"],
        ondelete="CASCADE",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_agent_tickets_api_key_id_api_keys"), "agent_tickets", type_="foreignkey")
    op.drop_index(op.f("ix_agent_tickets_api_key_id"), table_name="agent_tickets")
    op.drop_column("agent_tickets", "api_key_id")
    op.drop_column("users", "token_version")
