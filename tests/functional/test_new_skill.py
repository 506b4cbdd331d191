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
