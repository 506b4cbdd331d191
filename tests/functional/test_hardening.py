"""Security headers, readiness and the request log."""

from __future__ import annotations

import logging
import re
import uuid

import pytest

from skillgap import create_app
from tests import factories
from tests.conftest import app_config, login, redis_url, statements_of


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
        "route=/team/people/<id:user_id> status=403" in line and f"user={user.id}" in line
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
    limited = client.post("/login", data={"csrf_token": csrf_token(client)})
    assert 1 <= int(limited.headers["Retry-After"]) <= 60
    page = client.post(
        "/login", data={"email": "x@example.org", "password": "y", "csrf_token": csrf_token(client)}
    )
    assert "Too many attempts" in page.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # reading the form is not limited


def sign_in_attempts(apps, address: str, count: int) -> list[int]:
    """``count`` wrong-password sign-ins from ``address``, taking turns between ``apps``."""
    from tests.conftest import csrf_token

    clients = [app.test_client() for app in apps]
    statuses = []
    for n in range(count):
        client = clients[n % len(clients)]
        client.environ_base["REMOTE_ADDR"] = address
        data = {
            "email": "nobody@example.org",
            "password": "wrong",
            "csrf_token": csrf_token(client),
        }
        statuses.append(client.post("/login", data=data).status_code)
    return statuses


def test_the_sign_in_limit_is_shared_through_redis_by_two_instances(database_url):
    uri = redis_url()
    config = app_config(
        database_url,
        LOGIN_RATE_LIMIT="3 per minute",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI=uri,
    )
    apps = [create_app(config), create_app(config)]
    address = f"test-{uuid.uuid4()}"  # a fresh count, whatever earlier runs left in Redis
    assert sign_in_attempts(apps, address, 5) == [422, 422, 422, 429, 429]
    # Another address has its own count.
    assert sign_in_attempts(apps, f"test-{uuid.uuid4()}", 1) == [422]


def test_memory_counts_are_per_instance(database_url):
    config = app_config(database_url, LOGIN_RATE_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
    apps = [create_app(config), create_app(config)]
    assert sign_in_attempts(apps, "192.0.2.1", 6) == [422] * 6  # each app saw three


def test_an_unreachable_limit_store_lets_sign_in_through_and_logs_it(database_url, caplog):
    config = app_config(
        database_url,
        LOGIN_RATE_LIMIT="3 per minute",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://:s3cret@127.0.0.1:1/0",  # nothing listens on port 1
    )
    with caplog.at_level(logging.ERROR, logger="skillgap.sign_in_limit"):
        assert sign_in_attempts([create_app(config)], "192.0.2.2", 4) == [422] * 4
    assert "sign-in rate limit store (redis) failed" in caplog.text
    assert "s3cret" not in caplog.text


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("LOGIN_RATE_LIMIT", "thirty a minute", "is not a rate such as '30 per minute'"),
        ("RATELIMIT_STORAGE_URI", "mongodb://localhost", "use memory:// or redis://host:port"),
    ],
)
def test_a_bad_rate_limit_setting_stops_start_up_with_its_name(
    database_url, setting, value, message
):
    from skillgap.config import ConfigError

    with pytest.raises(ConfigError, match=re.escape(message)):
        create_app(app_config(database_url, **{setting: value}))


def test_the_request_log_loads_nobody_for_pages_that_do_not(app, client, db, caplog):
    user = factories.make_user(db, email="ops@example.org")
    db.commit()
    login(client, "ops@example.org")
    with caplog.at_level(logging.INFO, logger="skillgap.requests"):
        statements = statements_of(app, client, "/healthz")
        assert client.get("/static/css/skillgap.css").status_code == 200
    assert statements == ["SELECT 1"]  # the health check's own, no user query
    lines = [r.getMessage() for r in caplog.records if r.name == "skillgap.requests"]
    # The id from the signed cookie, marked as not checked against the database.
    assert all(f"user={user.id}?" in line for line in lines) and len(lines) == 2
    anonymous = app.test_client()
    with caplog.at_level(logging.INFO, logger="skillgap.requests"):
        anonymous.get("/healthz")
    assert caplog.records[-1].getMessage().endswith("user=-")


def _failed_sign_ins(client, address: str | None, times: int) -> list[int]:
    from tests.conftest import csrf_token

    headers = {"X-Forwarded-For": address} if address else {}
    return [
        client.post(
            "/login",
            data={
                "email": "x@example.org",
                "password": "not it at all",
                "csrf_token": csrf_token(client),
            },
            headers=headers,
        ).status_code
        for _ in range(times)
    ]


def test_behind_a_trusted_proxy_each_client_address_has_its_own_limit(database_url):
    limited = {"LOGIN_RATE_LIMIT": "2 per minute", "RATELIMIT_ENABLED": True}
    proxied = create_app(app_config(database_url, TRUSTED_PROXIES=1, **limited)).test_client()
    assert _failed_sign_ins(proxied, "203.0.113.5", 3) == [422, 422, 429]
    assert _failed_sign_ins(proxied, "203.0.113.6", 1) == [422]  # another colleague
    # Without a trusted proxy the header is ignored: a client cannot choose its address.
    direct = create_app(app_config(database_url, **limited)).test_client()
    assert _failed_sign_ins(direct, "198.51.100.1", 2) == [422, 422]
    assert _failed_sign_ins(direct, "198.51.100.2", 1) == [429]


def test_wrong_current_passwords_lock_the_account_and_end_its_sessions(app, db):
    from tests.conftest import login, post_form

    factories.make_user(db, email="pw@example.org")
    db.commit()
    thief, owner = app.test_client(), app.test_client()
    login(thief, "pw@example.org")
    login(owner, "pw@example.org")
    for _ in range(10):
        post_form(
            thief,
            "/account/password",
            {"current_password": "a wrong guess here", "new_password": "new long password 1",
             "confirm": "new long password 1"},
            page="/account/password",
        )  # fmt: skip
    assert owner.get("/").status_code == 302  # every session ended at the lock
    right = thief.post("/account/password")
    assert right.status_code in (302, 400)
    fresh = app.test_client()
    locked = login(fresh, "pw@example.org")
    assert locked.status_code == 422 and "locked" in locked.get_data(as_text=True).lower()


def test_a_locked_account_is_checked_as_slowly_as_any_other(app, db, monkeypatch):
    """Existence by timing: a locked account used to answer without a password
    check (6 ms against 186 ms). Now every sign-in runs exactly one check."""
    from datetime import timedelta

    from skillgap import clock, passwords
    from skillgap.models import User
    from tests.conftest import login

    user = factories.make_user(db, email="lock@example.org")
    user.locked_until = clock.now() + timedelta(minutes=10)
    db.commit()
    checks = []
    real = passwords.verify
    monkeypatch.setattr(passwords, "verify", lambda *args: checks.append(1) or real(*args))
    for email in ("lock@example.org", "nobody-here@example.org"):
        checks.clear()
        login(app.test_client(), email, "some password here")
        assert len(checks) == 1, email
    assert db.get(User, user.id) is not None
