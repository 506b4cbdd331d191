"""``flask --app run levels verify | rebuild``: the kept current levels
(services/current_levels.py) against the history, and rewritten from it."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup
from flask_babel import gettext as _
from sqlalchemy import func, select

from skillgap.cli.database import require_current_schema
from skillgap.db import get_session
from skillgap.models import KeptLevel, User
from skillgap.services import current_levels

levels_cli = AppGroup("levels", help="Each person's kept current level per skill.")
SHOWN = 50  # differences listed; the count covers them all


@levels_cli.command("verify")
def verify() -> None:
    """Recompute every person's levels and targets from their history (the path's
    own rules) and list where the kept rows differ. Exit status 1 if any do."""
    require_current_schema()
    session = get_session()
    people = session.scalar(select(func.count()).select_from(User)) or 0
    with click.progressbar(length=people, label=_("Checking"), file=sys.stderr) as bar:
        done = 0

        def step(n: int) -> None:
            nonlocal done
            bar.update(n - done)
            done = n

        differences = current_levels.verify(session, progress=step)
    rows = session.scalar(select(func.count()).select_from(KeptLevel)) or 0
    if not differences:
        click.echo(
            _(
                "%(rows)s kept levels of %(people)s people: all agree with the history.",
                rows=rows,
                people=people,
            )
        )
        return
    for difference in differences[:SHOWN]:
        click.echo(
            _(
                "%(email)s (%(user)s), %(skill)s, %(field)s: kept %(kept)r, history %(found)r",
                email=difference.email,
                user=difference.user_id,
                skill=difference.skill_id,
                field=difference.field,
                kept=difference.kept,
                found=difference.recomputed,
            )
        )
    click.echo(
        _(
            "%(count)s differences. `flask --app run levels rebuild` rewrites the rows "
            "from the history.",
            count=len(differences),
        )
    )
    sys.exit(1)


@levels_cli.command("rebuild")
def rebuild() -> None:
    """Rewrite every kept level from the history, in one transaction."""
    require_current_schema()
    session = get_session()
    current_levels.rewrite(session)
    session.commit()
    rows = session.scalar(select(func.count()).select_from(KeptLevel)) or 0
    click.echo(_("Rewrote %(rows)s kept levels from the history.", rows=rows))
