"""adaptive IRT: quiz mode, item calibrations, an attempt's adaptive state,
results with their uncertainty

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02

Existing quizzes are "fixed" (their forms as before) until their file says
``mode: adaptive``. Existing results keep their percent-correct level: the new
result columns stay NULL for them, which is how pages tell a fixed-form result
from an adaptive one.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


# Plain ADD COLUMN, not batch mode (see 0016: a batch rebuild on SQLite would
# cascade through the foreign keys).
def upgrade() -> None:
    op.add_column(
        "quizzes", sa.Column("mode", sa.String(20), nullable=False, server_default="fixed")
    )
    op.add_column("quizzes", sa.Column("stopping", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("attempts", sa.Column("adaptive", sa.JSON(none_as_null=True), nullable=True))
    for column in ("theta", "theta_se", "domain_low", "domain_high", "certainty"):
        op.add_column("skill_results", sa.Column(column, sa.Double(), nullable=True))
    op.add_column(
        "skill_results",
        sa.Column("level_probabilities", sa.JSON(none_as_null=True), nullable=True),
    )
    op.create_table(
        "item_calibrations",
        sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("calibrated", sa.Integer(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "item_parameters",
        sa.Column("skill_id", sa.String(80), sa.ForeignKey("skills.id"), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True),
        sa.Column("item_id", sa.String(60), primary_key=True),
        sa.Column("a", sa.Double(), nullable=False),
        sa.Column("b", sa.Double(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("fit_flag", sa.String(120), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("item_parameters")
    op.drop_table("item_calibrations")
    op.drop_column("skill_results", "level_probabilities")
    for column in ("certainty", "domain_high", "domain_low", "theta_se", "theta"):
        op.drop_column("skill_results", column)
    op.drop_column("attempts", "adaptive")
    op.drop_column("quizzes", "stopping")
    op.drop_column("quizzes", "mode")
