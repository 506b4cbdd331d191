"""One learner journey in Dutch in a real browser, and axe-core on the Dutch pages.

The browser asks for Dutch (``locale="nl-NL"``, so ``Accept-Language: nl``);
the learner then chooses Nederlands and Europe/Amsterdam on /account. Texts
are looked up in the Dutch catalogue rather than copied here, so the test
follows the translation."""

from __future__ import annotations

import functools
import json
import re
import sqlite3

import pytest
from babel.messages.pofile import read_po

from tests.e2e.conftest import (
    PASSWORD,
    ROOT,
    answer_question,
    click_and_load,
    run_axe,
    screenshot,
    write_report,
)
from tests.e2e.test_journeys import create_learner

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
PO = ROOT / "platform" / "skillgap" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
EMAIL = "dutch-learner@example.com"


@functools.cache
def catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="nl")


def nl(message: str, **values: object) -> str:
    """The Dutch of a catalogue message (its placeholders filled in)."""
    found = catalogue().get(message)
    assert found is not None and found.string, f"not in the Dutch catalogue: {message!r}"
    return found.string % values if values else found.string.replace("%%", "%")


def dutch_keys(server, quiz_id: str) -> dict[str, list[str]]:
    """Question id -> the Dutch texts of its correct options (from the quiz's
    translation, matched to each question by its fingerprint)."""
    with sqlite3.connect(server.database) as connection:
        (data,) = connection.execute(
            "SELECT data FROM content_translations WHERE kind = 'quiz' AND item_id = ? "
            "AND locale = 'nl'",
            (quiz_id,),
        ).fetchone()
        rows = connection.execute(
            "SELECT id, fingerprint, options FROM questions WHERE quiz_id = ? AND active",
            (quiz_id,),
        ).fetchall()
    words = json.loads(data)["questions"]
    return {
        str(qid): [
            words[fingerprint]["options"][i].replace("`", "")
            for i, option in enumerate(json.loads(options))
            if option["correct"]
        ]
        for qid, fingerprint, options in rows
    }


def module_title(path: str) -> str:
    text = (ROOT / path).read_text(encoding="utf-8")
    return re.search(r"^title: (.+)$", text, re.M)[1].strip().strip('"')


def check_axe(page, name: str, report: dict) -> None:  # type: ignore[no-untyped-def]
    assert page.locator("html").get_attribute("lang") == "nl", name
    serious = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    report[name] = [v["id"] for v in serious]
    screenshot(page, f"dutch-{name}")


def test_a_learner_journey_in_dutch(browser, server):
    create_learner(server, EMAIL, "Sanne de Vries")
    context = browser.new_context(
        locale="nl-NL", base_url=server, viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    report: dict[str, list[str]] = {}
    # Sign in on the Dutch login page (the browser asks for Dutch).
    page.goto("/login")
    check_axe(page, "login", report)
    page.fill("#email", EMAIL)
    page.fill("#password", PASSWORD)
    page.click(f"button:has-text('{nl('Sign in')}')")
    page.wait_for_url("**/")
    check_axe(page, "dashboard", report)
    # Choose Dutch and Amsterdam time on the account page.
    page.goto("/account")
    page.select_option("select[name=locale]", "nl")
    page.select_option("select[name=timezone]", "Europe/Amsterdam")
    page.locator("form:has(select[name=locale]) button[type=submit]").click()
    page.wait_for_url(re.compile(r"/account(#language)?$"))
    check_axe(page, "account", report)
    # The self-assessment: Dutch statements, the Dutch rating scale.
    page.goto("/assessments/self-assessment/take")
    click_and_load(page, "button[value=start]")
    assert "Ik kan" in page.locator("fieldset.question").first.inner_text()
    check_axe(page, "self-assessment", report)
    while True:
        for question in page.locator("fieldset.question").all():
            question.locator("input[value=fairly]").check()
        if page.locator("button[value=submit]").count():
            click_and_load(page, "button[value=submit]")
            break
        click_and_load(page, "button[value=next]")
    page.wait_for_url(re.compile(r"/results/\d+"))
    assert nl("Your self-rating") in page.content()
    check_axe(page, "self-assessment-result", report)
    # A Dutch module and its check, passed with the Dutch options.
    title = module_title("courses/strategy-planning/02-smart-social-goals.nl.md")
    page.goto("/modules/smart-social-goals")
    assert page.locator("h1").inner_text() == title
    check_axe(page, "module", report)
    page.click(f"a:has-text('{nl('Take the module check')}')")
    page.wait_for_url("**/assessments/smart-social-goals-check/take")
    click_and_load(page, "button[value=start]")
    check_axe(page, "check", report)
    keys = dutch_keys(server, "smart-social-goals-check")
    for question in page.locator("fieldset.question").all():
        answer_question(question, keys[question.get_attribute("id").removeprefix("question-")])
    click_and_load(page, "button[value=submit]")
    page.wait_for_url(re.compile(r"/results/\d+"))
    assert nl("Passed: %(percent)s", percent="100%") in page.content()
    check_axe(page, "check-result", report)
    # The path, in Dutch, with the Dutch module titles.
    page.goto("/path")
    check_axe(page, "path", report)
    assert title in page.content() or "smart-social-goals" in page.content()
    write_report("axe-dutch.json", report)
    assert not any(report.values()), report
    context.close()
