"""languages: a person's language and time zone, content translations

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02

``users`` gains ``locale`` and ``timezone`` (None: the browser's language and
the site's zone). ``content_translations`` holds the translated words of a
course, module, quiz or the framework beside the English source, with the
source revision it was made from. A translation's revisions are kept in
``revisions`` under "<id>.<locale>", which is longer than an id, so
``revisions.item_id`` grows to 100 characters. On SQLite that is a batch
rebuild of ``revisions``, which is safe: no table refers to a revision (0016
says why ``users`` must never be rebuilt that way).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from skillgap.models.base import UTCDateTime

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", sa.String(length=10), nullable=True))
    op.add_column("users", sa.Column("timezone", sa.String(length=64), nullable=True))
    op.create_table(
        "content_translations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("item_id", sa.String(length=80), nullable=False),
        sa.Column("locale", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("toc_html", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("source_revision", sa.Integer(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("kind", "item_id", "locale"),
    )
    with op.batch_alter_table("revisions") as batch:
        batch.alter_column("item_id", type_=sa.String(length=100), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("revisions") as batch:
        batch.alter_column("item_id", type_=sa.String(length=80), existing_nullable=False)
    op.drop_table("content_translations")
    op.drop_column("users", "timezone")
    op.drop_column("users", "locale")
