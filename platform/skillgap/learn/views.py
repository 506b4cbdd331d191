"""The learner's pages: dashboard, catalogue, courses, modules, search."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skillgap import clock
from skillgap.access import requires
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm
from skillgap.fragments import kept_body_page
from skillgap.i18n import percent
from skillgap.roles import Role
from skillgap.rules.scoring import PASS_PERCENT
from skillgap.services import catalogue, getting_started, paths, teams
from skillgap.services.person_record import person_rows

bp = Blueprint("learn", __name__)


@bp.get("/")
@requires(Role.LEARNER)
def dashboard():
    db = get_session()
    today = clock.now().date()
    rows = person_rows(db, current_user.id, with_history=True)

    def page() -> str:  # only when not kept: the record is built here
        view = paths.person_path(db, current_user, today, with_history=True, record=rows.record())
        return render_template(
            "learn/_dashboard.html",
            view=view,
            state=getting_started.assessment_state(db, current_user, view),
            closed=paths.closed_gaps(db, view),
            levels=snapshot_of(db).levels,
            role_profile_name=snapshot_of(db).role_profile_name(current_user.role_profile),
            team_name=teams.team_names(db).get(current_user.team_id),
        )

    parts = _person_parts(rows.fingerprint)
    return kept_body_page("learn/dashboard.html", "dashboard", parts, page)


@bp.get("/path")
@requires(Role.LEARNER)
def path():
    db = get_session()
    today = clock.now().date()
    rows = person_rows(db, current_user.id)

    def page() -> str:
        view = paths.person_path(db, current_user, today, record=rows.record())
        return render_template("learn/_path.html", view=view)

    return kept_body_page("learn/path.html", "path", _person_parts(rows.fingerprint), page)


def _person_parts(fingerprint: str) -> tuple:
    """What a person's dashboard and path depend on besides the curriculum, the
    people version and the day (fragments.py): their own columns and record."""
    user = current_user
    return (user.id, user.name, user.role, user.role_profile, user.team_id, fingerprint)


@bp.get("/courses")
@requires(Role.LEARNER)
def courses():
    db = get_session()
    skills, levels = catalogue.skills_and_levels(db)
    skill_id = request.args.get("skill") or None
    level_id = request.args.get("level") or None
    if skill_id not in {None, *(s.id for s in skills)}:
        skill_id = None
    if level_id not in {None, *(lvl.id for lvl in levels)}:
        level_id = None
    cards = catalogue.catalogue(db, current_user, skill_id, level_id)
    return render_template(
        "learn/catalogue.html",
        cards=cards,
        skills=skills,
        levels=levels[1:],  # modules teach entry and above
        skill_id=skill_id,
        level_id=level_id,
        filtered=bool(skill_id or level_id),
    )


@bp.get("/courses/<course_id>")
@requires(Role.LEARNER)
def course(course_id: str):
    db = get_session()
    found = catalogue.course_for(db, current_user, course_id) or abort(404)
    modules = catalogue.course_modules(db, current_user, course_id)
    done = catalogue.done_ids(db, current_user.id)
    return render_template("learn/course.html", course=found, modules=modules, done=done)


@bp.get("/modules/<module_id>")
@requires(Role.LEARNER)
def module(module_id: str):
    page = catalogue.module_page(get_session(), current_user, module_id) or abort(404)
    return kept_body_page(
        "learn/module.html",
        "module-page",
        page.cache_parts,
        lambda: render_template("learn/_module.html", page=page),
        page=page,
    )


@bp.post("/modules/<module_id>/complete")
@requires(Role.LEARNER)
def complete(module_id: str):
    return _set_completed(module_id, completed=True)


@bp.post("/modules/<module_id>/incomplete")
@requires(Role.LEARNER)
def incomplete(module_id: str):
    return _set_completed(module_id, completed=False)


def _set_completed(module_id: str, completed: bool):
    db = get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not catalogue.set_completed(db, current_user, module_id, completed):
        abort(404)
    db.commit()
    check = catalogue.check_quiz_of(db, module_id)
    if completed and check is not None:  # an old form: the page offers only the check
        passed = percent(PASS_PERCENT)
        flash(
            _(
                "A module with a check is done when its check is passed (%(percent)s or more).",
                percent=passed,
            ),
            "info",
        )
        return redirect(url_for("assess.take", quiz_id=check))
    flash(_("Marked as read.") if completed else _("Marked as unread."), "success")
    return redirect(url_for("learn.module", module_id=module_id))


@bp.get("/search")
@requires(Role.LEARNER)
def search():
    query = request.args.get("q", "").strip()[:200]
    hits = catalogue.search(get_session(), current_user, query) if query else []
    return render_template("learn/search.html", query=query, hits=hits)
