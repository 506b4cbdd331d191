"""What ``python run.py`` does before serving, kept out of run.py so it is testable.

On the embedded SQLite database it upgrades the schema and, when the database
has no users, creates the demo organisation and prints its sign-ins once. A
server database (DATABASE_URL on PostgreSQL) is upgraded deliberately by its
operator with ``flask --app run db upgrade``; only the check runs for it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from skillgap import create_app, migrate
from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import import_content
from skillgap.db import database, get_session, is_sqlite
from skillgap.models import Course
from skillgap.security import get_hasher
from skillgap.services import demo
from skillgap.services.accounts import AccountError


class StartupError(RuntimeError):
    pass


def prepare_embedded_database(
    config: Mapping[str, Any] | None = None, echo: Callable[[str], None] = print
) -> list[demo.DemoLogin]:
    setup = create_app({**(config or {}), "SCHEMA_CHECK": False})
    if not is_sqlite(setup.config["DATABASE_URL"]):
        return []
    with setup.app_context():
        engine = database().engine
        try:
            if migrate.current_revision(engine) != migrate.head_revision():
                echo(_("Upgrading the database schema ..."))
                migrate.upgrade(engine)
            session = get_session()
            if not session.scalar(select(func.count()).select_from(Course)):
                _import_bundled_content(session, Path(setup.config["CONTENT_ROOT"]), echo)
            if not setup.config["SKILLGAP_DEMO"] or demo.has_any_user(session):
                return []
            try:
                logins = demo.create_demo_organisation(
                    session, get_hasher(), setup.config["SKILLGAP_DEMO_PASSWORD"]
                )
            except AccountError as error:
                raise StartupError(
                    _(
                        "cannot create the demo organisation: SKILLGAP_DEMO_PASSWORD: %(error)s",
                        error=error,
                    )
                ) from error
            session.commit()
            echo(format_demo_logins(logins))
            return logins
        finally:
            engine.dispose()


def _import_bundled_content(session, root: Path, echo: Callable[[str], None]) -> None:
    echo(_("Importing the curriculum from %(folder)s ...", folder=root / "courses"))
    try:
        report = import_content(session, root)
    except ContentInvalidError as invalid:
        session.rollback()
        listing = "\n".join(str(error) for error in invalid.errors)
        raise StartupError(
            _("the content files have errors; nothing was imported:\n%(errors)s", errors=listing)
        ) from invalid
    session.commit()
    echo("\n".join(f"  {line}" for line in report.lines()))


def format_demo_logins(logins: list[demo.DemoLogin]) -> str:
    lines = [_("Demo organisation created. Sign in with (shown only this once):")]
    lines += [f"  {login.role.value:<8} {login.email:<24} {login.password}" for login in logins]
    return "\n".join(lines)
