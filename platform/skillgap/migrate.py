"""Alembic, driven from code: upgrade, current revision, and the start-up check.

There is no alembic.ini: the migrations live in the package and the database
URL comes from the app's configuration, so ``flask --app run db upgrade``
works wherever the app does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported only by the functions that run migrations: the start-up
# check below reads the revision itself, which keeps `import run` (every
# gunicorn worker, every CLI call) about 0.2 s faster.

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
UPGRADE_HINT = "flask --app run db upgrade"


# Tables the migrations create outside the models (SQLite's FTS5 search index
# and its shadow tables); autogenerate must not try to drop them.
UNMODELLED_TABLE_PREFIXES = ("module_search",)


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    return not (type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES))


class SchemaNotCurrentError(RuntimeError):
    """The database is behind (or ahead of) the code's migrations."""


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


REVISION_LINE = re.compile(r"^(down_revision|revision) = ['\"]?([\w]+)['\"]?$", re.MULTILINE)


def head_revision() -> str:
    """The newest migration, read from the files' ``revision`` and ``down_revision``
    lines (tests/functional/test_migrations.py checks it equals Alembic's head)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        for key, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if key == "revision" else parents).add(value)
    heads = sorted(revisions - parents)
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.scalar(text("SELECT version_num FROM alembic_version"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def make_revision(engine: Engine, message: str, autogenerate: bool = True) -> None:
    from alembic import command

    command.revision(alembic_config(engine), message=message, autogenerate=autogenerate)


def check_schema_current(engine: Engine) -> None:
    """Refuse to run against a database whose schema does not match the code."""
    current = current_revision(engine)
    head = head_revision()
    if current == head:
        return
    state = "missing (empty database)" if current is None else f"at revision {current}"
    raise SchemaNotCurrentError(
        f"The database schema is {state}, but this version of Skillgap needs revision "
        f"{head}. Back up the database, then run `{UPGRADE_HINT}` "
        f"(with the same DATABASE_URL) and start again."
    )
