"""Security headers, readiness and the request log."""

from __future__ import annotations

import logging

from skillgap import create_app
from tests import factories
from tests.conftest import app_config, login


def test_every_response_carries_the_security_headers(client):
    for path in ("/login", "/healthz", "/no-such-page", "/static/css/skillgap.css"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
            assert directive in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(database_url):
    app = create_app(app_config(database_url, SKILLGAP_HTTPS=True))
    assert "max-age=" in app.test_client().get("/login").headers["Strict-Transport-Security"]


def test_readyz_needs_current_schema_and_content(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503 and "no content imported" in response.get_data(as_text=True)


def test_readyz_ok_with_content(client, content):
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_data(as_text=True) == "ready\n"


def test_one_log_line_per_request_without_secrets(client, db, caplog):
    user = factories.make_user(db, email="log@example.org")
    db.commit()
    with caplog.at_level(logging.INFO, logger="skillgap.requests"):
        login(client, "log@example.org")
        client.get(f"/team/people/{user.id}?token=secret-value")
    lines = [r.getMessage() for r in caplog.records if r.name == "skillgap.requests"]
    assert any(line.startswith("method=POST route=/login status=302") for line in lines)
    assert any(
        "route=/team/people/<int:user_id> status=403" in line and f"user={user.id}" in line
        for line in lines
    )
    assert not any("secret-value" in line or "correct horse" in line for line in lines)


def test_sign_in_is_rate_limited_per_address(database_url):
    from tests.conftest import csrf_token

    app = create_app(
        app_config(database_url, LOGIN_RATE_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
    )
    client = app.test_client()
    statuses = []
    for _ in range(5):
        statuses.append(
            client.post(
                "/login",
                data={
                    "email": "nobody@example.org",
                    "password": "wrong password here",
                    "csrf_token": csrf_token(client),
                },
            ).status_code
        )
    assert statuses == [422, 422, 422, 429, 429]
    page = client.post(
        "/login", data={"email": "x@example.org", "password": "y", "csrf_token": csrf_token(client)}
    )
    assert "Too many attempts" in page.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited
