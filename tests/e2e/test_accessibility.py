"""axe-core on every main page at desktop and phone width, the keyboard-only
quiz, and screenshots of the main pages (written to test-artifacts/, not committed)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    click_and_load,
    run_axe,
    screenshot,
    sign_in,
    write_report,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
# The focused control and the text of its label (options are found by their text:
# each attempt shows them in an order of its own).
LABELLED_FOCUS = (
    "() => ({name: document.activeElement.name || '', value: document.activeElement.value,"
    " type: document.activeElement.type || '',"
    " label: (document.activeElement.closest('label')?.textContent || '').trim()})"
)
# The labels of the matched inputs.
LABELS = "(inputs) => inputs.map((i) => (i.closest('label')?.textContent || '').trim())"

WIDTHS = (1280, 375)
# Viewport-sized, for the README: (name, width).
README_SHOTS = {
    ("dashboard", 1280),
    ("path", 1280),
    ("team", 1280),
    ("module", 1280),
    ("diagnostic-result", 1280),
    ("dashboard-progress", 1280),
    ("team", 375),
}
# (who, name, path); paths needing an id are filled in by the test.
PAGES = [
    (None, "login", "/login"),
    ("learner2@example.com", "dashboard", "/"),
    ("learner2@example.com", "catalogue", "/courses"),
    ("learner2@example.com", "course", "/courses/kpis-measurement"),
    ("learner2@example.com", "module", "/modules/kpi-tree"),
    ("learner2@example.com", "take-quiz", "/assessments/kpi-tree-check/take"),
    ("learner2@example.com", "results", "RESULT"),
    ("learner2@example.com", "diagnostic-result", "DIAGNOSTIC_RESULT"),
    ("learner2@example.com", "path", "/path"),
    ("learner2@example.com", "pause", "/path/pause"),
    ("learner2@example.com", "account", "/account"),
    ("learner5@example.com", "dashboard-progress", "PROGRESS"),
    ("learner5@example.com", "one-skill-start", "/assessments/diagnostic/take?skill=paid-social"),
    # The adaptive diagnostic, one question shown (Start pressed as for take-quiz).
    ("learner4@example.com", "adaptive-take", "/assessments/diagnostic/take?skill=paid-social"),
    ("learner2@example.com", "assessments", "/assessments"),
    ("learner2@example.com", "metrics", "/metrics"),
    ("learner2@example.com", "credentials", "/credentials"),
    (None, "credential-verify", "/credentials/verify"),
    ("admin@example.com", "admin-credentials", "/admin/credentials"),
    # A credential claimed in the browser (the demo's learner3 has levels to claim).
    ("learner3@example.com", "credential", "CREDENTIAL"),
    ("learner2@example.com", "metric", "/metrics/instagram.views"),
    (
        "learner2@example.com",
        "formula",
        "/metrics/engagement-rate-by-views?engagements=40&views=&calculate=1",
    ),
    ("learner2@example.com", "cited-module", "/modules/reach-impressions-frequency"),
    ("learner2@example.com", "new-skill-module", "/modules/social-shops-checkout"),
    ("learner2@example.com", "new-skill-course", "/courses/team-wellbeing"),
    ("manager@example.com", "team", "/team"),
    ("manager@example.com", "person", "PERSON"),
    ("admin@example.com", "admin", "/admin"),
    ("admin@example.com", "admin-users", "/admin/users"),
    ("admin@example.com", "admin-content", "/admin/content"),
    ("admin@example.com", "admin-editor", "/admin/content/module/kpi-tree"),
    ("admin@example.com", "admin-items", "/admin/items"),
    ("admin@example.com", "admin-review", "/admin/review"),
    ("admin@example.com", "admin-organisation", "/admin/organisation"),
]


def resolve(page, path: str) -> str:  # type: ignore[no-untyped-def]
    """A page's path; the placeholders are found (or set up) through the site."""
    if path == "RESULT":
        page.goto("/assessments")
        return page.locator("a:has-text('View result')").first.get_attribute("href")
    if path == "DIAGNOSTIC_RESULT":
        page.goto("/assessments")
        row = page.locator("tr:has-text('diagnostic'):has(a:has-text('View result'))")
        return row.first.locator("a").get_attribute("href")
    if path == "PROGRESS":  # a diagnostic under way: one page answered and saved
        page.goto("/assessments/diagnostic/take")
        if page.locator("button[value=start]").count():
            click_and_load(page, "button[value=start]")
        page.locator("fieldset.question input[name^=q-]").first.check()
        click_and_load(page, "button[value=save]")
        return "/"
    if path == "CREDENTIAL":  # claimed at the first width, found in the list at the next
        page.goto("/credentials")
        claimed = page.locator("table a[href^='/credentials/']")
        if not claimed.count():
            page.click("button:has-text('Claim this credential')")
            page.wait_for_url(re.compile(r"/credentials/[0-9a-f-]{36}$"))
            return page.url
        return claimed.first.get_attribute("href")
    if path == "PERSON":
        page.goto("/team")
        return page.locator("table.matrix tbody th a").first.get_attribute("href")
    return path


def test_no_serious_or_critical_violations_on_the_main_pages(new_page, capsys):
    report = []
    pages_by_user: dict[str | None, object] = {}
    for width in WIDTHS:
        pages_by_user.clear()
        for who, name, path in PAGES:
            if who not in pages_by_user:
                page = new_page(width=width)
                if who:
                    sign_in(page, who)
                pages_by_user[who] = page
            page = pages_by_user[who]
            path = resolve(page, path)
            page.goto(path)
            if (
                name in ("take-quiz", "adaptive-take")
                and page.locator("button[value=start]").count()
            ):
                click_and_load(page, "button[value=start]")
            if name == "adaptive-take":  # one question at a time, its answer and confidence
                assert page.locator("fieldset.question").count() == 1
                assert page.locator("input[name^=c-]").count() == 3
            violations = run_axe(page)
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            report.append(
                {
                    "page": name,
                    "width": width,
                    "violations": len(violations),
                    "serious_or_critical": len(serious),
                    "details": [f"{v['id']} ({v['impact']})" for v in violations],
                }
            )
            screenshot(page, f"{name}-{width}")
            if (name, width) in README_SHOTS:
                suffix = "" if width == 1280 else "-phone"
                page.screenshot(path=str(ARTIFACTS / "screenshots" / f"readme-{name}{suffix}.png"))
    write_report("axe-report.json", report)
    with capsys.disabled():
        print()
        for row in report:
            print(
                f"axe {row['page']:<20} {row['width']:>4}px: {row['violations']} violations, "
                f"{row['serious_or_critical']} serious/critical {row['details'] or ''}"
            )
    assert [r for r in report if r["serious_or_critical"]] == []
    assert len(report) == len(PAGES) * len(WIDTHS)


def tab_to_start(page) -> None:  # type: ignore[no-untyped-def]
    """Tab from the top of the page (the skip link first) to the Start button."""
    page.keyboard.press("Tab")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.value") == "start":
            return
    raise AssertionError("Tab never reached the Start button")


def test_the_take_quiz_page_works_with_the_keyboard_alone(new_page, server):
    from tests.e2e.conftest import correct_choices

    page = new_page()
    sign_in(page, "learner3@example.com")
    page.goto("/assessments/utm-tracking-check/take")
    tab_to_start(page)
    page.keyboard.press("Enter")
    page.wait_for_selector("fieldset.question")
    keys = correct_choices(server, "utm-tracking-check")
    for _ in range(200):
        active = page.evaluate(LABELLED_FOCUS)
        if active["name"].startswith("q-"):
            wanted = keys[active["name"][2:]]
            if active["type"] == "radio":
                # Arrow keys move within a radio group; Space selects the focused one.
                label = active["label"]
                while label != wanted[0]:
                    page.keyboard.press("ArrowDown")
                    label = page.evaluate(LABELLED_FOCUS)["label"]
                # Tab focuses the first radio without choosing it (when the
                # shuffled order puts the key first, no arrow key was pressed).
                page.keyboard.press("Space")
            elif active["label"] in wanted:
                page.keyboard.press("Space")
        if active["value"] == "submit":
            page.keyboard.press("Enter")
            break
        page.keyboard.press("Tab")
    page.wait_for_url(re.compile(r"/results/\d+"))
    assert "Passed: 100%" in page.content()


def serious_violations(page, name: str, report: list) -> None:  # type: ignore[no-untyped-def]
    """axe-core at 1280 and 375 px on the page as it is; rows added to ``report``."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        violations = run_axe(page)
        report.append(
            {
                "page": name,
                "width": width,
                "violations": len(violations),
                "serious_or_critical": [
                    f"{v['id']} ({v['impact']})"
                    for v in violations
                    if v["impact"] in ("serious", "critical")
                ],
                "details": [f"{v['id']} ({v['impact']})" for v in violations],
            }
        )
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_adaptive_section_works_with_the_keyboard_alone(new_page, server, capsys):
    """One skill's adaptive section, keys only: Tab to Start, Enter; per question
    Tab to the options, arrow keys to the right one (Space when it comes first),
    Tab to "How sure are you?", arrow keys to "Certain", Tab to "Save and
    continue", Enter; until the engine has placed the level and the result shows.
    axe-core on the take page and on the result, at desktop and phone width."""
    from tests.e2e.conftest import correct_choices

    report: list[dict] = []
    page = new_page()
    # Lena was last measured 30 days ago: past the 7-day re-take interval.
    sign_in(page, "learner1@example.com")
    page.goto("/assessments/diagnostic/take?skill=paid-social")
    tab_to_start(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("fieldset.question")
    serious_violations(page, "adaptive-take-keyboard", report)
    keys = correct_choices(server, "bank-paid-social")  # the skill's item bank
    asked: list[str] = []
    while not re.search(r"/results/\d+", page.url):
        assert len(asked) < 20, "still asking after 20 questions"
        question = page.locator("input[type=hidden][name=question]").input_value()
        assert question not in asked  # an answered question is never shown again
        assert f"question {len(asked) + 1} of this skill" in page.locator("main").inner_text()
        seen = []  # what had focus, in Tab order
        for _ in range(60):
            page.keyboard.press("Tab")
            active = page.evaluate(LABELLED_FOCUS)
            answerable = active["name"].startswith(("q-", "c-"))
            seen.append(active["name"] if answerable else active["value"])
            if active["name"] == f"q-{question}":
                wanted = keys[question]
                if active["type"] == "checkbox":  # "select all that apply": each its own stop
                    if active["label"] in wanted:
                        page.keyboard.press("Space")
                    continue
                label = active["label"]
                for _ in range(10):
                    if label == wanted[0]:
                        break
                    page.keyboard.press("ArrowDown")  # moves within the group and selects
                    label = page.evaluate(LABELLED_FOCUS)["label"]
                assert label == wanted[0], (label, wanted)
                page.keyboard.press("Space")  # selects it if no arrow key was needed
            elif active["name"] == f"c-{question}":
                for _ in range(3):
                    if page.evaluate(LABELLED_FOCUS)["value"] == "certain":
                        break
                    page.keyboard.press("ArrowDown")
                page.keyboard.press("Space")
            elif active["value"] == "next":
                break
        # Options first, then the confidence, then "Save and continue".
        assert seen[-1] == "next" and f"q-{question}" in seen and f"c-{question}" in seen, seen
        assert seen.index(f"q-{question}") < seen.index(f"c-{question}"), seen
        chosen = page.locator(f"input[name=q-{question}]:checked")
        assert sorted(chosen.evaluate_all(LABELS)) == sorted(keys[question])
        assert page.locator(f"input[name=c-{question}][value=certain]:checked").count() == 1
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "Answer the question to go on." not in page.content()
        asked.append(question)
    # Every answer right: the engine stopped within its bounds, near the top. (With
    # today's paid-social bank a perfect run may end at 20 items "not decided
    # yet" between Intermediate and Advanced, at a domain score of about 90%.)
    assert 5 <= len(asked) <= 20, asked
    card = page.locator("li.result-card").first.inner_text()
    assert "Paid social" in card and f"{len(asked)} asked" in card, card
    assert re.search(
        r"Tested\s+(Advanced — \d+% sure|Not decided yet: most likely (Advanced|Intermediate)"
        r" \(\d+%\))",
        card,
    ), card
    interval = re.search(r"Domain score\s+(\d+)% \(90% interval (\d+)–(\d+)%\)", card)
    assert interval and int(interval[2]) <= int(interval[1]) <= int(interval[3]), card
    assert int(interval[1]) >= 75, card
    assert f"0 of the {len(asked)} answers you were certain of" in card, card
    serious_violations(page, "adaptive-result-keyboard", report)
    write_report("axe-report-adaptive.json", report)
    with capsys.disabled():
        print()
        for row in report:
            print(
                f"axe {row['page']:<24} {row['width']:>4}px: {row['violations']} violations, "
                f"{len(row['serious_or_critical'])} serious/critical {row['details'] or ''}"
            )
        print(f"keyboard-only adaptive section: {len(asked)} questions")
    assert [r for r in report if r["serious_or_critical"]] == []
