"""Skillgap: a skills-gap training platform for social media marketers.

``create_app`` wires configuration, the database, extensions, blueprints and
CLI commands. It refuses to start against a database whose schema is not at
the migrations' head (``flask --app run db upgrade`` fixes that), except while
a ``flask`` CLI command is running, so that ``db upgrade`` itself can run.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from skillgap import config as settings
from skillgap import db, hardening, sessions, sign_in_limit
from skillgap.extensions import csrf, login_manager
from skillgap.migrate import check_schema_current
from skillgap.passwords import make_hasher
from skillgap.roles import Role

PROJECT_ROOT = settings.PROJECT_ROOT


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(settings.DEFAULT_INSTANCE),
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(settings.BASE)
    app.config.update(settings.from_environment(Path(app.instance_path)))
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.load_secret_key(Path(app.instance_path))

    app.session_interface = sessions.SessionInterface()
    from skillgap.forms import IdConverter

    app.url_map.converters["id"] = IdConverter
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    database = db.make_database(app.config["DATABASE_URL"])
    from skillgap.services import current_levels  # noqa: F401 (its session events keep the rows)

    db.init_app(app, database)
    if app.config["SCHEMA_CHECK"] and click.get_current_context(silent=True) is None:
        check_schema_current(database.engine)

    app.extensions["skillgap.hasher"] = make_hasher(app.config)
    from skillgap import i18n

    i18n.init_app(app)
    login_manager.init_app(app)
    csrf.init_app(app)
    from skillgap import fragments

    fragments.init_app(app)  # after csrf: it wraps the csrf_token template global
    sign_in_limit.init_app(app)
    from skillgap.auth import oidc

    oidc.init_app(app)
    hardening.init_app(app)

    register_blueprints(app)
    register_template_helpers(app)

    app.cli = CommandsOnDemand(app)
    return app


def register_blueprints(app: Flask) -> None:
    from skillgap import admin, assess, auth, core, credentials, dictionary, learn, team

    blueprints = (
        core.bp,
        auth.bp,
        learn.bp,
        dictionary.bp,
        assess.bp,
        team.bp,
        admin.bp,
        credentials.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    core.register_error_pages(app)
    from skillgap import api

    api.init_app(app)  # the JSON API: its blueprint, CSRF exemption, rate limit
    credentials.init_app(app)  # signing keys made or read at start


def register_template_helpers(app: Flask) -> None:
    @app.context_processor
    def inject_roles() -> dict[str, Any]:
        return {"Role": Role}

    from skillgap.team.cells import cell_html

    app.add_template_filter(cell_html, "matrix_cell")  # see team/cells.py for why
    from skillgap.admin.organisation_cells import organisation_cell

    app.add_template_filter(organisation_cell, "organisation_cell")  # the same, per team

    from skillgap.content.markdown import inline_code

    app.add_template_filter(inline_code, "inline")  # `code` in questions and options

    from skillgap.curriculum.snapshot import snapshot_of
    from skillgap.db import get_session
    from skillgap.services.question_words import question_words

    @app.template_global("words")
    def words_of(question):
        """A question's words in the reader's language (services/question_words.py)."""
        return question_words(snapshot_of(get_session()), question)


class CommandsOnDemand(AppGroup):
    """``app.cli`` with Skillgap's commands registered when a command is first
    looked up or listed: the command modules import the content importer and
    more, a tenth of start-up time that a web worker never needs."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app.name)
        self._app: Flask | None = app

    def _register(self) -> None:
        if self._app is not None:
            app, self._app = self._app, None
            from skillgap.cli import register_commands

            register_commands(app)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        self._register()
        return super().get_command(ctx, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._register()
        return super().list_commands(ctx)
