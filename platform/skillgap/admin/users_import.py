"""/admin/users/import: create many users from a CSV file, with a preview first.

Nothing is created while any row is invalid, unless the admin explicitly
chooses to import only the valid rows. New people get an invitation link,
shown once on the result page for the admin to send (services/user_import.py
writes the rows in short batches, so the site stays usable meanwhile).
"""

from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from skillgap.access import requires
from skillgap.admin.forms import ROLE_LABELS
from skillgap.admin.views import bp
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm
from skillgap.models import Team, User
from skillgap.roles import Role
from skillgap.rules.user_csv import (
    TEMPLATE_DOMAIN,
    CsvProblem,
    UserRow,
    parse_user_csv,
    template_csv,
)
from skillgap.services import user_import
from skillgap.services.exports import safe_cell

MAX_CSV_BYTES = 2_000_000


@bp.route("/users/import", methods=["GET", "POST"])
@requires(Role.ADMIN)
def import_users():
    if request.method == "GET":
        return _page(parsed=None, csv_text="", created=None)
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
    profiles = dict(snapshot_of(db).role_profiles)  # id -> name: a row may give either
    # End the transaction before checking the file: a POST's transaction holds
    # SQLite's write lock, and checking 5,000 emails takes a second or two.
    # (Nothing was written; committing keeps the loaded objects usable.)
    db.commit()
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
        return _page(parsed=parsed, csv_text=csv_text, created=None), status
    report = user_import.import_users(db, rows, current_user)
    links = [
        (row, url_for("auth.invitation", token=token, _external=True))
        for row, token in report.created
    ]
    return _page(
        parsed=None,
        csv_text="",
        created=links,
        skipped=report.skipped,
        links_csv=invitation_csv(links),
    )


def _page(**context: object) -> str:
    return render_template(
        "admin/users_import.html",
        confirm=ConfirmForm(),
        problem_text=problem_text,
        role_labels=ROLE_LABELS,
        **context,
    )


def problem_text(problem: CsvProblem) -> str:
    """A problem of the file or of a row (rules/user_csv.py), in the reader's language."""
    return problem.translated(gettext)


@bp.get("/users/import/template.csv")
@requires(Role.ADMIN)
def users_import_template():
    """A CSV file to fill in: every column the import reads, and two example rows
    (a real team and role profile of this site) that import as they are."""
    db = get_session()
    body = template_csv(
        role_profile_names=[name for _id, name in snapshot_of(db).role_profiles],
        team_names=list(db.scalars(select(Team.name).order_by(Team.name).limit(50))),
        taken_emails=list(
            db.scalars(select(User.email).where(User.email.endswith(TEMPLATE_DOMAIN)))
        ),
    )
    return Response(
        body,
        mimetype="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="skillgap-users-template.csv"',
            "Cache-Control": "private, no-store",
        },
    )


def invitation_csv(links: list[tuple[UserRow, str]]) -> str:
    """The links as CSV text to paste into a mail merge (cells made formula-safe)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["email", "name", "invitation_link"])
    for row, link in links:
        writer.writerow([safe_cell(row.email), safe_cell(row.name), link])
    return out.getvalue()
