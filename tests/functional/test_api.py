"""The read-only API (/api/v1): tokens, scopes, pagination, the OpenAPI
document against real responses, fixed statement counts, JSON errors."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from openapi_spec_validator import validate
from sqlalchemy import select

from skillgap import clock, create_app
from skillgap.api.openapi import document
from skillgap.models import ApiToken, AuditEvent, User
from skillgap.roles import Role
from skillgap.services import api_tokens
from tests import factories
from tests.conftest import app_config, login, post_form, reread
from tests.functional.api_helpers import (
    adaptive_result,
    assert_valid,
    bearer,
    fixed_result,
    make_token,
    schema_for,
    self_rating,
    statements,
)

TOKEN = re.compile(r"sg_[A-Za-z0-9_-]{20,}")


@pytest.fixture
def org(db, content):
    """An admin, a team of four with adaptive, fixed and self-rated results, one outsider."""
    creator = factories.make_user(db, Role.ADMIN, email="owner@example.org")
    manager = factories.make_user(db, Role.MANAGER, email="manager@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    people = [
        factories.make_user(db, team=team, name=f"P{i}", role_profile="social-media-manager")
        for i in range(4)
    ]
    outsider = factories.make_user(db, name="Outsider")
    base = datetime(2026, 1, 1, 9, tzinfo=UTC)
    adaptive_result(db, people[0], "strategy-planning", 1, 0.92, base)
    adaptive_result(db, people[1], "strategy-planning", 2, 0.55, base + timedelta(days=1))
    fixed_result(db, people[2], "strategy-planning", 2, base + timedelta(days=2))
    fixed_result(db, people[2], "platform-metrics", 3, base + timedelta(days=2))
    self_rating(db, people[3], "platform-metrics", 2, base + timedelta(days=3))
    db.commit()
    token = make_token(db, creator)
    return {
        "admin": creator,
        "team": team,
        "people": people,
        "outsider": outsider,
        "token": token,
        "base": base,
    }


def get(client, url: str, token: str | None):
    return client.get(url, headers=bearer(token) if token else {})


# --- tokens ------------------------------------------------------------------------


def test_a_new_token_is_shown_once_and_only_its_hash_is_stored(admin, client, db):
    page = post_form(
        admin, "/admin/tokens", {"name": "Workday", "scopes": ["people:read"]}, "/admin/tokens"
    )
    assert page.status_code == 200
    plaintext = TOKEN.search(page.get_data(as_text=True)).group(0)
    reread(db)
    stored = db.scalars(select(ApiToken)).one()
    assert stored.token_hash == api_tokens.token_hash(plaintext)
    assert plaintext not in (stored.name, stored.prefix, stored.scopes)
    assert plaintext.startswith(stored.prefix) and len(stored.prefix) < len(plaintext) / 3
    assert stored.scopes == "people:read"
    listing = admin.get("/admin/tokens").get_data(as_text=True)
    assert plaintext not in listing and stored.prefix in listing
    assert get(client, "/api/v1/people", plaintext).status_code == 200
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "api-token.create")).one()
    assert event.target == "Workday" and event.actor_id is not None


def test_the_form_needs_a_name_and_a_known_scope(admin, db):
    for data in ({"name": "", "scopes": ["people:read"]}, {"name": "x", "scopes": ["admin"]}):
        assert post_form(admin, "/admin/tokens", data, "/admin/tokens").status_code == 422
    reread(db)
    assert db.scalars(select(ApiToken)).all() == []


def test_a_revoked_token_gets_401_at_once(admin, client, db, org):
    token = org["token"]
    assert get(client, "/api/v1/people", token).status_code == 200
    stored = db.scalars(select(ApiToken)).one()
    response = post_form(admin, f"/admin/tokens/{stored.id}/revoke", page="/admin/tokens")
    assert response.status_code == 302
    refused = get(client, "/api/v1/people", token)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert refused.get_json()["error"] == "unauthorized"
    reread(db)
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "api-token.revoke")).one()


def test_managers_cannot_reach_the_token_pages(app, login_as, client, db):
    login_as(Role.MANAGER)
    assert client.get("/admin/tokens").status_code == 403
    data = {"name": "x", "scopes": ["people:read"]}
    assert post_form(client, "/admin/tokens", data).status_code == 403
    creator = factories.make_user(db, Role.MANAGER)
    with pytest.raises(api_tokens.TokenError):  # nor can a service call make one
        api_tokens.create(db, "x", ["people:read"], creator)


def test_a_token_stops_working_when_its_admin_is_demoted_or_deactivated(client, db, org):
    token, creator = org["token"], org["admin"]
    assert get(client, "/api/v1/people", token).status_code == 200
    db.get(User, creator.id).role = Role.MANAGER.value
    db.commit()
    assert get(client, "/api/v1/people", token).status_code == 401
    reread(db)
    person = db.get(User, creator.id)
    person.role, person.active = Role.ADMIN.value, False
    db.commit()
    assert get(client, "/api/v1/people", token).status_code == 401
    reread(db)
    db.get(User, creator.id).active = True
    db.commit()
    assert get(client, "/api/v1/people", token).status_code == 200  # not revoked: back


def test_last_used_is_written_at_most_once_a_minute(app, client, db, org, monkeypatch):
    token = org["token"]
    get(client, "/api/v1/levels", make_token(db, org["admin"], name="warm-up"))  # reads content
    start = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start)
    first = statements(app, client, "/api/v1/levels", bearer(token))
    again = statements(app, client, "/api/v1/levels", bearer(token))
    assert len(first) == len(again) + 1  # the UPDATE
    reread(db)
    stored = db.scalars(select(ApiToken).where(ApiToken.token_hash == api_tokens.token_hash(token)))
    assert stored.one().last_used_at == start
    monkeypatch.setattr(clock, "now", lambda: start + timedelta(seconds=61))
    assert len(statements(app, client, "/api/v1/levels", bearer(token))) == len(first)


# --- who may call ----------------------------------------------------------------------


def test_scopes_decide_what_a_token_reads(client, db, org):
    results_only = make_token(db, org["admin"], [api_tokens.RESULTS_READ])
    refused = get(client, "/api/v1/people", results_only)
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]
    assert_valid(refused.get_json(), schema_for("/people", 403))
    assert get(client, "/api/v1/results", results_only).status_code == 200
    assert get(client, "/api/v1/skills", results_only).status_code == 200
    people_only = make_token(db, org["admin"], [api_tokens.PEOPLE_READ])
    assert get(client, "/api/v1/results", people_only).status_code == 403
    assert get(client, f"/api/v1/teams/{org['team'].id}/matrix", people_only).status_code == 200


def test_a_session_cookie_is_never_accepted_and_no_cookie_is_set(app, org):
    browser = app.test_client()
    assert login(browser, "owner@example.org").status_code == 302
    assert browser.get("/admin").status_code == 200  # the cookie works for pages
    refused = browser.get("/api/v1/people")
    assert refused.status_code == 401
    with_token = browser.get("/api/v1/people", headers=bearer(org["token"]))
    assert with_token.status_code == 200
    for response in (refused, with_token, browser.get("/api/v1/openapi.json")):
        assert response.headers.get_all("Set-Cookie") == []
        assert "Cookie" not in response.headers.get("Vary", "")
        assert response.headers["Cache-Control"] == "no-store"


def test_over_the_rate_limit_a_token_gets_429_with_retry_after(app, database_url, db, org):
    limited = create_app(
        app_config(database_url, RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute")
    )
    client = limited.test_client()
    other = make_token(db, org["admin"], name="other")
    assert [get(client, "/api/v1/levels", org["token"]).status_code for _ in range(2)] == [200] * 2
    refused = get(client, "/api/v1/levels", org["token"])
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert_valid(refused.get_json(), schema_for("/levels", 429))
    assert get(client, "/api/v1/levels", other).status_code == 200  # per token


# --- the document and the responses ---------------------------------------------------


def test_the_openapi_document_validates_and_lists_every_route_with_its_scope(app, client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    doc = served.get_json()
    validate(doc)
    assert doc == document()
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1")): rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert set(routes) == set(doc["paths"])
    for path, endpoint in routes.items():
        view = app.view_functions[endpoint]
        declared = getattr(view, "required_scope", None)
        security = doc["paths"][path]["get"]["security"]
        wanted = [{"bearerToken": [declared] if declared else []}]
        assert security == ([] if path == "/openapi.json" else wanted)


def test_every_endpoint_answers_what_the_document_says(client, org):
    token, team = org["token"], org["team"]
    for url, path in [
        ("/api/v1/people", "/people"),
        ("/api/v1/people?limit=2", "/people"),
        ("/api/v1/teams", "/teams"),
        (f"/api/v1/teams/{team.id}/matrix", "/teams/{team_id}/matrix"),
        ("/api/v1/skills", "/skills"),
        ("/api/v1/levels", "/levels"),
        ("/api/v1/results", "/results"),
        ("/api/v1/results?since=2026-01-02&limit=1", "/results"),
    ]:
        response = get(client, url, token)
        assert response.status_code == 200, url
        assert_valid(response.get_json(), schema_for(path, 200))
    for url, path, status, with_token in [
        ("/api/v1/people?limit=0", "/people", 400, True),
        ("/api/v1/people", "/people", 401, False),
        ("/api/v1/teams/999999/matrix", "/teams/{team_id}/matrix", 404, True),
    ]:
        response = get(client, url, token if with_token else None)
        assert response.status_code == status, url
        assert_valid(response.get_json(), schema_for(path, status))


def test_people_carry_levels_with_how_they_were_measured(client, org):
    people = get(client, "/api/v1/people", org["token"]).get_json()["data"]
    by_name = {person["name"]: person for person in people}
    skills = {name: {s["skill_id"]: s for s in by_name[name]["skills"]} for name in by_name}
    sure, unsure = skills["P0"]["strategy-planning"], skills["P1"]["strategy-planning"]
    assert (sure["measured_by"], sure["certainty"], sure["uncertain"]) == ("adaptive", 0.92, False)
    assert (unsure["level_id"], unsure["uncertain"]) == ("intermediate", True)
    fixed = skills["P2"]["platform-metrics"]
    assert (fixed["measured_by"], fixed["certainty"], fixed["percent"]) == ("fixed", None, 95.0)
    assert fixed["level_id"] == "advanced" and fixed["source"] == "diagnostic"
    rated = skills["P3"]["platform-metrics"]
    assert (rated["source"], rated["level_id"], rated["measured_by"]) == (
        "self-assessment",
        "intermediate",
        None,
    )
    assert skills["P3"]["strategy-planning"]["source"] == "none"
    assert by_name["P0"]["team"] == {"id": org["team"].id, "name": "Social"}
    assert by_name["P0"]["role_profile"]["id"] == "social-media-manager"
    assert by_name["Outsider"]["team"] is None


def test_the_matrix_is_the_team_page_matrix(client, db, org):
    body = get(client, f"/api/v1/teams/{org['team'].id}/matrix", org["token"]).get_json()
    assert [row["name"] for row in body["data"]] == ["P0", "P1", "P2", "P3"]
    cells = {c["skill_id"]: c for c in body["data"][1]["cells"]}
    assert cells["strategy-planning"]["uncertain"] is True
    teams = get(client, "/api/v1/teams", org["token"]).get_json()["data"]
    manager = db.scalars(select(User.id).where(User.role == Role.MANAGER.value)).one()
    assert teams == [
        {"id": org["team"].id, "name": "Social", "manager_ids": [manager], "member_count": 4}
    ]


# --- pagination ------------------------------------------------------------------------


def walk(client, url: str, token: str) -> list[dict]:
    seen, cursor, pages = [], None, 0
    while True:
        joiner = "&" if "?" in url else "?"
        page_url = url if cursor is None else f"{url}{joiner}cursor={cursor}"
        body = get(client, page_url, token).get_json()
        seen += body["data"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
        assert pages < 100


def test_pagination_walks_every_person_exactly_once(client, db, org):
    for i in range(8):
        factories.make_user(db, name=f"Extra {i}")
    db.commit()
    everyone = set(db.scalars(select(User.id)))
    for limit in (1, 3, 5, 500):
        walked = walk(client, f"/api/v1/people?limit={limit}", org["token"])
        ids = [person["id"] for person in walked]
        assert len(ids) == len(everyone) and set(ids) == everyone, limit
    body = get(client, "/api/v1/people?limit=500", org["token"]).get_json()
    assert body["next_cursor"] is None


def test_results_since_a_date_and_resuming_misses_and_repeats_nothing(client, db, org):
    token, base = org["token"], org["base"]
    everything = walk(client, "/api/v1/results?limit=2", token)
    assert len(everything) == 5
    assert [r["recorded_at"] for r in everything] == sorted(r["recorded_at"] for r in everything)
    since = walk(client, "/api/v1/results?since=2026-01-02T09:00:00Z&limit=1", token)
    assert [r["id"] for r in since] == [r["id"] for r in everything[1:]]
    assert walk(client, "/api/v1/results?since=2026-01-03", token) == everything[2:]
    offset = walk(client, "/api/v1/results?since=2026-01-02T11:00:00%2B02:00", token)
    assert offset == everything[1:]
    last = get(client, "/api/v1/results?limit=500", token).get_json()
    assert last["next_cursor"] is None and last["resume_cursor"]
    fixed_result(db, org["people"][3], "strategy-planning", 1, base + timedelta(days=9))
    db.commit()
    later = get(client, f"/api/v1/results?cursor={last['resume_cursor']}", token).get_json()
    assert [r["skill_id"] for r in later["data"]] == ["strategy-planning"]
    assert later["data"][0]["measured_by"] == "fixed" and later["data"][0]["certainty"] is None
    nothing_new = get(client, f"/api/v1/results?cursor={later['resume_cursor']}", token).get_json()
    assert nothing_new["data"] == [] and nothing_new["resume_cursor"] == later["resume_cursor"]


def test_every_endpoint_runs_the_same_statements_whatever_the_page_size(app, client, db, org):
    token = org["token"]
    urls = [
        "/api/v1/people?limit={n}",
        "/api/v1/teams?limit={n}",
        "/api/v1/results?limit={n}",
        "/api/v1/results?since=2026-01-01&limit={n}",
        f"/api/v1/teams/{org['team'].id}/matrix",
        "/api/v1/skills",
        "/api/v1/levels",
    ]
    get(client, "/api/v1/levels", token)  # the curriculum is read, the token's use noted

    def counts() -> list[int]:
        return [
            len(statements(app, client, url.format(n=n), bearer(token)))
            for url in urls
            for n in (5, 50)
        ]

    small = counts()
    for i in range(60):
        person = factories.make_user(db, team=org["team"], name=f"More {i}")
        fixed_result(db, person, "strategy-planning", i % 4)
        if i % 2:
            adaptive_result(db, person, "platform-metrics", i % 4, 0.9)
    factories.make_team(db, "Second")
    db.commit()
    large = counts()
    assert small == large
    per_url = dict(zip(urls, zip(small[::2], small[1::2], strict=True), strict=True))
    assert all(five == fifty for five, fifty in per_url.values()), per_url
    print(f"\nAPI statements per request (page size 5 = 50, small = large data): {per_url}")


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/people?limit=0",
        "/api/v1/people?limit=501",
        "/api/v1/people?limit=ten",
        "/api/v1/people?limit=-1",
        "/api/v1/people?cursor=not-a-cursor",
        "/api/v1/people?cursor=WyJyZXN1bHRzIiwxXQ",  # a results cursor
        "/api/v1/teams?cursor=WyJ0ZWFtcyIsLTFd",  # ["teams",-1]
        "/api/v1/results?since=yesterday",
        "/api/v1/results?since=2026-13-01",
        "/api/v1/results?cursor=WyJyZXN1bHRzIiwibm9vbiIsMV0",  # ["results","noon",1]
    ],
)
def test_bad_input_is_a_400_in_json(client, org, url):
    response = get(client, url, org["token"])
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.get_json()["error"] == "bad_request"


def test_errors_under_the_api_are_json_never_html(client, org):
    token = org["token"]
    cases = [
        ("GET", "/api/v1/nowhere", 404),
        ("GET", "/api/v1/teams/999999/matrix", 404),
        ("GET", "/api/v1/teams/abc/matrix", 404),
        ("POST", "/api/v1/people", 405),
        ("DELETE", "/api/v1/results", 405),
    ]
    for method, url, status in cases:
        response = client.open(url, method=method, headers=bearer(token))
        assert response.status_code == status, url
        assert response.is_json and response.get_json()["error"], url
    assert get(client, "/api/v1/people", "sg_made-up-token-of-enough-length").status_code == 401
    for header in ("Basic YTpi", "Bearer", "Bearer  ", "sg_token"):
        response = client.get("/api/v1/people", headers={"Authorization": header})
        assert response.status_code == 401 and response.is_json, header
