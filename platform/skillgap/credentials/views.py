"""The pages: my credentials (and what I may claim), a credential's public page,
and the page where anyone checks a credential file."""

from __future__ import annotations

import contextlib
import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from skillgap import clock
from skillgap.access import public, requires
from skillgap.credentials.blueprint import bp, keyring, site
from skillgap.credentials.documents import token_response, visible_credential
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm, read_text_upload
from skillgap.models import Credential
from skillgap.roles import Role
from skillgap.services import credentials
from skillgap.services.credential_jose import MEDIA_TYPE, credential_json

MAX_TOKEN_BYTES = 200_000


class ClaimForm(FlaskForm):
    offer = HiddenField(validators=[DataRequired()])
    public = BooleanField(default=False)


class VerifyForm(FlaskForm):
    token = TextAreaField(validators=[Length(max=MAX_TOKEN_BYTES)])


def _index_page(status: int = 200):
    db = get_session()
    problem = None
    try:
        found = credentials.offers(
            db, current_user, current_app.config["CREDENTIAL_MIN_LEVEL"], clock.now().date()
        )
    except credentials.CredentialError as error:
        problem, found = str(error), credentials.Offers([], [])
    snapshot = snapshot_of(db)
    page = render_template(
        "credentials/index.html",
        held=credentials.held_by(db, current_user.id),
        offers=found,
        problem=problem,
        skills=snapshot.skill_by_id,
        levels=snapshot.level_by_id,
        now=clock.now(),
        confirm=ConfirmForm(),
    )
    return page, status


@bp.get("")
@requires(Role.LEARNER)
def index():
    return _index_page()


@bp.post("/claim")
@requires(Role.LEARNER)
def claim():
    form = ClaimForm()
    if not form.validate_on_submit():
        abort(400)
    db = get_session()
    try:
        credential = credentials.claim(
            db,
            current_user,
            form.offer.data or "",
            bool(form.public.data),
            site(),
            keyring(),
            current_app.config,
        )
    except credentials.CredentialError as error:
        flash(str(error), "error")
        return _index_page(422)
    db.commit()
    flash(_("Credential issued: %(name)s.", name=credential.name), "success")
    return redirect(url_for("credentials.show", credential_id=credential.id))


@bp.post("/<uuid:credential_id>/visibility")
@requires(Role.LEARNER)
def visibility(credential_id):
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    credential = db.get(Credential, str(credential_id))
    if credential is None or credential.user_id != current_user.id:
        abort(404)
    credential.public = request.form.get("public") == "1"
    db.commit()
    if credential.public:
        flash(_("Anyone with the link can now see and check this credential."), "success")
    else:
        flash(_("Only you and the organisation's admins can see this credential now."), "success")
    return redirect(url_for("credentials.show", credential_id=credential.id))


def _wants(media_type: str) -> bool:
    best = request.accept_mimetypes.best_match(["text/html", media_type])
    return (
        best == media_type
        and request.accept_mimetypes[media_type] > request.accept_mimetypes["text/html"]
    )


@bp.get("/<uuid:credential_id>")
@public
def show(credential_id):
    credential = visible_credential(credential_id)
    if _wants(MEDIA_TYPE):
        return token_response(credential.token)
    if _wants("application/json") or _wants("application/ld+json"):
        return redirect(url_for("credentials.credential_document", credential_id=credential.id))
    db = get_session()
    here = site()
    report = credentials.verify(db, credential.token, here, keyring())
    holder = current_user.is_authenticated and current_user.id == credential.user_id
    issued_under = credentials.Site(
        credential.issuer_id.removesuffix("/credentials/issuer"), here.issuer_name
    )
    return render_template(
        "credentials/show.html",
        credential=credential,
        report=report,
        document=report.credential or {},
        document_json=credential_json(report.credential or {}),
        holder=holder,
        linkedin=credentials.linkedin_url(credential, issued_under),
        share_url=issued_under.credential_url(credential.id),
        confirm=ConfirmForm(),
    )


@bp.route("/verify", methods=["GET", "POST"])
@public
def verify():
    form = VerifyForm()
    report = None
    status = 200
    if form.is_submitted():
        upload = read_text_upload("file", MAX_TOKEN_BYTES, "token")
        if not form.validate() or upload.error or not upload.text.strip():
            form.token.errors = [
                *list(form.token.errors),
                upload.error or _("Choose a credential file (.jwt) or paste its text."),
            ]
            status = 422
        else:
            text = upload.text.strip()
            if text.startswith("{"):  # a JSON wrapper some wallets export: {"jwt": "..."}
                with contextlib.suppress(ValueError, AttributeError):
                    text = str(json.loads(text).get("jwt", text))
            report = credentials.verify(get_session(), text, site(), keyring())
    return render_template("credentials/verify.html", form=form, report=report), status
