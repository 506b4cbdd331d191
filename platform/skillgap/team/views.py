"""/team/people/<id>: one person's page with the manager's actions (targets, due
date). The matrix and its exports are in views_matrix."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skillgap import clock
from skillgap.access import requires
from skillgap.curriculum import revisions
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.i18n import day
from skillgap.models import User
from skillgap.roles import Role
from skillgap.services import attempt_pages, paths, visibility
from skillgap.team.forms import DueDateForm, targets_form

bp = Blueprint("team", __name__, url_prefix="/team")


def _person_or_404(user_id: int) -> User:
    person = visibility.person_visible_to(get_session(), current_user, user_id)
    if person is None:
        abort(404)
    return person


def _level_choices() -> list[tuple[str, str]]:
    return [(level.id, level.name) for level in snapshot_of(get_session()).levels]


def _role_target_names(person: User) -> dict[str, str]:
    snapshot = snapshot_of(get_session())
    targets = snapshot.role_targets.get(person.role_profile or "", {})
    return {skill_id: snapshot.level_by_id[level_id].name for skill_id, level_id in targets.items()}


def _render_person(person: User, targets=None, due=None, status: int = 200):
    db = get_session()
    view = paths.person_path(db, person, clock.now().date())
    if targets is None:
        targets = targets_form(view.standings, _level_choices(), _role_target_names(person))
    if due is None:
        due = DueDateForm(data={"due_date": view.plan.due_date})
    return render_template(
        "team/person.html",
        person=person,
        view=view,
        history=attempt_pages.history(db, person.id),
        quiz_titles={q.id: q.title for q in snapshot_of(db).quizzes.values()},
        can_manage=visibility.manages(db, current_user, person),
        targets=targets,
        due=due,
    ), status


@bp.get("/people/<id:user_id>")
@requires(Role.MANAGER)
def person(user_id: int):
    return _render_person(_person_or_404(user_id))


@bp.post("/people/<id:user_id>/targets")
@requires(Role.MANAGER)
def set_targets(user_id: int):
    db = get_session()
    person = _person_or_404(user_id)
    if not visibility.manages(db, current_user, person):
        abort(403)
    standings = paths.standings_for(db, person)
    form = targets_form(standings, _level_choices(), _role_target_names(person), formdata=None)
    # The page sends the due date in the same form, so saving one never drops the
    # other; an error in either shows both again as typed, and saves nothing.
    with_due = "due_date" in request.form
    due = DueDateForm() if with_due else None
    targets_ok = form.validate_on_submit()
    if not targets_ok or (due is not None and not due.validate()):
        return _render_person(person, targets=form, due=due, status=422)
    if due is not None:
        _save_due_date(db, person, due.due_date.data)
    # The empty choice (ROLE_TARGET) means "back to the role profile's target".
    overrides = {s.skill.id: form[f"target-{s.skill.id}"].data or None for s in standings}
    changed = paths.set_target_overrides(db, person.id, overrides, current_user)
    revisions.record(
        db,
        current_user,
        "path.targets",
        person.email,
        ", ".join(f"{k}: {v or 'role'}" for k, v in overrides.items()),
    )
    db.commit()
    if due is not None:
        message = _(
            "Targets saved for %(name)s (%(changed)s changed), due date %(date)s. "
            "Their path follows them.",
            name=person.name,
            changed=changed,
            date=_when(due.due_date.data),
        )
    else:
        message = _(
            "Targets saved for %(name)s (%(changed)s changed). Their path follows them.",
            name=person.name,
            changed=changed,
        )
    flash(message, "success")
    return redirect(url_for("team.person", user_id=person.id))


@bp.post("/people/<id:user_id>/due-date")
@requires(Role.MANAGER)
def set_due_date(user_id: int):
    db = get_session()
    person = _person_or_404(user_id)
    if not visibility.manages(db, current_user, person):
        abort(403)
    form = DueDateForm()
    if not form.validate_on_submit():
        return _render_person(person, due=form, status=422)
    _save_due_date(db, person, form.due_date.data)
    db.commit()
    flash(
        _("Due date for %(name)s: %(date)s.", name=person.name, date=_when(form.due_date.data)),
        "success",
    )
    return redirect(url_for("team.person", user_id=person.id))


def _save_due_date(db, person: User, due_date) -> None:
    paths.set_due_date(db, person.id, due_date, current_user)
    revisions.record(db, current_user, "path.due_date", person.email, str(due_date))


def _when(due_date) -> str:
    return day(due_date) if due_date else _("none")
