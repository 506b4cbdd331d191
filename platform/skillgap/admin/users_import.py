"""/admin/users/import: create many users from a CSV file, with a preview first.

Nothing is created while any row is invalid, unless the admin explicitly
chooses to import only the valid rows. New people get a random password,
shown once on the result page for the admin to hand over.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from skillgap.access import requires
from skillgap.admin.views import bp
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm
from skillgap.models import User
from skillgap.roles import Role
from skillgap.rules.user_csv import parse_user_csv
from skillgap.security import get_hasher
from skillgap.services import user_import

MAX_CSV_BYTES = 2_000_000


@bp.route("/users/import", methods=["GET", "POST"])
@requires(Role.ADMIN)
def import_users():
    if request.method == "GET":
        return render_template(
            "admin/users_import.html", parsed=None, csv_text="", created=None, confirm=ConfirmForm()
        )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    upload = request.files.get("file")
    data = (
        upload.read(MAX_CSV_BYTES + 1)
        if upload is not None and upload.filename
        else (request.form.get("csv", "").encode("utf-8"))
    )
    if len(data) > MAX_CSV_BYTES:
        data = b""
    existing = set(db.scalars(select(User.email)))
    profiles = {pid for pid, _ in snapshot_of(db).role_profiles}
    parsed = parse_user_csv(data, existing_emails=existing, role_profiles=profiles)
    csv_text = data.decode("utf-8-sig", errors="replace")
    action = request.form.get("action", "preview")
    rows = []
    if action == "import-all" and parsed.rows and not parsed.invalid_rows and not parsed.problems:
        rows = parsed.rows
    elif action == "import-valid" and not parsed.problems:
        rows = parsed.valid_rows
    if not rows:
        status = 422 if parsed.problems or parsed.invalid_rows else 200
        return render_template(
            "admin/users_import.html",
            parsed=parsed,
            csv_text=csv_text,
            created=None,
            confirm=ConfirmForm(),
        ), status
    created = user_import.create_users(db, get_hasher(), rows, current_user)
    db.commit()
    return render_template(
        "admin/users_import.html", parsed=None, csv_text="", created=created, confirm=ConfirmForm()
    )
