"""Content validation messages are catalogue messages: an admin who reads
Dutch sees the browser editor's ``line: reason`` in Dutch.

NOTE: this test passes only once the catalogue has been extracted and the
content messages translated (docs/i18n.md). Until then the msgid is missing
from messages.pot, or its Dutch is empty and the page shows the English.
It compares with gettext of the same msgid under the Dutch locale, so it
does not depend on the translator's wording.
"""

from __future__ import annotations

import html
import re

from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from skillgap.i18n import CATALOGUE
from skillgap.models import Level
from skillgap.roles import Role
from tests import factories
from tests.conftest import login, post_form

EDIT = "/admin/content/module/first-steps"
UNKNOWN_LEVEL = "unknown level %(level)s: use one of %(values)s"  # content/module_files.py


def test_a_broken_module_is_explained_in_the_admins_language(app, db, content):
    admin = factories.make_user(db, Role.ADMIN, email="beheer@example.org")
    admin.locale = "nl"
    db.commit()
    client = app.test_client()
    login(client, "beheer@example.org")
    page = client.get(EDIT).get_data(as_text=True)
    text = html.unescape(re.search(r'<textarea id="source"[^>]*>(.*?)</textarea>', page, re.S)[1])
    base = re.search(r'name="base" value="(\d+)"', page)[1]

    broken = text.replace("level: entry", "level: guru")
    response = post_form(
        client, EDIT, {"source": broken, "base": base, "action": "save"}, page=EDIT
    )

    assert response.status_code == 422
    teachable = list(db.scalars(select(Level.id).order_by(Level.position)))[1:]
    values = {"level": repr("guru"), "values": ", ".join(teachable)}
    with app.test_request_context("/"), force_locale("nl"):
        dutch = gettext(UNKNOWN_LEVEL, **values)
    english = UNKNOWN_LEVEL % values
    shown = response.get_data(as_text=True)
    assert str(escape(dutch)) in shown
    assert str(escape(english)) not in shown
    assert dutch != english  # translated, not the English fallback
    with (CATALOGUE / "messages.pot").open("rb") as handle:
        assert UNKNOWN_LEVEL in {m.id for m in read_po(handle)}
