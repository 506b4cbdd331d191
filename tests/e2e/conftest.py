"""Real-browser fixtures: Debian's Chromium driven by Playwright, against
`python run.py` in its own process on 127.0.0.1 (bundled content, demo people).

Without Chromium, Playwright or axe-core these tests skip, unless
REQUIRE_BROWSER=1 (set by .ci/run), when a missing piece fails the run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests import oidc_provider
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
PASSWORD = "e2e demo password"
REQUIRE = os.environ.get("REQUIRE_BROWSER") == "1"
# WCAG 2.2 AA: axe-core's rules for each version's A and AA success criteria.
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return "axe-core is not installed (npm ci)"
    return None


@pytest.fixture(scope="session")
def browser_ready() -> None:
    problem = _missing()
    if problem and REQUIRE:
        pytest.fail(f"REQUIRE_BROWSER=1 but {problem}")
    if problem:
        pytest.skip(problem)


class Server(str):
    """The base URL, plus where its database is (tests read answer keys from it)."""

    database: Path
    sso_issuer: str | None  # the OpenID provider it signs in at, if one runs


@pytest.fixture(scope="session")
def server(browser_ready, tmp_path_factory) -> Iterator[Server]:
    """`python run.py` on a fresh SQLite database: curriculum, demo people and
    history; with single sign-on at a real OpenID provider when one can run
    (tests/oidc_provider.py), so the browser can sign in through it."""
    folder = tmp_path_factory.mktemp("e2e")
    port = free_port()
    base = Server(f"http://127.0.0.1:{port}")
    base.database = folder / "e2e.db"
    base.sso_issuer = None
    with ExitStack() as stack:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{base.database}",
            "SECRET_KEY": "e2e-secret",
            "PORT": str(port),
            "SKILLGAP_DEMO_PASSWORD": PASSWORD,
            "SKILLGAP_LOGIN_RATE_LIMIT": "1000 per minute",  # many sign-ins from one address
        }
        if oidc_provider.missing() is None or oidc_provider.REQUIRE:
            provider = stack.enter_context(
                oidc_provider.running_provider([oidc_provider.client_config("skillgap", base)])
            )
            base.sso_issuer = provider.issuer
            env.update(sso_settings(provider.issuer))
        yield from _run_server(base, env, folder)


def sso_settings(issuer: str) -> dict[str, str]:
    return {
        "SKILLGAP_OIDC_PROVIDERS": "test",
        "SKILLGAP_OIDC_TEST_ISSUER": issuer,
        "SKILLGAP_OIDC_TEST_CLIENT_ID": "skillgap",
        "SKILLGAP_OIDC_TEST_CLIENT_SECRET": oidc_provider.CLIENT_SECRET,
        "SKILLGAP_OIDC_TEST_LABEL": "Sign in with Test ID",
        "SKILLGAP_OIDC_TEST_ALLOWED_DOMAINS": "example.com",
    }


def _run_server(base: Server, env: dict[str, str], folder: Path) -> Iterator[Server]:
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "run.py"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                    break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError((folder / "server.log").read_text()) from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def browser(browser_ready):  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, server):  # type: ignore[no-untyped-def]
    """new_page(width=1280) -> a page in its own browser context (its own cookies)."""
    contexts = []

    def make(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=server,
            accept_downloads=True,
            bypass_csp=True,  # axe-core is injected as an inline script, which our CSP forbids
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        # A click that submits a form returns once the next URL is committed,
        # before its document exists; content() read then is "" (CI failed so
        # once). Every read of the page's HTML waits for that document's load.
        read_html = page.content

        def content() -> str:
            page.wait_for_load_state("load")
            return read_html()

        page.content = content
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url("**/")


def click_and_load(page, selector: str) -> None:  # type: ignore[no-untyped-def]
    """Click a button that submits its form and wait for the next page's load.
    Playwright's click waits for a navigation only if it sees one start soon
    after the click; on a loaded CI machine a read right after the click once
    saw the page before ("question 4" where the next page says 5)."""
    with page.expect_navigation():
        page.click(selector)


def sign_out(page) -> None:  # type: ignore[no-untyped-def]
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/login")


def run_axe(page) -> list[dict]:  # type: ignore[no-untyped-def]
    # After a click that navigates (a form's POST, then its redirect), the new
    # document may not exist yet: axe goes into the page once it has loaded.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        list(AXE_TAGS),
    )
    return result["violations"]


def screenshot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    # A record for people, not a check: a full-page capture of a long page took
    # over 15 s on a loaded two-core machine (CI, 2026-12-04), so it gets a minute.
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True, timeout=60_000)


def write_report(name: str, data: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(data, indent=2))


def correct_choices(server: Server, quiz_id: str) -> dict[str, list[str]]:
    """Question id -> the texts of its correct options, read from the server's
    database (the browser never sees them before submitting; options are shown in
    an order of each attempt's own, so they are found by their text). A
    calculated question's key depends on the open attempt's numbers: for one
    asked as choice, the right option's text; for a typed one, ``=`` and the
    number to type (``answer_question`` fills it in)."""
    import sqlite3

    from skillgap.rules import calculated

    with sqlite3.connect(server.database) as connection:
        rows = connection.execute(
            "SELECT id, options, template FROM questions WHERE quiz_id = ? AND active", (quiz_id,)
        ).fetchall()
        seed = connection.execute(
            "SELECT seed FROM attempts WHERE quiz_id = ? AND state = 'open' ORDER BY id DESC",
            (quiz_id,),
        ).fetchone()
    keys = {}
    for qid, options, template in rows:
        if template is None or json.loads(template) is None:
            # As labelled on the page: `code` spans show as code, without backticks.
            keys[str(qid)] = [
                o["text"].replace("`", "") for o in json.loads(options) if o["correct"]
            ]
            continue
        spec = calculated.from_json(json.loads(template))
        made = calculated.instance(spec, seed[0] if seed else None, qid)
        keys[str(qid)] = [c.text for c in made.choices if c.correct] or [f"={made.answer}"]
    return keys


def answer_question(question, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    """Choose the options labelled ``texts``, or type a calculated answer (``=n``)."""
    for text in texts:
        if text.startswith("="):
            question.locator("input[name^=n-]").fill(text[1:])
        else:
            question.get_by_label(text, exact=True).check()
