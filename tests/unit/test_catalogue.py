"""The message catalogue is complete and current.

- Extraction (``pybabel extract`` with babel.cfg, as docs/i18n.md runs it)
  finds exactly the messages committed in messages.pot: a string added to the
  code or templates without updating the catalogue fails here (and .ci/run
  runs the real command and fails on any difference).
- Every message has a Dutch translation that keeps its placeholders.
- No template shows text outside the catalogue: with every Jinja expression,
  tag, comment and ``{% trans %}`` block taken out, no visible text or visible
  attribute (title, aria-label, placeholder, alt, a button's value) is left.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "platform" / "skillgap" / "translations"
# pybabel's defaults (gettext, ngettext, N_ ...) and the two docs/i18n.md adds.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
# What may appear in a template outside the catalogue: the product's name,
# punctuation and symbols (separators, arrows), and nothing with words.
ALLOWED = re.compile(r"^(Skillgap|[a-z]|[\W\d_]*)$")  # a, b: the 2PL parameters
VISIBLE_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}
HIDDEN = {"script", "style", "code"}
JINJA = re.compile(
    r"\{#.*?#\}|\{%-?\s*trans\b.*?%\}.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.S
)


def method_map() -> list[tuple[str, str]]:
    """babel.cfg's [method: pattern] sections, as extract_from_dir takes them."""
    sections = re.findall(r"^\[(\w+): ([^\]]+)\]", (ROOT / "babel.cfg").read_text(), re.M)
    return [(pattern, method) for method, pattern in sections]


def extracted() -> set[str]:
    found = set()
    options = {"**.html": {"trimmed": "true"}, "**.txt": {"trimmed": "true"}}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map=method_map(),
        options_map={
            pattern: options.get("**." + pattern.rsplit(".", 1)[-1], {})
            for pattern, _m in method_map()
        },
        keywords=KEYWORDS,
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def catalogue(path: Path, locale: str | None = None):
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def test_the_committed_catalogue_is_what_extraction_finds():
    committed = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalogue(CATALOGUE / "messages.pot")
        if m.id
    }
    found = extracted()
    assert len(found) > 300  # the interface really is extracted
    missing, stale = sorted(found - committed), sorted(committed - found)
    assert not missing and not stale, (
        "messages.pot is out of date; run the commands in docs/i18n.md. "
        f"New: {missing[:10]}; gone: {stale[:10]}"
    )


def test_every_message_has_a_dutch_translation_with_the_same_placeholders():
    template = catalogue(CATALOGUE / "messages.pot")
    dutch = catalogue(CATALOGUE / "nl" / "LC_MESSAGES" / "messages.po", "nl")
    untranslated, broken = [], []
    for message in template:
        if not message.id:
            continue
        found = dutch.get(message.id)
        strings = found.string if found is not None else None
        strings = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(strings):
            untranslated.append(message.id)
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\((\w+)\)s", ids[-1]))
        if any(set(re.findall(r"%\((\w+)\)s", s)) != wanted for s in strings):
            broken.append(message.id)
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:10]}"
    assert not broken, f"placeholders differ in: {broken[:10]}"


class VisibleText(HTMLParser):
    """Text nodes and visible attributes of a template with its Jinja removed."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0  # inside <script>, <style> or <code> (file names, ids)

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        attributes = dict(attrs)
        for name, value in attributes.items():
            if name in VISIBLE_ATTRIBUTES or (
                tag == "input"
                and name == "value"
                and attributes.get("type") in ("submit", "button")
            ):
                self.found.append((self.getpos()[0], value or ""))

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)

    def handle_data(self, data):
        if not self.hidden:
            self.found.append((self.getpos()[0], data))


def without_jinja(text: str) -> str:
    """The template with Jinja replaced by spaces, keeping line numbers."""
    return JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def test_no_template_text_is_outside_the_catalogue():
    left = []
    templates = sorted((ROOT / "templates").rglob("*.html")) + sorted(
        (ROOT / "templates").rglob("*.txt")
    )
    for path in templates:
        text = without_jinja(path.read_text(encoding="utf-8"))
        if path.suffix == ".txt":
            pieces = [(n, line) for n, line in enumerate(text.split("\n"), 1)]
        else:
            parser = VisibleText()
            parser.feed(text)
            pieces = parser.found
        for line, piece in pieces:
            piece = " ".join(piece.split())
            if piece and not ALLOWED.match(piece):
                left.append(f"{path.relative_to(ROOT)}:{line}: {piece!r}")
    assert len(templates) > 40
    assert not left, "text outside the catalogue:\n" + "\n".join(left[:40])


def test_the_catalogue_is_compiled_again_whenever_its_po_file_changes(tmp_path):
    """Start-up compiles .po to .mo (docs/i18n.md): again after the .po changes,
    whether it became newer (a pull) or older (a checkout), and not otherwise."""
    import os
    import shutil

    from babel.support import Translations

    from skillgap.i18n import compile_catalogues

    source = tmp_path / "source"
    shutil.copytree(CATALOGUE, source)
    po = source / "nl" / "LC_MESSAGES" / "messages.po"
    target = compile_catalogues(source, tmp_path / "compiled")
    mo = target / "nl" / "LC_MESSAGES" / "messages.mo"

    def dutch(message: str) -> str:
        return Translations.load(str(target), ["nl"]).gettext(message)

    assert dutch("Sign in") == "Inloggen"
    compiled_at = mo.stat().st_mtime_ns
    compile_catalogues(source, target)
    assert mo.stat().st_mtime_ns == compiled_at  # unchanged: not compiled again
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "Inloggen"', 'msgstr "Aanmelden"', 1),
        encoding="utf-8",
    )
    old = compiled_at - 10**10  # ten seconds before: an older file, as after a checkout
    os.utime(po, ns=(old, old))
    compile_catalogues(source, target)
    assert dutch("Sign in") == "Aanmelden"
