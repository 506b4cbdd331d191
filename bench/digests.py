"""Benchmark: ``send-digests`` for 10,000 people against a local SMTP server.

Run by hand, not in CI:  .venv/bin/python bench/digests.py [--people 10000] [--url URL]
Fills a fresh database (SQLite in a temp folder, or the empty database --url
names, e.g. a PostgreSQL one) with the bundled curriculum and N people by bulk
insert: 1 in 100 a manager of a team of 99 (their digest has news: finished
modules and new results last week), 1 in 10 paused this week, 1 in 20 opted
out. Then runs the send (cli/email.send, as the command does) to aiosmtpd in
its own process (its Sink handler: accept and discard) on a free port, and
prints the elapsed time, emails per second, and memory at the start, the middle
and the end of the run: the process's resident set (RSS), and with --tracemalloc
also Python's traced and peak allocations (tracemalloc slows the run about
threefold, so the rates of such a run are not the real ones). People are read in
keyset pages, so memory should stay flat. A second run shows what a repeated
cron run costs (everything already sent).
"""

from __future__ import annotations

import argparse
import resource
import socket
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))

from argon2 import PasswordHasher  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

from skillgap import create_app, migrate  # noqa: E402
from skillgap.cli import email as email_cli  # noqa: E402
from skillgap.curriculum.importer import import_content  # noqa: E402
from skillgap.db import database, make_engine  # noqa: E402
from skillgap.models import (  # noqa: E402
    Attempt,
    EmailDelivery,
    LearningPlan,
    Module,
    ModuleCompletion,
    PlanWeek,
    RoleProfile,
    SkillResult,
    Team,
    User,
    team_managers,
)

TEAM_SIZE = 100  # a manager and 99 members
SINK = "aiosmtpd.handlers.Sink"  # accepts every message and discards it


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fill(app, people: int) -> None:  # type: ignore[no-untyped-def]
    with database(app).write_sessions() as session:
        import_content(session, ROOT)
        session.commit()
        profile = session.scalars(select(RoleProfile.id)).first()
        module = session.scalars(select(Module.id).order_by(Module.id)).first()
        password_hash = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash("x")
        teams = max(1, people // TEAM_SIZE)
        session.execute(insert(Team), [{"name": f"Team {n:04d}"} for n in range(teams)])
        team_ids = list(session.scalars(select(Team.id).order_by(Team.id)))
        session.execute(
            insert(User),
            [
                {
                    "email": f"person{n:05d}@bench.example",
                    "name": f"Person {n:05d}",
                    "password_hash": password_hash,
                    "role": "manager" if n % TEAM_SIZE == 0 else "learner",
                    "team_id": team_ids[min(n // TEAM_SIZE, teams - 1)],
                    "role_profile": profile,
                }
                for n in range(people)
            ],
        )
        users = session.execute(select(User.id, User.role, User.team_id).order_by(User.id)).all()
        session.execute(
            insert(team_managers),
            [{"team_id": t, "user_id": u} for u, role, t in users if role == "manager"],
        )
        today = datetime.now(UTC).date()
        monday = today - timedelta(days=today.weekday())
        last_week = datetime.combine(monday - timedelta(days=4), clock_time(12), UTC)
        ids = [u for u, _, _ in users]
        session.execute(
            insert(PlanWeek),
            [{"user_id": u, "week_start": monday, "minutes": 0} for u in ids[5::10]],
        )
        session.execute(
            insert(LearningPlan),
            [{"user_id": u, "weekly_minutes": 120, "weekly_nudge": False} for u in ids[7::20]],
        )
        session.execute(
            insert(ModuleCompletion),
            [{"user_id": u, "module_id": module, "completed_at": last_week} for u in ids[1::3]],
        )
        _results(session, ids[2::4], last_week)
        session.commit()


def _results(session, user_ids: list[int], when: datetime) -> None:  # type: ignore[no-untyped-def]
    """One diagnostic result last week for each of ``user_ids`` (bulk, as grading
    would record it)."""
    session.execute(
        insert(Attempt),
        [
            {
                "user_id": u,
                "quiz_id": "diagnostic",
                "state": "submitted",
                "question_ids": [],
                "started_at": when,
                "submitted_at": when,
            }
            for u in user_ids
        ],
    )
    attempts = session.execute(select(Attempt.id, Attempt.user_id)).all()
    session.execute(
        insert(SkillResult),
        [
            {
                "attempt_id": a,
                "user_id": u,
                "skill_id": "strategy-planning",
                "kind": "diagnostic",
                "level_id": "entry",
                "percent": 65.0,
                "questions": 6,
                "possible": 6,
                "earned": 4,
                "latest": True,
                "created_at": when,
            }
            for a, u in attempts
        ],
    )


def smtp_server(port: int) -> subprocess.Popen:
    """aiosmtpd in its own process (as a real server would be), once it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", SINK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("aiosmtpd did not start")


def rss_mib() -> float:
    """Resident set size now (Linux /proc), else the peak so far (getrusage)."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmRSS:"))
        return int(line.split()[1]) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory() -> str:
    text = f"RSS {rss_mib():.1f} MiB"
    if tracemalloc.is_tracing():
        now, peak = tracemalloc.get_traced_memory()
        text += f", traced {now / 2**20:.1f} MiB (peak {peak / 2**20:.1f} MiB)"
    return text


def run(app, people: int, label: str) -> None:  # type: ignore[no-untyped-def]
    marks: list[str] = [f"start: {memory()}"]
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if done == people // 2:
            marks.append(f"middle ({done} people): {memory()}")

    started = time.perf_counter()
    with app.app_context():
        summary = email_cli.send(app, progress=progress)
    elapsed = time.perf_counter() - started
    marks.append(f"end: {memory()}")
    sent = summary.sent.total()
    print(f"{label}: {summary.line()}")
    print(f"  {elapsed:.1f} s, {sent / elapsed:.0f} emails/s, {people / elapsed:.0f} people/s")
    for mark in marks:
        print(f"  memory at {mark}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--url", help="an empty database (default: SQLite in a temp folder)")
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    args = parser.parse_args()
    port = free_port()
    server = smtp_server(port)
    try:
        with tempfile.TemporaryDirectory() as folder:
            measure(args, port, folder)
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure(args: argparse.Namespace, port: int, folder: str) -> None:
    url = args.url or f"sqlite:///{folder}/bench.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "SKILLGAP_DEMO": False,
            "SKILLGAP_BASE_URL": "https://skillgap.example.com",
            "SKILLGAP_SMTP_HOST": "127.0.0.1",
            "SKILLGAP_SMTP_PORT": port,
            "SKILLGAP_SMTP_SECURITY": "none",
            "SKILLGAP_MAIL_FROM": "Skillgap <skillgap@example.com>",
        }
    )
    started = time.perf_counter()
    fill(app, args.people)
    print(
        f"{args.people} people on {make_engine(url).dialect.name}, filled in "
        f"{time.perf_counter() - started:.1f} s"
    )
    if args.tracemalloc:
        tracemalloc.start()
    run(app, args.people, "first run")
    run(app, args.people, "second run")
    tracemalloc.stop()
    with database(app).read_sessions() as session:
        sent = session.scalar(
            select(func.count())
            .select_from(EmailDelivery)
            .where(EmailDelivery.sent_at.is_not(None))
        )
    print(f"{sent} delivery rows marked sent ")
    database(app).engine.dispose()


if __name__ == "__main__":
    main()
