"""A 5,000-row CSV import under gunicorn, on SQLite and on PostgreSQL, while
another person saves their settings 20 times: the import completes and
reports, every one of the other person's requests succeeds. Prints the
import's time and the other requests' latencies (figures, not assertions)."""

from __future__ import annotations

import re
import statistics
import threading
import time

import pytest
from sqlalchemy import func, select

from skillgap import migrate
from skillgap.curriculum.importer import import_content
from skillgap.db import make_database
from skillgap.models import Invitation, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, empty_database
from tests.http_client import Browser
from tests.servers import gunicorn

pytestmark = pytest.mark.slow

ROWS = 5000
OTHER_REQUESTS = 20


def sign_in(base: str, email: str) -> Browser:
    browser = Browser()
    status, _page, _headers = browser.request(
        f"{base}/login",
        {
            "email": email,
            "password": factories.DEFAULT_PASSWORD,
            "csrf_token": browser.token(f"{base}/login"),
        },
    )
    assert status == 302
    return browser


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_5000_row_import_leaves_the_site_usable(tmp_path, backend, capsys):
    with empty_database(tmp_path, backend) as url:
        database = make_database(url)
        migrate.upgrade(database.engine)
        with database.write_sessions() as session:
            import_content(session, FIXTURE_CONTENT)
            factories.make_user(session, Role.ADMIN, email="admin@example.org")
            factories.make_user(session, email="busy@example.org")
            session.commit()

        with gunicorn(url, workers=3) as base:
            admin = sign_in(base, "admin@example.org")
            other = sign_in(base, "busy@example.org")
            csv_text = "email,name,role,team\n" + "".join(
                f"new{i}@example.org,New Person {i},learner,Team {i % 25}\n" for i in range(ROWS)
            )
            form = {
                "csrf_token": admin.token(f"{base}/admin/users/import"),
                "action": "import-all",
                "csv": csv_text,
            }
            outcome: dict[str, object] = {}

            def run_import() -> None:
                started = time.perf_counter()
                outcome["status"], outcome["page"], _ = admin.request(
                    f"{base}/admin/users/import", form, timeout=120
                )
                outcome["seconds"] = time.perf_counter() - started

            importer = threading.Thread(target=run_import)
            importer.start()
            time.sleep(0.3)  # the import is parsing and writing by now
            statuses, latencies, during = [], [], 0
            token = other.token(f"{base}/account")
            for i in range(OTHER_REQUESTS):
                started = time.perf_counter()
                status, _page, _ = other.request(
                    f"{base}/account", {"weekly_minutes": str(60 + i), "csrf_token": token}
                )
                latencies.append(time.perf_counter() - started)
                statuses.append(status)
                during += importer.is_alive()
                time.sleep(0.05)
            importer.join(timeout=120)

        assert "status" in outcome, "the import request got no answer (timed out or failed)"
        assert outcome["status"] == 200
        assert f"{ROWS:,} users created" in outcome["page"]
        assert len(re.findall(r"/invitation/[\w-]+</code>", outcome["page"])) == ROWS
        assert statuses == [302] * OTHER_REQUESTS  # every save went through
        with database.write_sessions() as session:
            assert session.scalar(select(func.count()).select_from(User)) == ROWS + 2
            assert session.scalar(select(func.count()).select_from(Invitation)) == ROWS
        database.engine.dispose()
        with capsys.disabled():
            print(
                f"\nimport under load ({backend}): {ROWS} rows in {outcome['seconds']:.1f} s; "
                f"{OTHER_REQUESTS} POST /account, {during} during the import, all 302; "
                f"median {statistics.median(latencies) * 1000:.0f} ms, "
                f"max {max(latencies) * 1000:.0f} ms"
            )
