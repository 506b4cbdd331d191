"""The CSV template for /admin/users/import: a download an admin fills in, whose
own example rows import as they are (with this site's team and role profile)."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from skillgap.curriculum.snapshot import snapshot_of
from skillgap.models import User
from skillgap.roles import Role
from skillgap.rules.user_csv import KNOWN_COLUMNS
from tests import factories
from tests.conftest import csrf_token, reread

TEMPLATE = "/admin/users/import/template.csv"


def _upload(client, data: bytes, action: str):
    return client.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(client, "/admin/users/import"),
            "action": action,
            "file": (io.BytesIO(data), "skillgap-users-template.csv"),
        },
        content_type="multipart/form-data",
    )


def test_the_import_page_links_the_template(client, login_as, content):
    login_as(Role.ADMIN)
    page = client.get("/admin/users/import").get_data(as_text=True)
    assert f'href="{TEMPLATE}"' in page
    assert "The example rows import as they are" in page


def test_the_template_downloads_and_imports_as_it_is(client, db, login_as, content):
    login_as(Role.ADMIN)
    factories.make_team(db, "Growth")
    db.commit()
    response = client.get(TEMPLATE)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="skillgap-users-template.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == KNOWN_COLUMNS
    examples = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(examples) == 2
    assert {row["team"] for row in examples} == {"Growth"}
    profiles = dict(snapshot_of(db).role_profiles)  # id -> name
    assert {row["role_profile"] for row in examples} <= set(profiles.values())

    preview = _upload(client, response.data, "preview")
    assert preview.status_code == 200
    assert "2 rows: 2 valid, 0 with errors" in preview.get_data(as_text=True)
    imported = _upload(client, response.data, "import-all")
    assert imported.status_code == 200
    assert "2 users created" in imported.get_data(as_text=True)
    reread(db)
    people = {
        user.email: user
        for user in db.scalars(select(User).where(User.email.in_([r["email"] for r in examples])))
    }
    assert len(people) == 2
    for row in examples:
        person = people[row["email"]]
        assert (person.name, person.role, person.team.name) == (row["name"], row["role"], "Growth")
        assert profiles[person.role_profile] == row["role_profile"]

    # Downloaded again, the examples get new addresses: still importable as they are.
    again = client.get(TEMPLATE).data
    emails = [row["email"] for row in csv.DictReader(io.StringIO(again.decode()))]
    assert emails == ["ann.example2@example.org", "ben.example2@example.org"]
    assert "2 rows: 2 valid" in _upload(client, again, "preview").get_data(as_text=True)


def test_without_teams_the_team_is_blank(client, login_as, content):
    login_as(Role.ADMIN)
    rows = list(csv.DictReader(io.StringIO(client.get(TEMPLATE).get_data(as_text=True))))
    assert [row["team"] for row in rows] == ["", ""]
    assert "2 rows: 2 valid" in _upload(client, client.get(TEMPLATE).data, "preview").get_data(
        as_text=True
    )


def test_only_admins_get_the_template(client, login_as, content):
    assert client.get(TEMPLATE).status_code == 302  # to sign in
    login_as(Role.MANAGER)
    assert client.get(TEMPLATE).status_code == 403
