"""Authoring in the browser: preview, drafts, publishing, conflicts, history,
restore, import refusal, GIFT upload, CSV users, audit log."""

from __future__ import annotations

import io
import re
import shutil

import pytest
from flask import url_for
from sqlalchemy import func, select

from skillgap.curriculum.importer import ContentConflictError, import_content
from skillgap.models import AuditEvent, Module, ModuleCompletion, Quiz, Revision, User
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, csrf_token, login, post_form, reread

EDIT = "/admin/content/module/first-steps"


@pytest.fixture
def admin(app, db, content):
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    factories.make_user(db, Role.ADMIN, email="admin2@example.org")
    factories.make_user(db, email="learner@example.org")
    db.commit()
    client = app.test_client()
    login(client, "admin@example.org")
    return client


def editor_state(client, path=EDIT) -> tuple[str, str]:
    import html

    page = client.get(path).get_data(as_text=True)
    text = html.unescape(re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', page, re.S)[1])
    base = re.search(r'name="base" value="(\d+)"', page)[1]
    return text, base


def publish(client, path=EDIT):
    """Publish the revision the editor page shows (as its Publish button does)."""
    _text, base = editor_state(client, path)
    return post_form(client, f"{path}/publish", {"revision": base}, page=path)


def save(client, text, base, message="", path=EDIT):
    return post_form(
        client,
        path,
        {"source": text, "base": base, "action": "save", "message": message},
        page=path,
    )


def test_preview_equals_the_published_rendering(app, admin, db):
    text, base = editor_state(admin)
    edited = text.replace(
        "then the channel.", "then the channel.\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    preview = post_form(
        admin, EDIT, {"source": edited, "base": base, "action": "preview"}, page=EDIT
    ).get_data(as_text=True)
    pane = preview.split('id="preview-pane"', 1)[1].split("</section>", 1)[0]
    preview_html = pane.split('<div class="prose" lang="en">', 1)[1].rsplit("</div>", 2)[0]
    assert "<table>" in preview_html
    assert save(admin, edited, base).status_code == 302
    publish(admin)
    reread(db)
    assert db.get(Module, "first-steps").body_html == preview_html.strip()


def test_edits_are_drafts_until_published(app, admin, db):
    learner = app.test_client()
    login(learner, "learner@example.org")
    text, base = editor_state(admin)
    assert (
        save(
            admin, text.replace("then the channel.", "then the CHANNEL."), base, "shout"
        ).status_code
        == 302
    )
    assert "then the channel." in learner.get("/modules/first-steps").get_data(as_text=True)
    publish(admin)
    assert "then the CHANNEL." in learner.get("/modules/first-steps").get_data(as_text=True)


def test_a_new_module_is_invisible_to_learners_until_published(app, admin, db):
    response = post_form(
        admin,
        "/admin/content/modules/new",
        {"course": "alpha", "module_id": "third-steps", "title": "Third steps"},
        page="/admin/content",
    )
    assert response.headers["Location"].endswith("/admin/content/module/third-steps")
    learner = app.test_client()
    login(learner, "learner@example.org")
    assert learner.get("/modules/third-steps").status_code == 404
    assert "Third steps" not in learner.get("/courses/alpha").get_data(as_text=True)
    publish(admin, "/admin/content/module/third-steps")
    assert learner.get("/modules/third-steps").status_code == 200
    reread(db)
    assert db.get(Module, "third-steps").file_name == "03-third-steps.md"


def test_second_admin_saving_over_a_newer_revision_is_refused_and_keeps_their_text(app, admin):
    other = app.test_client()
    login(other, "admin2@example.org")
    text, base = editor_state(admin)
    their_text, their_base = editor_state(other)
    assert save(admin, text + "\nFirst admin's line.\n", base).status_code == 302
    refused = save(other, their_text + "\nSecond admin's careful paragraph.\n", their_base)
    assert refused.status_code == 409
    page = refused.get_data(as_text=True)
    assert "Second admin&#39;s careful paragraph." in page  # their text is kept in the form
    assert "First admin&#39;s line." in page  # the diff shows the newer revision
    assert "was saved by someone else" in page


def test_invalid_text_shows_line_numbered_errors_and_keeps_the_text(admin, db):
    text, base = editor_state(admin)
    broken = text.replace("level: entry", "level: guru")
    response = save(admin, broken, base)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 4: unknown level &#39;guru&#39;" in page and "level: guru" in page
    reread(db)
    assert (
        db.scalar(select(func.count()).select_from(Revision).where(Revision.origin == "browser"))
        == 0
    )


def test_history_diff_and_restore_make_a_new_revision(admin, db):
    text, base = editor_state(admin)
    save(admin, text.replace("Start with", "Begin with"), base, "wording")
    history = admin.get(f"{EDIT}/history?a=1&b=2").get_data(as_text=True)
    assert "wording" in history and "Begin with" in history and "Start with" in history
    response = post_form(admin, f"{EDIT}/restore", {"number": "1"}, page=f"{EDIT}/history")
    assert response.status_code == 302
    reread(db)
    numbers = db.execute(
        select(Revision.number, Revision.origin)
        .where(Revision.item_id == "first-steps")
        .order_by(Revision.number)
    ).all()
    assert numbers == [(1, "import"), (2, "browser"), (3, "restore")]
    restored_text, _ = editor_state(admin)
    assert "Start with" in restored_text


def test_unpublishing_hides_but_keeps_completions(app, admin, db):
    learner_user = db.scalar(User.by_email("learner@example.org"))
    db.add(ModuleCompletion(user_id=learner_user.id, module_id="first-steps"))
    db.commit()
    post_form(admin, f"{EDIT}/unpublish", {"confirm": "yes"}, page=EDIT)
    learner = app.test_client()
    login(learner, "learner@example.org")
    assert learner.get("/modules/first-steps").status_code == 404
    reread(db)
    assert db.get(ModuleCompletion, (learner_user.id, "first-steps")) is not None


def test_import_refuses_to_overwrite_a_browser_edit_unless_forced(admin, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    text, base = editor_state(admin)
    save(admin, text + "\nEdited in the browser.\n", base)
    changed = root / "courses" / "alpha" / "01-first-steps.md"
    changed.write_text(changed.read_text() + "\nChanged in the files.\n")
    reread(db)
    with pytest.raises(ContentConflictError) as refused:
        import_content(db, root)
    db.rollback()
    assert refused.value.conflicts == [
        "courses/alpha/01-first-steps.md: module 'first-steps' was edited in the browser "
        "(revision 2) since it was last imported"
    ]
    import_content(db, root, force=True)
    db.commit()
    reread(db)
    origins = [
        r.origin
        for r in db.scalars(
            select(Revision).where(Revision.item_id == "first-steps").order_by(Revision.number)
        )
    ]
    assert origins == ["import", "browser", "import"]  # the browser version is kept


def test_gift_upload_becomes_a_draft_quiz(admin, db):
    gift = "::Q1:: Which counts unique accounts? {=Reach ~Impressions}\n\n::Q2:: Essay? {}\n"
    data = {
        "csrf_token": csrf_token(admin, "/admin/gift"),
        "quiz_id": "bank",
        "title": "Bank",
        "skill": "platform-metrics",
        "kind": "check",
        "action": "parse",
        "file": (io.BytesIO(gift.encode()), "bank.gift"),
    }
    parsed = admin.post("/admin/gift", data=data, content_type="multipart/form-data")
    page = parsed.get_data(as_text=True)
    assert "1 question understood, 1 left out" in page and "Line 3: essay" in page
    # The preview shows each option with its key (issue 15), not only the stems.
    assert "<li>Reach <strong>(correct)</strong></li>" in page and "<li>Impressions</li>" in page
    data = {
        "csrf_token": csrf_token(admin, "/admin/gift"),
        "quiz_id": "bank",
        "title": "Bank",
        "skill": "platform-metrics",
        "kind": "check",
        "action": "import",
        "gift": gift,
    }
    response = admin.post("/admin/gift", data=data)
    assert response.headers["Location"].endswith("/admin/content/quiz/bank")
    reread(db)
    assert db.get(Quiz, "bank").published is False


CSV_TEN = """email,name,role,team,role_profile
p1@example.org,Person One,learner,Social,social-media-manager
not-an-email,Person Two,learner,Social,
p3@example.org,Person Three,learner,Social,
p4@example.org,Person Four,manager,,
p5@example.org,Person Five,owner,Social,
p6@example.org,Person Six,learner,,
p7@example.org,Person Seven,learner,Care,
p8@example.org,Person Eight,learner,Care,
p1@example.org,Person Nine,learner,Care,
p10@example.org,Person Ten,learner,Care,
"""


def test_csv_import_reports_bad_rows_by_number_and_imports_nothing_until_told(admin, db):
    data = {
        "csrf_token": csrf_token(admin, "/admin/users/import"),
        "action": "preview",
        "file": (io.BytesIO(CSV_TEN.encode()), "people.csv"),
    }
    response = admin.post("/admin/users/import", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.findall(r"<li>Row (\d+):", page) == ["2", "5", "9"]
    assert "10 rows: 7 valid, 3 with errors" in page
    reread(db)
    assert db.scalar(select(User).where(User.email == "p1@example.org")) is None
    done = admin.post(
        "/admin/users/import",
        data={
            "csrf_token": csrf_token(admin, "/admin/users/import"),
            "action": "import-valid",
            "csv": CSV_TEN,
        },
    )
    assert "7 users created" in done.get_data(as_text=True)
    reread(db)
    assert (
        db.scalar(select(func.count()).select_from(User).where(User.email.like("p%@example.org")))
        == 7
    )
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "users.import")) is not None


def test_audit_log_records_and_filters_admin_actions(admin, db):
    text, base = editor_state(admin)
    save(admin, text, base, "no-op save")
    publish(admin)
    page = admin.get("/admin/audit?action=content.publish").get_data(as_text=True)
    assert "module first-steps" in page and "content.save" not in page.split("<tbody>")[1]
    everything = admin.get("/admin/audit").get_data(as_text=True)
    assert "content.save" in everything and "content.import" in everything  # the filter
    rows = everything.split("<tbody>")[1]
    assert "Saved a draft" in rows and "Published" in rows and "content.save" not in rows


def test_every_admin_post_route_needs_a_csrf_token(app, admin):
    with app.test_request_context():
        rules = [
            r
            for r in app.url_map.iter_rules()
            if r.endpoint.startswith("admin.") and "POST" in r.methods
        ]
        values = {
            "user_id": 1,
            "team_id": 1,
            "kind": "module",
            "item_id": "first-steps",
            "token_id": 1,
            "locale": "nl",
            "credential_id": "00000000-0000-4000-8000-000000000000",
        }
        urls = [url_for(r.endpoint, **{a: values[a] for a in r.arguments}) for r in rules]
    assert len(urls) >= 12
    for url in urls:
        assert admin.post(url, data={"source": "x", "name": "x"}).status_code == 400, url


def test_publish_publishes_the_text_in_the_editor_and_never_an_unseen_revision(app, admin, db):
    text, base = editor_state(admin)
    edited = text.replace("then the channel.", "then the channel, in that order.")
    response = post_form(
        admin, EDIT, {"source": edited, "base": base, "action": "save-publish"}, page=EDIT
    )
    assert response.status_code == 302
    learner = app.test_client()
    login(learner, "learner@example.org")
    assert "in that order." in learner.get("/modules/first-steps").get_data(as_text=True)
    # A page opened before someone else saved a newer revision cannot publish it unseen.
    _text, shown = editor_state(admin)
    other = app.test_client()
    login(other, "admin2@example.org")
    newer_text, newer_base = editor_state(other)
    save(other, newer_text.replace("in that order.", "UNSEEN."), newer_base, "other")
    refused = post_form(admin, f"{EDIT}/publish", {"revision": shown}, page=EDIT)
    assert "was saved after this page was opened" in admin.get(
        refused.headers["Location"]
    ).get_data(as_text=True)
    assert "UNSEEN." not in learner.get("/modules/first-steps").get_data(as_text=True)


def test_unpublishing_needs_a_confirmation(app, admin, db):
    post_form(admin, f"{EDIT}/unpublish", page=EDIT)
    reread(db)
    assert db.get(Module, "first-steps").published
