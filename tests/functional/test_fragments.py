"""Rendered fragments (fragments.py): kept until what they show changes, on every
instance, with each reader's own CSRF token; optionally shared through Redis."""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from skillgap import create_app
from skillgap.fragments import CSRF_MARK, FragmentCache, cache_of
from skillgap.roles import Role
from tests import factories
from tests.conftest import app_config, login, post_form, redis_url, statements_of
from tests.functional.test_matrix import give_results


@pytest.fixture
def squad(db, content):
    admin = factories.make_user(db, Role.ADMIN, email="a@example.org")
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    second = factories.make_user(db, Role.MANAGER, email="m2@example.org")
    team = factories.make_team(db, "Social", managers=[manager, second])
    ava = factories.make_user(db, name="Ava", email="ava@example.org", team=team)
    ben = factories.make_user(db, name="Ben", email="ben@example.org", team=team)
    give_results(db, ava, {"strategy-planning": 1})
    db.commit()
    return {"admin": admin, "team": team, "ava": ava, "ben": ben}


def signed_in(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def page_of(client, url: str) -> str:
    """A page without its CSRF tokens: a token is signed with the second it was
    made, so two readings of one kept page differ there and nowhere else."""
    page = client.get(url).get_data(as_text=True)
    return re.sub(r'(name="csrf_token"[^>]* value=")[^"]+', r"\1…", page)


def cell(page: str, person: str) -> str:
    """The matrix row of one person, as text."""
    header = rf'<tr role="row">\s*<th scope="row"[^>]*><a [^>]*>{person}</a>'
    row = re.search(header + ".*?</tr>", page, re.S)
    assert row, f"no row for {person}"
    return row[0]


def test_a_write_is_seen_by_the_next_read_on_every_instance(database_url, squad, db):
    first = create_app(app_config(database_url))
    second = create_app(app_config(database_url))
    manager_on_first = signed_in(first, "m@example.org")
    admin_on_first = signed_in(first, "a@example.org")
    team = f"/team?team={squad['team'].id}"
    before = page_of(manager_on_first, team)
    assert page_of(manager_on_first, team) == before  # kept
    organisation = admin_on_first.get("/admin/organisation").get_data(as_text=True)
    assert cache_of(first).hits >= 1

    # Another writer (the test's own session) records Ben's new result, and the
    # second instance renders the page first.
    give_results(db, squad["ben"], {"strategy-planning": 3})
    db.commit()
    assert "Adv" in cell(signed_in(second, "m@example.org").get(team).get_data(as_text=True), "Ben")

    after = manager_on_first.get(team).get_data(as_text=True)
    assert cell(after, "Ben") != cell(before, "Ben")
    assert "Adv" in cell(after, "Ben")
    assert admin_on_first.get("/admin/organisation").get_data(as_text=True) != organisation


def test_a_module_page_follows_the_readers_progress_on_every_instance(database_url, squad):
    first = create_app(app_config(database_url))
    second = create_app(app_config(database_url))
    on_first = signed_in(first, "ava@example.org")
    on_second = signed_in(second, "ava@example.org")
    unread = on_first.get("/modules/first-steps").get_data(as_text=True)
    assert "Mark as read" in unread
    response = post_form(on_second, "/modules/first-steps/complete", page="/modules/first-steps")
    assert response.status_code == 302
    page = on_first.get("/modules/first-steps").get_data(as_text=True)
    assert "Mark as unread" in page and "Mark as read<" not in page


def test_a_kept_fragment_carries_each_readers_own_csrf_token(app, squad):
    ava, ben = signed_in(app, "ava@example.org"), signed_in(app, "ben@example.org")
    token = re.compile(r'name="csrf_token" value="([^"]+)"')
    first = ava.get("/modules/first-steps").get_data(as_text=True)
    hits = cache_of(app).hits
    again = ben.get("/modules/first-steps").get_data(as_text=True)  # same progress: kept
    assert cache_of(app).hits == hits + 1
    assert CSRF_MARK not in first and CSRF_MARK not in again
    assert token.findall(first)[-1] != token.findall(again)[-1]
    # Ben's own token, from the kept page, is accepted.
    form = {"csrf_token": token.findall(again)[-1]}
    assert ben.post("/modules/first-steps/complete", data=form).status_code == 302
    assert "Mark as unread" in ben.get("/modules/first-steps").get_data(as_text=True)
    assert "Mark as read" in ava.get("/modules/first-steps").get_data(as_text=True)


def test_a_kept_team_page_skips_the_matrix_statement(app, squad):
    manager = signed_in(app, "m@example.org")
    url = f"/team?team={squad['team'].id}"
    statements_of(app, manager, url)  # the curriculum read into memory
    cold = statements_of(app, manager, f"{url}&sort=gap")
    kept = statements_of(app, manager, f"{url}&sort=gap")
    # the manager, their teams, the team's pauses and sign-ins; the matrix's own on a miss
    assert len(kept) == 3 and len(cold) == 4
    # A sign-in is not in the people version, yet the page shows it: it is in the key.
    signed_in(app, "ben@example.org")
    assert len(statements_of(app, manager, f"{url}&sort=gap")) == 4


def test_fragments_are_kept_per_language(app, squad):
    manager = signed_in(app, "m@example.org")
    url = f"/team?team={squad['team'].id}"
    english = manager.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    dutch = manager.get(url, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Skill matrix" in english and "Skill matrix" not in dutch


def test_the_store_stays_within_its_size_and_drops_the_least_recently_used():
    cache = FragmentCache(max_bytes=1000)
    for n in range(5):
        cache.put(f"k{n}", "x" * 240)  # 240 bytes each; a quarter of the store at most
    assert cache.get("k0") is None  # the oldest went first
    assert cache.get("k4") == "x" * 240
    cache.get("k1")  # used: kept over k2
    cache.put("k5", "y" * 240)
    assert cache.get("k1") is not None and cache.get("k2") is None
    cache.put("big", "z" * 300)  # over a quarter of the store: never kept
    assert cache.get("big") is None


def test_instances_sharing_redis_render_a_fragment_once(database_url, squad, db):
    uri = redis_url()
    # Start from a Redis without fragments (an earlier run's, of a database with
    # the same URL and versions, would be read as this one's).
    config = app_config(database_url, CACHE_URL=uri)
    first, second = create_app(config), create_app(config)
    import redis

    client = redis.Redis.from_url(uri)
    for key in client.scan_iter("skillgap:fragment:*"):
        client.delete(key)
    marker = f"Team {uuid.uuid4().hex[:8]}"
    squad["team"].name = marker
    db.commit()
    url = f"/team?team={squad['team'].id}"
    page = signed_in(first, "m@example.org").get(url).get_data(as_text=True)
    assert marker in page
    assert cache_of(second).hits == 0
    on_second = signed_in(second, "m@example.org")
    # Rendered by the first instance: the second reads no result to draw its matrix.
    assert not any("skill_results" in s for s in statements_of(second, on_second, url))
    assert cache_of(second).hits >= 1 and cache_of(second).misses == 0
    again = on_second.get(url).get_data(as_text=True)
    assert re.sub(r'value="[^"]+"', "", again) == re.sub(r'value="[^"]+"', "", page)


def test_a_redis_that_does_not_answer_costs_a_warning_not_a_page(database_url, squad, caplog):
    app = create_app(app_config(database_url, CACHE_URL="redis://:s3cret@127.0.0.1:1/0"))
    manager = signed_in(app, "m@example.org")
    with caplog.at_level(logging.WARNING, logger="skillgap.fragments"):
        response = manager.get(f"/team?team={squad['team'].id}")
        assert manager.get(f"/team?team={squad['team'].id}").status_code == 200
    assert response.status_code == 200 and "Ava" in response.get_data(as_text=True)
    warnings = [r for r in caplog.records if "Redis" in r.getMessage()]
    assert len(warnings) == 1  # once, not on every request
    assert "s3cret" not in warnings[0].getMessage()


def test_a_persons_dashboard_and_path_follow_their_record_on_every_instance(database_url, squad):
    first = create_app(app_config(database_url))
    second = create_app(app_config(database_url))
    on_first = signed_in(first, "ava@example.org")
    on_second = signed_in(second, "ava@example.org")
    assert "At 120 minutes a week" in on_first.get("/path").get_data(as_text=True)
    dashboard = page_of(on_first, "/")
    assert page_of(on_first, "/") == dashboard  # kept
    budget = post_form(on_second, "/account", {"weekly_minutes": "90"}, page="/account")
    assert budget.status_code == 302
    assert "At 90 minutes a week" in on_first.get("/path").get_data(as_text=True)
    # Another person with the same progress sees their own name, not Ava's.
    ben = signed_in(first, "ben@example.org").get("/").get_data(as_text=True)
    assert "Hello, Ben" in ben and "Hello, Ava" not in ben


def test_a_kept_dashboard_or_path_does_not_build_the_persons_record(app, squad, monkeypatch):
    from skillgap.services import person_record

    built = []
    real = person_record._record_from
    monkeypatch.setattr(person_record, "_record_from", lambda *args: built.append(1) or real(*args))
    ava = signed_in(app, "ava@example.org")
    for url in ("/", "/path"):
        first = page_of(ava, url)
        count = len(built)
        assert count >= 1  # rendered: the record was built
        assert page_of(ava, url) == first
        assert len(built) == count  # kept: only the rows' digest was needed


def test_a_kept_page_shows_a_waiting_message_once_and_each_readers_own_menu(app, squad):
    ava = signed_in(app, "ava@example.org")
    kept = page_of(ava, "/path")
    assert page_of(ava, "/path") == kept
    saved = post_form(ava, "/account", {"weekly_minutes": "90"}, page="/account")
    assert saved.status_code == 302  # the message waits for the next page
    shown = ava.get("/path").get_data(as_text=True)
    assert "Your path is now planned at 90 minutes a week." in shown
    again = ava.get("/path").get_data(as_text=True)
    assert "Your path is now planned at" not in again and "At 90 minutes a week" in again
    # The same page for another reader carries their name in the menu, not Ava's.
    ben = signed_in(app, "ben@example.org").get("/path").get_data(as_text=True)
    assert re.search(r'href="/account"[^>]*>Ben</a>', ben) and ">Ava</a>" not in ben
