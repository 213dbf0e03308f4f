"""search prefix trigram: pg_trgm and trigram GIN indexes for typo-tolerant, infix search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (index, table, column): the names the models declare (app.models.catalog.trigram_index).
TRIGRAM_INDEXES = [
    ("ix_companies_company_name_trgm", "companies", "company_name"),
    ("ix_roles_role_title_trgm", "roles", "role_title"),
    ("ix_skills_skill_name_trgm", "skills", "skill_name"),
    ("ix_questions_question_text_trgm", "questions", "question_text"),
]


def upgrade() -> None:
    # pg_trgm is a contrib extension: shipped by the embedded server and by every managed PostgreSQL.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        op.create_index(
            name, table, [column], postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}
        )


def downgrade() -> None:
    for name, table, _ in reversed(TRIGRAM_INDEXES):
        op.drop_index(name, table_name=table)
    # The extension stays: other objects in the database may use it.
