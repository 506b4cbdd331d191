"""Each entry of /admin/audit links to the item it is about, while that item exists."""

from __future__ import annotations

import re

from sqlalchemy import select

from skillgap.models import AuditEvent, Team, User
from tests import factories
from tests.conftest import post_form, reread
from tests.functional.test_authoring import EDIT, publish


def audit_rows(client, query: str = "") -> list[str]:
    page = client.get(f"/admin/audit{query}").get_data(as_text=True)
    return re.findall(r"<tr><td class=\"nowrap\">.*?</tr>", page.split("<tbody>")[1], re.S)


def test_a_publish_entry_links_to_the_module_editor_and_history(admin):
    assert publish(admin).status_code == 302
    (row,) = audit_rows(admin, "?action=content.publish")
    assert f'<a href="{EDIT}">module first-steps</a>' in row
    assert f'<a href="{EDIT}/history"' in row


def test_user_and_team_entries_link_to_their_pages(admin, db):
    data = {
        "name": "Nia Patel",
        "email": "nia@example.org",
        "role": "learner",
        "team": "0",
        "role_profile": "",
        "password": "",
    }
    assert post_form(admin, "/admin/users/new", data, page="/admin/users/new").status_code == 302
    post_form(admin, "/admin/teams/new", {"name": "Brand"}, page="/admin/teams/new")
    reread(db)
    nia = db.scalar(select(User).where(User.email == "nia@example.org"))
    brand = db.scalar(select(Team).where(Team.name == "Brand"))
    (user_row,) = audit_rows(admin, "?action=user.create")
    assert f'<a href="/admin/users/{nia.id}">nia@example.org</a>' in user_row
    (team_row,) = audit_rows(admin, "?action=team.create")
    assert f'<a href="/admin/teams/{brand.id}">Brand</a>' in team_row


def test_targets_and_due_dates_link_to_the_persons_team_page(admin, db):
    person = factories.make_user(db, email="pat@example.org")
    db.add(AuditEvent(actor_id=None, action="path.due_date", target="pat@example.org"))
    db.commit()
    (row,) = audit_rows(admin, "?action=path.due_date")
    assert f'<a href="/team/people/{person.id}">pat@example.org</a>' in row


def test_items_that_no_longer_exist_show_without_a_link(admin, db):
    for action, target in [
        ("content.publish", "module gone-module"),
        ("content.save", "quiz"),
        ("user.change", "renamed@example.org"),
        ("team.change", "Old name"),
        ("content.import", "/srv/skillgap"),
        ("users.import", "3 users"),
    ]:
        db.add(AuditEvent(actor_id=None, action=action, target=target))
    db.commit()
    rows = audit_rows(admin)
    for target in ("module gone-module", "renamed@example.org", "Old name", "/srv/skillgap"):
        (row,) = [r for r in rows if f"<td>{target}</td>" in r]
        assert "<a " not in row
    assert all("<a " not in r for r in rows if "3 users" in r)


def test_the_log_links_in_a_fixed_number_of_queries(app, admin, db):
    from tests.conftest import statements_of

    publish(admin)
    few = len(statements_of(app, admin, "/admin/audit"))
    for number in range(30):
        user = factories.make_user(db, email=f"many{number}@example.org")
        db.add(AuditEvent(actor_id=None, action="user.change", target=user.email))
        db.add(AuditEvent(actor_id=None, action="content.save", target="module first-steps"))
    db.commit()
    assert len(statements_of(app, admin, "/admin/audit")) == few + 1  # the people lookup
