"""/team: the members of the teams the signed-in manager manages (admins: all).

The skill matrix is added here by the team-matrix feature.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from skillgap.access import requires
from skillgap.db import get_session
from skillgap.roles import Role
from skillgap.services import teams

bp = Blueprint("team", __name__, url_prefix="/team")


@bp.get("")
@requires(Role.MANAGER)
def index():
    return render_template(
        "team/index.html", teams=teams.teams_visible_to(get_session(), current_user)
    )


@bp.get("/people/<int:user_id>")
@requires(Role.MANAGER)
def person(user_id: int):
    person = teams.person_visible_to(get_session(), current_user, user_id)
    if person is None:
        abort(404)
    return render_template("team/person.html", person=person)
