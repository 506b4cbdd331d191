"""Alembic migrations: an empty database reaches head on SQLite and PostgreSQL,
the schema matches the models, and the app refuses a database that is behind."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

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


RESULT_COLUMNS = (
    "id, attempt_id, user_id, skill_id, kind, level_id, earned, possible, questions, "
    "low_evidence, certain_count, certain_wrong, created_at"
)
RESULT_VALUES = ":id, :id, 1, 'kpi', 'diagnostic', 'entry', 1, 1, 1, FALSE, 0, 0, :day"
RESULT = text(f"INSERT INTO skill_results ({RESULT_COLUMNS}) VALUES ({RESULT_VALUES})")
RESULT_WITH_FLAG = text(
    f"INSERT INTO skill_results ({RESULT_COLUMNS}, latest) VALUES ({RESULT_VALUES}, :latest)"
)


def _seed_three_results(engine, revision: str, latest: bool | None) -> None:
    """At ``revision``: one person with three diagnostic results for one skill,
    submitted in January, March and February (ids 1, 2, 3). ``latest`` sets the
    flag on every row (the column exists from 0005 on); None leaves it out."""
    from sqlalchemy import text

    migrate.upgrade(engine, revision)
    with engine.begin() as connection:
        run = connection.execute
        run(
            text(
                "INSERT INTO levels (id, name, min_percent, position) "
                "VALUES ('entry', 'Entry', 60, 1)"
            )
        )
        run(
            text(
                "INSERT INTO skills (id, name, description, position) VALUES ('kpi', 'KPIs', '', 0)"
            )
        )
        run(
            text(
                "INSERT INTO quizzes (id, title, kind, file_name, source, published) "
                "VALUES ('diagnostic', 'D', 'diagnostic', 'd.md', '', TRUE)"
            )
        )
        run(
            text(
                "INSERT INTO users (id, email, name, password_hash, role, active, "
                "session_version, failed_logins, created_at) VALUES "
                "(1, 'a@example.org', 'A', 'x', 'learner', TRUE, 1, 0, '2026-01-01')"
            )
        )
        for attempt_id, day in ((1, "2026-01-05"), (2, "2026-03-05"), (3, "2026-02-05")):
            run(
                text(
                    "INSERT INTO attempts (id, user_id, quiz_id, state, question_ids, "
                    "started_at) VALUES (:id, 1, 'diagnostic', 'submitted', '[]', :day)"
                ),
                {"id": attempt_id, "day": day},
            )
            run(
                RESULT if latest is None else RESULT_WITH_FLAG,
                {"id": attempt_id, "day": day, "latest": latest},
            )


def _latest_flags(engine) -> dict[int, bool]:
    from sqlalchemy import text

    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, latest FROM skill_results ORDER BY id")).all()
    return {row_id: bool(flag) for row_id, flag in rows}


def test_latest_results_migration_marks_the_newest_per_person_skill_and_kind(tmp_path):
    with empty_database(tmp_path) as url:
        engine = make_engine(url)
        try:
            _seed_three_results(engine, "0004", latest=None)
            migrate.upgrade(engine)
            assert _latest_flags(engine) == {1: False, 2: True, 3: False}
        finally:
            engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_one_latest_migration_repairs_duplicates_then_refuses_a_second_latest(tmp_path, backend):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    with empty_database(tmp_path, backend) as url:
        engine = make_engine(url)
        try:
            _seed_three_results(engine, "0009", latest=True)  # three "latest": broken data
            migrate.upgrade(engine)
            assert _latest_flags(engine) == {1: False, 2: True, 3: False}
            with pytest.raises(IntegrityError), engine.begin() as connection:
                connection.execute(text("UPDATE skill_results SET latest = TRUE WHERE id = 3"))
            assert _latest_flags(engine) == {1: False, 2: True, 3: False}
        finally:
            engine.dispose()


def test_head_read_from_the_files_is_alembics_head():
    from alembic.script import ScriptDirectory

    assert ScriptDirectory(str(migrate.MIGRATIONS_DIR)).get_heads() == [migrate.head_revision()]


OLD_SCALE_ROWS = [
    "INSERT INTO levels (id, name, min_percent, position) VALUES ('below-entry', 'B', 0, 0),"
    " ('entry', 'E', 60, 1), ('intermediate', 'I', 75, 2), ('advanced', 'A', 90, 3)",
    "INSERT INTO self_ratings (id, label, claims_level_id, position) VALUES"
    " ('not-at-all', 'N', 'below-entry', 0), ('not-very', 'NV', 'entry', 1),"
    " ('fairly', 'F', 'intermediate', 2), ('very', 'V', 'advanced', 3)",
    "INSERT INTO skills (id, name, description, position) VALUES ('kpi', 'KPIs', '', 0)",
    "INSERT INTO quizzes (id, title, kind, file_name, source, published)"
    " VALUES ('self-assessment', 'S', 'self-assessment', 's.md', '', TRUE)",
    "INSERT INTO users (id, email, name, password_hash, role, active, session_version,"
    " failed_logins, created_at) VALUES (1, 'a@example.org', 'A', 'x', 'learner', TRUE, 1, 0,"
    " '2026-01-01')",
    "INSERT INTO attempts (id, user_id, quiz_id, state, question_ids, started_at)"
    " VALUES (1, 1, 'self-assessment', 'submitted', '[1, 2]', '2026-02-01')",
    "INSERT INTO questions (id, quiz_id, fingerprint, position, text, skill_id, kind, options,"
    " explanation, line, active) VALUES (1, 'self-assessment', 'f1', 1, 'I can', 'kpi',"
    " 'rating', '[]', '', 1, TRUE), (2, 'self-assessment', 'f2', 2, 'I can too', 'kpi',"
    " 'rating', '[]', '', 2, TRUE)",
    "INSERT INTO answers (attempt_id, question_id, chosen, rating_id, answered_at) VALUES"
    " (1, 1, '[]', 'very', '2026-02-01'), (1, 2, '[]', 'not-very', '2026-02-01')",
    # The old mapping: very (3) and not-very (1) average to 2, intermediate.
    "INSERT INTO skill_results (id, attempt_id, user_id, skill_id, kind, level_id, earned,"
    " possible, questions, low_evidence, certain_count, certain_wrong, created_at, latest)"
    " VALUES (1, 1, 1, 'kpi', 'self-assessment', 'intermediate', 0, 2, 2, FALSE, 0, 0,"
    " '2026-02-01', TRUE)",
]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_anchored_scale_migration_keeps_answers_and_derives_levels_again(tmp_path, backend):
    """0011: old mapping (not-very -> entry ... very -> advanced) replaced; every
    self-assessment result derived again from its kept answers, the old level kept."""
    with empty_database(tmp_path, backend) as url:
        engine = make_engine(url)
        try:
            migrate.upgrade(engine, "0010")
            with engine.begin() as connection:
                for statement in OLD_SCALE_ROWS:
                    connection.execute(text(statement))
            migrate.upgrade(engine)
            with engine.connect() as connection:
                result = connection.execute(
                    text("SELECT level_id, claimed_before FROM skill_results WHERE id = 1")
                ).one()
                answers = (
                    connection.execute(text("SELECT rating_id FROM answers ORDER BY question_id"))
                    .scalars()
                    .all()
                )
                claims = dict(
                    connection.execute(text("SELECT id, claims_level_id FROM self_ratings")).all()
                )
            # New mapping: very -> intermediate (2), not-very -> below entry (0): mean 1, entry.
            assert tuple(result) == ("entry", "intermediate")
            assert answers == ["very", "not-very"]  # the answers as given
            assert claims["not-very"] == "below-entry" and claims["very"] == "intermediate"
        finally:
            engine.dispose()
