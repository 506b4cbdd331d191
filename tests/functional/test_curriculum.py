"""The shipped curriculum itself: size, depth, structure and reachability."""

from __future__ import annotations

import re

import pytest

from skillgap.content.files import read_curriculum
from skillgap.content.markdown import render
from skillgap.curriculum.importer import import_content, known_quiz_ids
from skillgap.roles import Role
from tests.conftest import PROJECT_ROOT

CORE_SKILLS = ["strategy-planning", "kpis-measurement", "audience-personas", "platform-metrics"]


@pytest.fixture(scope="module")
def curriculum():
    # Reading validates everything: known skills and levels, prerequisites that
    # resolve, no cycles, unique ids. Any problem raises here.
    return read_curriculum(PROJECT_ROOT, known_quiz_ids(PROJECT_ROOT))


def test_at_least_thirty_modules_in_at_least_six_courses(curriculum):
    assert len(curriculum.modules) >= 30
    assert len(curriculum.courses) >= 6


@pytest.mark.slow
def test_every_module_has_at_least_600_words(curriculum):
    short = {
        m.id: render(m.body, drop_leading_title=True).word_count
        for m in curriculum.modules
        if render(m.body, drop_leading_title=True).word_count < 600
    }
    assert short == {}


def test_core_courses_span_entry_to_advanced_with_five_modules(curriculum):
    for skill in CORE_SKILLS:
        course_modules = [m for m in curriculum.modules if m.course_id == skill]
        assert len(course_modules) >= 5, skill
        assert {m.level for m in course_modules} >= {"entry", "intermediate", "advanced"}, skill


def test_framework_has_required_skills_levels_and_roles(curriculum):
    framework = curriculum.framework
    assert [(lvl.id, lvl.min_percent) for lvl in framework.levels] == [
        ("below-entry", 0),
        ("entry", 60),
        ("intermediate", 75),
        ("advanced", 90),
    ]
    skill_ids = {s.id for s in framework.skills}
    assert set(CORE_SKILLS) | {"customer-care", "content-creative"} <= skill_ids
    assert len(skill_ids) >= 7
    assert len(framework.roles) >= 4
    for role in framework.roles:
        assert set(role.targets) == skill_ids, f"{role.id} needs a target for every skill"


def test_every_module_has_a_worked_example_an_exercise_and_no_filler(curriculum):
    for module in curriculum.modules:
        assert "## Worked example" in module.body, module.id
        assert "## Exercise" in module.body, module.id
        assert not re.search(r"lorem ipsum|TODO|TBD", module.body, re.IGNORECASE), module.id


@pytest.mark.slow
def test_every_module_is_reachable_from_the_catalogue(app, db, client, login_as):
    import_content(db, PROJECT_ROOT)
    db.commit()
    login_as(Role.LEARNER)
    catalogue = client.get("/courses").get_data(as_text=True)
    course_links = set(re.findall(r'href="/courses/([a-z0-9-]+)"', catalogue))
    reached = set()
    for course_id in course_links:
        page = client.get(f"/courses/{course_id}").get_data(as_text=True)
        reached |= set(re.findall(r'href="/modules/([a-z0-9-]+)"', page))
    expected = {m.id for m in read_curriculum(PROJECT_ROOT, known_quiz_ids(PROJECT_ROOT)).modules}
    assert reached == expected
