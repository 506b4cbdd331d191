"""The three roles' journeys, end to end in a real browser."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.e2e.conftest import (
    PASSWORD,
    ROOT,
    answer_question,
    correct_choices,
    screenshot,
    sign_in,
    sign_out,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def answer_page(page, choose_first=True, rating=None, sure="certain") -> None:  # type: ignore[no-untyped-def]
    for legend in page.locator("fieldset.question").all():
        if rating:
            legend.locator(f"input[value={rating}]").check()
            continue
        if legend.locator("input[name^=n-]").count():  # a calculated question: type a number
            legend.locator("input[name^=n-]").fill("1")
        else:
            legend.locator("input[name^=q-]").first.check()
        confidence = legend.locator(f"input[name^=c-][value={sure}]")
        if confidence.count():
            confidence.check()


def pass_check(page, server, quiz_id: str) -> None:  # type: ignore[no-untyped-def]
    """Answer every question of the open check right (keys from the server) and submit."""
    keys = correct_choices(server, quiz_id)
    for question in page.locator("fieldset.question").all():
        qid = question.get_attribute("id").removeprefix("question-")
        answer_question(question, keys[qid])
    page.click("button[value=submit]")


def take_and_pass_the_check(page, server) -> None:  # type: ignore[no-untyped-def]
    """From a module page: its check, passed (a module with a check is done then)."""
    assert "This module is done when you pass its short check" in page.content()
    page.click("a:has-text('Take the module check')")
    page.wait_for_url(re.compile(r"/assessments/.+-check/take"))
    quiz_id = re.search(r"/assessments/(.+-check)/take", page.url)[1]
    page.click("button[value=start]")
    pass_check(page, server, quiz_id)
    assert "Passed: 100%" in page.content()


def create_learner(server, email: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """A learner as an admin's CLI creates one: no team, no role profile, no results."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{server.database}", "SECRET_KEY": "e2e"}
    command = ["create-user", email, "--name", name, "--password-stdin", "--keep-password"]
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "run", *command],
        input=PASSWORD,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )


def start(page, quiz_id: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"/assessments/{quiz_id}/take")
    if page.locator("button[value=start]").count():
        page.click("button[value=start]")


def test_learner_journey(new_page, server):
    page = new_page()
    sign_in(page, "learner6@example.com")
    # Self-assessment: every statement "Fairly competent", page by page.
    start(page, "self-assessment")
    while True:
        answer_page(page, rating="fairly")
        if page.locator("button[value=submit]").count():
            page.click("button[value=submit]")
            break
        page.click("button[value=next]")
    assert "Your self-rating" in page.content()
    # Diagnostic: half of it, sign out, sign in, resume where we left off, finish.
    start(page, "diagnostic")
    pages = int(re.search(r"page 1 of (\d+)", page.content())[1])
    per_page = page.locator("fieldset.question").count()
    for _ in range(8):
        answer_page(page)
        page.click("button[value=next]")
    assert f"page 9 of {pages}" in page.content()
    sign_out(page)
    sign_in(page, "learner6@example.com")
    page.goto("/assessments/diagnostic/take")
    # Resumed at the first gap.
    assert f"{8 * per_page} answered · page 9 of {pages}" in page.content()
    while not page.locator("button[value=submit]").count():
        answer_page(page)
        page.click("button[value=next]")
    answer_page(page)
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/results/\d+"))
    assert "Compared with your self-rating: over-confident in" in page.content()
    screenshot(page, "journey-learner-results")
    # The path, its next step, marking it complete, and its check.
    page.goto("/")
    done_before = int(page.locator("text=path steps done").inner_text().split()[0])
    page.goto("/path")
    next_link = page.locator("li.step-next a").first
    module_title = next_link.inner_text()
    next_link.click()
    assert page.locator("h1").inner_text() == module_title
    take_and_pass_the_check(page, server)
    page.goto("/")
    done_after = int(page.locator("text=path steps done").inner_text().split()[0])
    assert done_after == done_before + 1  # the dashboard shows the progress


def test_a_fresh_learner_gets_a_first_result_and_a_path_within_one_skill(new_page, server):
    """No role profile -> choose one -> one skill's section -> its interim result
    -> the path -> its first module -> the module's check -> the next module."""
    create_learner(server, "fresh.learner@example.com", "Fresh Learner")
    page = new_page()
    sign_in(page, "fresh.learner@example.com")
    assert "No role chosen" in page.content()
    page.click("a:has-text('choose your role')")
    page.select_option("#role_profile", label="Social media manager")
    page.click("button:has-text('Save my role')")
    page.goto("/")
    assert "No role chosen" not in page.content()
    offer = page.locator("a:has-text('Start with one skill')")
    label = offer.inner_text()
    minutes = int(re.search(r"about (\d+) minutes?", label)[1])
    assert 3 <= minutes <= 20, label  # a first result well within 20 minutes
    offer.click()
    page.click("button[value=start]")
    while not page.locator("button[value=submit]").count():
        answer_page(page)
        page.click("button[value=next]")
    answer_page(page)
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/results/\d+"))
    assert "What this means" in page.content()
    assert "An interim result: 1 of 12 skills measured so far" in page.content()
    screenshot(page, "journey-fresh-interim-result")
    start_path = page.locator("a:has-text('Start your path:')")
    module_title = re.search(r"Start your path: (.+), \d+ min", start_path.inner_text())[1]
    start_path.click()
    assert page.locator("h1").inner_text() == module_title
    take_and_pass_the_check(page, server)
    onward = page.locator("a:has-text('Next on your path:')")
    next_title = re.search(r"Next on your path: (.+) \(\d+ min\)", onward.inner_text())[1]
    assert next_title != module_title
    onward.click()
    assert page.locator("h1").inner_text() == next_title
    page.goto("/")
    assert "1 module done, 1 module check passed." in page.content()
    assert "Measure your next skill" in page.content()


def test_a_learner_reads_a_round_two_module_and_passes_its_check(new_page, server):
    page = new_page()
    sign_in(page, "learner4@example.com")
    page.goto("/modules/social-shops-checkout")
    assert "Sources" in page.content() and page.locator("details.answer").count() == 1
    page.locator("details.answer summary").click()  # the model answer folds out
    assert page.locator("details.answer[open]").count() == 1
    start(page, "social-shops-checkout-check")
    pass_check(page, server, "social-shops-checkout-check")
    assert "Passed: 100%" in page.content()
    page.goto("/modules/social-shops-checkout")
    assert "you passed the module check" in page.content()


def test_manager_journey(new_page, server):
    page = new_page()
    sign_in(page, "manager@example.com")
    page.goto("/team")
    page.select_option("#sort", "gap")
    page.select_option("#profile", "social-media-coordinator")
    page.click("button:has-text('Show')")
    names = page.locator("table.matrix tbody th a").all_inner_texts()
    gaps = [int(g) for g in page.locator("table.matrix tbody tr td:last-child").all_inner_texts()]
    assert sorted(names) == ["Diego Alvarez", "Lena Okafor"]  # the coordinators
    assert gaps == sorted(gaps, reverse=True)  # largest gap first
    page.click("text=Diego Alvarez")
    # One form saves both (issue 15: saving one used to drop the other).
    page.select_option("select[name=target-strategy-planning]", "advanced")
    page.fill("#due_date", "2030-01-31")
    page.click("button:has-text('Save targets and due date')")
    assert "Targets saved for Diego Alvarez" in page.content()
    assert "due date 31 Jan 2030" in page.content()
    learner = new_page()
    sign_in(learner, "learner6@example.com")
    learner.goto("/path")
    assert (
        "Strategy &amp; planning: " in learner.content() and "target Advanced" in learner.content()
    )
    assert "Due date set by your manager: <strong>31 Jan 2030</strong>" in learner.content()
    page.goto("/team")
    for link, extension in (("CSV", "csv"), ("Excel", "xlsx")):
        with page.expect_download() as download:
            page.click(f".export-links a:has-text('{link}')")
        assert re.fullmatch(
            rf"skillgap-matrix-Social-\d{{4}}-\d{{2}}-\d{{2}}\.{extension}",
            download.value.suggested_filename,
        )


def test_manager_journey_on_a_phone(new_page, server):
    """390 x 844: the menu, the matrix as cards, weakest first, and a top gap's
    target and due date set for everyone below target in one step."""
    page = new_page(width=390, height=844)
    sign_in(page, "manager@example.com")
    page.locator("summary.nav-menu-toggle").click()
    page.click("nav a:has-text('Team')")
    page.wait_for_url("**/team")

    def fits() -> bool:
        return page.evaluate("document.documentElement.scrollWidth") <= 390

    assert fits()
    page.select_option("#sort", "weakest")
    page.click("button:has-text('Show')")
    assert fits()
    averages = page.locator("table.matrix tbody th .small:has-text('Tested:')").all_inner_texts()
    tested = [float(re.search(r"(\d+)% on average", a)[1]) for a in averages if "%" in a]
    untested_at = [i for i, a in enumerate(averages) if "nothing yet" in a]
    assert tested == sorted(tested) and tested  # lowest tested score first
    assert all(i >= len(tested) for i in untested_at)  # the untested last
    first_card = page.locator("table.matrix tbody tr").first.bounding_box()
    assert first_card["width"] <= 390  # a card, not a row running off the screen
    screenshot(page, "journey-manager-phone")
    form = page.locator("form.gap-action").first
    button = form.locator("button").inner_text()
    people = re.search(r"Set for (\d+) (person|people)", button)
    form.locator("select[name=target]").select_option("intermediate")
    form.locator("input[name=due_date]").fill("2031-03-31")
    form.locator("button").click()
    assert f"due date 31 Mar 2031 set for {people[1]} {people[2]}" in page.content()
    assert fits()
    page.click("table.matrix tbody th a >> nth=0")
    assert fits() and page.locator("h1").count() == 1


def test_admin_journey(new_page, server, tmp_path):
    editor = "/admin/content/module/metrics-vs-kpis"
    admin = new_page()
    sign_in(admin, "admin@example.com")
    other = new_page()
    sign_in(other, "admin@example.com")
    other.goto(editor)  # opened before the first admin saves: it will be stale
    admin.goto(editor)
    source = admin.input_value("#source")
    edited = source.replace(
        "## Worked example", "A line added in the browser.\n\n## Worked example", 1
    )
    admin.fill("#source", edited)
    admin.wait_for_function(  # the live preview followed the typing
        "() => document.getElementById('preview-pane').innerText"
        ".includes('A line added in the browser.')"
    )
    admin.fill("#message", "e2e edit")
    admin.click("button[value=save]")
    assert "Saved as revision" in admin.content()
    admin.click("button:has-text('as saved')")  # the revision this page shows
    assert "Published revision" in admin.content()
    learner = new_page()
    sign_in(learner, "learner1@example.com")
    learner.goto("/modules/metrics-vs-kpis")
    assert "A line added in the browser." in learner.content()
    # The second admin saves over the newer revision: refused, their text kept.
    mine = other.input_value("#source") + "\nThe second admin's paragraph.\n"
    other.fill("#source", mine)
    other.click("button[value=save]")
    assert "was saved by someone else" in other.content()
    assert other.input_value("#source").replace("\r\n", "\n") == mine
    # Restore the first revision from the history.
    admin.goto(editor + "/history")
    admin.click("button:has-text('Restore 1')")
    assert "Restored as revision" in admin.content()
    # Import a GIFT file.
    gift = tmp_path / "bank.gift"
    gift.write_text(
        "::Q1:: Which counts unique accounts? {=Reach ~Impressions}\n\n::Q2:: Name it. {=reach}\n"
    )
    admin.goto("/admin/gift")
    admin.set_input_files("#file", str(gift))
    admin.fill("#quiz_id", "e2e-bank")
    admin.click("button[value=parse]")
    assert "1 questions understood, 1 left out" in admin.content()
    admin.click("button[value=import]")
    admin.wait_for_url("**/admin/content/quiz/e2e-bank")
    assert "unpublished" in admin.content()
