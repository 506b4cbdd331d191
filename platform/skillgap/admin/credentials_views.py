"""/admin/credentials: every credential people claimed, and revoking one.

A revoked credential's entry in the status list is set at once; anyone who
checks it from then on is told it is revoked. The reason stays here and in
the audit log: the list says only "revoked"."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from skillgap.access import requires
from skillgap.admin.views import bp
from skillgap.db import get_session
from skillgap.forms import strip_filter
from skillgap.models import Credential
from skillgap.roles import Role
from skillgap.services import credentials


class RevokeForm(FlaskForm):
    reason = StringField(
        _l("Reason"),
        filters=[strip_filter],
        validators=[DataRequired(_l("Say why it is revoked.")), Length(max=300)],
    )


def _page(form: RevokeForm | None = None, failed: str | None = None, status: int = 200):
    db = get_session()
    page = render_template(
        "admin/credentials.html",
        issued=credentials.everyone(db),
        form=form or RevokeForm(),
        failed=failed,
    )
    return page, status


@bp.get("/credentials")
@requires(Role.ADMIN)
def credentials_list():
    return _page()


@bp.post("/credentials/<uuid:credential_id>/revoke")
@requires(Role.ADMIN)
def revoke_credential(credential_id):
    db = get_session()
    credential = db.get(Credential, str(credential_id))
    if credential is None:
        abort(404)
    form = RevokeForm()
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        return _page(form, credential.id, 422)
    if credentials.revoke(db, credential, current_user, form.reason.data or ""):
        db.commit()
        flash(_("Credential “%(name)s” revoked.", name=credential.name), "success")
    return redirect(url_for("admin.credentials_list"))
