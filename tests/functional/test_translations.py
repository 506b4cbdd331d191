"""Content translations: imported beside their sources, refused when they would
change what is scored, shown to readers of their language, listed as outdated
with the source's diff when the English moves on, and edited with revisions."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.exporter import export_content
from skillgap.curriculum.importer import import_content
from skillgap.models import ContentTranslation, Revision, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, csrf_token, login, reread

TRANSLATIONS = Path(__file__).parent.parent / "fixtures" / "translations"
PLACES = {
    "framework.nl.yml": "courses/framework.nl.yml",
    "course.nl.md": "courses/alpha/course.nl.md",
    "01-first-steps.nl.md": "courses/alpha/01-first-steps.nl.md",
    "second-steps-check.nl.md": "quizzes/second-steps-check.nl.md",
}
DUTCH = {"Accept-Language": "nl"}


@pytest.fixture
def root(tmp_path):
    """The fixture curriculum with Dutch translations beside four of its items."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    for name, place in PLACES.items():
        shutil.copy(TRANSLATIONS / name, root / place)
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


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_import_stores_each_translation_with_the_source_revision(db, root):
    report = import_content(db, root)
    db.commit()
    rows = {(str(r.kind), r.item_id): r for r in db.scalars(select(ContentTranslation))}
    assert set(rows) == {
        ("framework", "framework"),
        ("course", "alpha"),
        ("module", "first-steps"),
        ("quiz", "second-steps-check"),
    }
    assert report.counts["translations"].created == 4
    assert {r.source_revision for r in rows.values()} == {1}
    assert "Begin bij het bedrijfsdoel" in rows[("module", "first-steps")].body_html
    assert "<h1" not in rows[("module", "first-steps")].body_html  # the page shows the title
    # The words the rendering adds are in the translation's language too.
    assert 'title="Link naar dit deel"' in rows[("module", "first-steps")].body_html
    assert import_content(db, root).counts["translations"].unchanged == 4  # idempotent


def test_a_learner_reads_dutch_where_it_exists_and_english_marked_elsewhere(app, admin, db):
    learner = app.test_client()
    login(learner, "lee@example.org")
    dutch = learner.get("/modules/first-steps", headers=DUTCH).get_data(as_text=True)
    assert "Eerste stappen in planning" in dutch and "Northwind Coffee wil" in dutch
    english = learner.get("/modules/first-steps").get_data(as_text=True)
    assert "First steps in planning" in english and "wil meer" not in english
    untranslated = learner.get("/modules/second-steps", headers=DUTCH).get_data(as_text=True)
    assert 'lang="en"' in untranslated  # the English body is marked as English
    course = learner.get("/courses/alpha", headers=DUTCH).get_data(as_text=True)
    assert "Alfa planning" in course and "Eerste stappen in planning" in course


@pytest.mark.parametrize(
    ("place", "old", "new", "problem"),
    [
        (
            "quizzes/second-steps-check.nl.md",
            "- [ ] Zoveel posts",
            "- [x] Zoveel posts",
            "quizzes/second-steps-check.nl.md:5: [x] must mark the same options",
        ),
        (
            "quizzes/second-steps-check.nl.md",
            "skill: strategy-planning",
            "skill: platform-metrics",
            "quizzes/second-steps-check.nl.md:5: skill is 'platform-metrics'",
        ),
        (
            "courses/alpha/01-first-steps.nl.md",
            "title: Eerste stappen in planning",
            "title: Eerste stappen\nminutes: 5",
            "courses/alpha/01-first-steps.nl.md:3: a translation's front matter holds only title",
        ),
        (
            "courses/framework.nl.yml",
            "  very: {label: Zeer bekwaam}",
            "  unknown: {label: Zeer bekwaam}",
            "courses/framework.nl.yml:8: the framework has no self_ratings entry 'unknown'",
        ),
    ],
)
def test_a_translation_that_would_change_the_item_is_refused_with_its_line(
    db, root, place, old, new, problem
):
    edit(root, place, old, new)
    with pytest.raises(ContentInvalidError) as refused:
        import_content(db, root)
    assert any(str(e).startswith(problem) for e in refused.value.errors), refused.value.errors
    db.rollback()
    assert db.scalar(select(func.count()).select_from(ContentTranslation)) == 0


def test_files_in_an_unknown_language_or_without_a_source_are_refused(db, root):
    shutil.copy(
        root / "courses/alpha/01-first-steps.nl.md", root / "courses/alpha/01-first-steps.de.md"
    )
    shutil.copy(root / "courses/alpha/01-first-steps.nl.md", root / "courses/alpha/09-gone.nl.md")
    with pytest.raises(ContentInvalidError) as refused:
        import_content(db, root)
    found = {str(e) for e in refused.value.errors}
    assert (
        "courses/alpha/01-first-steps.de.md:1: unknown language 'de' (Skillgap speaks en, nl)"
        in found
    )
    assert (
        "courses/alpha/09-gone.nl.md:1: there is no courses/alpha/09-gone.md for this to translate"
        in found
    )


def test_changing_the_source_marks_the_translation_outdated_with_the_diff(app, admin, db, root):
    listing = admin.get("/admin/translations").get_data(as_text=True)
    assert "0 outdated" in listing
    edit(
        root, "courses/alpha/01-first-steps.md", "then the channel.", "then the channel and budget."
    )
    import_content(db, root)
    db.commit()
    listing = admin.get("/admin/translations").get_data(as_text=True)
    assert "1 outdated" in listing
    row = listing.split("translation-outdated", 1)[1].split("</tr>", 1)[0]
    assert "First steps in planning" in row and "courses/alpha/01-first-steps.nl.md" in row
    page = admin.get("/admin/translations/module/first-steps/nl").get_data(as_text=True)
    assert "made from source revision 1; the source is now at revision 2" in page
    assert "then the channel and budget." in page and "then the channel." in page  # the diff


def test_saving_in_the_browser_brings_it_up_to_date_and_keeps_history(app, admin, db, root):
    edit(
        root, "courses/alpha/01-first-steps.md", "then the channel.", "then the channel and budget."
    )
    import_content(db, root)
    db.commit()
    url = "/admin/translations/module/first-steps/nl"
    text = (root / "courses/alpha/01-first-steps.nl.md").read_text(encoding="utf-8")
    text = text.replace("dan het kanaal.", "dan het kanaal en het budget.")
    saved = admin.post(url, data={"source": text, "csrf_token": csrf_token(admin, url)})
    assert saved.status_code == 302
    reread(db)
    row = db.scalar(select(ContentTranslation).where(ContentTranslation.item_id == "first-steps"))
    assert row.source_revision == 2 and "het kanaal en het budget" in row.body_html
    numbers = db.scalars(
        select(Revision.number)
        .where(Revision.item_id == "first-steps.nl")
        .order_by(Revision.number)
    ).all()
    assert numbers == [1, 2]
    assert "0 outdated" in admin.get("/admin/translations").get_data(as_text=True)


def test_a_bad_translation_is_refused_in_the_editor_and_nothing_changes(app, admin, db, root):
    url = "/admin/translations/quiz/second-steps-check/nl"
    text = (root / "quizzes/second-steps-check.nl.md").read_text(encoding="utf-8")
    bad = text.replace("- [ ] Zoveel posts", "- [x] Zoveel posts")
    refused = admin.post(url, data={"source": bad, "csrf_token": csrf_token(admin, url)})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "quizzes/second-steps-check.nl.md:5: [x] must mark the same options" in page
    assert "- [x] Zoveel posts" in page  # what the admin typed is kept
    reread(db)
    row = db.scalar(
        select(ContentTranslation).where(ContentTranslation.item_id == "second-steps-check")
    )
    assert row.source == text


def test_only_admins_see_translations(app, admin, db):
    learner = app.test_client()
    login(learner, "lee@example.org")
    assert learner.get("/admin/translations").status_code == 403
    assert learner.get("/admin/translations/module/first-steps/nl").status_code == 403
    assert admin.get("/admin/translations/module/first-steps/de").status_code == 404
    assert admin.get("/admin/translations/module/nothing/nl").status_code == 404


def test_export_writes_translations_back_byte_for_byte(db, root, tmp_path):
    import_content(db, root)
    db.commit()
    out = tmp_path / "out"
    export_content(db, out)
    for place in PLACES.values():
        assert (out / place).read_bytes() == (root / place).read_bytes(), place


def numbers_in(page: str) -> list[str]:
    """Every number of the page's main content, in order of size (a Dutch sentence
    may order its words differently; dates and scores have the same digits)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return sorted(re.findall(r"\d+", re.sub(r"<[^>]+>", " ", main)))


def test_the_dutch_and_english_result_pages_of_one_attempt_show_the_same_scores(app, admin, db):
    from tests.functional.test_assessments import (
        attempt_of,
        correct_choice,
        post_answers,
        questions_of,
        start,
    )

    learner = app.test_client()
    login(learner, "lee@example.org")
    assert start(learner, "second-steps-check").status_code in (200, 302)
    lee = db.scalar(select(User).where(User.email == "lee@example.org"))
    attempt = attempt_of(db, lee.id, "second-steps-check")
    (question,) = questions_of(db, attempt)
    taking = learner.get("/assessments/second-steps-check/take", headers=DUTCH)
    assert "Welk publicatieritme kiest een team van twee?" in taking.get_data(as_text=True)
    post_answers(learner, "second-steps-check", attempt, {question.id: correct_choice(question)})
    post_answers(learner, "second-steps-check", attempt, {}, "submit")
    english = learner.get(f"/results/{attempt.id}").get_data(as_text=True)
    dutch = learner.get(f"/results/{attempt.id}", headers=DUTCH).get_data(as_text=True)
    assert "Which cadence should a two-person team choose?" in english
    assert "Welk publicatieritme kiest een team van twee?" in dutch
    assert "Een ritme dat het team elke week volhoudt" in dutch  # the options, too
    assert numbers_in(dutch) == numbers_in(english)
    assert "100%" in dutch
