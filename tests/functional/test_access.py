"""Every route, every role: anonymous visitors are sent to sign in, the wrong
role gets 403, and a manager gets 404 for people outside their teams.

The expected table is keyed by endpoint; a route added without an entry here
fails ``test_every_route_is_in_the_table``, so no route is forgotten.
"""

from __future__ import annotations

import pytest
from flask import Flask

from skillgap.roles import Role
from tests import factories
from tests.conftest import csrf_token, login

PUBLIC = None
# Routes about one person's data: the sample belongs to a member of the manager's
# team, so another learner gets 404 although the role would be enough.
PERSONAL = {"assess.result"}
API_ENDPOINTS = ("openapi", "people", "teams", "team_matrix", "skills", "levels", "results")
# What an allowed viewer gets when the probe is not a page or a redirecting POST.
ALLOWED_OUTCOME = {
    "admin.preview_content": "422",  # an empty text does not validate
    "admin.new_module": "422",  # an empty form: shown again with its errors
    # The probe deactivated the member just before (sorted order), and a
    # deactivated person gets no link: back to their page with a message.
    "admin.new_invitation": "redirect",
    "auth.invitation": "404",  # the probe's token is made up
    "auth.email_unsubscribe": "404",  # the probe's token is made up (not signed)
    "team.set_gap_targets": "422",  # an empty top-gap form: the matrix again, with its errors
    "admin.revoke_token": "404",  # the probe's token id is made up
    # A session cookie is never accepted by the API: 401 for every viewer.
    **{f"api.{name}": "401" for name in API_ENDPOINTS if name != "openapi"},
    # This app has no OpenID provider configured, so every provider name is
    # unknown; test_oidc.py runs these routes against a real provider.
    "auth.sso_start": "404",
    "auth.sso_callback": "404",
    "learn.pause": "422",  # an empty form: the page again, with its errors
    "learn.lighter_week": "422",
    "learn.clear_week": "404",  # the probe's week was never changed
    # The probe's credential id and key id are made up (privacy: test_credentials.py).
    "credentials.claim": "400",  # no offer named
    "credentials.visibility": "404",
    "credentials.show": "404",
    "credentials.credential_jwt": "404",
    "credentials.credential_document": "404",
    "credentials.key": "404",
    "admin.revoke_credential": "404",
}
# endpoint -> (least role allowed, HTTP method used to probe it)
EXPECTED: dict[str, tuple[Role | None, str]] = {
    "static": (PUBLIC, "GET"),
    "core.healthz": (PUBLIC, "GET"),
    "core.readyz": (PUBLIC, "GET"),
    "auth.login": (PUBLIC, "GET"),
    "auth.invitation": (PUBLIC, "GET"),
    "auth.sso_start": (PUBLIC, "GET"),
    "auth.sso_callback": (PUBLIC, "GET"),
    "auth.email_unsubscribe": (PUBLIC, "GET"),
    "auth.logout": (Role.LEARNER, "GET"),
    "auth.change_password": (Role.LEARNER, "GET"),
    "learn.dashboard": (Role.LEARNER, "GET"),
    "learn.courses": (Role.LEARNER, "GET"),
    "learn.course": (Role.LEARNER, "GET"),
    "learn.module": (Role.LEARNER, "GET"),
    "learn.complete": (Role.LEARNER, "POST"),
    "learn.incomplete": (Role.LEARNER, "POST"),
    "learn.search": (Role.LEARNER, "GET"),
    "learn.path": (Role.LEARNER, "GET"),
    "learn.pause_page": (Role.LEARNER, "GET"),
    "learn.pause": (Role.LEARNER, "POST"),
    "learn.lighter_week": (Role.LEARNER, "POST"),
    "learn.clear_week": (Role.LEARNER, "POST"),
    "metrics.index": (Role.LEARNER, "GET"),
    "metrics.entry": (Role.LEARNER, "GET"),
    "auth.account": (Role.LEARNER, "GET"),
    "auth.choose_role_profile": (Role.LEARNER, "POST"),
    "auth.email_preferences": (Role.LEARNER, "POST"),
    "auth.set_language": (Role.LEARNER, "POST"),
    "assess.index": (Role.LEARNER, "GET"),
    "assess.take": (Role.LEARNER, "GET"),
    "assess.result": (Role.LEARNER, "GET"),
    "team.index": (Role.MANAGER, "GET"),
    "team.matrix_csv": (Role.MANAGER, "GET"),
    "team.matrix_xlsx": (Role.MANAGER, "GET"),
    "team.person": (Role.MANAGER, "GET"),
    "team.set_targets": (Role.MANAGER, "POST"),
    "team.set_due_date": (Role.MANAGER, "POST"),
    "team.set_gap_targets": (Role.MANAGER, "POST"),
    "admin.index": (Role.ADMIN, "GET"),
    "admin.users": (Role.ADMIN, "GET"),
    "admin.new_user": (Role.ADMIN, "GET"),
    "admin.edit_user": (Role.ADMIN, "GET"),
    "admin.deactivate_user": (Role.ADMIN, "POST"),
    "admin.reactivate_user": (Role.ADMIN, "POST"),
    "admin.new_invitation": (Role.ADMIN, "POST"),
    "admin.team_list": (Role.ADMIN, "GET"),
    "admin.new_team": (Role.ADMIN, "GET"),
    "admin.edit_team": (Role.ADMIN, "GET"),
    "admin.items": (Role.ADMIN, "GET"),
    "admin.organisation": (Role.ADMIN, "GET"),
    "admin.content": (Role.ADMIN, "GET"),
    "admin.edit_content": (Role.ADMIN, "GET"),
    "admin.preview_content": (Role.ADMIN, "POST"),
    "admin.publish_content": (Role.ADMIN, "POST"),
    "admin.unpublish_content": (Role.ADMIN, "POST"),
    "admin.content_history": (Role.ADMIN, "GET"),
    "admin.restore_content": (Role.ADMIN, "POST"),
    "admin.audit": (Role.ADMIN, "GET"),
    "admin.review": (Role.ADMIN, "GET"),
    "admin.translations": (Role.ADMIN, "GET"),
    "admin.edit_translation": (Role.ADMIN, "GET"),
    "admin.new_module": (Role.ADMIN, "POST"),
    "admin.gift_import": (Role.ADMIN, "GET"),
    "admin.import_users": (Role.ADMIN, "GET"),
    "admin.users_import_template": (Role.ADMIN, "GET"),
    "admin.tokens": (Role.ADMIN, "GET"),
    "admin.revoke_token": (Role.ADMIN, "POST"),
    "admin.credentials_list": (Role.ADMIN, "GET"),
    "admin.revoke_credential": (Role.ADMIN, "POST"),
    "credentials.index": (Role.LEARNER, "GET"),
    "credentials.claim": (Role.LEARNER, "POST"),
    "credentials.visibility": (Role.LEARNER, "POST"),
    # Public: a verifier has no account here.
    "credentials.show": (PUBLIC, "GET"),
    "credentials.credential_jwt": (PUBLIC, "GET"),
    "credentials.credential_document": (PUBLIC, "GET"),
    "credentials.issuer": (PUBLIC, "GET"),
    "credentials.jwks": (PUBLIC, "GET"),
    "credentials.key": (PUBLIC, "GET"),
    "credentials.status": (PUBLIC, "GET"),
    "credentials.achievement": (PUBLIC, "GET"),
    "credentials.verify": (PUBLIC, "GET"),
    # The API takes bearer tokens only (tests/functional/test_api_access.py):
    # no session user is loaded, and every viewer here has only a cookie.
    **{f"api.{name}": (PUBLIC, "GET") for name in API_ENDPOINTS},
}


def test_every_route_is_in_the_table(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints == set(EXPECTED)


def test_every_view_declares_who_may_open_it(app: Flask) -> None:
    for endpoint, view in app.view_functions.items():
        if endpoint == "static":
            continue
        assert hasattr(view, "required_role"), f"{endpoint} has no @requires/@public"
        assert view.required_role == EXPECTED[endpoint][0], endpoint


@pytest.fixture
def org(db, content):
    """A manager's team with one member, another team with its own member."""
    manager = factories.make_user(db, Role.MANAGER, email="manager@example.net")
    own_team = factories.make_team(db, "Own", managers=[manager])
    member = factories.make_user(db, Role.LEARNER, email="member@example.net", team=own_team)
    other_manager = factories.make_user(db, Role.MANAGER, email="other-manager@example.net")
    other_team = factories.make_team(db, "Other", managers=[other_manager])
    outsider = factories.make_user(db, Role.LEARNER, email="outsider@example.net", team=other_team)
    learner = factories.make_user(db, Role.LEARNER, email="learner@example.net", team=own_team)
    admin = factories.make_user(db, Role.ADMIN, email="admin@example.net")
    db.commit()
    from skillgap import clock
    from skillgap.models import Quiz
    from skillgap.services import assessments

    attempt = assessments.start_attempt(db, member, db.get(Quiz, "diagnostic"), None, clock.now())
    assessments.submit(db, attempt.id, clock.now())
    db.commit()
    return {
        "attempt": attempt,
        Role.LEARNER: learner,
        Role.MANAGER: manager,
        Role.ADMIN: admin,
        "member": member,
        "other_manager": other_manager,
        "outsider": outsider,
        "own_team": own_team,
        "other_team": other_team,
    }


def _url(app: Flask, endpoint: str, org: dict, person_key: str = "member") -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for argument in rule.arguments:
        if argument == "user_id":
            values[argument] = org[person_key].id
        elif argument == "team_id":
            values[argument] = org["own_team"].id
        elif argument == "course_id":
            values[argument] = "alpha"
        elif argument == "module_id":
            values[argument] = "first-steps"
        elif argument == "kind":
            values[argument] = "module"
        elif argument == "item_id":
            values[argument] = "first-steps"
        elif argument == "quiz_id":
            values[argument] = "diagnostic"
        elif argument == "attempt_id":
            values[argument] = org["attempt"].id
        elif argument == "entry_id":
            values[argument] = "frequency"
        elif argument == "token":
            values[argument] = "made-up-token"
        elif argument == "locale":
            values[argument] = "nl"
        elif argument == "token_id":
            values[argument] = 999999
        elif argument == "start":
            values[argument] = "2026-12-07"
        elif argument == "name":
            values[argument] = "test"
        elif argument == "credential_id":
            values[argument] = "00000000-0000-4000-8000-000000000000"
        elif argument == "kid":
            values[argument] = "made-up-key"
        elif argument == "number":
            values[argument] = 1
        elif argument == "skill_id":
            values[argument] = "strategy-planning"
        elif argument == "level_id":
            values[argument] = "entry"
        elif argument == "closed":
            values[argument] = "gap-closed"
        elif argument == "filename":
            values[argument] = "css/skillgap.css"
        else:  # pragma: no cover - a new argument needs a sample value here
            raise AssertionError(f"no sample value for <{argument}> in {endpoint}")
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


def _request(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return client.post(url, data={"csrf_token": csrf_token(client, "/login")})


# Viewers: who they are in the org fixture, and the role they hold. The sample
# data of every route with an id belongs to "member" (in the manager's team).
VIEWERS = {
    "anonymous": (None, None),
    "learner (the member)": ("member", Role.LEARNER),
    "another learner": (Role.LEARNER, Role.LEARNER),
    "manager of the team": (Role.MANAGER, Role.MANAGER),
    "manager of another team": ("other_manager", Role.MANAGER),
    "admin": (Role.ADMIN, Role.ADMIN),
}
# Where the member's own data makes the outcome differ from the role rule.
EXCEPTIONS = {
    ("assess.result", "learner (the member)"): "ok",
    ("assess.result", "another learner"): "404",
    ("assess.result", "manager of another team"): "404",
    ("team.person", "manager of another team"): "404",
    ("team.set_targets", "manager of another team"): "404",
    ("team.set_due_date", "manager of another team"): "404",
    ("team.set_gap_targets", "manager of another team"): "404",
}
CASES: list[tuple[str, str]] = []


def expected_outcome(endpoint: str, viewer: str) -> str:
    needed, method = EXPECTED[endpoint]
    role = VIEWERS[viewer][1]
    if (endpoint, viewer) in EXCEPTIONS:
        return EXCEPTIONS[(endpoint, viewer)]
    if needed is PUBLIC:
        return (
            "redirect" if endpoint == "auth.login" and role else ALLOWED_OUTCOME.get(endpoint, "ok")
        )
    if role is None:
        return "login"
    if not role.includes(needed):
        return "403"
    allowed = "redirect" if method == "POST" else "ok"  # a done POST redirects
    return ALLOWED_OUTCOME.get(endpoint, allowed)


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_authorisation_matrix(app: Flask, org: dict, viewer: str) -> None:
    client = app.test_client()
    who = VIEWERS[viewer][0]
    if who is not None:
        assert login(client, org[who].email).status_code == 302
    wrong = []
    for endpoint, (_needed, method) in sorted(EXPECTED.items()):
        got = _outcome(_request(client, method, _url(app, endpoint, org)))
        CASES.append((endpoint, viewer))
        if got != expected_outcome(endpoint, viewer):
            wrong.append((endpoint, expected_outcome(endpoint, viewer), got))
    assert not wrong, wrong


def test_authorisation_matrix_report(capsys) -> None:
    """Runs after the matrix (file order): how many route x role cases were checked."""
    with capsys.disabled():
        print(f"\nauthorisation: {len(CASES)} route×role cases, 0 unexpected")
    assert len(CASES) == len(EXPECTED) * len(VIEWERS)


def _outcome(response) -> str:
    if response.status_code == 302 and "/login" in response.headers["Location"]:
        return "login"
    if response.status_code == 302:
        return "redirect"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


def test_manager_gets_404_for_people_outside_their_teams(app: Flask, org: dict) -> None:
    client = app.test_client()
    login(client, org[Role.MANAGER].email)
    assert client.get(f"/team/people/{org['member'].id}").status_code == 200
    assert client.get(f"/team/people/{org['outsider'].id}").status_code == 404
    assert client.get("/team/people/999999").status_code == 404
    team_page = client.get("/team").get_data(as_text=True)
    assert "member@example.net" in team_page
    assert "outsider@example.net" not in team_page
    assert "Other" not in team_page


def test_admin_sees_everyone(app: Flask, org: dict) -> None:
    client = app.test_client()
    login(client, org[Role.ADMIN].email)
    assert client.get(f"/team/people/{org['outsider'].id}").status_code == 200
    own = client.get(f"/team?team={org['own_team'].id}").get_data(as_text=True)
    other = client.get(f"/team?team={org['other_team'].id}").get_data(as_text=True)
    assert "member@example.net" in own and "outsider@example.net" in other
    for path in ("/team/matrix.csv", "/team/matrix.xlsx"):
        assert client.get(f"{path}?team={org['other_team'].id}").status_code == 200


def test_matrix_and_exports_of_another_team_are_404_for_a_manager(app: Flask, org: dict) -> None:
    client = app.test_client()
    login(client, org[Role.MANAGER].email)
    other = org["other_team"].id
    for path in ("/team", "/team/matrix.csv", "/team/matrix.xlsx"):
        assert client.get(f"{path}?team={other}").status_code == 404, path
        assert client.get(f"{path}?team={org['own_team'].id}").status_code == 200, path
    learner = app.test_client()
    login(learner, org[Role.LEARNER].email)
    for path in ("/team", "/team/matrix.csv", "/team/matrix.xlsx"):
        assert learner.get(f"{path}?team={org['own_team'].id}").status_code == 403, path


def test_wrong_role_gets_the_styled_403_page(app: Flask, org: dict) -> None:
    client = app.test_client()
    login(client, org[Role.LEARNER].email)
    response = client.get("/admin")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Not allowed" in page and 'href="#main"' in page
