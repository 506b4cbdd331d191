"""The dashboard. Skill profile, path progress and next step are added by the
assessment and learning-path features; for now it shows who you are and where."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from skillgap.access import requires
from skillgap.roles import Role

bp = Blueprint("learn", __name__)


@bp.get("/")
@requires(Role.LEARNER)
def dashboard():
    profiles = dict(current_app.extensions["skillgap.role_profiles"])
    return render_template(
        "learn/dashboard.html",
        role_profile_name=profiles.get(current_user.role_profile or ""),
    )
