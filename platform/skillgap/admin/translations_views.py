"""/admin/translations: which translations are missing or behind their source,
the source's changes since a translation was made, and the translation editor.
The rules live in curriculum/translations.py; these views only show them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from skillgap.access import requires
from skillgap.admin.content_views import _item_or_404
from skillgap.admin.views import bp
from skillgap.config import LOCALES
from skillgap.content.translations import SOURCE_LOCALE
from skillgap.curriculum import authoring, revisions
from skillgap.curriculum import translations as translating
from skillgap.curriculum.authoring import InvalidError
from skillgap.db import get_session
from skillgap.forms import ConfirmForm
from skillgap.roles import Role

TARGET_LOCALES = [code for code in LOCALES if code != SOURCE_LOCALE]
STATE_ORDER = {"outdated": 0, "missing": 1, "current": 2}


def _locale_or_404(locale: str) -> str:
    if locale not in TARGET_LOCALES:
        abort(404)
    return locale


@bp.get("/translations")
@requires(Role.ADMIN)
def translations():
    locale = _locale_or_404(request.args.get("locale", TARGET_LOCALES[0]))
    found = translating.statuses(get_session(), locale)
    counts = {state: sum(1 for s in found if s.state == state) for state in STATE_ORDER}
    found.sort(key=lambda s: STATE_ORDER[s.state])  # stable: curriculum order within a state
    return render_template(
        "admin/translations.html",
        statuses=found,
        counts=counts,
        locale=locale,
        locales={code: LOCALES[code] for code in TARGET_LOCALES},
    )


@bp.route("/translations/<kind>/<item_id>/<locale>", methods=["GET", "POST"])
@requires(Role.ADMIN)
def edit_translation(kind: str, item_id: str, locale: str):
    db = get_session()
    item = _item_or_404(kind, item_id)
    locale = _locale_or_404(locale)
    status = translating.status_of(db, item, locale)
    if request.method == "GET":
        text = status.translation.source if status.translation else _starting_text(item)
        return _render_editor(item, status, text)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    text = request.form.get("source", "").replace("\r\n", "\n")
    try:
        number = translating.save(db, item, locale, text, current_user)
    except InvalidError as invalid:
        db.rollback()
        return _render_editor(item, status, text, errors=invalid.errors, status_code=422)
    db.commit()
    flash(
        _(
            "Saved the %(language)s translation as revision %(number)s, made from "
            "revision %(source)s of the source.",
            language=LOCALES[locale],
            number=number,
            source=translating.source_number(db, item.kind, item.id),
        ),
        "success",
    )
    return redirect(url_for("admin.edit_translation", kind=kind, item_id=item_id, locale=locale))


def _starting_text(item: authoring.Item) -> str:
    """A new translation starts from the source, for the translator to overwrite."""
    return authoring.live_text(get_session(), item)


def _render_editor(item, status, text, errors=(), status_code=200):
    db = get_session()
    history = revisions.revisions_of(db, item.kind, f"{item.id}.{status.locale}")
    return render_template(
        "admin/translation_edit.html",
        item=item,
        status=status,
        text=text,
        source_text=authoring.live_text(db, item),
        errors=errors,
        diff=translating.changes_since(db, status),
        history=history,
        language=LOCALES[status.locale],
        confirm=ConfirmForm(),
    ), status_code
