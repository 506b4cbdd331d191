"""Role profiles come from the published framework in the database, everywhere.

They used to be read from courses/framework.yml once at start-up, so a profile
an admin added in the browser could not be assigned until a restart.
"""

from __future__ import annotations

import io

from sqlalchemy import select

from skillgap.models import User
from skillgap.roles import Role
from tests import factories
from tests.conftest import csrf_token, login, post_form, reread
from tests.functional.test_authoring import editor_state, publish, save

FRAMEWORK = "/admin/content/framework/framework"
NEW_PROFILE = """  - id: social-team-lead
    name: Social team lead
    targets: {strategy-planning: advanced, platform-metrics: intermediate}
"""


def publish_new_profile(admin) -> None:
    text, base = editor_state(admin, FRAMEWORK)
    assert "social-team-lead" not in text
    assert (
        save(
            admin, text.rstrip("\n") + "\n" + NEW_PROFILE, base, "add a profile", FRAMEWORK
        ).status_code
        == 302
    )
    assert publish(admin, FRAMEWORK).status_code == 302


def profile_of(db, email: str) -> str | None:
    reread(db)
    return db.scalar(select(User.role_profile).where(User.email == email))


def test_a_profile_published_in_the_browser_is_assignable_at_once_everywhere(app, db, content):
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    learner = factories.make_user(db, email="learner@example.org")
    db.commit()
    admin = app.test_client()
    login(admin, "admin@example.org")
    # Before: unknown everywhere.
    refused = post_form(
        admin,
        f"/admin/users/{learner.id}",
        {
            "name": learner.name,
            "email": learner.email,
            "role": "learner",
            "team": "0",
            "role_profile": "social-team-lead",
        },
        page=f"/admin/users/{learner.id}",
    )
    assert refused.status_code == 422

    publish_new_profile(admin)

    # The admin's user form offers it and assigns it.
    form_page = admin.get(f"/admin/users/{learner.id}").get_data(as_text=True)
    assert 'value="social-team-lead"' in form_page and "Social team lead" in form_page
    saved = post_form(
        admin,
        f"/admin/users/{learner.id}",
        {
            "name": learner.name,
            "email": learner.email,
            "role": "learner",
            "team": "0",
            "role_profile": "social-team-lead",
        },
        page=f"/admin/users/{learner.id}",
    )
    assert saved.status_code == 302
    assert profile_of(db, "learner@example.org") == "social-team-lead"

    # The CSV import accepts it.
    csv = "email,name,role,team,role_profile\nlead@example.org,Lee Lead,learner,,social-team-lead\n"
    data = {
        "csrf_token": csrf_token(admin, "/admin/users/import"),
        "action": "import-all",
        "file": (io.BytesIO(csv.encode()), "people.csv"),
    }
    imported = admin.post("/admin/users/import", data=data, content_type="multipart/form-data")
    assert imported.status_code == 200, imported.get_data(as_text=True)
    assert profile_of(db, "lead@example.org") == "social-team-lead"

    # The CLI accepts it, in the same process (no restart).
    result = app.test_cli_runner().invoke(
        args=[
            "create-user",
            "cli@example.org",
            "--name",
            "Cy Li",
            "--role-profile",
            "social-team-lead",
            "--password-stdin",
        ],
        input="a long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert profile_of(db, "cli@example.org") == "social-team-lead"

    # The learner's dashboard names it.
    member = app.test_client()
    login(member, "learner@example.org")
    assert "Social team lead" in member.get("/").get_data(as_text=True)
