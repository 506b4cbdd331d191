"""Alembic environment: runs on the engine handed over by skillgap.migrate."""

from __future__ import annotations

from alembic import context

from skillgap.migrate import include_name
from skillgap.models import Base

engine = context.config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
