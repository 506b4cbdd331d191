"""Catalogue, course and module pages; completion; search."""

from __future__ import annotations

import re

import markdown
import pytest
from sqlalchemy import select

from skillgap.content import markdown as content_markdown
from skillgap.models import Module, ModuleCompletion
from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form, reread


def progress_text(html: str, course_title: str) -> str:
    match = re.search(
        rf'aria-label="Your progress in {re.escape(course_title)}".*?'
        r'<span class="progress-text">([^<]+)</span>',
        html,
        re.S,
    )
    assert match, f"no progress bar for {course_title}"
    return match.group(1)


def test_module_page_is_served_without_calling_the_markdown_renderer(
    client, content, login_as, monkeypatch
):
    login_as(Role.LEARNER)

    def forbidden(*args, **kwargs):
        raise AssertionError("Markdown was rendered during a request")

    monkeypatch.setattr(content_markdown, "render", forbidden)
    monkeypatch.setattr(markdown.Markdown, "convert", forbidden)
    response = client.get("/modules/second-steps")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<h2 id="sec-cadence">Cadence' in page  # the stored, pre-rendered HTML
    assert 'href="#sec-cadence"' in page  # table of contents


def test_module_page_shows_badges_prerequisites_and_neighbours(client, content, login_as):
    login_as(Role.LEARNER)
    page = client.get("/modules/second-steps").get_data(as_text=True)
    assert "Strategy &amp; planning" in page and "Platform metrics" in page
    assert "Level: Intermediate" in page and "20 min" in page
    assert 'href="/modules/first-steps">First steps in planning</a>' in page
    assert "not done yet" in page
    assert 'rel="prev" href="/modules/first-steps"' in page
    assert 'rel="next"' not in page  # last module of the course
    assert page.count("<h1") == 1


def test_completing_a_module_shows_everywhere_for_that_user_only(app, client, db, content):
    me = factories.make_user(db, email="me@example.org")
    factories.make_user(db, email="other@example.org")
    db.commit()
    login(client, "me@example.org")
    response = post_form(client, "/modules/first-steps/complete", page="/modules/first-steps")
    assert response.status_code == 302
    module_page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "Done</strong>: read on" in module_page and "Mark as unread" in module_page
    assert '<strong class="done-mark">done</strong>' in client.get(
        "/modules/second-steps"
    ).get_data(as_text=True)  # shown as a done prerequisite
    assert (
        progress_text(client.get("/courses/alpha").get_data(as_text=True), "Alpha planning")
        == "1 of 2 modules done"
    )
    assert (
        progress_text(client.get("/courses").get_data(as_text=True), "Alpha planning")
        == "1 of 2 modules done"
    )
    reread(db)
    completion = db.get(ModuleCompletion, (me.id, "first-steps"))
    assert completion is not None and completion.completed_at is not None

    other = app.test_client()
    login(other, "other@example.org")
    assert (
        progress_text(other.get("/courses").get_data(as_text=True), "Alpha planning")
        == "0 of 2 modules done"
    )
    assert "Mark as read" in other.get("/modules/first-steps").get_data(as_text=True)

    post_form(client, "/modules/first-steps/incomplete", page="/modules/first-steps")
    assert (
        progress_text(client.get("/courses").get_data(as_text=True), "Alpha planning")
        == "0 of 2 modules done"
    )
    reread(db)
    assert db.get(ModuleCompletion, (me.id, "first-steps")) is None


def test_completion_needs_csrf_and_a_visible_module(client, content, login_as, db):
    user = login_as(Role.LEARNER)
    assert client.post("/modules/first-steps/complete").status_code == 400
    assert post_form(client, "/modules/no-such-module/complete").status_code == 404
    reread(db)
    assert db.scalar(select(ModuleCompletion).where(ModuleCompletion.user_id == user.id)) is None


def test_unpublished_modules_are_hidden_from_learners_but_not_admins(app, client, db, content):
    module = db.get(Module, "reach-basics")
    module.published = False
    db.commit()
    factories.make_user(db, email="l@example.org")
    factories.make_user(db, Role.ADMIN, email="a@example.org")
    db.commit()
    login(client, "l@example.org")
    assert client.get("/modules/reach-basics").status_code == 404
    assert "Beta metrics" not in client.get("/courses").get_data(as_text=True)
    admin = app.test_client()
    login(admin, "a@example.org")
    assert "Unpublished" in admin.get("/modules/reach-basics").get_data(as_text=True)


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        (
            "skill=platform-metrics",
            ["Reach basics", "Second steps with calendars"],
            ["First steps in planning"],
        ),
        ("level=intermediate", ["Second steps with calendars"], ["Reach basics"]),
        ("skill=strategy-planning&level=entry", ["First steps in planning"], ["Reach basics"]),
        ("skill=nonsense", ["Alpha planning", "Beta metrics"], []),  # unknown filter ignored
    ],
)
def test_catalogue_filters_by_skill_and_level(client, content, login_as, query, shown, hidden):
    login_as(Role.LEARNER)
    page = client.get(f"/courses?{query}").get_data(as_text=True)
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page


def test_search_finds_titles_before_bodies(client, content, login_as):
    login_as(Role.LEARNER)
    page = client.get("/search?q=reach").get_data(as_text=True)
    titles = re.findall(r'<h2><a href="/modules/([a-z-]+)">', page)
    assert titles[0] == "reach-basics"  # "reach" in the title outranks body mentions
    assert "1 module found for" in page
    body_only = client.get("/search?q=sustain").get_data(as_text=True)
    assert re.findall(r'<h2><a href="/modules/([a-z-]+)">', body_only) == ["second-steps"]


@pytest.mark.parametrize("query", ['"', "AND OR NOT", "reach*)", "x" * 500, "(((", "é€漢字"])
def test_search_never_fails_on_odd_input(client, content, login_as, query):
    login_as(Role.LEARNER)
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200


def test_a_module_full_of_xss_payloads_is_served_inert(client, db, login_as, tmp_path):
    import shutil

    from skillgap.curriculum.importer import import_content
    from tests.conftest import FIXTURE_CONTENT
    from tests.unit.test_markdown import XSS_PAYLOADS, active_content

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    payloads = "\n\n".join(XSS_PAYLOADS)
    module = root / "courses" / "beta" / "01-reach-basics.md"
    module.write_text(module.read_text() + "\n\n## Payloads\n\n" + payloads + "\n")
    import_content(db, root)
    db.commit()
    login_as(Role.LEARNER)
    page = client.get("/modules/reach-basics").get_data(as_text=True)
    body = page.split('<div class="prose">', 1)[1].split('<section class="completion', 1)[0]
    assert "Payloads" in body
    assert active_content(body) == []
