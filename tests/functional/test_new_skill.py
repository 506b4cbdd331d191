"""A skill added through the framework file alone appears everywhere people's
standing is shown: the dashboard, the path page, the team matrix and its
exports, and the organisation view. No code knows the list of skills."""

from __future__ import annotations

import csv
import io
import shutil

from skillgap.curriculum.importer import import_content
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, login


def test_a_skill_added_to_the_framework_file_shows_everywhere(app, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    framework = root / "courses" / "framework.yml"
    text = (
        framework.read_text()
        .replace(
            "  - {id: platform-metrics,  name: Platform metrics,    description: Numbers.}\n",
            "  - {id: platform-metrics,  name: Platform metrics,    description: Numbers.}\n"
            "  - {id: social-search,     name: Social search,       description: Being found.}\n",
        )
        .replace(
            "targets: {strategy-planning: intermediate, platform-metrics: entry}",
            "targets: {strategy-planning: intermediate, platform-metrics: entry,"
            " social-search: entry}",
        )
    )
    framework.write_text(text)
    import_content(db, root)
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Search team", managers=[manager])
    factories.make_user(db, Role.ADMIN, email="a@example.org")
    member = factories.make_user(
        db, email="s@example.org", team=team, role_profile="social-media-manager", name="Sol"
    )
    factories.make_results(db, member, {"social-search": 0})  # below its Entry target
    db.commit()

    learner = app.test_client()
    login(learner, "s@example.org")
    dashboard = learner.get("/").get_data(as_text=True)
    assert "Social search" in dashboard
    assert "Social search" in learner.get("/path").get_data(as_text=True)

    boss = app.test_client()
    login(boss, "m@example.org")
    matrix = boss.get(f"/team?team={team.id}").get_data(as_text=True)
    assert "Social search" in matrix
    rows = list(
        csv.reader(
            io.StringIO(boss.get(f"/team/matrix.csv?team={team.id}").data.decode("utf-8-sig"))
        )
    )
    column = next(i for i, name in enumerate(rows[0]) if "Social search" in name)
    assert any("Below entry" in row[column] for row in rows[1:])
    assert boss.get(f"/team/matrix.xlsx?team={team.id}").status_code == 200

    admin = app.test_client()
    login(admin, "a@example.org")
    assert "Social search" in admin.get("/admin/organisation").get_data(as_text=True)


def test_moving_a_module_to_a_new_skill_keeps_every_result_and_completion(app, db, tmp_path):
    """Like social commerce leaving customer care: the module keeps its id, so
    completions and passed checks stay with it; results stay with the skill
    they measured when they were taken (none is re-labelled)."""
    from sqlalchemy import func, select

    from skillgap.models import Answer, Module, ModuleCompletion, SkillResult
    from skillgap.services import catalogue

    import_content(db, FIXTURE_CONTENT)
    person = factories.make_user(db, email="mover@example.org")
    factories.make_results(db, person, {"strategy-planning": 2, "platform-metrics": 1})
    factories.take_quiz(db, person, "second-steps-check", lambda q: True)
    catalogue.set_completed(db, person, "reach-basics", True)
    db.commit()
    counts = {
        model.__name__: db.scalar(select(func.count()).select_from(model))
        for model in (SkillResult, ModuleCompletion, Answer)
    }

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    framework = root / "courses" / "framework.yml"
    framework.write_text(
        framework.read_text().replace(
            "  - {id: platform-metrics,  name: Platform metrics,    description: Numbers.}\n",
            "  - {id: platform-metrics,  name: Platform metrics,    description: Numbers.}\n"
            "  - {id: reach-craft,       name: Reach craft,         description: Moved.}\n",
        )
    )
    new_course = root / "courses" / "gamma"
    new_course.mkdir()
    (new_course / "course.md").write_text(
        "---\ntitle: Gamma\norder: 3\nskills: [reach-craft]\nsummary: Moved here.\n---\nIntro.\n"
    )
    moved = (root / "courses" / "beta" / "01-reach-basics.md").read_text()
    (new_course / "01-reach-basics.md").write_text(
        moved.replace("skills: [platform-metrics]", "skills: [reach-craft]")
    )
    (root / "courses" / "beta" / "01-reach-basics.md").unlink()
    (root / "courses" / "beta" / "02-placeholder.md").write_text(
        moved.replace("title: Reach basics", "title: Placeholder").replace(
            "prerequisites: [first-steps]", "prerequisites: []"
        )
    )
    import_content(db, root)
    db.commit()

    assert {
        model.__name__: db.scalar(select(func.count()).select_from(model))
        for model in (SkillResult, ModuleCompletion, Answer)
    } == counts
    module = db.get(Module, "reach-basics")
    assert (module.course_id, [s.id for s in module.skills]) == ("gamma", ["reach-craft"])
    assert db.scalar(select(ModuleCompletion.module_id)) == "reach-basics"
    assert sorted(
        db.scalars(select(SkillResult.skill_id).where(SkillResult.kind == "diagnostic"))
    ) == [
        "platform-metrics",
        "strategy-planning",
    ]
