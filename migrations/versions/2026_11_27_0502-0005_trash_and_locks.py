"""trash and locks: companies, roles, skills and CV versions get a trash; every trashed row
records the delete (batch) that took it, so restore brings back exactly that.

Names stay unique among live rows only: a trashed namesake no longer blocks a new row (restoring
it then answers 409).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEW_TRASH = ("companies", "roles", "skills", "cv_versions")
ALL_TRASH = (*NEW_TRASH, "interviews", "questions")
LIVE = sa.text("deleted_at IS NULL")
NAME_INDEXES = {
    "companies": ("uq_companies_owner_name", "company_name"),
    "skills": ("uq_skills_owner_name", "skill_name"),
    "cv_versions": ("uq_cv_versions_owner_name", "version_name"),
}
ROLE_KEY = ["owner_id", "company_id", "role_title", "seniority_level"]


def upgrade() -> None:
    for table in NEW_TRASH:
        op.add_column(table, sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    for table in ALL_TRASH:
        op.add_column(table, sa.Column("deleted_batch", sa.Uuid(), nullable=True))
        op.create_index(f"ix_{table}_deleted_batch", table, ["deleted_batch"], unique=False)
    for table, (name, column) in NAME_INDEXES.items():
        op.drop_index(name, table_name=table)
        op.create_index(
            name,
            table,
            ["owner_id", sa.literal_column(f"lower({column})")],
            unique=True,
            postgresql_where=LIVE,
        )
    op.drop_constraint("uq_roles_owner_company_title_level", "roles", type_="unique")
    op.create_index(
        "uq_roles_owner_company_title_level",
        "roles",
        ROLE_KEY,
        unique=True,
        postgresql_nulls_not_distinct=True,
        postgresql_where=LIVE,
    )


def downgrade() -> None:
    # The old indexes cover trashed rows too: if a live row has a trashed namesake the downgrade
    # fails loudly (unique violation) rather than silently dropping either row.
    op.drop_index("uq_roles_owner_company_title_level", table_name="roles", postgresql_where=LIVE)
    op.create_unique_constraint(
        "uq_roles_owner_company_title_level", "roles", ROLE_KEY, postgresql_nulls_not_distinct=True
    )
    for table, (name, column) in NAME_INDEXES.items():
        op.drop_index(name, table_name=table, postgresql_where=LIVE)
        op.create_index(name, table, ["owner_id", sa.literal_column(f"lower({column})")], unique=True)
    for table in ALL_TRASH:
        op.drop_index(f"ix_{table}_deleted_batch", table_name=table)
        op.drop_column(table, "deleted_batch")
    for table in NEW_TRASH:
        op.drop_column(table, "deleted_at")
