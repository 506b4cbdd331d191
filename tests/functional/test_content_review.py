"""Freshness: review dates read from the files (and refused with file:line when
wrong), /admin/review and ``flask content stale`` listing what is overdue, due
soon or cites a metric whose definition changed after the item was reviewed,
and the learner's note on an overdue module."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta

import pytest
from babel.dates import format_date

from skillgap import clock
from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import import_content
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, login
from tests.functional.test_authoring import editor_state, publish, save

EDIT = "/admin/content/metrics/formulas"
TODAY = date.today()


def long_date(day: date) -> str:
    """A date as the pages show it in English (i18n.day): "May 1, 2025"."""
    return format_date(day, "long", locale="en")


def dated(root, relative: str, lines: str) -> None:
    """Add front-matter lines to one file of the copy."""
    path = root / relative
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\n---\n", f"\n{lines}\n---\n", 1), encoding="utf-8")


@pytest.fixture
def root(tmp_path):
    """The fixture curriculum with review dates: first-steps long overdue,
    second-steps due in ten days, reach-basics recent (it cites the dictionary);
    the quiz files recent too, except the diagnostic, never reviewed."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    recent = TODAY - timedelta(days=20)
    dated(root, "courses/alpha/01-first-steps.md", "reviewed: 2024-05-01")
    dated(
        root,
        "courses/alpha/02-second-steps.md",
        f"reviewed: {recent}\nreview_after: {TODAY + timedelta(days=10)}",
    )
    dated(root, "courses/beta/01-reach-basics.md", f"reviewed: {recent}")
    for quiz in ("second-steps-check", "self-assessment"):
        dated(root, f"quizzes/{quiz}.md", f"reviewed: {recent}")
    return root


@pytest.fixture
def admin(app, db, root):
    import_content(db, root)
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    factories.make_user(db, email="lee@example.org")
    db.commit()
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def review_page(client) -> str:
    response = client.get("/admin/review")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def section(page: str, heading: str) -> str:
    return page.split(heading, 1)[1].split("</section>", 1)[0]


def test_the_review_page_lists_overdue_never_reviewed_and_due_soon(admin):
    page = review_page(admin)
    overdue = section(page, "Overdue (")
    assert "First steps in planning" in overdue
    assert "review was due on May 1, 2025 (reviewed May 1, 2024)" in overdue  # a year later
    assert "Test diagnostic" in overdue and "never reviewed" in overdue
    assert "Reach basics" not in page  # reviewed 20 days ago, due in six months
    soon = section(page, "Due in the next 30 days (")
    assert "Second steps with calendars" in soon
    assert f"due on {long_date(TODAY + timedelta(days=10))}" in soon
    assert 'href="/admin/content/module/first-steps"' in overdue  # straight to the editor


def test_the_reasons_are_in_the_readers_language(admin):
    page = review_page_in(admin, "nl")
    overdue = section(page, "Verlopen (")
    assert "herziening stond gepland op 1 mei 2025 (herzien op 1 mei 2024)" in overdue
    assert "nooit herzien" in overdue and "review was due" not in page


def review_page_in(client, language: str) -> str:
    response = client.get("/admin/review", headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_platform_metrics_content_is_due_after_six_months(app, db, root):
    path = root / "courses" / "beta" / "01-reach-basics.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(f"reviewed: {TODAY - timedelta(days=20)}", "reviewed: 2026-01-10"))
    import_content(db, root)
    db.commit()
    from skillgap.services.content_review import review_report

    with app.app_context():  # the reasons' dates are in the site's language
        report = review_report(db, date(2026, 7, 11))
    reach = next(item for item in report.overdue if item.label == "Reach basics")
    assert reach.review_after == date(2026, 7, 10)  # platform metrics: six months
    first = next(item for item in report.overdue if item.label == "First steps in planning")
    assert first.review_after == date(2025, 5, 1)  # strategy: a year


def test_only_admins_see_the_review_page(app, admin):
    learner = app.test_client()
    login(learner, "lee@example.org")
    assert learner.get("/admin/review").status_code in (403, 404)


def test_a_dictionary_edit_flags_the_modules_citing_it(admin):
    assert "frequency" not in section(review_page(admin), "Overdue (")
    text, base = editor_state(admin, EDIT)
    edited = text.replace(
        "How many times, on average, each account reached saw the content.",
        "The average number of showings per account reached.",
    )
    assert save(admin, edited, base, "clearer", path=EDIT).status_code == 302
    assert publish(admin, EDIT).status_code == 302
    # The module shows the new definition at once, and is flagged for review.
    assert "showings per account" in admin.get("/modules/reach-basics").get_data(as_text=True)
    overdue = section(review_page(admin), "Overdue (")
    assert "Reach basics" in overdue
    recent = TODAY - timedelta(days=20)
    assert (
        f"cites frequency, whose definition changed on {long_date(clock.now().date())}, "
        f"after this was reviewed on {long_date(recent)}"
    ) in overdue


def test_an_edit_that_keeps_the_meaning_flags_nothing(admin):
    text, base = editor_state(admin, EDIT)
    edited = text.replace("source_title: Frequency", "source_title: About ad frequency", 1)
    assert edited != text
    assert save(admin, edited, base, "source title", path=EDIT).status_code == 302
    assert publish(admin, EDIT).status_code == 302
    assert "Reach basics" not in review_page(admin)


def test_the_stale_command_prints_the_list_and_fails_when_something_is_overdue(app, admin, root):
    result = app.test_cli_runner().invoke(args=["content", "stale"])
    assert result.exit_code == 1
    assert "Overdue: 2" in result.output  # first-steps and the never-reviewed diagnostic
    assert (
        "courses/alpha/01-first-steps.md: First steps in planning: review was due" in result.output
    )
    assert "Due soon: 1" in result.output


def test_a_clean_curriculum_passes_the_stale_command(app, db, tmp_path):
    root = tmp_path / "fresh"
    shutil.copytree(FIXTURE_CONTENT, root)
    for module in root.glob("courses/*/[0-9]*.md"):
        dated(root, str(module.relative_to(root)), f"reviewed: {TODAY}")
    for quiz in root.glob("quizzes/*.md"):
        dated(root, str(quiz.relative_to(root)), f"reviewed: {TODAY}")
    import_content(db, root)
    db.commit()
    result = app.test_cli_runner().invoke(args=["content", "stale"])
    assert result.output.splitlines()[0] == "Overdue: 0", result.output
    assert result.exit_code == 0


def test_learners_see_a_note_on_an_overdue_module(app, admin, monkeypatch):
    learner = app.test_client()
    login(learner, "lee@example.org")
    overdue = learner.get("/modules/first-steps").get_data(as_text=True)
    assert "This module was due for review on 1 May 2025" in overdue
    assert "was due for review" not in learner.get("/modules/reach-basics").get_data(as_text=True)
    later = datetime.combine(TODAY + timedelta(days=400), datetime.min.time()).astimezone()
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "was due for review" in learner.get("/modules/reach-basics").get_data(as_text=True)


@pytest.mark.parametrize(
    ("lines", "problem"),
    [
        ("reviewed: 2026-13-01", "'2026-13-01' is not a real date"),
        ("reviewed: soon", "reviewed must be a date (YYYY-MM-DD)"),
        (f"reviewed: {TODAY + timedelta(days=1)}", "is in the future"),
        ("reviewed: 2026-05-01\nreview_after: 2026-04-01", "review_after must be after reviewed"),
    ],
)
def test_bad_review_dates_are_refused_with_their_line(db, tmp_path, lines, problem):
    root = tmp_path / "bad"
    shutil.copytree(FIXTURE_CONTENT, root)
    dated(root, "courses/alpha/01-first-steps.md", lines)
    with pytest.raises(ContentInvalidError) as refused:
        import_content(db, root)
    errors = [str(e) for e in refused.value.errors]
    mine = [e for e in errors if e.startswith("courses/alpha/01-first-steps.md:")]
    assert len(mine) == 1 and problem in mine[0], errors


@pytest.mark.slow
def test_the_bundled_curriculum_has_nothing_overdue(app, bundled_content):
    result = app.test_cli_runner().invoke(args=["content", "stale"])
    assert result.output.splitlines()[0] == "Overdue: 0", result.output
    assert result.exit_code == 0
