"""The metric dictionary through the app: import, pages, citations in modules,
browser edits with revisions, and the calculator."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import select

from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import import_content
from skillgap.models import MetricFile, Revision
from tests import factories
from tests.conftest import FIXTURE_CONTENT, login, reread
from tests.functional.test_authoring import editor_state, publish, save

EDIT = "/admin/content/metrics/formulas"


@pytest.fixture
def learner(app, db, content):
    factories.make_user(db, email="lee@example.org")
    db.commit()
    client = app.test_client()
    login(client, "lee@example.org")
    return client


def test_the_dictionary_is_imported_and_searchable(learner, db):
    assert {row.id for row in db.scalars(select(MetricFile))} == {"instagram", "formulas"}
    page = learner.get("/metrics").get_data(as_text=True)
    assert "4 entries." in page and 'href="/metrics?platform=instagram">Instagram' in page
    assert "Engagement rate by reach" in page  # the formulas are listed; platforms on request
    assert "Viewers" in learner.get("/metrics?platform=instagram").get_data(as_text=True)
    found = learner.get("/metrics?q=accounts+saw").get_data(as_text=True)
    assert "2 entries for" in found  # Viewers and engagement rate by reach
    only = learner.get("/metrics?platform=formulas").get_data(as_text=True)
    assert "2 entries." in only and "Viewers" not in only
    assert learner.get("/metrics?q=" + "x" * 5000 + "&platform=\u202e").status_code == 200


def test_an_entry_page_shows_definition_source_history_and_citing_modules(learner):
    page = learner.get("/metrics/instagram.viewers").get_data(as_text=True)
    assert "Unique accounts that saw the content at least once." in page
    assert 'href="https://help.instagram.com/788388387972460"' in page
    assert "November 30, 2026" in page and "2024-08" in page
    assert 'href="/modules/reach-basics"' in page  # the module that cites it
    assert learner.get("/metrics/no.such-metric").status_code == 404


def test_a_module_shows_the_current_definition_where_it_cites_one(learner):
    page = learner.get("/modules/reach-basics").get_data(as_text=True)
    assert '<a href="/metrics/instagram.viewers">instagram: Viewers</a>' in page
    assert '<a href="/metrics/frequency">Frequency</a>' in page
    assert "How many times, on average, each account reached saw the content." in page
    assert "Metric definitions checked 30 Nov 2026" in page
    assert "[[metric:" not in page and "\u27e6" not in page


@pytest.mark.parametrize(
    ("inputs", "shown"),
    [
        ({"impressions": "12,000", "reach": "4800"}, "Frequency</span> = 2.50"),
        ({"impressions": "1000", "reach": "3"}, "Frequency</span> = 333.33"),
        ({"impressions": "4,000,000", "reach": "3"}, "Frequency</span> = 1,333,333.33"),
    ],
)
def test_the_calculator_matches_the_formula(learner, inputs, shown):
    response = learner.get("/metrics/frequency", query_string={**inputs, "calculate": "1"})
    assert response.status_code == 200
    assert shown in response.get_data(as_text=True)


def test_the_percent_formula_shows_a_percent(learner):
    page = learner.get(
        "/metrics/engagement-rate-by-reach?engagements=45&reach=1500&calculate=1"
    ).get_data(as_text=True)
    assert "Engagement rate by reach</span> = 3.00%" in page


def test_the_result_is_in_the_readers_notation(learner):
    """The dictionary's own words stay English (marked so); the numbers typed and
    shown are Dutch."""
    page = learner.get(
        "/metrics/frequency?impressions=4.000.000&reach=3&calculate=1",
        headers={"Accept-Language": "nl"},
    ).get_data(as_text=True)
    assert '<span lang="en">Frequency</span> = 1.333.333,33' in page
    rate = learner.get(
        "/metrics/engagement-rate-by-reach?engagements=45&reach=1500&calculate=1",
        headers={"Accept-Language": "nl"},
    ).get_data(as_text=True)
    assert "Engagement rate by reach</span> = 3,00%" in rate


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"impressions": "", "reach": "10"}, "Enter impressions."),
        ({"impressions": "lots", "reach": "10"}, "Enter a number"),
        ({"impressions": "100", "reach": "0"}, "Reach is zero, and a rate cannot divide by zero."),
        ({"impressions": "-5", "reach": "10"}, "cannot be negative"),
        ({"impressions": "1e400", "reach": "10"}, "Enter a number"),
        ({"impressions": "9" * 5000, "reach": "10"}, "Enter a number"),
    ],
)
def test_bad_calculator_input_gets_a_clear_message(learner, inputs, message):
    response = learner.get("/metrics/frequency", query_string={**inputs, "calculate": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and "Frequency</span> =" not in page


def test_an_unknown_citation_fails_the_import_with_file_and_line(db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    module = root / "courses" / "beta" / "01-reach-basics.md"
    lines = module.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "[[metric:frequency]]" in text)
    module.write_text(module.read_text().replace("metric:frequency", "metric:frequncy"))
    with pytest.raises(ContentInvalidError) as raised:
        import_content(db, root)
    assert [str(e) for e in raised.value.errors] == [
        f"courses/beta/01-reach-basics.md:{line}: unknown metric 'frequncy' "
        "(the dictionary is in courses/metrics/)"
    ]


def test_a_browser_edit_of_a_definition_changes_every_citing_module(app, admin, db):
    text, base = editor_state(admin, EDIT)
    edited = text.replace(
        "How many times, on average, each account reached saw the content.",
        "The average number of showings per account reached.",
    )
    assert save(admin, edited, base, "clearer", path=EDIT).status_code == 302
    assert publish(admin, EDIT).status_code == 302
    page = admin.get("/modules/reach-basics").get_data(as_text=True)
    assert "The average number of showings per account reached." in page
    reread(db)
    history = db.scalars(
        select(Revision.message)
        .where(Revision.kind == "metrics", Revision.item_id == "formulas")
        .order_by(Revision.number)
    ).all()
    assert history == ["imported from the files", "clearer"]


def test_a_dictionary_edit_may_not_drop_a_cited_entry_or_break_a_formula(admin, db):
    text, base = editor_state(admin, EDIT)
    start = text.index("  - id: frequency")
    end = text.index("  - id: engagement-rate-by-reach")
    response = save(admin, text[:start] + text[end:], base, path=EDIT)
    assert response.status_code == 422
    assert "&#39;frequency&#39; is cited by module &#39;reach-basics&#39;" in response.get_data(
        as_text=True
    )
    broken = text.replace("expression: impressions / reach", "expression: impressions / reach ** 2")
    response = save(admin, broken, base, path=EDIT)
    assert response.status_code == 422
    assert "only numbers, input names" in response.get_data(as_text=True)
    reread(db)
    assert "impressions / reach\n" in db.get(MetricFile, "formulas").source
