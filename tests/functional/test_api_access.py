"""Every API route against every kind of caller: a session cookie, whoever it
belongs to, is never accepted (401); a token needs the route's scope (403
without it, 200 with it). The table is keyed by endpoint; a route added to the
API without an entry fails ``test_every_api_route_is_in_the_table``."""

from __future__ import annotations

import pytest
from flask import Flask, url_for

from skillgap.roles import Role
from skillgap.services.api_tokens import PEOPLE_READ, RESULTS_READ, SCOPES
from tests import factories
from tests.conftest import login
from tests.functional.api_helpers import bearer, make_token

ANY_TOKEN = "any token"
PUBLIC = "public"
# endpoint -> the scope it needs (ANY_TOKEN: none in particular; PUBLIC: no token)
EXPECTED = {
    "api.openapi": PUBLIC,
    "api.people": PEOPLE_READ,
    "api.teams": PEOPLE_READ,
    "api.team_matrix": PEOPLE_READ,
    "api.skills": ANY_TOKEN,
    "api.levels": ANY_TOKEN,
    "api.results": RESULTS_READ,
}
SESSIONS = {
    "anonymous": None,
    "learner": Role.LEARNER,
    "manager": Role.MANAGER,
    "admin": Role.ADMIN,
}


def test_every_api_route_is_in_the_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert {e for e in endpoints if e.startswith("api.")} == set(EXPECTED)


def test_every_api_view_declares_its_scope_and_no_role(app: Flask) -> None:
    for endpoint, scope in EXPECTED.items():
        view = app.view_functions[endpoint]
        assert view.required_role is None, endpoint  # never a session user
        assert getattr(view, "required_scope", None) == (
            None if scope in (PUBLIC, ANY_TOKEN) else scope
        ), endpoint
        assert hasattr(view, "required_scope") == (scope != PUBLIC), endpoint


@pytest.fixture
def setting(app, db, content):
    owner = factories.make_user(db, Role.ADMIN, email="owner@example.org")
    team = factories.make_team(db, "Social")
    for role in (Role.LEARNER, Role.MANAGER):
        factories.make_user(db, role, email=f"{role.value}@example.org", team=team)
    db.commit()
    tokens = {scope: make_token(db, owner, [scope], name=scope) for scope in SCOPES}
    with app.test_request_context():
        urls = {
            endpoint: url_for(endpoint, **({"team_id": team.id} if "matrix" in endpoint else {}))
            for endpoint in EXPECTED
        }
    return {"tokens": tokens, "urls": urls}


def _sessions_outcome(endpoint: str) -> int:
    return 200 if EXPECTED[endpoint] == PUBLIC else 401


@pytest.mark.parametrize("viewer", list(SESSIONS))
def test_a_session_of_any_role_gets_401(app, setting, viewer):
    client = app.test_client()
    role = SESSIONS[viewer]
    if role is not None:
        email = "owner@example.org" if role is Role.ADMIN else f"{role.value}@example.org"
        assert login(client, email).status_code == 302
    got = {endpoint: client.get(url).status_code for endpoint, url in setting["urls"].items()}
    assert got == {endpoint: _sessions_outcome(endpoint) for endpoint in EXPECTED}


def test_tokens_with_and_without_the_scope(app, setting):
    client = app.test_client()
    wrong = []
    for endpoint, url in setting["urls"].items():
        needed = EXPECTED[endpoint]
        for scope, token in setting["tokens"].items():
            allowed = needed in (PUBLIC, ANY_TOKEN) or needed == scope
            status = client.get(url, headers=bearer(token)).status_code
            if status != (200 if allowed else 403):
                wrong.append((endpoint, scope, status))
    assert not wrong, wrong
    assert RESULTS_READ in SCOPES and PEOPLE_READ in SCOPES
