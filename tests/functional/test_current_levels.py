"""Kept current levels (services/current_levels.py): written in the transaction
that changes what they depend on, checked against the history by `levels verify`."""

from __future__ import annotations

import shutil
import threading

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from skillgap import create_app
from skillgap.curriculum.importer import import_content
from skillgap.db import database
from skillgap.models import KeptLevel, TargetOverride, User
from skillgap.roles import Role
from skillgap.services import current_levels
from tests import factories
from tests.conftest import FIXTURE_CONTENT, app_config, reread
from tests.functional.test_matrix import give_results


def kept(db, user) -> dict[str, tuple]:
    rows = db.scalars(select(KeptLevel).where(KeptLevel.user_id == user.id))
    return {
        r.skill_id: (
            r.level_id,
            r.tested_level_id,
            r.self_level_id,
            r.target_level_id,
            r.target_source,
        )
        for r in rows
    }


def test_a_new_person_has_a_row_per_skill_at_the_lowest_level_and_the_default_target(db, content):
    ava = factories.make_user(db, email="ava@example.org")
    db.commit()
    assert kept(db, ava) == {
        "strategy-planning": ("below-entry", None, None, "entry", "default"),
        "platform-metrics": ("below-entry", None, None, "entry", "default"),
    }


def test_results_overrides_and_role_profiles_rewrite_the_persons_rows(db, content):
    ava = factories.make_user(db, email="ava@example.org")
    ben = factories.make_user(db, email="ben@example.org")
    db.commit()
    give_results(db, ava, {"strategy-planning": 1}, kind="self-assessment")
    db.commit()
    assert kept(db, ava)["strategy-planning"][:3] == ("entry", None, "entry")
    give_results(db, ava, {"strategy-planning": 3})  # tested beats self-rated
    db.commit()
    assert kept(db, ava)["strategy-planning"][:3] == ("advanced", "advanced", "entry")

    reread(db)
    db.get(User, ava.id).role_profile = "social-media-manager"
    db.commit()
    assert kept(db, ava)["strategy-planning"][3:] == ("intermediate", "role")
    db.add(TargetOverride(user_id=ava.id, skill_id="platform-metrics", level_id="advanced"))
    db.commit()
    assert kept(db, ava)["platform-metrics"][3:] == ("advanced", "manager")
    # Ben's rows were not touched by any of it.
    assert kept(db, ben)["strategy-planning"] == ("below-entry", None, None, "entry", "default")
    assert current_levels.verify(db) == []


def test_a_rolled_back_change_leaves_the_rows_as_they_were(db, content):
    ava = factories.make_user(db, email="ava@example.org")
    db.commit()
    before = kept(db, ava)
    give_results(db, ava, {"strategy-planning": 3})
    db.rollback()
    assert kept(db, ava) == before


def test_a_content_import_that_changes_role_targets_rewrites_everyone(db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    import_content(db, root)
    people = [
        factories.make_user(db, email=f"p{n}@example.org", role_profile="social-media-manager")
        for n in range(3)
    ]
    db.commit()
    assert {kept(db, p)["platform-metrics"][3] for p in people} == {"entry"}
    framework = root / "courses" / "framework.yml"
    framework.write_text(
        framework.read_text().replace("platform-metrics: entry", "platform-metrics: advanced")
    )
    import_content(db, root)
    db.commit()
    assert {kept(db, p)["platform-metrics"][3] for p in people} == {"advanced"}


def test_verify_finds_a_row_changed_behind_the_apps_back_and_rebuild_repairs_it(app, db, content):
    ava = factories.make_user(db, Role.LEARNER, email="ava@example.org")
    give_results(db, ava, {"strategy-planning": 2})
    db.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["levels", "verify"])
    assert result.exit_code == 0, result.output
    assert "2 kept levels of 1 people: all agree with the history." in result.output
    # A raw write that bypasses the session events (as a hand-run SQL fix would).
    with db.get_bind().connect() as connection:
        connection.execute(
            text(
                "UPDATE current_levels SET level_id = 'advanced' WHERE user_id = :id"
                " AND skill_id = 'strategy-planning'"
            ),
            {"id": ava.id},
        )
        connection.commit()
    result = runner.invoke(args=["levels", "verify"])
    assert result.exit_code == 1
    assert "ava@example.org" in result.output and "strategy-planning, level_id" in result.output
    assert "kept 'advanced', history 'intermediate'" in result.output
    assert "1 differences" in result.output
    result = runner.invoke(args=["levels", "rebuild"])
    assert result.exit_code == 0 and "Rewrote" in result.output
    assert runner.invoke(args=["levels", "verify"]).exit_code == 0


def test_a_bulk_update_of_users_that_names_no_one_rewrites_everyone(db, content):
    people = [factories.make_user(db, email=f"p{n}@example.org") for n in range(2)]
    db.commit()
    db.execute(update(User).values(role_profile="social-media-manager"))
    db.commit()
    assert {kept(db, p)["strategy-planning"][3] for p in people} == {"intermediate"}


def test_a_result_and_an_override_for_one_person_at_once_both_count(database_url, content, db):
    """Two transactions change what Ava's rows depend on at the same time
    (PostgreSQL): the second waits for the first, then rewrites from both."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite runs one writer at a time; the race needs PostgreSQL")
    ava = factories.make_user(db, email="ava@example.org")
    db.commit()
    engine = database(create_app(app_config(database_url))).engine
    first, second = Session(engine), Session(engine)
    give_results(first, first.get(User, ava.id), {"strategy-planning": 3})
    first.flush()
    # What the first one's commit does first (the hook), holding the versions row.
    current_levels.rewrite_in_turn(first, [ava.id])

    def set_override() -> None:
        second.add(
            TargetOverride(user_id=ava.id, skill_id="strategy-planning", level_id="advanced")
        )
        second.commit()  # waits for the first transaction, then rewrites

    thread = threading.Thread(target=set_override)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive()  # waiting on the first transaction's locks
    first.commit()
    thread.join(timeout=10)
    assert not thread.is_alive()
    first.close()
    second.close()
    db.expire_all()
    row = db.get(KeptLevel, (ava.id, "strategy-planning"))
    assert (row.level_id, row.target_level_id, row.target_source) == (
        "advanced",
        "advanced",
        "manager",
    )
    assert current_levels.verify(db) == []
