"""Load benchmark: the app under gunicorn (4 sync workers) and wrk (-t2 -c32).

Run by hand (needs `apt-get install wrk`):  .venv/bin/python bench/load.py [--people 10000]
(on SQLite; BENCH_DATABASE_URL names an empty database to use instead, see main).
Builds an organisation (bench/matrix.py's generator), serves the app and a Flask
hello-world on the same settings, and prints for each page the median over three
runs of requests/s, p50 and p99 latency, and the ratio to the hello-world ceiling
(the median of per-run ratios, the hello-world measured right before each run),
all measured in the same run; then the adaptive diagnostic's next-question POST
(examinee processes answering one question at a time) and each worker's memory.
Also: the time to import 1,000 generated modules of ~1,000 words, and
`python -c "import run"`.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "platform"))
sys.path.insert(0, str(ROOT / "bench"))

from matrix import PASSWORD, fill  # noqa: E402

from skillgap import create_app, migrate  # noqa: E402
from skillgap.db import database, make_engine  # noqa: E402

GUNICORN = str(Path(sys.executable).parent / "gunicorn")
# One browser: sign-in and load share a User-Agent. Flask-Login's session
# protection marks a session from another agent "not fresh", which changed the
# session, and so re-sent the cookie, on every benchmarked request.
USER_AGENT = "skillgap-bench/1"
RUNS = 3


def serve(target: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [GUNICORN, "-w", "4", "-k", "sync", "-b", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except OSError as error:
            if getattr(error, "code", None):
                return process  # it answered (a redirect or 4xx is fine)
            time.sleep(0.2)
    raise RuntimeError(f"{target} did not start")


def sign_in(base: str, email: str) -> tuple[str, str]:
    """The session cookie and its CSRF token."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(f"{base}/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    opener.open(f"{base}/login", data.encode())
    page = opener.open(f"{base}/").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    # The cookie as a browser holds it after its first page: the sign-in message
    # shown and the CSRF token stored. (The cookie straight after signing in made
    # every benchmarked request show the message again and store a new token,
    # so every response re-signed and re-sent the session.)
    cookie = next(c for c in opener.handlers if isinstance(c, urllib.request.HTTPCookieProcessor))
    session = next(c.value for c in cookie.cookiejar if c.name == "session")
    return session, token


def wrk(
    url: str, cookie: str | None = None, script: str | None = None, language: str | None = None
) -> tuple[float, float, float]:
    # A long timeout, so that a slow page gets figures rather than "0 requests".
    args = ["wrk", "-t2", "-c32", "-d5s", "--timeout", "30s", "--latency"]
    args += ["-H", f"User-Agent: {USER_AGENT}"]
    if cookie:
        args += ["-H", f"Cookie: session={cookie}"]
    if script:
        args += ["-s", script]
    if language:
        args += ["-H", f"Accept-Language: {language}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])

    def ms(label: str) -> float:
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    return rps, ms("50%"), ms("99%")


def measure(url: str, **kwargs: str | None) -> tuple[float, float, float]:
    # A discarded first run: every worker booted and every per-process cache warm.
    wrk(url, **kwargs)
    runs = [wrk(url, **kwargs) for _ in range(RUNS)]
    return tuple(statistics.median(values) for values in zip(*runs, strict=True))  # type: ignore[return-value]


def measure_against(
    ceiling_url: str, url: str, **kwargs: str | None
) -> tuple[float, float, float, float]:
    """The page's median requests/s, p50 and p99, and the median of its ratios to
    the hello-world measured just before each run: this shared machine's speed
    drifts by a third within minutes, which skews a ratio to a ceiling measured
    once at the start."""
    wrk(url, **kwargs)  # warm-up, discarded
    runs, ratios = [], []
    for _ in range(RUNS):
        ceiling = wrk(ceiling_url)[0]
        run = wrk(url, **kwargs)
        runs.append(run)
        ratios.append(run[0] / ceiling)
    rps, p50, p99 = (statistics.median(values) for values in zip(*runs, strict=True))
    return rps, p50, p99, statistics.median(ratios)


ANSWERERS = 8  # examinee processes for the adaptive next-question POST


def _answer_form(page: str) -> dict[str, str] | None:
    """The take page's "Save and continue" form, answered with its first option."""
    attempt = re.search(r'name="attempt_id" value="(\d+)"', page)
    question = re.search(r'name="question" value="(\d+)"', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if not (attempt and question and token):
        return None
    qid = question[1]
    form = {
        "action": "next",
        "attempt_id": attempt[1],
        "page": "1",
        "question": qid,
        "csrf_token": token[1],
    }
    choice = re.search(rf'name="q-{qid}" value="([^"]+)"', page)
    if choice:
        form[f"q-{qid}"] = choice[1]
    else:
        form[f"n-{qid}"] = "1"  # a calculated question
    confidence = re.search(rf'name="c-{qid}" value="([^"]+)"', page)
    if confidence:
        form[f"c-{qid}"] = confidence[1]
    return form


def _examinee(base: str, email: str, seconds: float, out) -> None:  # type: ignore[no-untyped-def]
    """One person answering the adaptive diagnostic for ``seconds``, as a browser
    does: POST the answer (timed), follow to the next question's page (not timed).
    A finished attempt is started again (the bench server allows retakes)."""
    import http.cookiejar

    jar = http.cookiejar.CookieJar()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]
    session, token = sign_in(base, email)
    jar.set_cookie(_cookie("session", session))
    take = f"{base}/assessments/diagnostic/take"
    times: list[float] = []
    errors = 0
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        page = _open(opener, take)
        form = _answer_form(page)
        if form is None:  # no attempt open: start one
            start = re.search(r'name="csrf_token" value="([^"]+)"', page)
            _open(opener, take, {"action": "start", "csrf_token": start[1] if start else token})
            continue
        started = time.perf_counter()
        status = _status(opener, take, form)
        times.append(time.perf_counter() - started)
        errors += status not in (200, 302, 303)
    out.put((times, errors))


def _cookie(name: str, value: str):  # type: ignore[no-untyped-def]
    import http.cookiejar

    return http.cookiejar.Cookie(
        0,
        name,
        value,
        None,
        False,
        "127.0.0.1",
        False,
        False,
        "/",
        True,
        False,
        None,
        False,
        None,
        None,
        {},
    )


def _open(opener, url: str, form: dict[str, str] | None = None) -> str:  # type: ignore[no-untyped-def]
    data = urllib.parse.urlencode(form).encode() if form else None
    try:
        return opener.open(url, data).read().decode()
    except urllib.error.HTTPError as error:  # a redirect not followed, or a 4xx
        return error.read().decode()


def _status(opener, url: str, form: dict[str, str]) -> int:  # type: ignore[no-untyped-def]
    try:
        response = opener.open(url, urllib.parse.urlencode(form).encode())
        response.read()
        return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def adaptive_posts(base: str, seconds: float = 5.0) -> tuple[float, float, float, int]:
    """Answers per second, p50 and p99 ms of the POST, and errors, from ANSWERERS
    people each answering in their own process (not threads: the client's own
    work must not share one interpreter lock)."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    out = context.Queue()
    emails = [f"person{n:05d}@bench.example" for n in range(2, 2 + ANSWERERS)]
    workers = [context.Process(target=_examinee, args=(base, e, seconds, out)) for e in emails]
    for worker in workers:
        worker.start()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    for worker in workers:
        worker.join()
    times = sorted(t for found, _ in results for t in found)
    errors = sum(e for _, e in results)
    if len(times) < 2:
        raise RuntimeError(f"the adaptive POST recorded {len(times)} answers ({errors} errors)")
    p99 = statistics.quantiles(times, n=100)[98]
    return len(times) / seconds, statistics.median(times) * 1000, p99 * 1000, errors


def worker_memory(master: int) -> list[float]:
    """Resident megabytes of each gunicorn worker (the master's children), from /proc."""
    sizes = []
    for task in Path(f"/proc/{master}/task").iterdir():
        for child in (task / "children").read_text().split():
            status = Path(f"/proc/{child}/status").read_text()
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status)[1]) / 1024)
    return sizes


def import_time(folder: Path) -> float:
    """Seconds to import 1,000 generated modules (~1,000 words each) into a fresh SQLite."""
    root = folder / "content"
    shutil.copytree(ROOT / "courses", root / "courses")
    shutil.copytree(ROOT / "quizzes", root / "quizzes")
    words = (ROOT / "courses/platform-metrics/02-engagement-rate.md").read_text().split("---", 2)[2]
    rng = random.Random(3)
    for course in range(20):
        course_dir = root / "courses" / f"generated-{course:02d}"
        course_dir.mkdir()
        (course_dir / "course.md").write_text(
            f"---\ntitle: Generated {course}\norder: {100 + course}\n---\nA generated course.\n"
        )
        for n in range(50):
            body = words.replace("Engagement rate", f"Engagement rate {course}-{n}")
            (course_dir / f"{n + 1:02d}-gen-{course}-{n}.md").write_text(
                f"---\ntitle: Generated module {course}-{n}\nskills: [platform-metrics]\n"
                f"level: {rng.choice(['entry', 'intermediate', 'advanced'])}\nminutes: 20\n"
                f"prerequisites: []\n---{body}"
            )
    url = f"sqlite:///{folder}/import.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench"})
    from skillgap.curriculum.importer import import_content

    with database(app).write_sessions() as session:
        started = time.perf_counter()
        import_content(session, root)
        session.commit()
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated page names to measure (e.g. 'take page,autosave POST'); "
        "skips the import and start-up timings",
    )
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    folder = Path(tempfile.mkdtemp(prefix="skillgap-load-"))
    # BENCH_DATABASE_URL: an empty database to fill instead of a fresh SQLite file,
    # e.g. PostgreSQL (`createdb skillgap_bench`, then
    # BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/skillgap_bench).
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/load.db"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
            "ARGON2_PARALLELISM": 1,
        }
    )
    big_team = fill(app, args.people, 200, random.Random(7))
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench",
        "SKILLGAP_LOGIN_RATE_LIMIT": "100000 per minute",
        "SKILLGAP_RETAKE_DAYS": "0",  # examinees start the diagnostic again when done
    }
    hello = serve("bench.hello:app", 8801, env)
    site = serve("run:app", 8802, env)
    try:
        base = "http://127.0.0.1:8802"
        learner, token = sign_in(base, "person00001@bench.example")
        manager, _ = sign_in(base, "manager@bench.example")
        admin, _ = sign_in(base, "admin@bench.example")
        ceiling = measure("http://127.0.0.1:8801/")
        script = folder / "autosave.lua"
        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"session={learner}"), ("User-Agent", USER_AGENT)]
        form = urllib.parse.urlencode({"action": "start", "csrf_token": token}).encode()
        opener.open(f"{base}/assessments/diagnostic/take", form)
        page = opener.open(f"{base}/assessments/diagnostic/take").read().decode()
        attempt = re.search(r'name="attempt_id" value="(\d+)"', page)[1]
        question = re.search(r'name="q-(\d+)" value="0"', page)[1]
        body = urllib.parse.urlencode(
            {
                "action": "autosave",
                "attempt_id": attempt,
                "page": "1",
                f"q-{question}": "0",
                "csrf_token": token,
            }
        )
        script.write_text(
            'wrk.method = "POST"\n'
            f'wrk.body = "{body}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
        pages = [
            ("module page", f"{base}/modules/engagement-rate", learner, None),
            # The same translated module in English and in Dutch (issue 23).
            ("module page (en)", f"{base}/modules/smart-social-goals", learner, None, "en"),
            ("module page (nl)", f"{base}/modules/smart-social-goals", learner, None, "nl"),
            ("/metrics", f"{base}/metrics", learner, None),
            ("/metrics/<id>", f"{base}/metrics/instagram.views", learner, None),
            (
                "calculator",
                f"{base}/metrics/engagement-rate-by-views?engagements=40&views=900&calculate=1",
                learner,
                None,
            ),
            ("dashboard", f"{base}/", learner, None),
            ("/path", f"{base}/path", learner, None),
            ("take page", f"{base}/assessments/diagnostic/take?page=1", learner, None),
            ("/team (200 people)", f"{base}/team?team={big_team}", manager, None),
            ("organisation view", f"{base}/admin/organisation", admin, None),
            ("autosave POST", f"{base}/assessments/diagnostic/take", learner, str(script)),
        ]
        print(
            f"gunicorn 4 sync workers, wrk -t2 -c32 -d5s, median of {RUNS} runs, "
            f"{args.people:,} people, {url.split(':')[0]}"
        )
        print(f"{'what':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'ratio':>8}")
        print(
            f"{'hello-world (ceiling)':<22}{ceiling[0]:>9.0f}{ceiling[1]:>9.1f}{ceiling[2]:>9.1f}"
            f"{1:>8.2f}"
        )
        measured: dict[str, float] = {}
        for name, page_url, cookie, lua, *language in pages:
            if only and name not in only:
                continue
            # A fresh server per page: requests a slow page left queued in
            # gunicorn's backlog must not slow down the next page's figures.
            os.killpg(site.pid, signal.SIGTERM)
            site.wait()
            site = serve("run:app", 8802, env)
            rps, p50, p99, ratio = measure_against(
                "http://127.0.0.1:8801/",
                page_url,
                cookie=cookie,
                script=lua,
                language=language[0] if language else None,
            )
            measured[name] = ratio
            print(f"{name:<22}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{ratio:>8.2f}")
        name = "adaptive next POST"
        if not only or name in only:
            os.killpg(site.pid, signal.SIGTERM)
            site.wait()
            site = serve("run:app", 8802, env)
            adaptive_posts(base, seconds=2)  # warm-up, discarded
            ceiling = wrk("http://127.0.0.1:8801/")[0]
            rps, p50, p99, errors = adaptive_posts(base)
            print(
                f"{name:<22}{rps:>9.0f}{p50:>9.1f}{p99:>9.1f}{'':>8}  "
                f"({ANSWERERS} examinees, one answer at a time each; {errors} errors; "
                f"hello-world just before: {ceiling:.0f} req/s)"
            )
        # Each worker's resident memory once one server has served every page
        # (every per-process cache filled), as a long-running site's would be.
        os.killpg(site.pid, signal.SIGTERM)
        site.wait()
        site = serve("run:app", 8802, env)
        for _name, page_url, cookie, lua, *language in pages:
            wrk(page_url, cookie=cookie, script=lua, language=language[0] if language else None)
        memory = worker_memory(site.pid)
        print(
            f"memory per worker: {statistics.median(memory):.0f} MB median, "
            f"{max(memory):.0f} MB max ({len(memory)} workers, RSS after serving every page)"
        )
        if {"module page (en)", "module page (nl)"} <= set(measured):
            dutch = measured["module page (nl)"] / measured["module page (en)"]
            print(f"module page in Dutch / in English: {dutch:.2f}")
    finally:
        for process in (hello, site):
            os.killpg(process.pid, signal.SIGTERM)
    if only:
        return
    print(f"import of 1,000 generated modules: {import_time(folder):.1f} s")
    # With bytecode caching on, as in production (some shells set PYTHONDONTWRITEBYTECODE).
    cached = {k: v for k, v in env.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["DATABASE_URL"] = url
    # The libraries the app imports at start-up (run.py), without the app.
    frameworks = "import flask, flask_login, flask_wtf, sqlalchemy.orm, yaml, argon2, nh3"
    for label, code in (("import run", "import run"), ("frameworks alone", frameworks)):
        times = []
        for _ in range(RUNS + 1):  # the first run writes the bytecode cache
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=cached)
            times.append(time.perf_counter() - started)
        print(f"python -c '{label}': median {statistics.median(times[1:]):.2f} s")


if __name__ == "__main__":
    import urllib.error
    import urllib.parse

    main()
