"""Benchmark: the API's people and results listings page in constant time.

Run by hand, not in CI:  .venv/bin/python bench/api.py [--people 10000 --limit 100]
                         .venv/bin/python bench/api.py --url postgresql+psycopg://...
Fills a fresh database (SQLite in a temp folder; with --url or DATABASE_URL a
PostgreSQL server, in a new schema dropped afterwards) with the bundled
curriculum and N people (bulk inserts), each with a diagnostic result per skill
(every third adaptive, with certainty) and a self-assessment. Then walks
/api/v1/people and /api/v1/results through the app in-process with a bearer
token, and prints the median time of the first, middle and last page and the
last/first ratio: keyset pagination (WHERE id > :cursor), not OFFSET, keeps the
ratio near 1 however deep the page.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from skillgap import create_app, migrate  # noqa: E402
from skillgap.curriculum.importer import import_content  # noqa: E402
from skillgap.db import database, is_sqlite, make_engine  # noqa: E402
from skillgap.models import Attempt, Level, Skill, Team, User  # noqa: E402
from skillgap.services import api_tokens  # noqa: E402
from skillgap.services.standing import NewResult, record_results  # noqa: E402

# Not a usable password hash: nobody signs in here, and hashing 10,000 would be slow.
PASSWORD_HASH = "$argon2id$bench$not-a-real-hash"


@contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    if url is None or is_sqlite(url):
        yield url or f"sqlite:///{tempfile.mkdtemp(prefix='skillgap-bench-')}/bench.db"
        return
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        scoped = make_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield scoped.render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        server.dispose()


def fill(app, people: int, rng: random.Random) -> str:  # type: ignore[no-untyped-def]
    """The people and their results; returns a token with both scopes."""
    with database(app).write_sessions() as session:
        import_content(session, ROOT)
        session.commit()
        skills = list(session.scalars(select(Skill.id)))
        levels = list(session.scalars(select(Level.id).order_by(Level.position)))
        session.execute(insert(Team), [{"name": f"Team {n:03d}"} for n in range(100)])
        team_ids = list(session.scalars(select(Team.id)))
        session.execute(
            insert(User),
            [
                {
                    "email": "admin@bench.example",
                    "name": "Admin",
                    "password_hash": PASSWORD_HASH,
                    "role": "admin",
                }
            ]
            + [
                {
                    "email": f"person{n:05d}@bench.example",
                    "name": f"Person {n:05d}",
                    "password_hash": PASSWORD_HASH,
                    "role": "learner",
                    "team_id": team_ids[n % len(team_ids)],
                    "role_profile": "social-media-manager",
                }
                for n in range(people)
            ],
        )
        user_ids = list(session.scalars(select(User.id).where(User.role == "learner")))
        start = datetime(2026, 1, 1, tzinfo=UTC)
        attempts = [
            {
                "user_id": user_id,
                "quiz_id": quiz,
                "state": "submitted",
                "question_ids": [],
                "started_at": start + timedelta(minutes=n),
                "submitted_at": start + timedelta(minutes=n),
            }
            for n, user_id in enumerate(user_ids)
            for quiz in ("self-assessment", "diagnostic")
        ]
        session.execute(insert(Attempt), attempts)
        rows = session.execute(
            select(Attempt.id, Attempt.user_id, Attempt.quiz_id, Attempt.submitted_at)
        )
        results = []
        for attempt_id, user_id, quiz_id, when in rows:
            for skill in skills:
                index = rng.randint(0, 3)
                adaptive = quiz_id == "diagnostic" and user_id % 3 == 0
                results.append(
                    NewResult(
                        attempt_id,
                        user_id,
                        skill,
                        quiz_id,
                        levels[index],
                        when,
                        percent=(40.0, 65.0, 80.0, 95.0)[index]
                        if quiz_id == "diagnostic"
                        else None,
                        questions=8,
                        theta=0.1 if adaptive else None,
                        theta_se=0.3 if adaptive else None,
                        certainty=rng.uniform(0.5, 0.99) if adaptive else None,
                    )
                )
        record_results(session, results)
        admin = session.scalars(select(User).where(User.role == "admin")).one()
        _token, plaintext = api_tokens.create(session, "bench", api_tokens.SCOPES, admin)
        session.commit()
        return plaintext


def walk(client, url: str, token: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Every full page's URL, by following next_cursor from the first (a short
    last page is left out: it would flatter the last/first ratio)."""
    pages, full = [url], []
    while True:
        body = client.get(pages[-1], headers={"Authorization": f"Bearer {token}"}).get_json()
        if len(body["data"]) == int(url.rpartition("limit=")[2]):
            full.append(pages[-1])
        if body["next_cursor"] is None:
            return full
        pages.append(f"{url}&cursor={body['next_cursor']}")


def median_ms(client, url: str, token: str, repeats: int = 15) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, headers={"Authorization": f"Bearer {token}"})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    return statistics.median(times)


def report(client, name: str, url: str, token: str) -> None:  # type: ignore[no-untyped-def]
    pages = walk(client, url, token)
    first, middle, last = (median_ms(client, pages[i], token) for i in (0, len(pages) // 2, -1))
    print(
        f"{name:<9} {len(pages):4d} full pages: first {first:6.1f} ms, middle {middle:6.1f} ms, "
        f"last {last:6.1f} ms (median of 15); last/first = {last / first:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args()
    with fresh_database(args.url) as url:
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
        started = time.perf_counter()
        token = fill(app, args.people, random.Random(7))
        print(
            f"filled {args.people:,} people with results in "
            f"{time.perf_counter() - started:.1f} s ({make_url(url).get_backend_name()})"
        )
        client = app.test_client()
        report(client, "/people", f"/api/v1/people?limit={args.limit}", token)
        report(client, "/results", f"/api/v1/results?limit={args.limit * 5}", token)
        database(app).engine.dispose()


if __name__ == "__main__":
    main()
