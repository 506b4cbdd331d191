"""Admin pages: users and teams. Views parse the form, call a service, commit once."""

from __future__ import annotations

import secrets

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from skillgap.access import requires
from skillgap.admin.forms import NO_TEAM, ROLE_LABELS, NewUserForm, TeamForm, UserForm
from skillgap.admin.words import QUIZ_KINDS
from skillgap.curriculum import revisions
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm, choices, number_arg
from skillgap.fragments import kept_body_page
from skillgap.models import Team, User
from skillgap.roles import Role
from skillgap.security import get_hasher
from skillgap.services import accounts, invitations, teams
from skillgap.services import organisation as organisation_view
from skillgap.services.accounts import AccountError
from skillgap.services.teams import TeamError

bp = Blueprint("admin", __name__, url_prefix="/admin")

USERS_PER_PAGE = 50


@bp.get("")
@requires(Role.ADMIN)
def index():
    db = get_session()
    counts = dict(
        db.execute(select(User.role, func.count()).where(User.active).group_by(User.role)).all()
    )
    team_count = db.scalar(select(func.count()).select_from(Team)) or 0
    return render_template("admin/index.html", counts=counts, team_count=team_count)


@bp.get("/users")
@requires(Role.ADMIN)
def users():
    db = get_session()
    search = request.args.get("q", "").strip()[:100]
    page = max(number_arg(request.args, "page", 1) or 1, 1)
    query = select(User).options(selectinload(User.team)).order_by(User.name, User.id)
    if search:
        pattern = f"%{search.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    people = list(db.scalars(query.limit(USERS_PER_PAGE + 1).offset((page - 1) * USERS_PER_PAGE)))
    return render_template(
        "admin/users.html",
        people=people[:USERS_PER_PAGE],
        has_next=len(people) > USERS_PER_PAGE,
        page=page,
        search=search,
        role_labels=ROLE_LABELS,
    )


def _fill_user_choices(form: UserForm) -> None:
    db = get_session()
    form.team.choices = choices(
        [(NO_TEAM, _("No team"))]
        + [(team.id, team.name) for team in db.scalars(select(Team).order_by(Team.name))]
    )
    form.role_profile.choices = choices(
        [("", _("None")), *snapshot_of(get_session()).role_profiles]
    )


def _team_or_none(team_id: int) -> Team | None:
    return None if team_id == NO_TEAM else get_session().get(Team, team_id)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_user():
    form = NewUserForm()
    _fill_user_choices(form)
    if form.validate_on_submit():
        db = get_session()
        generated = not form.password.data
        password = form.password.data or secrets.token_urlsafe(12)
        try:
            user = accounts.create_user(
                db,
                get_hasher(),
                email=form.email.data,
                name=form.name.data,
                password=password,
                role=Role(form.role.data),
                team=_team_or_none(form.team.data),
                role_profile=form.role_profile.data,
                must_change_password=True,  # the admin knows it: changed at first sign-in
            )
        except AccountError as error:
            getattr(form, error.field or "email").errors.append(str(error))
        else:
            revisions.record(
                db,
                current_user,
                "user.create",
                user.email,
                f"role {user.role}, team {user.team.name if user.team else '-'}",
            )
            db.commit()
            if generated:
                message = _(
                    "Created %(name)s. Their initial password is %(password)s — share it "
                    "privately. They choose their own password when they first sign in.",
                    name=user.name,
                    password=password,
                )
            else:
                message = _(
                    "Created %(name)s. They choose their own password when they first sign in.",
                    name=user.name,
                )
            flash(message, "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_form.html", form=form, person=None), (
        422 if form.errors else 200
    )


def _user_form(person: User) -> UserForm:
    form = UserForm(
        data={
            "name": person.name,
            "email": person.email,
            "role": person.role,
            "team": person.team_id or NO_TEAM,
            "role_profile": person.role_profile or "",
        }
    )
    _fill_user_choices(form)
    return form


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_user(user_id: int):
    db = get_session()
    person = db.get(User, user_id) or abort(404)
    form = _user_form(person)
    if form.validate_on_submit():
        try:
            accounts.update_user(
                db,
                person,
                name=form.name.data,
                email=form.email.data,
                role=Role(form.role.data),
                team=_team_or_none(form.team.data),
                role_profile=form.role_profile.data,
            )
        except AccountError as error:
            db.rollback()
            (getattr(form, error.field).errors if error.field else form.form_errors).append(
                str(error)
            )
        else:
            revisions.record(
                db,
                current_user,
                "user.change",
                person.email,
                f"role {person.role}, team {form.team.data or '-'}, "
                f"profile {person.role_profile or '-'}",
            )
            db.commit()
            flash(_("Saved %(name)s.", name=person.name), "success")
            return redirect(url_for("admin.edit_user", user_id=person.id))
    return render_template(
        "admin/user_form.html", form=form, person=person, confirm=ConfirmForm()
    ), (422 if form.errors or form.form_errors else 200)


@bp.post("/users/<id:user_id>/deactivate")
@requires(Role.ADMIN)
def deactivate_user(user_id: int):
    return _set_active(user_id, active=False)


@bp.post("/users/<id:user_id>/reactivate")
@requires(Role.ADMIN)
def reactivate_user(user_id: int):
    return _set_active(user_id, active=True)


@bp.post("/users/<id:user_id>/invitation")
@requires(Role.ADMIN)
def new_invitation(user_id: int):
    """A fresh invitation link (the earlier ones stop working), shown once on the
    person's page: for a lost link, or for someone who forgot their password."""
    db = get_session()
    person = db.get(User, user_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if not person.active:
        flash(_("Reactivate the account first: a deactivated person cannot use a link."), "error")
        return redirect(url_for("admin.edit_user", user_id=person.id))
    token = invitations.issue(db, person)
    revisions.record(db, current_user, "user.invitation", person.email)
    db.commit()
    link = url_for("auth.invitation", token=token, _external=True)
    return render_template(
        "admin/user_form.html",
        form=_user_form(person),
        person=person,
        confirm=ConfirmForm(),
        link=link,
    )


def _set_active(user_id: int, active: bool):
    db = get_session()
    person = db.get(User, user_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        if person.id == current_user.id and not active:
            flash(_("You cannot deactivate your own account."), "error")
        else:
            try:
                accounts.set_active(db, person, active)
            except AccountError as error:
                flash(str(error), "error")
            else:
                revisions.record(
                    db,
                    current_user,
                    "user.reactivate" if active else "user.deactivate",
                    person.email,
                )
                db.commit()
                if active:
                    message = _("%(name)s is reactivated.", name=person.name)
                else:
                    message = _("%(name)s is deactivated; their data is kept.", name=person.name)
                flash(message, "success")
    return redirect(url_for("admin.edit_user", user_id=person.id))


@bp.get("/teams")
@requires(Role.ADMIN)
def team_list():
    all_teams = list(
        get_session().scalars(
            select(Team)
            .order_by(Team.name)
            .options(selectinload(Team.members), selectinload(Team.managers))
        )
    )
    return render_template("admin/teams.html", teams=all_teams)


def _fill_team_choices(form: TeamForm) -> None:
    form.managers.choices = choices(
        (user.id, f"{user.name} ({user.email})") for user in teams.manager_candidates(get_session())
    )


def _chosen_managers(form: TeamForm) -> list[User]:
    ids = form.managers.data or []
    if not ids:
        return []
    return list(get_session().scalars(select(User).where(User.id.in_(ids))))


@bp.route("/teams/new", methods=["GET", "POST"])
@requires(Role.ADMIN)
def new_team():
    form = TeamForm()
    _fill_team_choices(form)
    if form.validate_on_submit():
        db = get_session()
        try:
            team = teams.create_team(db, form.name.data)
            teams.update_team(db, team, form.name.data, _chosen_managers(form))
        except TeamError as error:
            db.rollback()
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            revisions.record(db, current_user, "team.create", team.name)
            db.commit()
            flash(_("Created team %(name)s.", name=team.name), "success")
            return redirect(url_for("admin.team_list"))
    return render_template("admin/team_form.html", form=form, team=None), (
        422 if form.errors else 200
    )


@bp.route("/teams/<id:team_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_team(team_id: int):
    db = get_session()
    team = db.get(Team, team_id) or abort(404)
    form = TeamForm(data={"name": team.name, "managers": [m.id for m in team.managers]})
    _fill_team_choices(form)
    if form.validate_on_submit():
        try:
            teams.update_team(db, team, form.name.data, _chosen_managers(form))
        except TeamError as error:
            db.rollback()
            getattr(form, error.field or "name").errors.append(str(error))
        else:
            revisions.record(
                db,
                current_user,
                "team.change",
                team.name,
                "managers: " + ", ".join(m.email for m in team.managers),
            )
            db.commit()
            flash(_("Saved team %(name)s.", name=team.name), "success")
            return redirect(url_for("admin.team_list"))
    return render_template("admin/team_form.html", form=form, team=team), (
        422 if form.errors else 200
    )


@bp.get("/items")
@requires(Role.ADMIN)
def items():
    # numpy (through the IRT code): imported when an admin first opens this page.
    from skillgap.services.item_stats import current_calibrations, item_statistics

    db = get_session()
    snapshot = snapshot_of(db)
    quizzes = sorted(snapshot.quizzes.values(), key=lambda q: (q.kind, q.title))
    quiz_id = request.args.get("quiz") or "diagnostic"
    quiz = snapshot.quizzes.get(quiz_id) or (quizzes[0] if quizzes else None)
    stats = item_statistics(db, quiz.id) if quiz else []
    banked = {s.question.skill_id for s in stats if s.parameters is not None}
    return render_template(
        "admin/items.html",
        quizzes=quizzes,
        quiz=quiz,
        stats=stats,
        flagged=sum(1 for s in stats if s.flags),
        banked=banked,
        calibrations=current_calibrations(db, banked),
        quiz_kinds=QUIZ_KINDS,
    )


@bp.get("/organisation")
@requires(Role.ADMIN)
def organisation():
    def table() -> str:
        skills, _levels, aggregates = organisation_view.organisation(get_session())
        return render_template(
            "admin/_organisation_table.html", skills=skills, aggregates=aggregates
        )

    # Every team's aggregates depend only on the two versions (fragments.py).
    return kept_body_page("admin/organisation.html", "organisation", (), table)
