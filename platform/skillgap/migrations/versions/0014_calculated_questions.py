"""calculated questions: a question's template, and the number an answer typed

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02

questions.template holds a calculated question's variables, formula and
tolerance (rules/calculated.py to_json); its numbers are drawn per attempt from
the attempt's seed, so nothing else is stored per question. answers.response is
the number as the person typed it (graded on submit, shown on the result page).
Both are nullable columns added in place: no table rebuild on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("questions", sa.Column("template", sa.JSON(), nullable=True))
    op.add_column("answers", sa.Column("response", sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("response")
    with op.batch_alter_table("questions") as batch:
        batch.drop_column("template")
