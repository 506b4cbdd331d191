"""must change password: a password someone else set is changed at first sign-in

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04

An admin creating an account (or the create-user command) sets a password the
person did not choose; ``users.must_change_password`` sends them to the
password change until they choose their own. Existing accounts keep theirs
(false); invited people choose their own password anyway.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not batch mode: on SQLite a batch rebuilds ``users``, and
# dropping the old table (foreign keys on) cascades to every row that refers to a
# person: their results, attempts, plans. ADD and DROP COLUMN (SQLite 3.35+) keep them.
def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("users", "must_change_password")
