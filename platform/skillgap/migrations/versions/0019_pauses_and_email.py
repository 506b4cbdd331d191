"""pauses, lighter weeks and email: plan weeks, email preferences, deliveries

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02

``plan_weeks`` holds the weeks a person paused (0 minutes) or made lighter.
``learning_plans`` gains the email preferences (weekly nudge on, digest weekly:
the defaults a person without a row has too). ``email_deliveries`` records each
email claimed and sent, one per person, kind and period.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from skillgap.models.base import UTCDateTime

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


# Plain ADD COLUMN, not batch mode (0016 says why).
def upgrade() -> None:
    op.add_column(
        "learning_plans",
        sa.Column("weekly_nudge", sa.Boolean(), nullable=False, server_default=sa.true()),
    )
    op.add_column(
        "learning_plans",
        sa.Column("digest", sa.String(length=10), nullable=False, server_default="weekly"),
    )
    op.create_table(
        "plan_weeks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_plan_weeks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "week_start", name=op.f("pk_plan_weeks")),
    )
    op.create_table(
        "email_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_deliveries_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_deliveries")),
        sa.UniqueConstraint("user_id", "kind", "period", name=op.f("uq_email_deliveries_user_id")),
    )


def downgrade() -> None:
    op.drop_table("email_deliveries")
    op.drop_table("plan_weeks")
    op.drop_column("learning_plans", "digest")
    op.drop_column("learning_plans", "weekly_nudge")
