"""Authoring under /admin/content: the list, the editor (preview, save as draft,
publish, unpublish), history with side-by-side diffs, restore; and the audit log.

Each editor form carries the revision it started from; saving when a newer one
exists is refused and shows the difference, with the admin's text kept.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from skillgap import clock
from skillgap.access import requires
from skillgap.admin.audit_links import audit_links
from skillgap.admin.forms import GiftImportForm
from skillgap.admin.views import bp
from skillgap.admin.words import AUDIT_WORDS, ORIGIN_WORDS, QUIZ_KINDS, REVIEW_KINDS
from skillgap.curriculum import authoring, new_content, revisions
from skillgap.curriculum.authoring import ConflictError, InvalidError
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.db import get_session
from skillgap.forms import ConfirmForm, choices, number_arg, read_text_upload
from skillgap.models import AuditEvent, ContentKind, User
from skillgap.roles import Role
from skillgap.services import content_review


def _item_or_404(kind: str, item_id: str) -> authoring.Item:
    if kind not in {k.value for k in ContentKind}:
        abort(404)
    item = authoring.find_item(get_session(), kind, item_id)
    if item is None:
        abort(404)
    return item


@bp.get("/content")
@requires(Role.ADMIN)
def content():
    return _render_listing()


def _render_listing(typed: dict[str, str] | None = None, errors=(), status: int = 200):
    """The content list; ``typed``: the new-module form as sent, shown again with
    ``errors`` when it was refused (nothing typed is lost)."""
    listing = new_content.content_listing(get_session())
    return render_template(
        "admin/content.html",
        courses=listing.courses,
        modules=listing.modules,
        quizzes=listing.quizzes,
        drafts=listing.drafts,
        metric_files=listing.metric_files,
        quiz_kinds=QUIZ_KINDS,
        typed=typed or {},
        new_errors=errors,
    ), status


def _render_editor(
    item,
    text,
    base,
    *,
    preview=None,
    spec=None,
    errors=(),
    conflict=None,
    status=200,
):
    db = get_session()
    newest = revisions.latest(db, item.kind, item.id)
    live = revisions.live(db, item.kind, item.id)
    return render_template(
        "admin/editor.html",
        item=item,
        text=text,
        base=base,
        preview=preview,
        errors=errors,
        conflict=conflict,
        diff=revisions.side_by_side(conflict.newer.source, text) if conflict else None,
        has_draft=bool(newest and (live is None or newest.number > live.number)),
        confirm=ConfirmForm(),
    ), status


@bp.route("/content/<kind>/<item_id>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_content(kind: str, item_id: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    if request.method == "GET":
        text, base = authoring.editing_base(db, item)
        try:
            spec = authoring.validate(db, item, text)
        except InvalidError as invalid:
            return _render_editor(item, text, base, errors=invalid.errors)
        return _render_editor(
            item, text, base, preview=authoring.preview_html(item, spec), spec=spec
        )
    if not ConfirmForm().validate_on_submit():
        abort(400)
    text = request.form.get("source", "").replace("\r\n", "\n")  # too long: refused by validate
    base = number_arg(request.form, "base") or 0
    action = request.form.get("action", "preview")
    try:
        if action in ("save", "save-publish"):
            message = request.form.get("message", "").strip()
            if action == "save":
                revision = authoring.save(db, item, text, base, current_user, message)
            else:  # an unchanged text publishes the revision it already is
                revision = authoring.save_if_changed(db, item, text, base, current_user, message)
            if action == "save-publish":
                # What is published is what the editor holds: saved first, then live.
                authoring.publish(db, item, current_user, shown=revision.number)
            db.commit()
            flash(
                _("Published revision %(number)s: learners see it now.", number=revision.number)
                if action == "save-publish"
                else _(
                    "Saved as revision %(number)s (a draft: publish it to show learners).",
                    number=revision.number,
                ),
                "success",
            )
            return redirect(url_for("admin.edit_content", kind=kind, item_id=item_id))
        spec = authoring.validate(db, item, text)
        return _render_editor(
            item, text, base, preview=authoring.preview_html(item, spec), spec=spec
        )
    except ConflictError as conflict:
        db.rollback()
        return _render_editor(item, text, base, conflict=conflict, status=409)
    except InvalidError as invalid:
        db.rollback()
        return _render_editor(item, text, base, errors=invalid.errors, status=422)


@bp.post("/content/<kind>/<item_id>/preview")
@requires(Role.ADMIN)
def preview_content(kind: str, item_id: str):
    """The live preview (fetched as the admin types): same pipeline, sanitised HTML."""
    item = _item_or_404(kind, item_id)
    text = request.form.get("source", "").replace("\r\n", "\n")  # too long: refused by validate
    try:
        spec = authoring.validate(get_session(), item, text)
    except InvalidError as invalid:
        return render_template(
            "admin/_preview.html", errors=invalid.errors, preview=None, spec=None
        ), 422
    return render_template(
        "admin/_preview.html", errors=(), preview=authoring.preview_html(item, spec)
    )


@bp.post("/content/<kind>/<item_id>/publish")
@requires(Role.ADMIN)
def publish_content(kind: str, item_id: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        revision = authoring.publish(
            db, item, current_user, shown=number_arg(request.form, "revision")
        )
    except ConflictError as conflict:
        db.rollback()
        flash(
            _(
                "Not published: revision %(number)s was saved after this page was opened. "
                "Review it here, then publish.",
                number=conflict.newer.number,
            ),
            "error",
        )
    except InvalidError as invalid:
        db.rollback()
        flash(
            _("Not published: %(errors)s", errors="; ".join(str(e) for e in invalid.errors)),
            "error",
        )
    else:
        db.commit()
        flash(
            _("Published revision %(number)s: learners see it now.", number=revision.number),
            "success",
        )
    return redirect(url_for("admin.edit_content", kind=kind, item_id=item_id))


@bp.post("/content/<kind>/<item_id>/unpublish")
@requires(Role.ADMIN)
def unpublish_content(kind: str, item_id: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "yes":
        flash(_("Not unpublished: tick the box to confirm that learners should lose it."), "error")
        return redirect(url_for("admin.edit_content", kind=kind, item_id=item_id))
    try:
        authoring.unpublish(db, item, current_user)
    except InvalidError as invalid:
        flash(str(invalid.errors[0]), "error")
    else:
        db.commit()
        flash(
            _("Unpublished: hidden from learners; their completions and results are kept."),
            "success",
        )
    return redirect(url_for("admin.edit_content", kind=kind, item_id=item_id))


@bp.get("/content/<kind>/<item_id>/history")
@requires(Role.ADMIN)
def content_history(kind: str, item_id: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    history = revisions.revisions_of(db, kind, item_id)
    by_number = {r.number: r for r in history}
    left = by_number.get(number_arg(request.args, "a") or 0)
    right = by_number.get(number_arg(request.args, "b") or 0)
    if history and (left is None or right is None):
        right = history[0]
        left = history[1] if len(history) > 1 else history[0]
    authors = dict(db.execute(select(User.id, User.name)).all())
    return render_template(
        "admin/history.html",
        item=item,
        history=history,
        left=left,
        right=right,
        diff=revisions.side_by_side(left.source, right.source) if left and right else [],
        authors=authors,
        origins=ORIGIN_WORDS,
        confirm=ConfirmForm(),
    )


@bp.post("/content/<kind>/<item_id>/restore")
@requires(Role.ADMIN)
def restore_content(kind: str, item_id: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        revision = authoring.restore(
            db, item, number_arg(request.form, "number") or 0, current_user
        )
    except InvalidError as invalid:
        flash(str(invalid.errors[0]), "error")
        return redirect(url_for("admin.content_history", kind=kind, item_id=item_id))
    db.commit()
    flash(
        _("Restored as revision %(number)s (a draft until published).", number=revision.number),
        "success",
    )
    return redirect(url_for("admin.edit_content", kind=kind, item_id=item_id))


@bp.get("/review")
@requires(Role.ADMIN)
def review():
    """What is overdue for review, cites a changed metric, or is due soon."""
    report = content_review.review_report(get_session(), clock.now().date())
    return render_template(
        "admin/review.html", report=report, soon=content_review.DUE_SOON_DAYS, kinds=REVIEW_KINDS
    )


@bp.get("/audit")
@requires(Role.ADMIN)
def audit():
    db = get_session()
    action = request.args.get("action", "").strip()[:50]
    actor = number_arg(request.args, "actor")
    search = request.args.get("q", "").strip()[:100]
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(500)
    if action:
        query = query.where(AuditEvent.action == action)
    if actor:
        query = query.where(AuditEvent.actor_id == actor)
    if search:
        query = query.where(AuditEvent.target.contains(search) | AuditEvent.detail.contains(search))
    events = list(db.scalars(query))
    actions = sorted(set(db.scalars(select(AuditEvent.action).distinct())))
    people = dict(db.execute(select(User.id, User.name)).all())
    return render_template(
        "admin/audit.html",
        events=events,
        actions=actions,
        people=people,
        action=action,
        actor=actor,
        search=search,
        words=AUDIT_WORDS,
        links=audit_links(db, events),
    )


@bp.post("/content/modules/new")
@requires(Role.ADMIN)
def new_module():
    db = get_session()
    if not ConfirmForm().validate_on_submit():
        abort(400)
    typed = {key: request.form.get(key, "")[:300] for key in ("course", "module_id", "title")}
    try:
        item = new_content.new_module(
            db, typed["course"], typed["module_id"].strip(), typed["title"], current_user
        )
    except InvalidError as invalid:
        db.rollback()
        return _render_listing(typed, [e.reason for e in invalid.errors], status=422)
    db.commit()
    flash(
        _("Created as an unpublished draft: only admins can see it until you publish it."),
        "success",
    )
    return redirect(url_for("admin.edit_content", kind=item.kind, item_id=item.id))


MAX_GIFT_BYTES = 1_000_000


@bp.route("/gift", methods=["GET", "POST"])
@requires(Role.ADMIN)
def gift_import():
    """Upload a GIFT file, see what was understood, then import it as a draft quiz."""
    from skillgap.content.gift import parse_gift

    db = get_session()
    form = GiftImportForm()
    form.skill.choices = choices((skill.id, skill.name) for skill in snapshot_of(db).skills)
    if request.method == "GET":
        return _render_gift(form)
    if not form.validate_on_submit():
        abort(400)
    form.normalise()
    upload = read_text_upload("file", MAX_GIFT_BYTES)
    gift = upload.text if upload.data else request.form.get("gift", "")
    if upload.error:
        return _render_gift(form, error=upload.error)
    result = parse_gift(gift, form.skill.data) if gift else None
    if result is None or request.form.get("action") != "import":
        return _render_gift(form, result, gift)
    try:
        item = new_content.import_gift_quiz(
            db, form.quiz_id.data, form.title.data, form.kind.data, result, current_user
        )
    except InvalidError as invalid:
        db.rollback()
        return _render_gift(form, result, gift, "; ".join(e.reason for e in invalid.errors))
    db.commit()
    flash(
        ngettext(
            "Imported %(num)s question as the draft quiz %(quiz)s. Review and publish it here.",
            "Imported %(num)s questions as the draft quiz %(quiz)s. Review and publish it here.",
            len(result.questions),
            quiz=repr(item.id),
        ),
        "success",
    )
    return redirect(url_for("admin.edit_content", kind=item.kind, item_id=item.id))


def _render_gift(form: GiftImportForm, result=None, gift: str = "", error: str | None = None):
    return render_template(
        "admin/gift.html",
        form=form,
        result=result,
        gift=gift,
        error=error,
        confirm=ConfirmForm(),
    ), (422 if error else 200)
