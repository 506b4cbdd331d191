"""item banks, forms drawn per attempt, and the anchored self-rating scale

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

- questions.item_id / level_id: bank items keep a stable id across versions of
  their text and say which level they discriminate at.
- quizzes.blueprint: a diagnostic drawn from the banks (items per skill and level).
- questions.name: a question's name from elsewhere (GIFT ``::name::``).
- attempts.seed: the seed of the attempt's option order (NULL for older attempts,
  which keep their file order).
- The self-rating scale is anchored to the levels it claims. The old scale
  counted "Not very competent" as claiming Entry, which inflated over-confidence.
  Where the database still has that old mapping, it is replaced (not-very ->
  below-entry, fairly -> entry, very -> intermediate; "expert" for Advanced comes
  with the framework file), and every self-assessment result is derived again
  from its answers, which are kept as given. The level the old mapping gave is
  kept in skill_results.claimed_before.
"""

from __future__ import annotations

import math

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

OLD_CLAIMS = {"not-at-all": "below-entry", "not-very": "entry", "fairly": "intermediate",
              "very": "advanced"}  # fmt: skip
NEW_CLAIMS = {"not-at-all": "below-entry", "not-very": "below-entry", "fairly": "entry",
              "very": "intermediate"}  # fmt: skip


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("item_id", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("level_id", sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column("name", sa.String(length=200), nullable=True))
        batch_op.create_index("ix_questions_item_id", ["item_id"], unique=False)
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("blueprint", sa.JSON(), nullable=True))
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seed", sa.Integer(), nullable=True))
    with op.batch_alter_table("skill_results", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_before", sa.String(length=80), nullable=True))
    _anchor_self_ratings(op.get_bind())


def _anchor_self_ratings(connection: sa.Connection) -> None:
    claims = dict(connection.execute(sa.text("SELECT id, claims_level_id FROM self_ratings")).all())
    if claims != OLD_CLAIMS:
        return  # a new database, or a framework of its own: nothing to re-map
    for rating_id, level_id in NEW_CLAIMS.items():
        connection.execute(
            sa.text("UPDATE self_ratings SET claims_level_id = :level WHERE id = :id"),
            {"level": level_id, "id": rating_id},
        )
    levels = [row[0] for row in connection.execute(sa.text("SELECT id FROM levels ORDER BY position"))]
    answers = connection.execute(
        sa.text(
            "SELECT r.id, r.level_id, a.rating_id FROM skill_results r"
            " JOIN answers a ON a.attempt_id = r.attempt_id"
            " JOIN questions q ON q.id = a.question_id AND q.skill_id = r.skill_id"
            " WHERE r.kind = 'self-assessment' AND a.rating_id IS NOT NULL"
        )
    ).all()
    claimed: dict[int, tuple[str, list[int]]] = {}
    for result_id, old_level, rating_id in answers:
        if rating_id in NEW_CLAIMS and NEW_CLAIMS[rating_id] in levels:
            claimed.setdefault(result_id, (old_level, []))[1].append(
                levels.index(NEW_CLAIMS[rating_id])
            )
    for result_id, (old_level, indexes) in claimed.items():
        # The self-assessment rule: the mean claimed level, ties rounded down.
        new_level = levels[math.ceil(sum(indexes) / len(indexes) - 0.5)]
        connection.execute(
            sa.text(
                "UPDATE skill_results SET claimed_before = :old, level_id = :new WHERE id = :id"
            ),
            {"old": old_level, "new": new_level, "id": result_id},
        )


def downgrade() -> None:
    connection = op.get_bind()
    claims = dict(connection.execute(sa.text("SELECT id, claims_level_id FROM self_ratings")).all())
    if all(claims.get(rating) == level for rating, level in NEW_CLAIMS.items()):
        for rating_id, level_id in OLD_CLAIMS.items():
            connection.execute(
                sa.text("UPDATE self_ratings SET claims_level_id = :level WHERE id = :id"),
                {"level": level_id, "id": rating_id},
            )
    connection.execute(
        sa.text(
            "UPDATE skill_results SET level_id = claimed_before WHERE claimed_before IS NOT NULL"
        )
    )
    with op.batch_alter_table("skill_results", schema=None) as batch_op:
        batch_op.drop_column("claimed_before")
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_column("seed")
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_column("blueprint")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index("ix_questions_item_id")
        batch_op.drop_column("name")
        batch_op.drop_column("level_id")
        batch_op.drop_column("item_id")
