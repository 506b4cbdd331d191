"""Pausing and lighter weeks through the app: the learner's pause page, their
path moving, and what their manager sees (issue 22)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from skillgap import clock
from skillgap.models import LearningPlan, PlanWeek
from skillgap.roles import Role
from skillgap.services.paths import monday_of
from tests import factories
from tests.conftest import login, post_form, reread


@pytest.fixture
def team(db, content):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    person = factories.make_user(
        db, email="p@example.org", team=team, role_profile="social-media-manager"
    )
    db.commit()
    return {"manager": manager, "team": team, "person": person}


def this_monday() -> date:
    return monday_of(clock.now().date())


def finish(page: str) -> date:
    found = re.search(r"estimated finish <strong>(\d{1,2} \w\w\w \d{4})</strong>", page)
    assert found, page
    from datetime import datetime

    return datetime.strptime(found[1], "%d %b %Y").date()


def week_headings(page: str) -> list[str]:
    return re.findall(r'<h2 id="week-\d+">(.*?)</h2>', page)


def pause(client, start: date, weeks: int):
    data = {"pause-start": start.isoformat(), "pause-weeks": str(weeks)}
    return post_form(client, "/path/pause", data, page="/path/pause")


def test_a_pause_moves_the_path_and_the_finish_by_the_weeks_paused(client, db, team):
    login(client, "p@example.org")
    post_form(client, "/account", {"weekly_minutes": "15"}, page="/account")  # 3 weeks
    before = client.get("/path").get_data(as_text=True)
    assert len(week_headings(before)) == 3
    response = pause(client, this_monday() + timedelta(weeks=1), 2)
    assert response.status_code == 302 and response.headers["Location"] == "/path"
    page = client.get("/path").get_data(as_text=True)
    headings = week_headings(page)
    assert len(headings) == 5
    assert ["paused" in h for h in headings] == [False, True, True, False, False]
    assert finish(page) - finish(before) == timedelta(weeks=2)
    assert "Paused: nothing planned this week." in page
    reread(db)
    assert db.scalar(select(func.count()).select_from(PlanWeek)) == 2


def test_this_weeks_pause_is_said_plainly_everywhere(client, db, team):
    login(client, "p@example.org")
    assert pause(client, this_monday(), 3).status_code == 302
    last = this_monday() + timedelta(weeks=3) - timedelta(days=1)
    until = f"{last:%A} {last.day} {last:%B}"
    assert f"Learning is paused until {until}" in client.get("/path").get_data(as_text=True)
    assert f"Learning is paused until {until}" in client.get("/").get_data(as_text=True)
    manager = factories_client(client, "m@example.org")
    person = manager.get(f"/team/people/{team['person'].id}").get_data(as_text=True)
    day = format_date(this_monday() + timedelta(weeks=3) - timedelta(days=1), "long", locale="en")
    assert f"Paused until {day}" in person  # i18n.day
    matrix = manager.get("/team").get_data(as_text=True)
    assert "Paused until" in matrix and "over</strong>" not in person


def factories_client(client, email: str):
    other = client.application.test_client()
    login(other, email)
    return other


def test_a_pause_that_misses_the_due_date_shows_what_would_fit(client, db, team):
    db.merge(
        LearningPlan(
            user_id=team["person"].id,
            weekly_minutes=15,
            due_date=clock.now().date() + timedelta(days=21),
        )
    )
    db.commit()
    login(client, "p@example.org")
    assert pause(client, this_monday(), 2).status_code == 302
    manager = factories_client(client, "m@example.org")
    page = manager.get(f"/team/people/{team['person'].id}").get_data(as_text=True)
    assert "with their paused or lighter weeks it needs" in page
    assert "What would fit:" in page and "a due date of" in page
    assert "<strong>" not in page.split("Due ", 1)[1].split("</p>", 1)[0]  # not "behind"


def test_a_lighter_week_holds_only_what_fits(client, db, team):
    login(client, "p@example.org")
    data = {"lighter-start": this_monday().isoformat(), "lighter-minutes": "20"}
    assert post_form(client, "/path/lighter-week", data, page="/path/pause").status_code == 302
    page = client.get("/path").get_data(as_text=True)
    first = week_headings(page)[0]
    assert "lighter week" in first and "of 20 min" in first
    minutes = int(re.search(r"lighter week, (\d+) of 20 min", first)[1])
    assert minutes <= 20


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("/path/pause", {"pause-start": "MONDAY", "pause-weeks": "2"}, "Not a valid choice"),
        ("/path/pause", {"pause-weeks": "9"}, "Not a valid choice"),
        ("/path/lighter-week", {"lighter-minutes": "120"}, "A lighter week is between 1 and 119"),
        ("/path/lighter-week", {"lighter-minutes": "soon"}, "Not a valid integer"),
    ],
)
def test_bad_input_is_shown_again_and_changes_nothing(client, db, team, path, data, message):
    login(client, "p@example.org")
    defaults = {
        "pause-start": this_monday().isoformat(),
        "lighter-start": this_monday().isoformat(),
    }
    response = post_form(client, path, {**defaults, **data}, page="/path/pause")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    reread(db)
    assert db.scalar(select(func.count()).select_from(PlanWeek)) == 0


def test_a_week_goes_back_to_the_usual_time(client, db, team):
    login(client, "p@example.org")
    pause(client, this_monday(), 1)
    page = client.get("/path/pause").get_data(as_text=True)
    assert "Back to the usual time" in page
    url = f"/path/weeks/{this_monday().isoformat()}/clear"
    assert post_form(client, url, page="/path/pause").status_code == 302
    assert post_form(client, url, page="/path/pause").status_code == 404  # nothing left to clear
    assert post_form(client, "/path/weeks/not-a-date/clear", page="/path/pause").status_code == 404
    reread(db)
    assert db.scalar(select(func.count()).select_from(PlanWeek)) == 0


def test_a_pause_is_only_the_persons_own(client, db, team):
    other = factories.make_user(db, email="o@example.org")
    db.add(PlanWeek(user_id=other.id, week_start=this_monday(), minutes=0))
    db.commit()
    login(client, "p@example.org")
    url = f"/path/weeks/{this_monday().isoformat()}/clear"
    assert post_form(client, url, page="/path/pause").status_code == 404
    reread(db)
    assert db.scalar(select(func.count()).select_from(PlanWeek)) == 1
