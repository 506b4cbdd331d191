"""Sign in, sign out, change password, and the person's own account settings.

Session cookies and remember-me cookies both carry ``user.get_id()``, which
includes the user's session version; ``load_user`` rejects a cookie whose
version is stale, which is how sign-out elsewhere and password changes end
copied cookies.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_datetime, refresh
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from skillgap import sign_in_limit
from skillgap.access import public, requires
from skillgap.auth import oidc, signed_in
from skillgap.auth.email_forms import email_preferences_form
from skillgap.auth.forms import (
    BudgetForm,
    ChangePasswordForm,
    InvitationForm,
    LanguageForm,
    LoginForm,
    LogoutForm,
    RoleProfileForm,
    language_form,
)
from skillgap.auth.signed_in import SignedIn
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.extensions import login_manager
from skillgap.models import User
from skillgap.roles import Role
from skillgap.security import get_hasher, safe_next_url
from skillgap.services import accounts, invitations, paths
from skillgap.services.accounts import AccountError, LoginOutcome

bp = Blueprint("auth", __name__)

INVALID_LOGIN = _l("Email or password is incorrect.")


@login_manager.user_loader
def load_user(cookie_id: str) -> User | SignedIn | None:
    user_id, _, version = cookie_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    user: User | SignedIn | None
    if request.method in READ_ONLY:  # the columns only (auth/signed_in.py)
        user = signed_in.load(int(user_id))
    else:
        user = signed_in.for_write(int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


READ_ONLY = frozenset({"GET", "HEAD"})


# What a person whose password someone else set may still open (public pages,
# static files and /healthz need no sign-in and are never held back).
OPEN_BEFORE_PASSWORD_CHANGE = frozenset({"auth.change_password", "auth.logout"})
CHANGE_FIRST = _l(
    "Choose your own password before you go on: the one you signed in with was set by someone else."
)


@bp.before_app_request
def require_own_password():
    """The one place ``User.must_change_password`` is enforced: every page that
    needs a sign-in (``@requires``) sends such a person to the password change.

    A script's request (autosave.js sends ``X-Requested-With``) gets a 403 with
    JSON instead of a redirect: ``fetch`` would follow the redirect silently and
    take the password page for a saved answer. (Such a person cannot have opened
    a quiz yet, so this is a safeguard, not a path anyone is expected to take.)"""
    endpoint = request.endpoint
    if endpoint is None or endpoint in OPEN_BEFORE_PASSWORD_CHANGE:
        return None
    view = current_app.view_functions.get(endpoint)
    if getattr(view, "required_role", None) is None:
        return None  # public, or static: checked before loading the user
    if not (current_user.is_authenticated and current_user.must_change_password):
        return None
    target = url_for("auth.change_password")
    if request.headers.get("X-Requested-With"):
        return jsonify(error=str(CHANGE_FIRST), redirect=target), 403
    flash(str(CHANGE_FIRST), "info")
    return redirect(target)


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "POST":
        sign_in_limit.count_attempt()  # per address; the per-account lock is in accounts
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = LoginForm()
    if form.validate_on_submit() and not _password_refused(form):
        db = get_session()
        result = accounts.authenticate(
            db,
            get_hasher(),
            form.email.data,
            form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.commit()  # failure counts are kept even when sign-in fails
        if result.outcome == LoginOutcome.OK and result.user is not None:
            if _may_use_password(result.user):
                session.clear()
                session.permanent = True  # PERMANENT_SESSION_LIFETIME (hours) applies
                login_user(result.user, remember=bool(form.remember.data))
                target = safe_next_url(request.args.get("next"))
                return redirect(target or url_for("learn.dashboard"))
            form.form_errors.append(SIGN_IN_OFF)
        elif result.outcome == LoginOutcome.LOCKED and result.locked_until is not None:
            form.form_errors.append(
                _(
                    "Too many failed sign-ins: this account is locked until %(time)s. "
                    "Try again then, or ask an admin.",
                    time=format_datetime(result.locked_until, "HH:mm z"),
                )
            )
        elif result.outcome == LoginOutcome.INACTIVE:
            form.form_errors.append(_("This account has been deactivated. Ask an admin."))
        else:
            form.form_errors.append(INVALID_LOGIN)
    status = 200 if not form.errors and not form.form_errors else 422
    return render_template(
        "auth/login.html",
        form=form,
        sso_providers=current_app.config["OIDC_PROVIDERS"],
        provider_sign_out=session.pop("provider_sign_out", None),
        password_sign_in=current_app.config["PASSWORD_SIGN_IN"],
    ), status


def _password_refused(form: LoginForm) -> bool:
    """With SKILLGAP_PASSWORD_SIGN_IN off, only the break-glass admin may use a
    password (accounts.authenticate then checks it is an active admin's)."""
    if current_app.config["PASSWORD_SIGN_IN"]:
        return False
    email = (form.email.data or "").strip().lower()
    if email and email == current_app.config["BREAK_GLASS_ADMIN"]:
        return False
    form.form_errors.append(SIGN_IN_OFF)
    return True


def _may_use_password(user: User) -> bool:
    return current_app.config["PASSWORD_SIGN_IN"] or user.has_role(Role.ADMIN)


SIGN_IN_OFF = _l(
    "Password sign-in is switched off for this organisation: use the sign-in button above."
)


@bp.route("/logout", methods=["GET", "POST"])
@requires(Role.LEARNER)
def logout():
    """GET shows a confirmation button; only the POST (with its CSRF token) signs out."""
    form = LogoutForm()
    if form.validate_on_submit():
        db = get_session()
        user = db.get(User, current_user.id)
        if user is not None:
            accounts.end_all_sessions(user)
            db.commit()
        provider_sign_out = oidc.end_session_link(session.get("sso_provider"))
        logout_user()
        session.clear()
        flash(_("You are signed out."), "info")
        if provider_sign_out:
            session["provider_sign_out"] = provider_sign_out
        return redirect(url_for("auth.login"))
    return render_template("auth/logout.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@requires(Role.LEARNER)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        db = get_session()
        user = db.get(User, current_user.id)
        if user is None:  # deactivated or deleted since this page loaded
            abort(404)
        try:
            accounts.change_password(
                db,
                get_hasher(),
                user,
                form.current_password.data,
                form.new_password.data,
                max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
            )
        except AccountError as error:
            db.commit()  # the failure count (and any lock) must stick
            getattr(form, error.field or "current_password").errors.append(str(error))
        else:
            db.commit()
            # Every other session is now invalid; keep this one signed in.
            login_user(user, remember=bool(request.cookies.get("remember_token")))
            flash(_("Your password is changed. Other devices are signed out."), "success")
            return redirect(url_for("learn.dashboard"))
    status = 422 if form.errors else 200
    return render_template("auth/change_password.html", form=form), status


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@public
def invitation(token: str):
    """An invited person chooses their password, and is signed in."""
    db = get_session()
    try:
        invite = invitations.find(db, token)
    except invitations.InvitationError as error:
        return render_template("auth/invitation.html", problem=str(error), form=None), 404
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept(db, get_hasher(), token, form.new_password.data)
        except AccountError as error:
            form.new_password.errors.append(str(error))
        else:
            db.commit()
            logout_user()
            session.clear()
            session.permanent = True
            login_user(user)
            flash(_("Your password is set. Welcome to Skillgap."), "success")
            return redirect(url_for("learn.dashboard"))
    status = 422 if form.errors else 200
    return render_template(
        "auth/invitation.html", problem=None, form=form, person=invite.user
    ), status


@bp.route("/account", methods=["GET", "POST"])
@requires(Role.LEARNER)
def account():
    """The person's own settings: weekly learning budget, role, emails, language and
    time zone (and a link to the password)."""
    db = get_session()
    plan = paths.plan_for(db, current_user.id)
    form = BudgetForm(data={"weekly_minutes": plan.weekly_minutes})
    if form.validate_on_submit():
        paths.set_weekly_minutes(db, current_user.id, form.weekly_minutes.data)
        db.commit()
        flash(
            _(
                "Your path is now planned at %(minutes)s minutes a week.",
                minutes=form.weekly_minutes.data,
            ),
            "success",
        )
        return redirect(url_for("learn.path"))
    status = 422 if form.errors else 200
    return _render_account(form, plan, _profile_form()), status


@bp.post("/account/role-profile")
@requires(Role.LEARNER)
def choose_role_profile():
    """A person chooses their own role profile (the targets their path aims at)."""
    db = get_session()
    form = _profile_form()
    if form.validate_on_submit():
        accounts.set_own_role_profile(db, current_user, form.role_profile.data or None)
        db.commit()
        name = dict(snapshot_of(db).role_profiles).get(form.role_profile.data or "")
        flash(
            _("Your role is now %(role)s: your targets and path follow it.", role=name)
            if name
            else _("No role chosen: your target is entry level in every skill."),
            "success",
        )
        return redirect(url_for("learn.path"))
    plan = paths.plan_for(db, current_user.id)
    budget = BudgetForm(data={"weekly_minutes": plan.weekly_minutes})
    return _render_account(budget, plan, form), 422


def _profile_form() -> RoleProfileForm:
    form = RoleProfileForm(data={"role_profile": current_user.role_profile or ""})
    profiles = snapshot_of(get_session()).role_profiles
    form.role_profile.choices = [("", _("No role yet (entry level in every skill)")), *profiles]
    return form


@bp.post("/account/language")
@requires(Role.LEARNER)
def set_language():
    """The person's interface language and time zone. The message is in the
    language just chosen: ``refresh`` drops the one this request started with."""
    db = get_session()
    form = language_form(current_user)
    if form.validate_on_submit():
        current_user.locale = form.locale.data or None
        current_user.timezone = form.timezone.data or None
        db.commit()
        refresh()
        flash(_("Your language and time zone are saved."), "success")
        return redirect(url_for("auth.account", _anchor="language"))
    plan = paths.plan_for(db, current_user.id)
    budget = BudgetForm(data={"weekly_minutes": plan.weekly_minutes})
    return _render_account(budget, plan, _profile_form(), language=form), 422


def _render_account(
    form, plan, profile_form, email_form=None, language: LanguageForm | None = None
):
    # The email settings form posts to auth.email_preferences (auth/email_views.py).
    return render_template(
        "auth/account.html",
        form=form,
        plan=plan,
        profile_form=profile_form,
        email_form=email_form or email_preferences_form(plan, current_user),
        language_form=language or language_form(current_user),
    )
