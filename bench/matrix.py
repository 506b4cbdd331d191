"""Benchmark: the team matrix and the organisation view at scale.

Run by hand, not in CI:  .venv/bin/python bench/matrix.py [--people 10000 --teams 200]
Fills a fresh database (SQLite in a temp folder, or BENCH_DATABASE_URL) with the
bundled curriculum, N people in M teams (team 1 has 200 people), 12 months of
diagnostic history (three diagnostics and a self-assessment each) and progress
(up to 12 modules read, most of their checks taken), then prints
the median time of /team for the 200-person team and of /admin/organisation,
requested through the app in-process, and the number of SQL statements of each.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import event, insert, select  # noqa: E402

from skillgap import create_app, migrate  # noqa: E402
from skillgap.curriculum.importer import import_content  # noqa: E402
from skillgap.db import database, make_engine  # noqa: E402
from skillgap.models import (  # noqa: E402
    Attempt,
    Level,
    Module,
    ModuleCompletion,
    RoleProfile,
    Skill,
    Team,
    User,
    team_managers,
)
from skillgap.services import (  # noqa: E402
    organisation,
    people_cache,
)
from skillgap.services.standing import NewResult, record_results  # noqa: E402

PASSWORD = "benchmark password"


def fill(app, people: int, teams: int, rng: random.Random) -> int:  # type: ignore[no-untyped-def]
    db = database(app)
    with db.write_sessions() as session:
        import_content(session, ROOT)
        session.commit()
        skills = list(session.scalars(select(Skill.id)))
        levels = list(session.scalars(select(Level.id).order_by(Level.position)))
        profiles = list(session.scalars(select(RoleProfile.id)))
        password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
        session.execute(insert(Team), [{"name": f"Team {n:03d}"} for n in range(teams)])
        team_ids = list(session.scalars(select(Team.id).order_by(Team.id)))
        session.execute(
            insert(User),
            [
                {
                    "email": "manager@bench.example",
                    "name": "Bench Manager",
                    "password_hash": password_hash,
                    "role": "manager",
                },
                {
                    "email": "admin@bench.example",
                    "name": "Bench Admin",
                    "password_hash": password_hash,
                    "role": "admin",
                },
            ],
        )
        manager_id = session.scalar(select(User.id).where(User.email == "manager@bench.example"))
        session.execute(insert(team_managers), [{"team_id": team_ids[0], "user_id": manager_id}])
        rest = people - 200
        members = [team_ids[0]] * 200 + [team_ids[1 + n % (teams - 1)] for n in range(rest)]
        session.execute(
            insert(User),
            [
                {
                    "email": f"person{n:05d}@bench.example",
                    "name": f"Person {n:05d}",
                    "password_hash": password_hash,
                    "role": "learner",
                    "team_id": team_id,
                    "role_profile": rng.choice(profiles),
                }
                for n, team_id in enumerate(members)
            ],
        )
        user_ids = list(session.scalars(select(User.id).where(User.role == "learner")))
        now = datetime.now(UTC)
        attempts = []
        for user_id in user_ids:
            for months_ago in (11, 6, 1):
                when = now - timedelta(days=30 * months_ago + rng.randint(0, 20))
                attempts.append(
                    {
                        "user_id": user_id,
                        "quiz_id": "diagnostic",
                        "state": "submitted",
                        "question_ids": [],
                        "started_at": when,
                        "submitted_at": when,
                    }
                )
            when = now - timedelta(days=365)
            attempts.append(
                {
                    "user_id": user_id,
                    "quiz_id": "self-assessment",
                    "state": "submitted",
                    "question_ids": [],
                    "started_at": when,
                    "submitted_at": when,
                }
            )
        # Progress: each person has read up to a dozen modules over the year and
        # taken the module check of most of those that have one (a third failed).
        modules = list(session.execute(select(Module.id, Module.check_quiz_id)))
        completions = []
        for user_id in user_ids:
            for module_id, check in rng.sample(modules, rng.randint(0, 12)):
                when = now - timedelta(days=rng.randint(1, 360))
                completions.append(
                    {"user_id": user_id, "module_id": module_id, "completed_at": when}
                )
                if check and rng.random() < 0.8:
                    attempts.append(
                        {
                            "user_id": user_id,
                            "quiz_id": check,
                            "state": "submitted",
                            "question_ids": [],
                            "started_at": when,
                            "submitted_at": when,
                            "percent": rng.choice((50.0, 75.0, 100.0)),
                        }
                    )
        session.execute(insert(ModuleCompletion), completions)
        session.execute(insert(Attempt), attempts)
        rows = session.execute(
            select(Attempt.id, Attempt.user_id, Attempt.quiz_id, Attempt.submitted_at).where(
                Attempt.quiz_id.in_(("diagnostic", "self-assessment"))
            )
        ).all()
        results = []
        for attempt_id, user_id, quiz_id, when in rows:
            kind = "diagnostic" if quiz_id == "diagnostic" else "self-assessment"
            for skill in skills:
                index = rng.randint(0, 3)
                results.append(
                    NewResult(
                        attempt_id=attempt_id,
                        user_id=user_id,
                        skill_id=skill,
                        kind=kind,
                        level_id=levels[index],
                        created_at=when,
                        percent=(40, 65, 80, 95)[index] if kind == "diagnostic" else None,
                        questions=8,
                        possible=8,
                    )
                )
        record_results(session, results)
        session.commit()
        return team_ids[0]


def timed(client, url: str, repeats: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(times), len(times)


def count_statements(app, client, url: str) -> int:  # type: ignore[no-untyped-def]
    statements = []
    engine = database(app).engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    client.get(url)
    event.remove(engine, "before_cursor_execute", listener)
    return len([s for s in statements if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))])


def login(client, email: str) -> None:  # type: ignore[no-untyped-def]
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302, "sign-in failed"


def organisation_afresh(app, admin, person_email: str, repeats: int = 5) -> list[float]:  # type: ignore[no-untyped-def]
    """Milliseconds of /admin/organisation as the first view after a new result:
    each time one person gets a new diagnostic result (the kept levels and the
    people version change with it), then the page is requested."""
    db = database(app)
    times = []
    with db.write_sessions() as session:
        user_id = session.scalar(select(User.id).where(User.email == person_email))
        skill = session.scalar(select(Skill.id).order_by(Skill.id))
        levels = list(session.scalars(select(Level.id).order_by(Level.position)))
        for n in range(repeats):
            now = datetime.now(UTC)
            attempt = session.scalar(
                insert(Attempt)
                .values(
                    user_id=user_id,
                    quiz_id="diagnostic",
                    state="submitted",
                    question_ids=[],
                    started_at=now,
                    submitted_at=now,
                )
                .returning(Attempt.id)
            )
            result = NewResult(
                attempt_id=attempt,
                user_id=user_id,
                skill_id=skill,
                kind="diagnostic",
                level_id=levels[n % len(levels)],
                created_at=now,
                percent=70.0,
                questions=8,
                possible=8,
            )
            record_results(session, [result])
            session.commit()
            times.append(timed(admin, "/admin/organisation", 1)[0])
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=200)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="skillgap-bench-")
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    config = {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "ARGON2_PARALLELISM": 1,
    }
    app = create_app(config)
    started = time.perf_counter()
    big_team = fill(app, args.people, args.teams, random.Random(7))
    print(
        f"filled {args.people:,} people in {args.teams} teams with 12 months of history "
        f"in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})"
    )
    manager, admin = app.test_client(), app.test_client()
    login(manager, "manager@bench.example")
    login(admin, "admin@bench.example")
    team_url = f"/team?team={big_team}"
    timed(manager, team_url, 1)  # warm up
    team_ms, runs = timed(manager, team_url, 9)
    print(
        f"/team (200-person team):     median {team_ms:7.1f} ms over {runs} requests, "
        f"{count_statements(app, manager, team_url)} SQL statements"
    )
    # As the first view after a new result or team change: the trend worked out again.
    afresh = []
    for _ in range(5):
        with app.app_context(), database(app).read_sessions() as session:
            people_cache.forget(session, f"team-trend:{big_team}")
        afresh.append(timed(manager, team_url, 1)[0])
    print(
        f"/team, trend worked out afresh: median {statistics.median(afresh):7.1f} ms "
        "over 5 requests (after any new result or team change)"
    )
    timed(admin, "/admin/organisation", 1)
    org_ms, runs = timed(admin, "/admin/organisation", 5)
    print(
        f"/admin/organisation (all):   median {org_ms:7.1f} ms over {runs} requests, "
        f"{count_statements(app, admin, '/admin/organisation')} SQL statements "
        "(served from memory until results, targets or teams change)"
    )
    afresh = organisation_afresh(app, admin, "person00001@bench.example")
    print(
        f"/admin/organisation afresh:  median {statistics.median(afresh):7.1f} ms over "
        f"{len(afresh)} requests, each the first after a new result"
    )
    cold = []
    with database(app).read_sessions() as session:
        for _ in range(3):
            started = time.perf_counter()
            organisation.compute_organisation(session)
            cold.append((time.perf_counter() - started) * 1000)
    print(f"organisation computed afresh: median {statistics.median(cold):7.1f} ms over 3 runs")


if __name__ == "__main__":
    main()
