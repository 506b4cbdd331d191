"""``flask --app run send-digests``: the weekly nudge and the manager digest, for
a scheduled job (README "Email: weekly nudge and manager digest"). The rules
are in services/digests.py and the once-only sending in services/email_runs.py."""

from __future__ import annotations

import sys
from collections.abc import Callable
from urllib.parse import urlsplit

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _

from skillgap import clock
from skillgap.cli.database import require_current_schema
from skillgap.db import database
from skillgap.services import email_runs
from skillgap.services.email_links import Links
from skillgap.services.mailer import Mailer, SmtpSettings


def smtp_settings(app: Flask) -> SmtpSettings:
    """The SMTP settings; the From address defaults to no-reply at the base URL's host."""
    base_url = app.config.get("SKILLGAP_BASE_URL", "")
    if not base_url:
        raise click.ClickException(
            _(
                "SKILLGAP_BASE_URL is not set: emails need the site's address for their "
                "links, e.g. SKILLGAP_BASE_URL=https://skillgap.example.com"
            )
        )
    host = urlsplit(base_url).hostname or "localhost"
    return SmtpSettings(
        host=app.config["SKILLGAP_SMTP_HOST"],
        port=app.config["SKILLGAP_SMTP_PORT"],
        security=app.config["SKILLGAP_SMTP_SECURITY"],
        user=app.config["SKILLGAP_SMTP_USER"],
        password=app.config["SKILLGAP_SMTP_PASSWORD"],
        sender=app.config["SKILLGAP_MAIL_FROM"] or f"Skillgap <no-reply@{host}>",
    )


def run_settings(app: Flask, dry_run: bool, sender: str) -> email_runs.RunSettings:
    now = clock.now()
    return email_runs.RunSettings(
        today=now.date(),
        now=now,
        retake_interval=app.config["RETAKE_INTERVAL"],
        links=Links(app.config["SKILLGAP_BASE_URL"], app.url_map, app.config["SECRET_KEY"]),
        sender=sender,
        dry_run=dry_run,
    )


def send(
    app: Flask, dry_run: bool = False, progress: Callable[[int], None] = lambda _n: None
) -> email_runs.Summary:
    """One run on the app's database and SMTP server (the command, and tests that
    run two at once, call this)."""
    settings = smtp_settings(app)
    run = run_settings(app, dry_run, settings.sender)
    db = database(app)
    with db.read_sessions() as reader, db.write_sessions() as writer, Mailer(settings) as mailer:
        return email_runs.send_all(reader, writer, None if dry_run else mailer.send, run, progress)


@click.command("send-digests")
@click.option(
    "--dry-run", is_flag=True, help="Work out who would get what; send and record nothing."
)
@with_appcontext
def send_digests(dry_run: bool) -> None:
    """Send this week's nudges and the managers' digests (weekly, or monthly on the
    first run of a month). Safe to run again, or on two instances at once: each
    email goes once. Failed deliveries are tried again on the next run (exit
    status 1 when any failed)."""
    require_current_schema()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    smtp_settings(app)  # a missing SKILLGAP_BASE_URL stops before anything is read
    if sys.stdout.isatty():
        with database(app).read_sessions() as session:
            total = email_runs.people_count(session)
        with click.progressbar(length=total, label=_("People"), file=sys.stdout) as bar:
            summary = send(app, dry_run, bar.update)
    else:
        summary = send(app, dry_run)
    click.echo(summary.line())
    if summary.failed.total():
        # Exit status 1, so the scheduler reports it; the others were sent.
        click.echo(_("Failed deliveries are tried again on the next run."))
        raise SystemExit(1)
