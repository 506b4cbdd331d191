"""Invitations: people imported from CSV choose their own password with a
one-time link; nobody can sign in to an invited account before that."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from skillgap import clock
from skillgap.models import Invitation, Team, User
from skillgap.passwords import NO_PASSWORD
from skillgap.roles import Role
from skillgap.rules.user_csv import UserRow
from skillgap.services import invitations, user_import
from tests import factories
from tests.conftest import csrf_token, login, post_form, reread

NEW_PASSWORD = "a long new password"


def import_csv(admin, text: str) -> str:
    response = admin.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(admin, "/admin/users/import"),
            "action": "import-all",
            "csv": text,
        },
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def links_in(page: str) -> dict[str, str]:
    """email -> invitation path, from the CSV text on the result page."""
    rows = re.findall(r"^([^,\s]+@[^,]+),[^,]*,(http://localhost(/invitation/[\w-]+))$", page, re.M)
    return {email: path for email, _url, path in rows}


def accept(app, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    browser = app.test_client()
    response = post_form(
        browser,
        path,
        {"new_password": password, "confirm": password if confirm is None else confirm},
        page=path,
    )
    return browser, response


def test_imported_people_choose_their_password_with_their_link_once(app, admin, db):
    page = import_csv(
        admin, "email,name,team\nana@example.org,Ana Ruiz,Social\nbo@example.org,Bo Li,Social\n"
    )
    assert "2 users created" in page
    links = links_in(page)
    assert sorted(links) == ["ana@example.org", "bo@example.org"]
    reread(db)
    ana = db.scalar(select(User).where(User.email == "ana@example.org"))
    assert ana.password_hash == NO_PASSWORD
    assert ana.team.name == "Social"
    # Only the token's hash is stored.
    token = links["ana@example.org"].rsplit("/", 1)[1]
    stored = db.scalars(select(Invitation.token_hash).where(Invitation.user_id == ana.id)).all()
    assert stored == [invitations.token_hash(token)] and token not in stored

    # Nobody can sign in before choosing a password, not even with the marker.
    for guess in (NO_PASSWORD, "", "!"):
        assert login(app.test_client(), "ana@example.org", guess or "x").status_code == 422

    welcome = app.test_client().get(links["ana@example.org"]).get_data(as_text=True)
    assert "Welcome, Ana Ruiz" in welcome and "ana@example.org" in welcome
    _browser, mismatch = accept(app, links["ana@example.org"], confirm="something else")
    assert mismatch.status_code == 422
    assert "The two passwords are not the same." in mismatch.get_data(as_text=True)
    _browser, short = accept(app, links["ana@example.org"], password="short")
    assert "Use at least 12 characters." in short.get_data(as_text=True)

    browser, response = accept(app, links["ana@example.org"])
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert browser.get("/").status_code == 200  # signed in
    assert login(app.test_client(), "ana@example.org", NEW_PASSWORD).status_code == 302
    used = app.test_client().get(links["ana@example.org"])
    assert used.status_code == 404
    assert "has been used" in used.get_data(as_text=True)
    # Bo's link is untouched by Ana's.
    assert app.test_client().get(links["bo@example.org"]).status_code == 200


def test_an_expired_or_made_up_link_is_refused(app, admin, db, monkeypatch):
    page = import_csv(admin, "email,name\ncy@example.org,Cy Obi\n")
    path = links_in(page)["cy@example.org"]
    later = clock.now() + invitations.VALID_FOR + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    expired = app.test_client().get(path)
    assert expired.status_code == 404 and "has expired" in expired.get_data(as_text=True)
    posted = app.test_client().post(
        path, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert posted.status_code in (400, 404)  # CSRF is checked first
    reread(db)
    assert db.scalar(select(User.password_hash).where(User.email == "cy@example.org")) == (
        NO_PASSWORD
    )
    for bad in ("/invitation/nonsense", "/invitation/" + "a" * 5000, "/invitation/%E2%80%AE"):
        response = app.test_client().get(bad)
        assert response.status_code == 404, bad
        assert "not valid" in response.get_data(as_text=True)


def test_a_new_link_replaces_the_old_one_and_a_deactivated_person_cannot_use_one(app, admin, db):
    page = import_csv(admin, "email,name\ndee@example.org,Dee Ng\n")
    old = links_in(page)["dee@example.org"]
    reread(db)
    dee = db.scalar(select(User).where(User.email == "dee@example.org"))
    response = post_form(
        admin, f"/admin/users/{dee.id}/invitation", {}, page=f"/admin/users/{dee.id}"
    )
    assert response.status_code == 200
    new = re.search(
        r"<code>http://localhost(/invitation/[\w-]+)</code>", response.get_data(as_text=True)
    )[1]
    assert new != old
    assert app.test_client().get(old).status_code == 404
    assert app.test_client().get(new).status_code == 200
    # Without a CSRF token nothing is issued.
    assert admin.post(f"/admin/users/{dee.id}/invitation").status_code == 400
    reread(db)
    dee = db.get(User, dee.id)
    dee.active = False
    db.commit()
    refused = app.test_client().get(new)
    assert refused.status_code == 404 and "deactivated" in refused.get_data(as_text=True)


def rows(count: int, team: str = "Field") -> list[UserRow]:
    return [
        UserRow(i, f"bulk{i}@example.org", f"Bulk {i}", "learner", team, None, ())
        for i in range(1, count + 1)
    ]


def test_the_import_writes_committed_batches_and_skips_emails_taken_meanwhile(app, db, content):
    actor = factories.make_user(db, Role.ADMIN, email="boss@example.org")
    # Created by someone else after the file was checked, before it was imported.
    factories.make_user(db, email="bulk7@example.org")
    db.commit()
    batches_seen = []
    original = db.commit

    def counting_commit():
        batches_seen.append(db.scalar(select(func.count()).select_from(User)))
        original()

    db.commit = counting_commit
    report = user_import.import_users(db, rows(450), actor, batch_size=200)
    db.commit = original
    assert report.batches == 3
    assert [row.email for row in report.skipped] == ["bulk7@example.org"]
    assert len(report.created) == 449
    # Each batch was committed on its own: 2 people before, +199 (bulk7 skipped), +200, +50.
    assert batches_seen == [201, 401, 451, 451]
    reread(db)
    assert db.scalar(select(func.count()).select_from(Invitation)) == 449
    assert db.scalar(select(func.count()).select_from(Team)) == 1
