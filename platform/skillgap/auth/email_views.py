"""Email settings: the form on /account, and the unsubscribe link of every
email, which works without signing in.

The unsubscribe page is a GET that shows one button and a POST that does it, so
a mail scanner that opens every link unsubscribes nobody. The POST also takes
RFC 8058 one-click unsubscribes (``List-Unsubscribe=One-Click`` posted by the
mail client). It is exempt from CSRF: the signed token is the authority, and a
forged or damaged one is a 404 page.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from skillgap.access import public, requires
from skillgap.auth import views
from skillgap.auth.email_forms import email_preferences_form
from skillgap.auth.forms import BudgetForm
from skillgap.auth.views import bp
from skillgap.db import get_session
from skillgap.extensions import csrf
from skillgap.models import User
from skillgap.roles import Role
from skillgap.services import digests, paths
from skillgap.services.digests import DigestChoice, EmailKind
from skillgap.services.email_links import read_unsubscribe_token

WHAT_STOPS = {
    EmailKind.NUDGE: _l("the weekly email with your learning steps"),
    EmailKind.DIGEST: _l("the team digest"),
}


@bp.route("/email/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt
def email_unsubscribe(token: str):
    db = get_session()
    found = read_unsubscribe_token(current_app.config["SECRET_KEY"], token)
    person = db.get(User, found.user_id) if found else None
    if found is None or person is None:
        return render_template("auth/email_unsubscribe.html", problem=True), 404
    what = WHAT_STOPS[found.kind]
    if request.method == "POST":
        digests.unsubscribe(db, person.id, found.kind)
        db.commit()
        return render_template("auth/email_unsubscribe.html", done=True, what=what)
    return render_template("auth/email_unsubscribe.html", what=what, email=person.email)


@bp.post("/account/email")
@requires(Role.LEARNER)
def email_preferences():
    db = get_session()
    plan = paths.plan_for(db, current_user.id)
    form = email_preferences_form(plan, current_user)
    if form.validate_on_submit():
        digest = DigestChoice(form.digest.data) if "digest" in form else None
        digests.set_email_preferences(db, current_user.id, bool(form.weekly_nudge.data), digest)
        db.commit()
        flash(_("Your email settings are saved."), "success")
        return redirect(url_for("auth.account", _anchor="email"))
    budget = BudgetForm(data={"weekly_minutes": plan.weekly_minutes})
    return views._render_account(budget, plan, views._profile_form(), email_form=form), 422
