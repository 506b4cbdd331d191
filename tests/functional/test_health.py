"""/healthz answers 200 "ok" when the database answers and 503 when it does not."""

from __future__ import annotations

import pytest

from skillgap import create_app
from tests.conftest import app_config


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True).strip() == "ok"


@pytest.mark.parametrize(
    "unreachable_url",
    [
        "sqlite:////nonexistent-skillgap-dir/nothing/here.db",
        "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
    ],
)
def test_healthz_503_when_the_database_does_not_answer(unreachable_url):
    app = create_app(app_config(unreachable_url, SCHEMA_CHECK=False))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert "unavailable" in response.get_data(as_text=True)


def test_server_errors_get_the_styled_500_page(database_url):
    from skillgap.access import public

    app = create_app(app_config(database_url, TESTING=False))

    @public
    def broken():
        raise RuntimeError("deliberate failure for the test")

    app.add_url_rule("/broken-for-test", view_func=broken)
    response = app.test_client().get("/broken-for-test")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page and "deliberate failure" not in page
