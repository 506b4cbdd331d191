"""The learner's pause page: pause 1 to 8 weeks, make one week lighter, undo."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from skillgap import clock
from skillgap.access import requires
from skillgap.db import get_session
from skillgap.forms import ConfirmForm, choices
from skillgap.learn.forms import LighterWeekForm, PauseForm
from skillgap.learn.views import bp
from skillgap.roles import Role
from skillgap.services import paths, pauses


def _week_choices(today: date) -> list[tuple[str, str]]:
    mondays = pauses.upcoming_mondays(today)
    labels = [format_date(m, "EEEE d MMM y") for m in mondays]  # "Monday 07 Dec 2026"
    labels[0] = _("This week, %(day)s", day=labels[0])
    return list(zip((m.isoformat() for m in mondays), labels, strict=True))


def _forms(today: date) -> tuple[PauseForm, LighterWeekForm]:
    pause, lighter = PauseForm(prefix="pause"), LighterWeekForm(prefix="lighter")
    pause.start.choices = lighter.start.choices = choices(_week_choices(today))
    pause.weeks.choices = choices(
        (str(n), ngettext("%(num)d week", "%(num)d weeks", n))
        for n in range(1, pauses.MAX_PAUSE_WEEKS + 1)
    )
    return pause, lighter


def _page(pause: PauseForm, lighter: LighterWeekForm, status: int = 200):
    db = get_session()
    today = clock.now().date()
    weeks = pauses.changed_weeks(db, current_user.id, today)
    return render_template(
        "learn/pause.html",
        pause=pause,
        lighter=lighter,
        weeks=weeks,
        undo=ConfirmForm(),
        usual=paths.plan_for(db, current_user.id).weekly_minutes,
    ), status


@bp.get("/path/pause")
@requires(Role.LEARNER)
def pause_page():
    return _page(*_forms(clock.now().date()))


@bp.post("/path/pause")
@requires(Role.LEARNER)
def pause():
    today = clock.now().date()
    form, lighter = _forms(today)
    if form.validate_on_submit():
        db = get_session()
        try:
            last = pauses.pause(
                db,
                current_user.id,
                date.fromisoformat(form.start.data),
                int(form.weeks.data),
                today,
            )
        except (pauses.PauseError, ValueError) as error:
            form.start.errors.append(str(error))
        else:
            db.commit()
            flash(
                _(
                    "Learning is paused until %(day)s. Your path picks up again the "
                    "Monday after, and no reminder comes in between.",
                    day=format_date(last, "EEEE d MMMM"),
                ),
                "success",
            )
            return redirect(url_for("learn.path"))
    return _page(form, lighter, 422)


@bp.post("/path/lighter-week")
@requires(Role.LEARNER)
def lighter_week():
    today = clock.now().date()
    pause_form, form = _forms(today)
    if form.validate_on_submit():
        db = get_session()
        start = date.fromisoformat(form.start.data)
        try:
            pauses.lighter_week(db, current_user.id, start, form.minutes.data, today)
        except (pauses.PauseError, ValueError) as error:
            form.minutes.errors.append(str(error))
        else:
            db.commit()
            flash(
                _(
                    "The week of %(day)s now holds %(minutes)s minutes; "
                    "the rest of your path moves to the weeks after.",
                    day=format_date(start, "d MMMM"),
                    minutes=form.minutes.data,
                ),
                "success",
            )
            return redirect(url_for("learn.path"))
    return _page(pause_form, form, 422)


@bp.post("/path/weeks/<start>/clear")
@requires(Role.LEARNER)
def clear_week(start: str):
    try:
        monday = date.fromisoformat(start)
    except ValueError:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    if not pauses.clear_week(db, current_user.id, monday):
        abort(404)
    db.commit()
    flash(
        _("The week of %(day)s is back to your usual time.", day=format_date(monday, "d MMMM")),
        "success",
    )
    return redirect(url_for("learn.pause_page"))
