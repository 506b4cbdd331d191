"""Durability: gunicorn with 4 workers, 16 clients saving answers and submitting,
the whole process group killed with SIGKILL five times and restarted. Afterwards
every acknowledged write is stored, no attempt has two results, and the
database is intact. Runs on the suite's database (SQLite file or PostgreSQL)."""

from __future__ import annotations

import http.client
import os
import random
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from skillgap import migrate
from skillgap.curriculum.importer import import_content
from skillgap.db import make_database
from skillgap.models import Answer, Attempt, Question, SkillResult
from skillgap.rules.form_draw import option_order
from tests import factories
from tests.conftest import FIXTURE_CONTENT, empty_database
from tests.http_client import Browser
from tests.servers import free_port, start_gunicorn

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 16
KILLS = 5
ACKS_PER_ROUND = 12  # so the run has more than 50 acknowledged writes to check

pytestmark = pytest.mark.slow


def _start(url: str, port: int) -> subprocess.Popen:
    return start_gunicorn(url, port, workers=4, SECRET_KEY="durability")


def test_sigkill_loses_no_acknowledged_write(tmp_path, capsys):
    with empty_database(tmp_path) as url:
        database = make_database(url)
        migrate.upgrade(database.engine)
        with database.write_sessions() as session:
            import_content(session, FIXTURE_CONTENT)
            emails = [factories.make_user(session).email for _ in range(CLIENTS)]
            session.commit()
            questions = {
                q.id: len(q.options)
                for q in session.scalars(select(Question).where(Question.quiz_id == "diagnostic"))
            }
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        acknowledged: dict[tuple[int, int], list[int]] = {}  # (attempt, question) -> chosen
        # Values sent after the last acknowledged one: a write may commit and the
        # process die before the answer reaches the client; the store may hold those.
        unacknowledged: dict[tuple[int, int], list[list[int]]] = {}
        submitted: set[int] = set()
        lock = threading.Lock()
        clients: list[tuple[Browser, str]] = []
        process = _start(url, port)
        for email in emails:  # sign in and start an attempt each
            browser = Browser()
            browser.request(
                f"{base}/login",
                {
                    "email": email,
                    "password": factories.DEFAULT_PASSWORD,
                    "csrf_token": browser.token(f"{base}/login"),
                },
            )
            token = browser.token(f"{base}/assessments")
            browser.request(
                f"{base}/assessments/diagnostic/take", {"action": "start", "csrf_token": token}
            )
            clients.append((browser, token))
        with database.read_sessions() as session:
            attempt_of = dict(session.execute(select(Attempt.user_id, Attempt.id)).all())
        attempt_ids = sorted(attempt_of.values())

        def work(index: int, stop: threading.Event) -> None:
            browser, token = clients[index]
            attempt_id = attempt_ids[index]
            rng = random.Random(index)
            while not stop.is_set():
                question = rng.choice(sorted(questions))
                choice = rng.randrange(questions[question])
                action = "submit" if rng.random() < 0.02 else "save"
                form = {
                    "action": action,
                    "attempt_id": str(attempt_id),
                    "page": "1",
                    f"q-{question}": str(choice),
                    "csrf_token": token,
                }
                key = (attempt_id, question)
                try:
                    status, _page, headers = browser.request(
                        f"{base}/assessments/diagnostic/take", form
                    )
                except (OSError, http.client.HTTPException):  # died: maybe stored, not acked
                    with lock:
                        unacknowledged.setdefault(key, []).append([choice])
                    continue
                location = headers.get("Location", "")
                if status == 302 and "/results/" not in location:
                    with lock:
                        if attempt_id not in submitted:
                            acknowledged[key] = [choice]
                            unacknowledged[key] = []
                elif status == 302 and action == "submit":
                    with lock:
                        # A submit saves the answer it carries too, unless an earlier
                        # (unacknowledged) submit already closed the attempt: so the
                        # value may or may not be stored.
                        unacknowledged.setdefault(key, []).append([choice])
                        submitted.add(attempt_id)

        for round_number in range(KILLS):
            stop = threading.Event()
            threads = [threading.Thread(target=work, args=(i, stop)) for i in range(CLIENTS)]
            for thread in threads:
                thread.start()
            # At least 1.5 s, and long enough for this round's share of acknowledged
            # writes: a loaded CI machine answers far fewer requests per second.
            deadline = time.monotonic() + 30
            time.sleep(1.5)
            while len(acknowledged) < ACKS_PER_ROUND * (round_number + 1):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            os.killpg(process.pid, signal.SIGKILL)  # mid-flight, every worker at once
            process.wait()
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            if round_number < KILLS - 1:
                process = _start(url, port)

        with database.read_sessions() as session:
            # Clients post positions on the page (options are shuffled per attempt);
            # the database keeps file indexes: compare as the client saw them.
            seeds = dict(session.execute(select(Attempt.id, Attempt.seed)).all())
            stored = {
                (a.attempt_id, a.question_id): [
                    option_order(
                        seeds[a.attempt_id], a.question_id, questions[a.question_id]
                    ).index(index)
                    for index in a.chosen
                ]
                for a in session.scalars(select(Answer))
            }
            lost = [
                key
                for key, chosen in acknowledged.items()
                if stored.get(key) not in [chosen, *unacknowledged.get(key, [])]
            ]
            duplicate_results = session.execute(
                select(SkillResult.attempt_id, SkillResult.skill_id, func.count())
                .group_by(SkillResult.attempt_id, SkillResult.skill_id)
                .having(func.count() > 1)
            ).all()
            states = dict(
                session.execute(select(Attempt.state, func.count()).group_by(Attempt.state)).all()
            )
            integrity = (
                session.execute(text("PRAGMA integrity_check")).scalar()
                if url.startswith("sqlite")
                else "ok (PostgreSQL)"
            )
        database.engine.dispose()
    with capsys.disabled():
        print(
            f"\ndurability ({url.split(':')[0]}): {KILLS} SIGKILLs, "
            f"acknowledged={len(acknowledged)} "
            f"stored={len(acknowledged) - len(lost)} lost={len(lost)}, attempts {states}, "
            f"duplicate results={len(duplicate_results)}, integrity_check={integrity}"
        )
    assert len(acknowledged) > 50
    assert lost == []
    assert duplicate_results == []
    assert integrity.startswith("ok")
