"""The interface language and time zone (Flask-Babel).

Language: the person's own setting (``/account``), else the browser's
``Accept-Language``, else ``SKILLGAP_DEFAULT_LOCALE``. Time zone: the person's
setting, else ``SKILLGAP_DEFAULT_TIMEZONE``. Emails, which are sent outside a
request, pick the recipient's with :func:`recipient_locale` under
``flask_babel.force_locale``.

The catalogue lives in ``translations/`` (``messages.pot`` and one ``.po`` per
language, committed). The ``.mo`` files Flask-Babel reads are compiled from the
``.po`` files when the app starts, into the instance folder, and only when a
``.po`` has changed: there is no build step to forget, and no compiled file in
the repository to fall out of step (docs/i18n.md).
"""

from __future__ import annotations

import functools
import os
import tempfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, format_date, format_datetime, format_decimal, format_percent
from flask_babel import gettext as _
from flask_login import current_user

from skillgap.config import LOCALES

CATALOGUE = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
SOURCE_LOCALE = "en"  # the language of the msgids and of the content files

babel = Babel()


def init_app(app: Flask) -> None:
    compiled = compile_catalogues(CATALOGUE, Path(app.instance_path) / "translations")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["DEFAULT_LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["DEFAULT_TIMEZONE"]
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    # Flask-Babel's own template callables (installed just now) find the
    # translations anew on every call: these keep them for the request.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.policies["ext.i18n.trimmed"] = True  # {% trans %} blocks ignore line breaks
    app.add_template_filter(when, "when")
    app.add_template_filter(day, "day")
    app.add_template_filter(percent, "percent")
    app.add_template_filter(number, "number")

    @app.context_processor
    def inject_locale() -> dict[str, object]:
        return {"current_locale": current_locale(), "LOCALES": LOCALES}


def _translations() -> Any:
    """Flask-Babel's translations for the language being rendered, kept on its own
    per-request namespace beside the locale they are for. Its get_translations()
    walks about ten context lookups per call and a page makes dozens of calls; the
    kept pair is used only while the namespace still holds that same locale
    object, which ``force_locale`` (emails in the recipient's language) and
    ``refresh()`` replace, so a switched language is never served stale words."""
    from flask_babel import get_translations

    state = g.get("_flask_babel")
    if state is not None:
        kept = getattr(state, "skillgap_translations", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
    translations = get_translations()  # selects the locale first if need be
    state = g.get("_flask_babel")
    if state is not None and getattr(state, "babel_locale", None) is not None:
        state.skillgap_translations = (state.babel_locale, translations)
    return translations


def compile_catalogues(source: Path, target: Path) -> Path:
    """Compile every ``<lang>/LC_MESSAGES/messages.po`` under source into target.

    Written to a temporary file and renamed, so that two processes starting
    at once never read half a catalogue. A ``.mo`` carries its ``.po``'s
    modification time, and is compiled again when the two differ: a newer
    ``.po`` (a pull) and an older one (a checkout of an earlier version) alike."""
    for po_path in sorted(source.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        po_time = po_path.stat().st_mtime_ns
        if mo_path.exists() and mo_path.stat().st_mtime_ns == po_time:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=po_path.parts[-3])
        fd, tmp = tempfile.mkstemp(dir=mo_path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            write_mo(out, catalogue, use_fuzzy=False)
        os.utime(tmp, ns=(po_time, po_time))
        os.replace(tmp, mo_path)
    return target


@functools.cache
def _messages(locale: str) -> dict[str, str]:
    """The catalogue of ``locale`` as msgid -> text (simple messages only)."""
    path = CATALOGUE / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=locale)
    return {
        m.id: m.string
        for m in catalogue
        if isinstance(m.id, str) and m.id and isinstance(m.string, str) and m.string
    }


def translate(message: str, locale: str | None) -> str:
    """``message`` in ``locale``, without a request or an app: for HTML rendered
    once and stored (content/markdown.py), which must not depend on who happens
    to trigger the rendering."""
    if not locale or locale == SOURCE_LOCALE:
        return message
    return _messages(locale).get(message, message)


def select_locale() -> str:
    if current_user and current_user.is_authenticated and current_user.locale in LOCALES:
        return str(current_user.locale)
    if has_request_context():
        best = request.accept_languages.best_match(LOCALES)
        if best:
            return best
    return str(current_app.config["DEFAULT_LOCALE"])


def select_timezone() -> str:
    if current_user and current_user.is_authenticated and current_user.timezone:
        return str(current_user.timezone)
    return str(current_app.config["DEFAULT_TIMEZONE"])


def recipient_locale(locale: str | None) -> str:
    """The language to write to someone in outside a request (emails)."""
    return locale if locale in LOCALES else str(current_app.config["DEFAULT_LOCALE"])


def active_locale() -> str | None:
    """The language being rendered, inside a request or ``force_locale``; None
    outside both (the CLI, the importer)."""
    from flask import has_app_context
    from flask_babel import get_locale

    if not has_app_context():
        return None
    locale = get_locale()
    return locale.language if locale is not None else None


def uses_decimal_comma() -> bool:
    """Whether the reader writes 3,5 for three and a half (Dutch does)."""
    from babel.numbers import get_decimal_symbol

    locale = active_locale()
    return bool(locale) and get_decimal_symbol(locale) == ","


def current_locale() -> str:
    from flask_babel import get_locale

    locale = get_locale()
    return locale.language if locale is not None else SOURCE_LOCALE


# --- Template filters: dates, numbers and percentages in the reader's locale ------


def when(value: datetime | None) -> str:
    """A moment, in the reader's time zone and language ("2 Dec 2026, 15:34")."""
    if value is None:
        return _("never")
    return format_datetime(value, "d MMM y, HH:mm")


def day(value: date | datetime | None, style: str = "long") -> str:
    """A calendar date ("2 December 2026" / "2 december 2026")."""
    if value is None:
        return ""
    return format_date(value, style)


def percent(value: float | None, digits: int = 0) -> str:
    """A percentage given on a 0-100 scale, as the scores are stored ("62%")."""
    if value is None:
        return ""
    pattern = "#,##0%" if digits == 0 else "#,##0." + "0" * digits + "%"
    return format_percent(value / 100, pattern)


def number(value: float | int | None, digits: int | None = None) -> str:
    """A number with the locale's separators ("1,200" / "1.200")."""
    if value is None:
        return ""
    if digits is None:
        return format_decimal(value)
    return format_decimal(value, "#,##0." + "0" * digits if digits else "#,##0")
