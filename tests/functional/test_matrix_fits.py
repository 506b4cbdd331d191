"""Issue 15, part 5, "a matrix that fits": the sorts by tested score, cells that
say how a level is known, short headers with the full names, and the top gaps'
one-step target and due date."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import select

from skillgap.curriculum.importer import import_content
from skillgap.models import AuditEvent, LearningPlan, TargetOverride, User
from skillgap.roles import Role
from skillgap.services import matrix
from tests import factories
from tests.conftest import FIXTURE_CONTENT, csrf_token, login, post_form, reread
from tests.functional.test_matrix import give_results, parsed_csv

STRATEGY, METRICS = "strategy-planning", "platform-metrics"


def long_date(day: date) -> str:
    """A date as the pages show it in English (i18n.day): "March 31, 2027"."""
    return format_date(day, "long", locale="en")


PROFILE = "social-media-manager"  # targets: strategy Intermediate, metrics Entry


@pytest.fixture
def crew(db, content):
    """Five people in one team, one in another team. Tested percents per level
    (factories.LEVEL_PERCENTS): 0 -> 40%, 1 -> 65%, 2 -> 80%, 3 -> 95%.

    Ada: tested 80% and 80%, at target in both (mean 80).
    Bo: no role profile (default target Entry), tested 40% in strategy only (mean 40).
    Cai: tested 65% and 95% (mean 80), below target in strategy.
    Dee: self-rated Advanced in strategy, nothing tested.
    Eli: nothing at all.
    """
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Social", managers=[manager])
    other_manager = factories.make_user(db, Role.MANAGER, email="o@example.org")
    other_team = factories.make_team(db, "Other", managers=[other_manager])
    people = {
        name: factories.make_user(
            db,
            name=name,
            email=f"{name.lower()}@example.org",
            team=team,
            role_profile=None if name == "Bo" else PROFILE,
        )
        for name in ("Eli", "Dee", "Cai", "Bo", "Ada")  # not in any sorted order
    }
    give_results(db, people["Ada"], {STRATEGY: 2, METRICS: 2})
    give_results(db, people["Bo"], {STRATEGY: 0})
    give_results(db, people["Cai"], {STRATEGY: 1, METRICS: 3})
    give_results(db, people["Dee"], {STRATEGY: 3}, kind="self-assessment")
    far = factories.make_user(
        db, name="Far", email="far@example.org", team=other_team, role_profile=PROFILE
    )
    db.commit()
    return {"team": team, "other_team": other_team, "people": people, "far": far}


def names_in_page_order(page: str) -> list[str]:
    """The people's names as the matrix lists them (row headers' links)."""
    return re.findall(
        r'<th scope="row" role="rowheader"><a href="/team/people/\d+">([^<]+)</a>', page
    )


def names_in(db, crew, sort: str) -> list[str]:
    return [row.name for row in matrix.team_matrix(db, crew["team"], sort).rows]


# --- sorting ------------------------------------------------------------------------


def test_weakest_first_puts_the_lowest_tested_score_first_and_the_untested_last(client, db, crew):
    login(client, "m@example.org")
    expected = ["Bo", "Ada", "Cai", "Dee", "Eli"]  # 40, 80, 80 (ties by name), untested
    assert names_in(db, crew, "weakest") == expected
    page = client.get("/team?sort=weakest").get_data(as_text=True)
    assert names_in_page_order(page) == expected
    assert '<option value="weakest" selected>Weakest first (tested score)</option>' in page
    assert "Tested: 40% on average" in page and "Tested: nothing yet" in page
    # By gap Eli (nothing tested) would come before Bo (40%, no role profile).
    assert names_in(db, crew, "gap")[0] != "Bo"
    # The export keeps the page's order.
    rows = parsed_csv(client.get("/team/matrix.csv?sort=weakest").data)
    assert [row[0] for row in rows[1:]] == expected


def test_a_skill_sort_is_weakest_tested_score_in_that_skill_first_untested_last(client, db, crew):
    # Dee's self-rating (Advanced) and Eli's nothing come after every tested score.
    assert names_in(db, crew, STRATEGY) == ["Bo", "Cai", "Ada", "Dee", "Eli"]
    assert names_in(db, crew, METRICS) == ["Ada", "Cai", "Bo", "Dee", "Eli"]
    login(client, "m@example.org")
    page = client.get(f"/team?sort={STRATEGY}").get_data(as_text=True)
    assert names_in_page_order(page) == ["Bo", "Cai", "Ada", "Dee", "Eli"]
    assert (
        f'<option value="{STRATEGY}" selected>Strategy &amp; planning: weakest first</option>'
        in page
    )
    assert 'class="skill-col" aria-sort="ascending"' in page


def test_largest_gap_sort_is_its_own_and_name_stays_the_default(client, db, crew):
    # Total gaps: Eli 3 (2 + 1), Bo 2 (1 + 1), Cai 1, Dee 1 (metrics untested), Ada 0.
    assert names_in(db, crew, "gap") == ["Eli", "Bo", "Cai", "Dee", "Ada"]
    login(client, "m@example.org")
    page = client.get("/team?sort=gap").get_data(as_text=True)
    assert names_in_page_order(page) == ["Eli", "Bo", "Cai", "Dee", "Ada"]
    assert '<option value="gap" selected>Largest gap to target</option>' in page
    default = client.get("/team").get_data(as_text=True)
    assert names_in_page_order(default) == ["Ada", "Bo", "Cai", "Dee", "Eli"]


# --- the cells and headers -------------------------------------------------------------


def test_tested_self_rated_and_untested_cells_differ_in_class_and_words(client, crew):
    login(client, "m@example.org")
    page = client.get("/team?sort=name").get_data(as_text=True)
    cells = re.findall(r'<td class="cell [^"]*"[^>]*>.*?</td>', page)
    tested = [c for c in cells if " is-tested" in c]
    self_rated = [c for c in cells if " is-self-rated" in c]
    untested = [c for c in cells if " is-untested" in c]
    assert len(tested) == 5 and len(self_rated) == 1 and len(untested) == 4
    assert all('<span class="cell-flag">self-rated</span>' in c for c in self_rated)
    assert all('<span class="cell-flag">untested</span>' in c for c in untested)
    assert not any("cell-flag" in c for c in tested)
    # Compact on screen, whole for screen readers (Dee's self-rating is Advanced).
    assert (
        '<span class="cell-level"><span aria-hidden="true">Adv</span>'
        '<span class="visually-hidden">Advanced</span></span>'
    ) in self_rated[0]
    assert '<span class="cell-percent">80%</span>' in page
    assert 'data-label="Strategy &amp; planning"' in page  # the phone cards' labels


def test_headers_show_a_short_label_and_carry_the_full_name(client, crew):
    login(client, "m@example.org")
    page = client.get("/team").get_data(as_text=True)
    assert (
        '<span aria-hidden="true">Strategy</span>'
        '<span class="visually-hidden">Strategy &amp; planning</span>'
    ) in page
    assert (
        '<span aria-hidden="true">Metrics</span>'
        '<span class="visually-hidden">Platform metrics</span>'
    ) in page


def test_shipped_skills_have_short_distinct_labels():
    from skillgap.curriculum.records import SkillInfo
    from skillgap.rules.matrix_cells import SHORT_LABEL_MAX, skill_labels

    shipped = [
        ("social-listening", "Social listening & insights"),
        ("social-commerce", "Social commerce"),
        ("customer-care", "Social customer care"),
    ]
    skills = [SkillInfo(i, name, "", n) for n, (i, name) in enumerate(shipped)]
    labels = skill_labels(skills)
    assert len(set(labels.values())) == 3
    # A skill the code does not know gets a word of its own name, not "Social".
    new = [*skills, SkillInfo("social-video", "Social video", "", 9)]
    assert skill_labels(new)["social-video"] == "Video"
    assert all(len(label.replace("\u00ad", "")) <= SHORT_LABEL_MAX for label in labels.values())


# --- top gaps: modules of the gap's own skill first ------------------------------------


def test_top_gap_modules_of_the_gaps_own_skill_come_first(db, tmp_path):
    """A module whose first skill is another one (here metrics) but which touches
    strategy, at the same level and earlier in the alphabet, used to come first."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "courses" / "beta" / "02-analytics-for-plans.md").write_text(
        "---\ntitle: Analytics for plans\nskills: [platform-metrics, strategy-planning]\n"
        "level: entry\nminutes: 10\nprerequisites: []\n---\n# Analytics for plans\n\nText.\n"
    )
    import_content(db, root)
    team = factories.make_team(db, "Gap")
    factories.make_user(db, team=team, role_profile=PROFILE)  # nothing tested: below in both
    db.commit()
    gaps = dict((s.skill.id, modules) for s, modules in matrix.team_matrix(db, team).top_gaps)
    strategy = [module_id for module_id, _title in gaps[STRATEGY]]
    assert strategy[0] == "first-steps"  # strategy's own, entry level
    assert "analytics-for-plans" in strategy[1:]
    metrics = [module_id for module_id, _title in gaps[METRICS]]
    assert metrics[:2] == ["reach-basics", "analytics-for-plans"]  # both metrics' own


# --- top gaps: a target and due date for the people below target -----------------------


def gap_path(crew, team_key: str = "team") -> str:
    return f"/team/{crew[team_key].id}/gap-targets"


def overrides(db) -> dict[str, str]:
    reread(db)
    return {
        db.get(User, o.user_id).name: o.level_id
        for o in db.scalars(select(TargetOverride).where(TargetOverride.skill_id == STRATEGY))
    }


def due_dates(db) -> dict[str, date]:
    reread(db)
    return {db.get(User, p.user_id).name: p.due_date for p in db.scalars(select(LearningPlan))}


def test_a_top_gap_sets_target_and_due_date_for_exactly_the_people_below_target(client, db, crew):
    login(client, "m@example.org")
    page = client.get("/team").get_data(as_text=True)
    assert f'action="{gap_path(crew)}"' in page
    due = date.today() + timedelta(days=60)
    response = post_form(
        client,
        gap_path(crew),
        {"skill": STRATEGY, "target": "advanced", "due_date": due.isoformat(), "sort": "gap"},
        page="/team",
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/team?team={crew['team'].id}&sort=gap")
    # Below target in strategy: Bo (Entry wanted), Cai (Entry of Intermediate), Eli (nothing).
    below = {"Bo", "Cai", "Eli"}
    assert overrides(db) == dict.fromkeys(below, "advanced")  # not Ada, Dee, nor Far
    assert due_dates(db) == dict.fromkeys(below, due)
    audit = {(e.action, e.target) for e in db.scalars(select(AuditEvent))}
    for name in below:
        email = f"{name.lower()}@example.org"
        assert ("path.targets", email) in audit and ("path.due_date", email) in audit
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"Target Advanced in Strategy &amp; planning and due date {long_date(due)} "
        "set for 3 people." in shown
    )


def test_a_top_gap_keeps_what_is_left_empty_and_follows_the_pages_filter(client, db, crew):
    login(client, "m@example.org")
    due = date.today() + timedelta(days=30)
    response = post_form(
        client,
        gap_path(crew),
        {"skill": STRATEGY, "target": "", "due_date": due.isoformat(), "profile": PROFILE},
        page="/team",
    )
    assert response.status_code == 302
    assert overrides(db) == {}  # targets kept
    assert due_dates(db) == {"Cai": due, "Eli": due}  # Bo has no profile: not on that page
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        f"Due date {long_date(due)} set for the 2 people below target in Strategy &amp; planning;"
        in shown
    )
    post_form(client, gap_path(crew), {"skill": STRATEGY, "target": "entry"}, page="/team")
    assert overrides(db) == {"Cai": "entry", "Eli": "entry", "Bo": "entry"}
    assert due_dates(db) == {"Cai": due, "Eli": due}  # an empty date clears no one's


def test_a_top_gap_of_another_managers_team_is_404_and_a_learner_403(app, client, db, crew):
    login(client, "o@example.org")
    data = {"skill": STRATEGY, "target": "advanced"}
    assert post_form(client, gap_path(crew), data, page="/team").status_code == 404
    assert post_form(client, "/team/999999/gap-targets", data, page="/team").status_code == 404
    learner = app.test_client()
    login(learner, "ada@example.org")
    assert post_form(learner, gap_path(crew), data, page="/").status_code == 403
    assert overrides(db) == {} and due_dates(db) == {}


def test_a_top_gap_needs_the_csrf_token(client, db, crew):
    login(client, "m@example.org")
    response = client.post(gap_path(crew), data={"skill": STRATEGY, "target": "advanced"})
    assert response.status_code == 400
    assert overrides(db) == {}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"target": "advanced", "due_date": "31/31/31"}, "Not a valid date value."),
        (
            {"due_date": (date.today() - timedelta(days=1)).isoformat()},
            "Choose today or a later date.",
        ),
        ({"target": "guru"}, "Not a valid choice."),
        ({"target": "below-entry"}, "Not a valid choice."),  # the lowest level is no target
        ({}, "Choose a target level or a due date: nothing to set."),
        ({"skill": "made-up", "target": "advanced"}, "That skill is not in the framework."),
        ({"target": "advanced", "profile": "\x00", "sort": "\x00"}, None),  # ignored, not SQL
    ],
)
def test_a_bad_top_gap_form_is_shown_again_with_its_message_and_saves_nothing(
    client, db, crew, fields, message
):
    login(client, "m@example.org")
    response = post_form(client, gap_path(crew), {"skill": STRATEGY, **fields}, page="/team")
    if message is None:  # unknown filter and sort values fall back, they do not fail
        assert response.status_code == 302
        assert overrides(db) == dict.fromkeys({"Bo", "Cai", "Eli"}, "advanced")
        return
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was saved." in page and message in page
    assert "Top gaps and the modules that cover them" in page  # the matrix page again
    assert overrides(db) == {} and due_dates(db) == {}


def test_the_gap_form_on_the_page_carries_the_token_and_unique_ids(client, crew):
    login(client, "m@example.org")
    page = client.get("/team").get_data(as_text=True)
    assert csrf_token(client, "/team")
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert f'id="gap-{STRATEGY}-target"' in page and f'id="gap-{STRATEGY}-due"' in page
