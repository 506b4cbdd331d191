"""review dates: when modules, quizzes and questions were last reviewed and are due

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02

From the files' ``reviewed:`` / ``review_after:`` keys (and a bank item's own
``reviewed:`` line); /admin/review and ``flask content stale`` list what is due.
Nullable columns added in place; the next import fills them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

TABLES = ("modules", "quizzes", "questions")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("reviewed", sa.Date(), nullable=True))
        op.add_column(table, sa.Column("review_after", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("review_after")
            batch.drop_column("reviewed")
