"""/team (the matrix of the chosen team), its CSV / XLSX exports, and the
top gaps' one-step action (a target and due date for everyone below target)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup

from skillgap import clock
from skillgap.access import requires
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import number_arg
from skillgap.fragments import kept_body_page
from skillgap.i18n import day
from skillgap.models import Team
from skillgap.roles import Role
from skillgap.rules.matrix_cells import SORTS
from skillgap.services import exports, matrix, pauses, visibility
from skillgap.team.forms import GapTargetsForm, gap_targets_form
from skillgap.team.views import bp


def _chosen_team(visible: list[Team]) -> Team | None:
    """The team asked for (404 if the viewer may not see it), else their first."""
    wanted = number_arg(request.args, "team")
    if wanted is None:
        return visible[0] if visible else None
    team = next((t for t in visible if t.id == wanted), None)
    if team is None:
        abort(404)
    return team


def _matrix_for_request(with_history: bool = False):
    db = get_session()
    visible = visibility.teams_visible_to(db, current_user, with_members=False)
    team = _chosen_team(visible)
    sort = request.args.get("sort", "name")
    profile = request.args.get("profile") or None
    built = matrix.team_matrix(db, team, sort, profile, with_history) if team else None
    return visible, built, sort, profile


@bp.get("")
@requires(Role.MANAGER)
def index():
    db = get_session()
    visible = visibility.teams_visible_to(db, current_user, with_members=False)
    team = _chosen_team(visible)
    sort = request.args.get("sort", "name")
    profile = request.args.get("profile") or None
    if team is None:
        return _render_index(visible, None, sort, profile)
    week = pauses.team_week(db, team.id, clock.now().date())

    def page() -> str:
        built = matrix.team_matrix(db, team, sort, profile, with_history=True)
        return _render_body(visible, built, sort, profile, week.paused_until)

    # Results, targets, teams and members are in the people version; this week's
    # pauses and the last sign-ins are not, so they are part of the key.
    state = tuple(
        (member, week.last_sign_in[member], week.paused_until.get(member))
        for member in sorted(week.last_sign_in)
    )
    parts = (team.id, sort, profile, tuple((t.id, t.name) for t in visible), state)
    return kept_body_page("team/index.html", "team-page", parts, page)


def _render_index(visible, built, sort, profile, gap_form: GapTargetsForm | None = None):
    """The page rendered afresh: no team yet, or a gap form with its errors."""
    paused = (
        pauses.team_week(get_session(), built.team.id, clock.now().date()).paused_until
        if built
        else {}
    )
    body = _render_body(visible, built, sort, profile, paused, gap_form)
    return render_template("team/index.html", body=Markup(body))  # noqa: S704  # nosec B704


def _render_body(visible, built, sort, profile, paused, gap_form=None) -> str:
    return render_template(
        "team/_page.html",
        teams=visible,
        matrix=built,
        sort=sort,
        profile=profile,
        trend=built.trend if built else ([], {}),
        gap_form=gap_form,
        paused=paused,
    )


@bp.post("/<id:team_id>/gap-targets")
@requires(Role.MANAGER)
def set_gap_targets(team_id: int):
    """One top gap's form: a target and due date for everyone below target in the
    skill, in the team as the page showed it (its role-profile filter)."""
    db = get_session()
    visible = visibility.teams_visible_to(db, current_user, with_members=False)
    team = next((t for t in visible if t.id == team_id), None)
    if team is None:
        abort(404)  # not one of theirs: as for a person outside their teams
    snapshot = snapshot_of(db)
    levels = [(level.id, level.name) for level in snapshot.levels]
    form = gap_targets_form(levels, set(snapshot.skill_by_id))
    # The page's filter and sort come back as typed; only known values are used:
    # they choose the people counted, and reach SQL (where a NUL would fail).
    profile = _known(form.profile.data, {pid for pid, _name in snapshot.role_profiles})
    sort = _known(form.sort.data, {*SORTS, *snapshot.skill_by_id}) or "name"
    built = matrix.team_matrix(db, team, sort, profile, with_history=True)
    if not form.validate_on_submit():
        return _render_index(visible, built, sort, profile, gap_form=form), 422
    target_id, due_date = form.target.data or None, form.due_date.data
    changed = matrix.set_gap_targets(db, built, form.skill.data, target_id, due_date, current_user)
    db.commit()
    skill_name = snapshot.skill_by_id[form.skill.data].name
    flash(
        _gap_summary(skill_name, dict(levels).get(target_id or ""), due_date, len(changed)),
        "success" if changed else "info",
    )
    return redirect(url_for("team.index", team=team.id, sort=sort, profile=profile) + "#gaps-h")


def _known(value: str | None, allowed: set[str]) -> str | None:
    return value if value in allowed else None


def _gap_summary(skill: str, target: str | None, due_date, people: int) -> str:
    """The message after a gap's form, such as 'Target Intermediate in Strategy &
    planning and due date March 31, 2027 set for 4 people.'"""
    if not people:
        return _("No one is below target in %(skill)s now: nothing was changed.", skill=skill)
    due = day(due_date) if due_date else None
    if target and due:
        return ngettext(
            "Target %(target)s in %(skill)s and due date %(date)s set for %(num)s person.",
            "Target %(target)s in %(skill)s and due date %(date)s set for %(num)s people.",
            people,
            target=target,
            skill=skill,
            date=due,
        )
    if target:
        return ngettext(
            "Target %(target)s in %(skill)s set for %(num)s person; their due dates are unchanged.",
            "Target %(target)s in %(skill)s set for %(num)s people; their due dates are unchanged.",
            people,
            target=target,
            skill=skill,
        )
    return ngettext(
        "Due date %(date)s set for the %(num)s person below target in %(skill)s; "
        "their targets are unchanged.",
        "Due date %(date)s set for the %(num)s people below target in %(skill)s; "
        "their targets are unchanged.",
        people,
        date=due,
        skill=skill,
    )


def _export(extension: str) -> Response:
    _visible, built, _sort, _profile = _matrix_for_request()
    if built is None:
        abort(404)
    header, rows = exports.matrix_table(built)
    name = exports.file_name(built, extension, clock.now().date())
    if extension == "csv":
        body, mimetype = exports.to_csv(header, rows), "text/csv; charset=utf-8"
    else:
        body = exports.to_xlsx(header, rows, built.team.name)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = exports.content_disposition(name, built.team.name, extension, clock.now().date())
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
    )


@bp.get("/matrix.csv")
@requires(Role.MANAGER)
def matrix_csv():
    return _export("csv")


@bp.get("/matrix.xlsx")
@requires(Role.MANAGER)
def matrix_xlsx():
    return _export("xlsx")
