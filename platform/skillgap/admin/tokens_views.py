"""/admin/tokens: personal access tokens of the read-only API (admins only).

A new token is shown once, on the page the creating POST answers with (never
in a redirect, the session or a log), and only its SHA-256 is kept. Creating
and revoking are in the audit log (services/api_tokens.py).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skillgap.access import requires
from skillgap.admin.forms import ApiTokenForm
from skillgap.admin.views import bp
from skillgap.db import get_session
from skillgap.forms import ConfirmForm, choices
from skillgap.models import ApiToken
from skillgap.roles import Role
from skillgap.services import api_tokens


def _form() -> ApiTokenForm:
    form = ApiTokenForm()
    form.scopes.choices = choices(
        (scope, f"{scope} — {_(what)}") for scope, what in api_tokens.SCOPES.items()
    )
    return form


def _list_page(form: ApiTokenForm, status: int = 200):
    tokens = api_tokens.all_tokens(get_session())
    working = {token.id: api_tokens.working(token) for token in tokens}
    page = render_template(
        "admin/tokens.html", tokens=tokens, working=working, form=form, confirm=ConfirmForm()
    )
    return page, status


@bp.route("/tokens", methods=["GET", "POST"])
@requires(Role.ADMIN)
def tokens():
    form = _form()
    if not form.is_submitted():
        return _list_page(form)
    if not form.validate():
        return _list_page(form, 422)
    db = get_session()
    try:
        token, plaintext = api_tokens.create(
            db, form.name.data or "", form.scopes.data or [], current_user
        )
    except api_tokens.TokenError as error:
        form.scopes.errors = [str(error)]
        return _list_page(form, 422)
    db.commit()
    return render_template("admin/token_created.html", token=token, plaintext=plaintext)


@bp.post("/tokens/<id:token_id>/revoke")
@requires(Role.ADMIN)
def revoke_token(token_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    token = db.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if api_tokens.revoke(db, token, current_user):
        db.commit()
        flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "success")
    return redirect(url_for("admin.tokens"))
