"""/team (the matrix of the chosen team) and its CSV / XLSX exports."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from skillgap import clock
from skillgap.access import requires
from skillgap.db import get_session
from skillgap.forms import number_arg
from skillgap.models import Team
from skillgap.roles import Role
from skillgap.services import exports, matrix, visibility
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
    visible, built, sort, profile = _matrix_for_request(with_history=True)
    trend = built.trend if built else ([], {})
    return render_template(
        "team/index.html", teams=visible, matrix=built, sort=sort, profile=profile, trend=trend
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
