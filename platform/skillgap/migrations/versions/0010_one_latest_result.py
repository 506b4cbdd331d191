"""at most one latest result per person, skill and kind

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

``skill_results.latest`` marks the newest result per (person, skill, kind);
until now only the code kept it so. A partial unique index makes the database
refuse a second latest row. Before creating it, the migration checks the data:
any group with more than one latest row (which older code could leave behind
if two writers raced) is repaired by the rule migration 0005 used, newest by
time then id, and the number of repaired groups is printed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

DUPLICATED = (
    "SELECT user_id, skill_id, kind FROM skill_results WHERE latest"
    " GROUP BY user_id, skill_id, kind HAVING COUNT(*) > 1"
)
# Whole statements as constants (no SQL built from strings at run time).
UNMARK = (
    "UPDATE skill_results SET latest = FALSE"
    " WHERE user_id = :user_id AND skill_id = :skill_id AND kind = :kind"
)
MARK_NEWEST = (
    "UPDATE skill_results SET latest = TRUE"
    " WHERE user_id = :user_id AND skill_id = :skill_id AND kind = :kind AND"
    " NOT EXISTS (SELECT 1 FROM skill_results AS newer"
    " WHERE newer.user_id = skill_results.user_id"
    " AND newer.skill_id = skill_results.skill_id"
    " AND newer.kind = skill_results.kind"
    " AND (newer.created_at > skill_results.created_at"
    "  OR (newer.created_at = skill_results.created_at AND newer.id > skill_results.id)))"
)


def upgrade() -> None:
    connection = op.get_bind()
    groups = connection.execute(sa.text(DUPLICATED)).all()
    for user_id, skill_id, kind in groups:
        same = {"user_id": user_id, "skill_id": skill_id, "kind": kind}
        connection.execute(sa.text(UNMARK), same)
        connection.execute(sa.text(MARK_NEWEST), same)
    if groups:
        print(f"0010: repaired {len(groups)} (person, skill, kind) groups with two latest results")
    with op.batch_alter_table("skill_results", schema=None) as batch_op:
        batch_op.create_index(
            "uq_skill_results_latest",
            ["user_id", "skill_id", "kind"],
            unique=True,
            sqlite_where=sa.text("latest"),
            postgresql_where=sa.text("latest"),
        )


def downgrade() -> None:
    with op.batch_alter_table("skill_results", schema=None) as batch_op:
        batch_op.drop_index("uq_skill_results_latest")
