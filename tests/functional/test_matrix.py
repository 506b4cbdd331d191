"""The team matrix page, its exports and the organisation view."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import UTC, date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from skillgap import clock
from skillgap.curriculum.importer import import_content
from skillgap.models import TargetOverride, User
from skillgap.roles import Role
from skillgap.services import exports, matrix, organisation
from tests import factories
from tests.conftest import FIXTURE_CONTENT, login, reread, statements_of

LEVELS = ["below-entry", "entry", "intermediate", "advanced"]


def give_results(
    db, user, levels_by_skill: dict[str, int], kind="diagnostic", days_ago=0, when=None
):
    when = when or clock.now() - timedelta(days=days_ago)
    factories.make_results(db, user, levels_by_skill, kind, when, tuple(LEVELS))


@pytest.fixture
def squad(db, content):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    people = [
        factories.make_user(
            db,
            name=name,
            email=f"{name.lower()}@example.org",
            team=team,
            role_profile="social-media-manager",
        )
        for name in ("Ava", "Ben", "=HYPERLINK(evil)")
    ]
    give_results(db, people[0], {"strategy-planning": 1, "platform-metrics": 2}, days_ago=40)
    give_results(db, people[0], {"strategy-planning": 2, "platform-metrics": 2})
    give_results(db, people[0], {"strategy-planning": 3}, kind="self-assessment")
    give_results(db, people[1], {"strategy-planning": 0}, kind="self-assessment")
    db.commit()
    return {"manager": manager, "team": team, "people": people}


def test_matrix_page_shows_levels_in_words_gaps_and_summary(client, squad):
    login(client, "m@example.org")
    page = client.get("/team?sort=gap").get_data(as_text=True)
    # The level abbreviated on screen, in full for screen readers (issue 15, part 5).
    assert (
        '<span class="cell-level"><span aria-hidden="true">Int</span>'
        '<span class="visually-hidden">Intermediate</span></span>'
    ) in page
    assert '<span class="cell-flag">self-rated</span>' in page
    assert '<span class="cell-gap">gap 2</span>' in page
    assert "1 of 1 (100%)" in page  # Ava over-confident in strategy (self Advanced > tested)
    assert "Top gaps and the modules that cover them" in page
    assert 'href="/modules/first-steps"' in page
    for when in (date.today() - timedelta(days=40), date.today()):  # the trend's months
        assert f"{when:%Y-%m}: " in page
    assert page.index(">Ben</a>") < page.index(">Ava</a>")  # sorted by total gap, largest first


def parsed_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_exports_equal_the_matrix_the_page_computes(app, client, db, squad):
    login(client, "m@example.org")
    reread(db)
    expected_header, expected_rows = exports.matrix_table(
        matrix.team_matrix(db, squad["team"], "gap")
    )
    csv_response = client.get(f"/team/matrix.csv?team={squad['team'].id}&sort=gap")
    today = date.today().isoformat()
    assert (
        f'filename="skillgap-matrix-social-{today}.csv"'
        in csv_response.headers["Content-Disposition"]
    )
    rows = parsed_csv(csv_response.data)
    assert rows[0] == expected_header
    assert rows[1:] == [[str(exports.safe_cell(v)) for v in row] for row in expected_rows]
    assert any(cell == "'=HYPERLINK(evil)" for row in rows for cell in row)  # neutralised

    xlsx_response = client.get(f"/team/matrix.xlsx?team={squad['team'].id}&sort=gap")
    assert f"skillgap-matrix-social-{today}.xlsx" in xlsx_response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx_response.data), read_only=True).active
    values = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == expected_header
    assert values[1:] == [[exports.safe_cell(v) for v in row] for row in expected_rows]


def test_role_profile_filter(client, db, squad):
    factories.make_user(
        db, name="Zed", email="z@example.org", team=squad["team"], role_profile="head-of-social"
    )
    db.commit()
    login(client, "m@example.org")
    filtered = client.get("/team?profile=head-of-social").get_data(as_text=True)
    # Names as link text: a bare "Ava" can occur inside a random CSRF token.
    assert ">Zed</a>" in filtered and ">Ava</a>" not in filtered


@pytest.mark.slow
def test_team_page_query_count_does_not_grow_with_the_team(app, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    skills = [f"skill-{n:02d}" for n in range(12)]
    framework = (root / "courses" / "framework.yml").read_text()
    framework = framework.replace(
        "skills:\n", "skills:\n" + "".join(f"  - {{id: {s}, name: Skill {s}}}\n" for s in skills)
    )
    (root / "courses" / "framework.yml").write_text(framework)
    import_content(db, root)
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    small = factories.make_team(db, "Small", managers=[manager])
    large = factories.make_team(db, "Large", managers=[manager])
    for team, size in ((small, 5), (large, 200)):
        for n in range(size):
            person = factories.make_user(db, team=team, role_profile="social-media-manager")
            give_results(db, person, {s: (n + i) % 4 for i, s in enumerate(skills)})
            give_results(db, person, {s: 3 for s in skills[:4]}, kind="self-assessment")
    db.commit()
    client = app.test_client()
    login(client, "m@example.org")
    # The first page of a process reads the curriculum into memory (content_cache).
    cold = len(statements_of(app, client, f"/team?team={small.id}"))
    small_count = len(statements_of(app, client, f"/team?team={small.id}"))
    large_count = len(statements_of(app, client, f"/team?team={large.id}&sort=gap"))
    # the manager, their teams, who of the team is paused and when each last
    # signed in, then the team's data: the large team's page is rendered afresh
    # (4); the small team's second view is the kept page (fragments.py) and needs
    # no matrix statement (3)
    assert large_count == 4
    assert small_count == 3
    assert cold > large_count


def test_organisation_view_aggregates_every_team(app, client, db, squad):
    factories.make_team(db, "Empty")
    factories.make_user(db, Role.ADMIN, email="a@example.org")
    db.commit()
    login(client, "a@example.org")
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "Empty" in page and "Social" in page
    assert "1 of 3 at target" in page  # strategy-planning: only Ava (Intermediate) meets it
    assert f'href="/team?team={squad["team"].id}"' in page


def test_organisation_view_agrees_with_the_team_matrix_cell_by_cell(db, squad):
    """Two implementations of the current-level rule (SQL grouped by team, and
    build_rows per cell) must give the same figures: tested beats self-rated
    beats the lowest level; an override beats the role profile's target; people
    without a profile have the default target (entry, issue 15: before, none);
    inactive people are not counted."""
    ava, ben, third = squad["people"]
    team = squad["team"]
    db.add(TargetOverride(user_id=ben.id, skill_id="strategy-planning", level_id="below-entry"))
    db.add(TargetOverride(user_id=ava.id, skill_id="platform-metrics", level_id="advanced"))
    third.role_profile = None
    gone = factories.make_user(db, name="Gone", email="gone@example.org", team=team)
    give_results(db, gone, {"strategy-planning": 3})
    gone.active = False
    db.commit()

    skills, _levels, teams = organisation.compute_organisation(db)
    social = next(t for t in teams if t.team_id == team.id)
    rows = matrix.team_matrix(db, team).rows
    assert social.people == len(rows) == 3
    for skill in skills:
        cells = [row.cells[skill.id] for row in rows]
        expected = organisation.TeamSkillAggregate(
            at_or_above_target=sum(1 for c in cells if c.target and c.gap == 0),
            with_target=sum(1 for c in cells if c.target),
            mean_level=round(sum(c.level.position for c in cells) / len(cells), 2),
        )
        assert social.skills[skill.id] == expected, skill.id
    # The cases above are really there: Ava tested, Ben self-rated, the third nothing.
    strategy = social.skills["strategy-planning"]
    assert strategy.mean_level == round((2 + 0 + 0) / 3, 2)
    # The third, without a profile, now has the default target and falls short of it.
    assert strategy.with_target == 3 and strategy.at_or_above_target == 2


def test_organisation_view_is_recomputed_when_what_it_counts_changes_and_only_then(
    app, client, db, squad
):
    factories.make_user(db, Role.ADMIN, email="a@example.org")
    db.commit()
    login(client, "a@example.org")
    ava, ben, _third = squad["people"]
    assert "1 of 3 at target" in client.get("/admin/organisation").get_data(as_text=True)
    # Served from memory: only the signed-in admin (with the versions) is read.
    assert len(statements_of(app, client, "/admin/organisation")) == 1
    login(app.test_client(), "m@example.org")  # a sign-in changes nothing counted
    assert len(statements_of(app, client, "/admin/organisation")) == 1

    give_results(db, ben, {"strategy-planning": 2})  # Ben is tested at Intermediate
    db.commit()
    assert "2 of 3 at target" in client.get("/admin/organisation").get_data(as_text=True)

    reread(db)
    db.get(User, ava.id).team_id = None  # Ava leaves the team
    db.commit()
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "1 of 2 at target" in page


def test_trend_is_the_mean_of_each_persons_latest_result_per_month(db, content):
    team = factories.make_team(db, "Trend")
    ann, bob = (factories.make_user(db, team=team, name=n) for n in ("Ann", "Bob"))
    plan, metrics = "strategy-planning", "platform-metrics"
    give_results(db, ann, {plan: 0}, when=datetime(2026, 9, 3, 9, tzinfo=UTC))
    give_results(db, ann, {plan: 2}, when=datetime(2026, 9, 20, 9, tzinfo=UTC))  # replaces 0
    give_results(db, bob, {plan: 1}, when=datetime(2026, 9, 10, 9, tzinfo=UTC))
    give_results(db, ann, {plan: 3}, when=datetime(2026, 11, 2, 9, tzinfo=UTC))
    give_results(db, bob, {metrics: 1}, when=datetime(2026, 11, 5, 9, tzinfo=UTC))
    db.commit()
    months, series = matrix.team_matrix(db, team, with_history=True).trend
    assert months == ["2026-09", "2026-11"]
    assert series == {plan: [1.5, 3.0], metrics: [None, 1.0]}

    # Kept in the process until a result or a team changes, then worked out again.
    ranked: list[str] = []
    engine = db.get_bind()

    def listener(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if "row_number" in statement:
            ranked.append(statement)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert matrix.team_matrix(db, team, with_history=True).trend == (months, series)
        assert ranked == []  # served from memory: the history was not ranked again
        give_results(db, bob, {plan: 1}, when=datetime(2026, 11, 20, 9, tzinfo=UTC))
        db.commit()
        assert matrix.team_matrix(db, team, with_history=True).trend[1][plan] == [1.5, 2.0]
        assert len(ranked) == 1
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    give_results(db, bob, {metrics: 3}, when=datetime(2026, 11, 21, 9, tzinfo=UTC))
    db.commit()
    assert matrix.team_matrix(db, team, with_history=True).trend[1][metrics] == [None, 3.0]
    carl = factories.make_user(db, team=team, name="Carl")
    give_results(db, carl, {metrics: 0}, when=datetime(2026, 12, 1, 9, tzinfo=UTC))
    db.commit()
    assert matrix.team_matrix(db, team, with_history=True).trend[0][-1] == "2026-12"
