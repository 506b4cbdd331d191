"""No typed work lost (issue 15): the manager's targets and due date are saved by
one form, and a refused one shows everything again as typed; the new-module form
keeps what was typed when it is refused."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from skillgap.models import LearningPlan, Module, TargetOverride
from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form, reread
from tests.functional.test_paths import team  # noqa: F401  (the fixture)


def test_targets_and_due_date_are_saved_together(client, db, team):  # noqa: F811
    login(client, "m@example.org")
    person_id = team["person"].id
    page = f"/team/people/{person_id}"
    html = client.get(page).get_data(as_text=True)
    assert html.count(f'action="/team/people/{person_id}/targets"') == 1
    assert 'name="due_date"' in html.split(f'action="/team/people/{person_id}/targets"')[1]
    due = (date.today() + timedelta(days=40)).isoformat()
    response = post_form(
        client,
        f"/team/people/{person_id}/targets",
        {"target-strategy-planning": "advanced", "due_date": due},
        page=page,
    )
    assert response.status_code == 302
    reread(db)
    assert db.get(TargetOverride, (person_id, "strategy-planning")).level_id == "advanced"
    assert db.get(LearningPlan, person_id).due_date.isoformat() == due
    # Saving again with a changed due date keeps the target just set.
    later = (date.today() + timedelta(days=60)).isoformat()
    post_form(
        client,
        f"/team/people/{person_id}/targets",
        {"target-strategy-planning": "advanced", "due_date": later},
        page=page,
    )
    reread(db)
    assert db.get(TargetOverride, (person_id, "strategy-planning")).level_id == "advanced"
    assert db.get(LearningPlan, person_id).due_date.isoformat() == later


def test_a_refused_save_shows_the_typed_target_and_date_and_saves_neither(
    client,
    db,
    team,  # noqa: F811
):
    login(client, "m@example.org")
    person_id = team["person"].id
    page = f"/team/people/{person_id}"
    past = (date.today() - timedelta(days=3)).isoformat()
    response = post_form(
        client,
        f"/team/people/{person_id}/targets",
        {"target-strategy-planning": "advanced", "due_date": past},
        page=page,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose today or a later date." in html
    assert f'value="{past}"' in html  # the date as typed
    assert '<option selected value="advanced">' in html or 'value="advanced" selected' in html
    reread(db)
    assert db.scalar(select(TargetOverride)) is None and db.scalar(select(LearningPlan)) is None


def test_a_refused_new_module_keeps_what_was_typed(client, db, content):
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    db.commit()
    login(client, "admin@example.org")
    response = post_form(
        client,
        "/admin/content/modules/new",
        {"course": "beta", "module_id": "Not An Id!", "title": "Reading retention curves"},
        page="/admin/content",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Not created:" in html and "lower-case-with-hyphens" in html
    assert 'value="Reading retention curves"' in html and 'value="Not An Id!"' in html
    assert '<option value="beta" selected>' in html
    reread(db)
    assert db.scalar(select(Module).where(Module.title == "Reading retention curves")) is None
