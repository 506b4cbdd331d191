"""What `python run.py` does: upgrade the embedded SQLite, create the demo
organisation once, print its sign-ins once, then serve."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import func, select

from skillgap.db import make_engine
from skillgap.models import Module, ModuleCompletion, User
from skillgap.startup import prepare_embedded_database
from tests.conftest import app_config
from tests.functional.test_content_import import bundled_counts
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def test_first_start_creates_the_demo_once(tmp_path):
    url = f"sqlite:///{tmp_path / 'first.db'}"
    printed: list[str] = []
    config = app_config(url, SKILLGAP_DEMO=True, SKILLGAP_DEMO_PASSWORD=None)
    logins = prepare_embedded_database(config, echo=printed.append)
    assert [login.email for login in logins][:2] == ["admin@example.com", "manager@example.com"]
    assert len(logins) == 8
    assert len({login.password for login in logins}) == 8  # random, one each
    assert all(len(login.password) >= 12 for login in logins)
    assert any(logins[0].password in line for line in printed)
    assert any("Importing the curriculum" in line for line in printed)
    engine = make_engine(url)
    with engine.connect() as connection:
        modules = bundled_counts()["modules"]
        assert connection.scalar(select(func.count()).select_from(Module)) == modules
        completions = dict(
            connection.execute(
                select(User.email, func.count(ModuleCompletion.module_id))
                .join(ModuleCompletion, ModuleCompletion.user_id == User.id)
                .group_by(User.email)
            ).all()
        )
    engine.dispose()
    # Realistic progress: most learners have some, one has none, amounts vary.
    assert 4 <= len(completions) <= 5 and "learner5@example.com" not in completions
    assert len(set(completions.values())) >= 3
    _check_demo_assessments(url)
    _check_demo_paths(url)
    printed.clear()
    assert prepare_embedded_database(config, echo=printed.append) == []
    assert not any("Demo organisation" in line for line in printed)
    assert not any("Importing" in line for line in printed)  # only on the first start


def test_demo_can_be_skipped(tmp_path):
    url = f"sqlite:///{tmp_path / 'nodemo.db'}"
    assert prepare_embedded_database(app_config(url, SKILLGAP_DEMO=False), echo=print) == []
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(User)) == 0
    engine.dispose()


def test_python_run_py_serves_the_site(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
        "SECRET_KEY": "startup-test",
        "PORT": str(port),
        "SKILLGAP_DEMO_PASSWORD": "shared demo password",
    }
    server = subprocess.Popen(
        [sys.executable, "run.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read().decode()
                    served_by = r.headers.get("Server")
                    break
            except OSError:
                time.sleep(0.2)
        assert body == "ok\n"
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert "learner6@example.com" in output and "shared demo password" in output
    assert f"http://127.0.0.1:{port}/" in output
    # The request log reaches stderr with nothing configured by the host.
    assert "INFO skillgap.requests method=GET route=/healthz status=200" in output
    # A production server (Waitress), not Flask's development server and its warning.
    assert "development server" not in output and "Serving on" not in output
    assert served_by == "Skillgap"


def test_a_bad_thread_count_stops_python_run_py_before_it_touches_the_database(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}", "THREADS": "many"}
    done = subprocess.run(
        [sys.executable, "run.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Skillgap cannot start: THREADS='many' is not a whole number above 0" in done.stderr
    assert not (tmp_path / "x.db").exists()


def _check_demo_assessments(url: str) -> None:
    """A realistic spread: most skills below entry, some over-confident people,
    someone under-confident, someone self-rated only, someone with nothing."""
    from skillgap.db import make_database
    from skillgap.services import paths

    database = make_database(url)
    with database.read_sessions() as session:
        levels = ["below-entry", "entry", "intermediate", "advanced"]
        from skillgap.services.demo import SKILL_ORDER as skills

        verdicts: dict[str, list[int]] = {}
        tested_levels = []
        for n in range(1, 7):
            user = session.scalar(User.by_email(f"learner{n}@example.com"))
            standing = {s.skill.id: s for s in paths.standings_for(session, user)}
            diffs = [
                levels.index(standing[s].self_rated.id) - levels.index(standing[s].current.id)
                for s in skills
                if standing[s].self_rated and standing[s].verified
            ]
            verdicts[user.email] = diffs
            tested_levels += [s.current.id for s in standing.values() if s.verified]
        over = [email for email, diffs in verdicts.items() if sum(d > 0 for d in diffs) >= 4]
        under = [email for email, diffs in verdicts.items() if any(d < 0 for d in diffs)]
        assert len(over) >= 2 and under
        assert verdicts["learner5@example.com"] == []  # self-rated only: nothing verified
        assert tested_levels.count("below-entry") > len(tested_levels) / 3
        assert set(tested_levels) >= {"below-entry", "entry", "intermediate", "advanced"}
    database.engine.dispose()


def _check_demo_paths(url: str) -> None:
    """Every demo learner has a non-trivial path; the manager has acted on two."""
    from datetime import date

    from skillgap.db import make_database
    from skillgap.services import paths

    database = make_database(url)
    with database.read_sessions() as session:
        for n in range(1, 7):
            user = session.scalar(User.by_email(f"learner{n}@example.com"))
            view = paths.person_path(session, user, date.today())
            assert len(view.path.steps) >= 3, user.email
            assert len({s.module.course_id for s in view.path.steps}) >= 2, user.email
        sam = session.scalar(User.by_email("learner2@example.com"))
        assert paths.plan_for(session, sam.id).due_date is not None
    database.engine.dispose()


def test_a_bad_setting_stops_python_run_py_with_a_message_not_a_traceback(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bad.db'}",
        "SECRET_KEY": "startup-test",
        "SKILLGAP_LOGIN_RATE_LIMIT": "lots",
    }
    done = subprocess.run(
        [sys.executable, "run.py"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "Skillgap cannot start: SKILLGAP_LOGIN_RATE_LIMIT='lots' is not a rate" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_bad_log_level_is_refused_with_its_name(monkeypatch):
    from skillgap.config import ConfigError, env_log_level

    monkeypatch.setenv("SKILLGAP_LOG_LEVEL", "chatty")
    with pytest.raises(ConfigError, match="SKILLGAP_LOG_LEVEL must be DEBUG, INFO"):
        env_log_level("SKILLGAP_LOG_LEVEL", "INFO")
    monkeypatch.setenv("SKILLGAP_LOG_LEVEL", "warning")
    assert env_log_level("SKILLGAP_LOG_LEVEL", "INFO") == "WARNING"
