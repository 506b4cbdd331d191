"""Two app instances (separate gunicorn processes, separate ports) on one
PostgreSQL: a sign-in carries over, a quiz started on one is finished on the
other, and the per-account sign-in lock holds across both."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest

from skillgap import migrate
from skillgap.curriculum.importer import import_content
from skillgap.db import make_database
from tests import factories
from tests.conftest import FIXTURE_CONTENT, TEST_DATABASE_URL, empty_database
from tests.http_client import Browser
from tests.servers import gunicorn

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture
def two_instances(tmp_path):
    if not TEST_DATABASE_URL:
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL); CI runs it")
    with empty_database(tmp_path, "postgresql") as url:
        database = make_database(url)
        migrate.upgrade(database.engine)
        with database.write_sessions() as session:
            import_content(session, FIXTURE_CONTENT)
            factories.make_user(session, email="roamer@example.org")
            factories.make_user(session, email="target@example.org")
            session.commit()
        database.engine.dispose()
        with contextlib.ExitStack() as stack:
            yield [stack.enter_context(gunicorn(url, workers=2)) for _ in range(2)]


def test_two_instances_share_sessions_attempts_and_locks(two_instances):
    a, b = two_instances
    browser = Browser()
    status, _page, headers = browser.request(
        f"{a}/login",
        {
            "email": "roamer@example.org",
            "password": factories.DEFAULT_PASSWORD,
            "csrf_token": browser.token(f"{a}/login"),
        },
    )
    assert status == 302
    status, page, _ = browser.request(f"{b}/")  # signed in on A, continues on B
    assert status == 200 and "Hello," in page

    # A quiz started on A, an answer saved on B, submitted on A.
    browser.request(
        f"{a}/assessments/diagnostic/take",
        {"action": "start", "csrf_token": browser.token(f"{a}/assessments/diagnostic/take")},
    )
    status, page, _ = browser.request(f"{b}/assessments/diagnostic/take")
    attempt_id = re.search(r'name="attempt_id" value="(\d+)"', page)[1]
    question = re.search(r'name="q-(\d+)" value="0"', page)[1]
    status, _, _ = browser.request(
        f"{b}/assessments/diagnostic/take",
        {
            "action": "save",
            "attempt_id": attempt_id,
            "page": "1",
            f"q-{question}": "0",
            "csrf_token": browser.token(f"{b}/assessments"),
        },
    )
    assert status == 302
    status, _, headers = browser.request(
        f"{a}/assessments/diagnostic/take",
        {
            "action": "submit",
            "attempt_id": attempt_id,
            "page": "2",
            "csrf_token": browser.token(f"{a}/assessments"),
        },
    )
    assert status == 302 and headers["Location"].endswith(f"/results/{attempt_id}")
    status, page, _ = browser.request(f"{b}/results/{attempt_id}")
    assert status == 200 and "Per skill" in page

    # Ten failures spread over both instances lock the account on both.
    attacker = Browser()
    for attempt in range(10):
        base = a if attempt % 2 else b
        status, page, _ = attacker.request(
            f"{base}/login",
            {
                "email": "target@example.org",
                "password": "wrong wrong wrong",
                "csrf_token": attacker.token(f"{base}/login"),
            },
        )
    assert "locked until" in page
    for base in (a, b):
        status, page, _ = attacker.request(
            f"{base}/login",
            {
                "email": "target@example.org",
                "password": factories.DEFAULT_PASSWORD,
                "csrf_token": attacker.token(f"{base}/login"),
            },
        )
        assert status == 422 and "locked until" in page
