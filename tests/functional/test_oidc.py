"""Single sign-on against a real OpenID provider (tests/oidc_provider.py):
the whole code flow through the Flask test client, account linking and
just-in-time accounts, group mapping, every refusal as a page, forged ID
tokens, password sign-in switched off, and signing out at the provider."""

from __future__ import annotations

import logging
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import func, select

from skillgap import create_app
from skillgap.auth import oidc
from skillgap.config import GroupRule, OidcProvider
from skillgap.models import AuditEvent, ExternalIdentity, User
from skillgap.passwords import NO_PASSWORD
from skillgap.roles import Role
from tests import factories
from tests.conftest import app_config, login, reread
from tests.oidc_provider import (
    CLIENT_ID,
    CLIENT_SECRET,
    client_config,
    running_provider,
    sign_in_at,
    tokens_for,
)

CALLBACK = "http://localhost/login/sso/test/callback"
ACCOUNTS = {
    "entra-style": {"email": "entra.person@example.net", "xms_edov": True, "name": "E"},
    "unverified": {"email": "unverified@example.com", "email_verified": False, "name": "U"},
    "manager-in-directory": {
        "email": "new.manager@example.com",
        "email_verified": True,
        "name": "Noor Manager",
        "groups": ["skillgap-managers"],
    },
}


@pytest.fixture(scope="module")
def provider():
    clients = [
        client_config(CLIENT_ID, "http://localhost"),
        client_config("other-app", "http://localhost"),
    ]
    with running_provider(clients, ACCOUNTS) as running:
        yield running


def test_provider(provider, issuer: str | None = None, **overrides) -> OidcProvider:
    return OidcProvider(
        name="test",
        issuer=issuer or provider.issuer,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        label="Sign in with Test ID",
        scopes="openid email profile groups",  # as with Okta's groups scope
        allowed_domains=frozenset({"example.com"}),
        group_rules=(GroupRule("skillgap-managers", Role.MANAGER, "Social"),),
        **overrides,
    )


test_provider.__test__ = False  # a helper, not a test


@pytest.fixture
def sso_app(database_url, provider, app):
    """The app with the test provider configured (``app`` empties the database after)."""
    return create_app(app_config(database_url, OIDC_PROVIDERS=(test_provider(provider),)))


def sign_in(client, login_name: str):
    """The whole flow: our start page, the provider's form, our callback."""
    start = client.get("/login/sso/test")
    assert start.status_code == 302, start.get_data(as_text=True)
    landed = sign_in_at(start.headers["Location"], login_name, CALLBACK)
    parts = urlsplit(landed)
    return client.get(f"{parts.path}?{parts.query}"), landed


def test_the_login_page_offers_the_provider(sso_app: Flask) -> None:
    page = sso_app.test_client().get("/login").get_data(as_text=True)
    assert 'href="/login/sso/test"' in page and "Sign in with Test ID" in page


def test_the_flow_uses_pkce_state_and_nonce(sso_app: Flask) -> None:
    start = sso_app.test_client().get("/login/sso/test")
    query = parse_qs(urlsplit(start.headers["Location"]).query)
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [CALLBACK]


def test_an_existing_account_is_linked_by_verified_email(sso_app: Flask, db) -> None:
    person = factories.make_user(db, email="learner@example.net")  # domain not on the list
    db.commit()
    client = sso_app.test_client()
    response, _ = sign_in(client, "learner@example.net")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "learner@example.net" in client.get("/account").get_data(as_text=True)
    reread(db)
    identity = db.scalars(select(ExternalIdentity)).one()
    assert (identity.user_id, identity.subject) == (person.id, "learner@example.net")
    assert db.scalar(select(AuditEvent.action).where(AuditEvent.target == person.email)) == (
        "sso.link"
    )


def test_the_identity_not_the_email_finds_the_person_later(sso_app: Flask, db) -> None:
    person = factories.make_user(db, email="learner@example.net")
    db.commit()
    sign_in(sso_app.test_client(), "learner@example.net")
    reread(db)
    db.get(User, person.id).email = "renamed@example.net"  # an admin changed it since
    db.commit()
    response, _ = sign_in(sso_app.test_client(), "learner@example.net")
    assert response.status_code == 302
    reread(db)
    assert db.scalar(select(func.count()).select_from(User)) == 1
    assert db.scalar(select(func.count()).select_from(ExternalIdentity)) == 1


def test_an_allowed_domain_gets_an_account_with_its_group_role_and_team(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    response, _ = sign_in(client, "manager-in-directory")
    assert response.status_code == 302
    reread(db)
    user = db.scalars(User.by_email("new.manager@example.com")).one()
    assert (user.name, user.role, user.team.name) == ("Noor Manager", Role.MANAGER, "Social")
    assert user.password_hash == NO_PASSWORD  # no password sign-in for them
    assert client.get("/team").status_code in (200, 302)  # a manager's page opens


def test_a_plain_new_person_gets_the_default_role(sso_app: Flask, db) -> None:
    response, _ = sign_in(sso_app.test_client(), "sam@example.com")
    assert response.status_code == 302
    reread(db)
    assert db.scalars(User.by_email("sam@example.com")).one().role == Role.LEARNER


@pytest.mark.parametrize(
    ("login_name", "words", "kind"),
    [
        ("stranger@elsewhere.org", "not created automatically", "domain_not_allowed"),
        ("unverified", "has not verified the email address", "unverified_email"),
    ],
)
def test_refusals_are_pages_with_a_log_line_and_change_nothing(
    sso_app: Flask, db, caplog, login_name: str, words: str, kind: str
) -> None:
    client = sso_app.test_client()
    with caplog.at_level(logging.WARNING, logger="skillgap.auth.sso_views"):
        response, _ = sign_in(client, login_name)
    assert response.status_code == 403
    assert words in response.get_data(as_text=True)
    assert f"kind={kind}" in caplog.text
    reread(db)
    assert db.scalar(select(func.count()).select_from(User)) == 0
    assert db.scalar(select(func.count()).select_from(ExternalIdentity)) == 0
    assert client.get("/account").status_code == 302  # not signed in


def test_a_provider_may_name_its_own_verified_claim(database_url, provider, app, db) -> None:
    """Entra ID sends no email_verified; its xms_edov claim can stand in (README)."""
    factories.make_user(db, email="entra.person@example.net")
    db.commit()
    strict = create_app(app_config(database_url, OIDC_PROVIDERS=(test_provider(provider),)))
    assert sign_in(strict.test_client(), "entra-style")[0].status_code == 403
    entra = test_provider(provider, email_verified_claim="xms_edov")
    linked = create_app(app_config(database_url, OIDC_PROVIDERS=(entra,)))
    assert sign_in(linked.test_client(), "entra-style")[0].status_code == 302


def test_a_deactivated_person_is_refused(sso_app: Flask, db) -> None:
    factories.make_user(db, email="gone@example.com", active=False)
    db.commit()
    response, _ = sign_in(sso_app.test_client(), "gone@example.com")
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)


def test_a_callback_with_a_foreign_state_is_refused(sso_app: Flask, db) -> None:
    client = sso_app.test_client()
    client.get("/login/sso/test")
    response = client.get("/login/sso/test/callback?code=made-up&state=not-ours")
    assert response.status_code == 400
    assert "already been used or has expired" in response.get_data(as_text=True)


def test_a_replayed_callback_signs_nobody_in(sso_app: Flask, db) -> None:
    factories.make_user(db, email="learner@example.net")
    db.commit()
    response, landed = sign_in(sso_app.test_client(), "learner@example.net")
    assert response.status_code == 302
    parts = urlsplit(landed)
    thief = sso_app.test_client()
    thief.get("/login/sso/test")  # a session of their own, with its own state
    again = thief.get(f"{parts.path}?{parts.query}")
    assert again.status_code == 400
    assert thief.get("/account").status_code == 302


def test_the_provider_saying_no_is_a_page(sso_app: Flask) -> None:
    response = sso_app.test_client().get(
        "/login/sso/test/callback?error=access_denied&error_description=End-User+aborted"
    )
    assert response.status_code == 400
    assert "did not sign you in: End-User aborted" in response.get_data(as_text=True)


def test_a_provider_that_is_down_is_a_page(database_url, provider, app, caplog) -> None:
    from tests.servers import free_port

    down = test_provider(provider, issuer=f"http://127.0.0.1:{free_port()}")
    client = create_app(app_config(database_url, OIDC_PROVIDERS=(down,))).test_client()
    with caplog.at_level(logging.WARNING):
        response = client.get("/login/sso/test")
    assert response.status_code == 502
    assert "not answering" in response.get_data(as_text=True)
    assert "kind=provider_down" in caplog.text


def test_an_unknown_provider_is_404(sso_app: Flask) -> None:
    assert sso_app.test_client().get("/login/sso/nobody").status_code == 404


# --- forged ID tokens, through the same verification the callback uses --------


def verify(app: Flask, token: dict, nonce: str) -> dict:
    with app.test_request_context():
        return oidc.verify_id_token(oidc.provider_named("test"), token, nonce)


def test_a_real_token_verifies(sso_app: Flask, provider) -> None:
    token = tokens_for(provider, "learner@example.net", nonce="n-1")
    assert verify(sso_app, token, "n-1")["email"] == "learner@example.net"


def _resign(id_token: str, changes: dict) -> str:
    import base64
    import json

    head, body, _ = id_token.split(".")
    pad = lambda part: part + "=" * (-len(part) % 4)  # noqa: E731
    header = json.loads(base64.urlsafe_b64decode(pad(head)))
    claims = {**json.loads(base64.urlsafe_b64decode(pad(body))), **changes}
    return jwt.encode(header, claims, RSAKey.generate_key(2048, parameters={"kid": header["kid"]}))


def _tampered(id_token: str) -> str:
    """The provider's signature kept, the claims changed: what a man in the middle could do."""
    import base64
    import json

    head, body, signature = id_token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    claims["email"] = "ceo@example.com"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def test_forged_tokens_are_refused(sso_app: Flask, provider) -> None:
    token = tokens_for(provider, "learner@example.net", nonce="n-2")
    cases = {
        "signed with another key": {**token, "id_token": _resign(token["id_token"], {})},
        "claims changed": {**token, "id_token": _tampered(token["id_token"])},
        "issued to another app": tokens_for(provider, "x@example.com", "n-2", "other-app"),
        "another issuer": {
            **token,
            "id_token": _resign(token["id_token"], {"iss": "https://evil.example"}),
        },
    }
    for name, bad in cases.items():
        with pytest.raises(oidc.SignInFailed) as refused:
            verify(sso_app, bad, "n-2")
        assert refused.value.kind == "token_invalid", name


def test_a_token_replayed_into_another_sign_in_is_refused(sso_app: Flask, provider) -> None:
    token = tokens_for(provider, "learner@example.net", nonce="first-sign-in")
    with pytest.raises(oidc.SignInFailed):
        verify(sso_app, token, "second-sign-in")  # the nonce this session sent


def test_an_expired_token_is_refused(database_url, app) -> None:
    clients = [client_config(CLIENT_ID, "http://localhost")]
    with running_provider(clients, id_token_ttl=1) as short:
        config = app_config(database_url, OIDC_PROVIDERS=(test_provider(short),), OIDC_LEEWAY=0)
        short_app = create_app(config)
        token = tokens_for(short, "learner@example.net", nonce="n-3")
        assert verify(short_app, token, "n-3")  # valid while fresh
        time.sleep(2.1)
        with pytest.raises(oidc.SignInFailed):
            verify(short_app, token, "n-3")


# --- password sign-in switched off, and signing out -----------------------------


def test_password_sign_in_off_leaves_only_the_break_glass_admin(database_url, provider, app, db):
    config = app_config(
        database_url,
        OIDC_PROVIDERS=(test_provider(provider),),
        PASSWORD_SIGN_IN=False,
        BREAK_GLASS_ADMIN="root@example.net",
    )
    locked = create_app(config)
    factories.make_user(db, email="learner@example.net")
    factories.make_user(db, Role.ADMIN, email="other-admin@example.net")
    factories.make_user(db, Role.ADMIN, email="root@example.net")
    factories.make_user(db, Role.LEARNER, email="fake-root@example.net")
    db.commit()
    for email in ("learner@example.net", "other-admin@example.net"):
        response = login(locked.test_client(), email)
        assert response.status_code == 422
        assert "Password sign-in is switched off" in response.get_data(as_text=True)
    assert login(locked.test_client(), "root@example.net").status_code == 302
    page = locked.test_client().get("/login").get_data(as_text=True)
    assert "Emergency admin sign-in" in page and "Sign in with Test ID" in page


def test_signing_out_offers_the_providers_sign_out(sso_app: Flask, db, provider) -> None:
    factories.make_user(db, email="learner@example.net")
    db.commit()
    client = sso_app.test_client()
    sign_in(client, "learner@example.net")
    from tests.conftest import post_form

    response = post_form(client, "/logout", page="/logout")
    assert response.status_code == 302
    page = client.get("/login").get_data(as_text=True)
    assert f"{provider.issuer}/session/end?client_id={CLIENT_ID}" in page
    assert client.get("/account").status_code == 302
