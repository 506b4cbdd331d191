"""Bad values never give a 500 (hardening round 2): ids beyond what the database
stores, NUL characters, odd team names in exports, header-splitting redirects;
and personal pages are not cached."""

from __future__ import annotations

import pytest

from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form

HUGE = "9999999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/results/{HUGE}",
        "/results/99999999999",
        f"/team/people/{HUGE}",
        f"/admin/users/{HUGE}",
        f"/admin/teams/{HUGE}",
    ],
)
def test_ids_beyond_the_database_are_404(admin, url):
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [f"/admin/users?page={HUGE}", f"/admin/audit?actor={HUGE}", f"/team?team={HUGE}"],
)
def test_huge_numbers_in_queries_are_ignored_or_404(admin, url):
    assert admin.get(url).status_code in (200, 404)


@pytest.mark.parametrize(
    "url",
    ["/search?q=a%00b", "/courses?skill=%00", "/admin/users?q=%00", "/admin/items?quiz=%00"],
)
def test_a_nul_character_in_a_query_is_a_400(admin, url):
    response = admin.get(url)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True) or response.status_code == 400


def test_a_nul_character_in_a_path_is_refused(admin):
    assert admin.get("/modules/first%00steps").status_code in (400, 404)
    assert admin.get("/admin/content/module/x%00y").status_code in (400, 404)


def test_sign_in_never_follows_a_header_splitting_next(app, db):
    factories.make_user(db, email="n@example.org")
    db.commit()
    client = app.test_client()
    response = login(client, "n@example.org", next="/\r\nX-Evil: 1")
    assert response.status_code == 302 and "\n" not in response.headers["Location"]
    assert client.get("/login?next=%2F%0D%0AX").status_code in (200, 302)


@pytest.mark.parametrize("name", ["Social: EMEA", "社交チーム", "a/b\\c?d*e[f]g", "'''"])
def test_exports_work_for_any_team_name(app, db, content, name):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, name, managers=[manager])
    factories.make_user(db, team=team, role_profile="social-media-manager")
    db.commit()
    client = app.test_client()
    login(client, "m@example.org")
    for extension in ("csv", "xlsx"):
        response = client.get(f"/team/matrix.{extension}?team={team.id}")
        assert response.status_code == 200
        disposition = response.headers["Content-Disposition"]
        disposition.encode("latin-1")  # what a WSGI server must be able to send
        assert "filename*=UTF-8''" in disposition
        assert response.headers["Cache-Control"] == "private, no-store"


def test_personal_pages_are_not_cached_and_images_stay_on_the_site(app, db, content):
    factories.make_user(db, email="c@example.org")
    db.commit()
    client = app.test_client()
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login(client, "c@example.org")
    page = client.get("/")
    assert page.headers["Cache-Control"] == "private, no-store"
    policy = page.headers["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy and "https:" not in policy


def test_a_bad_answer_value_is_ignored_not_a_500(app, db, content):
    from tests.functional.test_assessments import attempt_of, start

    user = factories.make_user(db, email="q@example.org")
    db.commit()
    client = app.test_client()
    login(client, "q@example.org")
    start(client, "diagnostic")
    attempt = attempt_of(db, user.id)
    question = attempt.question_ids[0]
    for value in ("²", "9" * 5000, "-1", "x"):
        response = post_form(
            client,
            "/assessments/diagnostic/take",
            {"attempt_id": str(attempt.id), "action": "page-²", f"q-{question}": value},
            page="/assessments",
        )
        assert response.status_code == 302
    long_id = post_form(
        client,
        "/assessments/diagnostic/take",
        {"attempt_id": "1" * 25, "action": "save"},
        page="/assessments",
    )
    assert long_id.status_code in (302, 404)


BOMBS = {
    "yaml aliases": "levels: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
    "c: [*b, *b, *b, *b, *b, *b, *b, *b]\n",
    "deep yaml": "levels: " + "[" * 3000 + "]" * 3000 + "\n",
    "claims a list": "self_ratings:\n  - {id: x, label: X, claims: [entry]}\n",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_yaml_bombs_in_the_framework_editor_are_refused_quickly(admin, name):
    import time

    started = time.perf_counter()
    response = post_form(
        admin,
        "/admin/content/framework/framework/preview",
        {"source": BOMBS[name]},
        page="/admin/content/framework/framework",
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line " in page and len(page) < 50_000  # the line and reason, not the expansion


@pytest.mark.parametrize("payload", ["[" * 8000, "[^" * 5000, "[a](" * 3000])
def test_markdown_that_would_render_for_minutes_is_refused_quickly(admin, payload):
    import time

    source = (
        "---\ntitle: First steps\nskills: [strategy-planning]\nlevel: entry\nminutes: 10\n"
        f"prerequisites: []\n---\n# First steps\n\n{payload}\n"
    )
    started = time.perf_counter()
    response = post_form(
        admin,
        "/admin/content/module/first-steps/preview",
        {"source": source},
        page="/admin/content/module/first-steps",
    )
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert "&#39;[&#39; characters" in response.get_data(as_text=True) or "'[' characters" in (
        response.get_data(as_text=True)
    )


def test_an_over_long_source_is_refused_not_truncated(admin):
    from tests.functional.test_authoring import editor_state

    text, base = editor_state(admin, "/admin/content/module/first-steps")
    response = post_form(
        admin,
        "/admin/content/module/first-steps",
        {"source": text + "\n" + "word " * 50_000, "base": base, "action": "save"},
        page="/admin/content/module/first-steps",
    )
    assert response.status_code == 422
    assert "at most 200,000 are accepted" in response.get_data(as_text=True)


def test_the_check_of_an_unpublished_module_is_closed_to_learners(app, db, content):
    from skillgap.models import Module

    factories.make_user(db, email="l@example.org")
    db.get(Module, "second-steps").published = False
    db.commit()
    client = app.test_client()
    login(client, "l@example.org")
    assert client.get("/assessments/second-steps-check/take").status_code == 404
