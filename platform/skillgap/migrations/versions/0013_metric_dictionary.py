"""the metric dictionary: one row per courses/metrics/<id>.yml

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Each file's text (for the editor, revisions and export) and its entries as
parsed when it was imported or published (JSON), which the curriculum snapshot
reads. Modules cite entries with [[metric:<id>]]; the citation is resolved
when a page is shown, so editing a definition changes every citing module.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "metric_files",
        sa.Column("id", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("entries", sa.JSON(), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_files")),
    )


def downgrade() -> None:
    op.drop_table("metric_files")
