"""Every page of the route table, rendered in Dutch, shows no catalogue string
in English.

Each GET route of test_access's table is opened by a viewer it allows (at the
route fuzzer's sample values, so that pages show their forms and data) with
``Accept-Language: nl``. The English of every message in the catalogue whose
Dutch differs is then looked for in the page: short messages as a whole text
or attribute, longer ones (three words or more, placeholders as wildcards)
anywhere in the page's text. Text inside an element marked ``lang="en"`` (an
untranslated module, the metric dictionary) is English on purpose and is left
out. The comparison is against the catalogue, not a word list, so a message
added later is checked too.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

from babel.messages.pofile import read_po

from skillgap.curriculum.importer import import_content
from skillgap.roles import Role
from tests.conftest import FIXTURE_CONTENT, login
from tests.functional import test_access, test_route_fuzz
from tests.functional.test_translations import TRANSLATIONS
from tests.unit.test_catalogue import CATALOGUE, VISIBLE_ATTRIBUTES

org = test_access.org
PLACEHOLDER = r"%\(\w+\)[sd]|%[sd]"
COUNTS = ("count", "num", "done", "total", "percent", "minutes", "number", "hours", "weeks")
NOT_PAGES = {"static", "core.healthz", "core.readyz", "team.matrix_csv", "team.matrix_xlsx"}
VIEWER_FOR = {
    None: None,
    Role.LEARNER: "member",
    Role.MANAGER: Role.MANAGER,
    Role.ADMIN: Role.ADMIN,
}


class PageText(HTMLParser):
    """The text a reader meets, outside elements marked as English."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.stack: list[tuple[str, bool]] = []  # (tag, English)
        self.lang = ""

    def english(self) -> bool:
        return any(english for _tag, english in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang") or ""
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr"):
            self.stack.append((tag, attributes.get("lang") == "en" or tag in ("script", "style")))
        if self.english():
            return
        for name, value in attributes.items():
            if value and (
                name in VISIBLE_ATTRIBUTES
                or (tag == "input" and name == "value" and attributes.get("type") == "submit")
            ):
                self.pieces.append(value)

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self.english() and data.strip():
            self.pieces.append(data)


def english_messages() -> list[tuple[str, re.Pattern[str]]]:
    """(message, pattern) for each message whose Dutch is not the same words."""
    with (CATALOGUE / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        dutch = read_po(handle, locale="nl")
    found = []
    for message in dutch:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            plain = " ".join(re.sub(r"<[^>]+>", "", english).split())
            words = re.findall(r"[A-Za-z]{2,}", re.sub(PLACEHOLDER, " ", plain))
            if not words or plain in strings:
                continue
            if len(words) < 3:  # a label, or a few words around values: a whole text
                pattern = "^" + _pattern(plain, short=True) + "$"
            else:
                pattern = _pattern(plain, short=False)
            found.append((english, re.compile(pattern)))
    return found


def _pattern(plain: str, short: bool) -> str:
    """The message as a regular expression, each placeholder a wildcard. In a short
    message a count is digits, and other values are one clause (so that a Dutch
    sentence cannot pass for "%(done)s of %(total)s": Dutch "of" means "or")."""
    out, last = [], 0
    for match in re.finditer(PLACEHOLDER, plain):
        out.append(re.escape(plain[last : match.start()]))
        name = match.group(0)
        if not short:
            out.append(r".{0,200}?")
        elif any(word in name for word in COUNTS):
            out.append(r"[\d.,%\s]+")
        else:
            out.append(r"[^;:.!?]{1,80}?")
        last = match.end()
    out.append(re.escape(plain[last:]))
    return "".join(out)


def english_left(html: str, messages) -> tuple[str, list[str]]:
    parser = PageText()
    parser.feed(html)
    pieces = [" ".join(piece.split()) for piece in parser.pieces]
    text = " ".join(pieces)
    left = []
    for english, pattern in messages:
        if pattern.pattern.startswith("^"):  # a short message: a whole piece of text
            found = any(pattern.match(piece) for piece in pieces)
        else:
            found = pattern.search(text) is not None
        if found:
            left.append(english)
    return parser.lang, left


def test_every_page_of_the_route_table_is_in_dutch(app, db, org, capsys, tmp_path):
    # The framework in Dutch, as the bundled one is: skill and level names are
    # content, and an English one would be flagged where it equals a message.
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    shutil.copy(TRANSLATIONS / "framework.nl.yml", root / "courses")
    import_content(db, root)
    db.commit()
    samples = test_route_fuzz._arrange(app, db, org)
    messages = english_messages()
    clients = {}
    for role, key in VIEWER_FOR.items():
        client = app.test_client()
        if key is not None:
            assert login(client, org[key].email).status_code == 302
        clients[role] = client
    problems, pages = [], 0
    for endpoint, (role, method) in sorted(test_access.EXPECTED.items()):
        if method != "GET" or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        response = clients[role].get(samples[endpoint], headers={"Accept-Language": "nl"})
        if response.mimetype != "text/html" or response.status_code >= 300:
            continue
        pages += 1
        lang, left = english_left(response.get_data(as_text=True), messages)
        if lang != "nl":
            problems.append(f"{endpoint}: <html lang={lang!r}>")
        problems += [f"{endpoint}: {english!r}" for english in left]
    missing = clients[None].get("/no-such-page", headers={"Accept-Language": "nl"})
    problems += [
        f"404 page: {e!r}" for e in english_left(missing.get_data(as_text=True), messages)[1]
    ]
    with capsys.disabled():
        print(f"\nDutch pages: {pages} pages, {len(messages)} catalogue messages looked for")
    assert pages >= 35  # every GET page but the SSO routes (no provider here) and the CSV template
    assert not problems, "English left on Dutch pages:\n" + "\n".join(problems[:60])
