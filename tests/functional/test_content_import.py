"""The importer: all-or-nothing, every error as file:line: reason, idempotent."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import import_content
from skillgap.models import Base, Module, ModuleCompletion
from tests import factories
from tests.conftest import FIXTURE_CONTENT, PROJECT_ROOT, reread


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A writable copy of the small test curriculum."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    return root


def snapshot(db) -> dict[str, list[tuple]]:
    reread(db)
    return {
        table.name: sorted(tuple(map(str, row)) for row in db.execute(select(table)))
        for table in Base.metadata.sorted_tables
    }


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


ALPHA_2 = "courses/alpha/02-second-steps.md"
BETA_1 = "courses/beta/01-reach-basics.md"

ERROR_CASES = {
    "bad yaml": (
        lambda root: edit(root / BETA_1, "minutes: 15", "minutes: [15"),
        f"{BETA_1}:5: invalid YAML",
    ),
    "missing title": (
        lambda root: edit(root / BETA_1, "title: Reach basics\n", ""),
        f"{BETA_1}:1: missing title",
    ),
    "unknown skill": (
        lambda root: edit(root / ALPHA_2, "platform-metrics]", "platform-metricz]"),
        f"{ALPHA_2}:3: unknown skill 'platform-metricz'",
    ),
    "unknown level": (
        lambda root: edit(root / ALPHA_2, "level: intermediate", "level: expert"),
        f"{ALPHA_2}:4: unknown level 'expert'",
    ),
    "unknown prerequisite": (
        lambda root: edit(root / BETA_1, "prerequisites: [first-steps]", "prerequisites: [nope]"),
        f"{BETA_1}:6: unknown prerequisite 'nope'",
    ),
    "cyclic prerequisite": (
        lambda root: edit(
            root / "courses/alpha/01-first-steps.md",
            "prerequisites: []",
            "prerequisites: [second-steps]",
        ),
        "courses/alpha/01-first-steps.md:6: prerequisites form a cycle: "
        "first-steps -> second-steps -> first-steps",
    ),
    "duplicate id": (
        lambda root: shutil.copy(root / BETA_1, root / "courses/alpha/03-reach-basics.md"),
        "courses/beta/01-reach-basics.md:1: duplicate module id 'reach-basics': "
        "also courses/alpha/03-reach-basics.md",
    ),
    "unknown check quiz": (
        lambda root: edit(root / ALPHA_2, "check: second-steps-check", "check: no-such-quiz"),
        f"{ALPHA_2}:7: unknown check quiz 'no-such-quiz'",
    ),
    "unknown level in the framework": (
        lambda root: edit(
            root / "courses/framework.yml", "platform-metrics: entry", "platform-metrics: guru"
        ),
        "courses/framework.yml:17: unknown level 'guru'",
    ),
    "bad minutes": (
        lambda root: edit(root / BETA_1, "minutes: 15", "minutes: a while"),
        f"{BETA_1}:5: minutes must be a whole number",
    ),
    "misspelt key": (
        lambda root: edit(root / BETA_1, "level: entry", "levle: entry"),
        f"{BETA_1}:4: unknown key 'levle'",
    ),
    "bad file name": (
        lambda root: (root / BETA_1).rename(root / "courses/beta/reach.md"),
        "courses/beta/reach.md:1: module file names look like NN-module-id.md",
    ),
    "no front matter": (
        lambda root: (root / BETA_1).write_text("# Reach basics\n\nText.\n"),
        f"{BETA_1}:1: the file must start with a '---' line",
    ),
    "NUL character": (  # PostgreSQL cannot store it; found by the fuzz test
        lambda root: edit(root / BETA_1, "| reach |", "\x00| reach |"),
        f"{BETA_1}:14: the text contains a NUL character",
    ),
    "course without course.md": (
        lambda root: (root / "courses/beta/course.md").unlink(),
        "courses/beta/course.md:1: every course folder needs a course.md",
    ),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_each_error_is_reported_with_file_and_line_and_nothing_changes(db, tree, case):
    import_content(db, tree)  # a first, valid import
    db.commit()
    before = snapshot(db)
    break_it, expected = ERROR_CASES[case]
    edit(tree / ALPHA_2, "A content calendar", "An EDITED content calendar")  # a valid change too
    break_it(tree)
    with pytest.raises(ContentInvalidError) as raised:
        import_content(db, tree)
    db.rollback()
    messages = [str(error) for error in raised.value.errors]
    assert any(message.startswith(expected) for message in messages), messages
    assert snapshot(db) == before  # not half-imported: even the valid edit is not applied


def test_all_errors_are_reported_at_once(db, tree):
    edit(tree / BETA_1, "level: entry", "level: expert")
    edit(tree / ALPHA_2, "prerequisites: [first-steps]", "prerequisites: [ghost]")
    edit(tree / "courses/alpha/course.md", "title: Alpha planning\n", "")
    with pytest.raises(ContentInvalidError) as raised:
        import_content(db, tree)
    assert [f"{e.path}:{e.line}" for e in raised.value.errors] == [
        "courses/alpha/02-second-steps.md:6",
        "courses/alpha/course.md:1",
        "courses/beta/01-reach-basics.md:4",
    ]


def test_second_import_of_unchanged_files_changes_nothing(db, tree):
    first = import_content(db, tree)
    db.commit()
    assert first.changed and first.counts["modules"].created == 3
    before = snapshot(db)
    second = import_content(db, tree)
    assert not second.changed
    assert second.counts["modules"].unchanged == 3 and second.counts["courses"].unchanged == 2
    assert not db.dirty and not db.new
    db.commit()
    assert snapshot(db) == before


def test_an_edit_updates_one_module_and_a_removal_unpublishes_but_keeps_progress(db, tree):
    import_content(db, tree)
    learner = factories.make_user(db)
    db.add(ModuleCompletion(user_id=learner.id, module_id="reach-basics"))
    db.commit()
    edit(tree / ALPHA_2, "Pick a cadence", "Pick a **weekly** cadence")
    (tree / BETA_1).unlink()
    report = import_content(db, tree)
    db.commit()
    assert report.counts["modules"].updated == 1
    assert report.counts["modules"].unpublished == 1
    reread(db)
    assert "<strong>weekly</strong>" in db.get(Module, "second-steps").body_html
    assert db.get(Module, "reach-basics").published is False
    assert db.get(ModuleCompletion, (learner.id, "reach-basics")) is not None


@pytest.mark.slow
def test_cli_imports_the_bundled_content_then_reports_no_changes(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["content", "import", str(PROJECT_ROOT)])
    assert first.exit_code == 0, first.output
    expected = bundled_counts()
    for kind, count in expected.items():
        assert re.search(rf"{kind}\s+{count} created\s+0 updated\s+0 unchanged", first.output), kind
    second = runner.invoke(args=["content", "import", str(PROJECT_ROOT)])
    assert second.exit_code == 0
    assert "No changes: the database already matches the files." in second.output
    modules = expected["modules"]
    assert re.search(rf"modules\s+0 created\s+0 updated\s+{modules} unchanged", second.output)


def bundled_counts() -> dict[str, int]:
    """What the bundled files hold, counted from the files themselves."""
    import yaml

    courses = PROJECT_ROOT / "courses"
    framework = yaml.safe_load((courses / "framework.yml").read_text())
    folders = [p for p in courses.iterdir() if p.is_dir() and p.name != "metrics"]
    return {
        "skills": len(framework["skills"]),
        "roles": len(framework["roles"]),
        "courses": len(folders),
        # NN-id.md; NN-id.nl.md is its translation, counted apart.
        "modules": sum(
            len([p for p in f.glob("[0-9]*-*.md") if "." not in p.stem]) for f in folders
        ),
        "translations": len(list(courses.rglob("*.nl.*")))
        + len(list((PROJECT_ROOT / "quizzes").rglob("*.nl.md"))),
        "metric-files": len(list((courses / "metrics").glob("*.yml"))),
    }


def test_cli_lists_errors_and_exits_non_zero(app, tree):
    edit(tree / BETA_1, "level: entry", "level: expert")
    result = app.test_cli_runner().invoke(args=["content", "import", str(tree)])
    assert result.exit_code == 1
    assert f"{BETA_1}:4: unknown level 'expert'" in result.output
    assert "1 error(s) found; nothing was imported." in result.output
