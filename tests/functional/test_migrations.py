"""Alembic migrations: an empty database reaches head on SQLite and PostgreSQL,
the schema matches the models, and the app refuses a database that is behind."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from skillgap import create_app, migrate
from skillgap.db import make_engine
from skillgap.models import Base
from tests.conftest import app_config, empty_database


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migrations_upgrade_an_empty_database_to_head(tmp_path, backend):
    with empty_database(tmp_path, backend) as url:
        engine = make_engine(url)
        try:
            assert migrate.current_revision(engine) is None
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision()
            tables = set(inspect(engine).get_table_names())
            assert {"users", "teams", "team_managers", "alembic_version"} <= tables
            with engine.connect() as connection:
                context = MigrationContext.configure(
                    connection, opts={"include_name": migrate.include_name}
                )
                differences = compare_metadata(context, Base.metadata)
            assert differences == [], "models and migrations disagree; add a migration"
            # Every migration can be undone and redone.
            migrate.downgrade(engine, "base")
            assert migrate.current_revision(engine) is None
            assert "users" not in inspect(engine).get_table_names()
            migrate.upgrade(engine)
            assert migrate.current_revision(engine) == migrate.head_revision()
        finally:
            engine.dispose()


def test_app_refuses_to_start_on_a_database_behind_the_migrations(tmp_path):
    with empty_database(tmp_path) as url:
        with pytest.raises(migrate.SchemaNotCurrentError) as error:
            create_app(app_config(url))
        message = str(error.value)
        assert "flask --app run db upgrade" in message
        assert migrate.head_revision() in message
