"""Modules cite the metric dictionary with ``[[metric:instagram.views]]``.

Rendering keeps each citation as a marker (``mark_citations``) and pages
expand it from the current dictionary (``expand``), so a dictionary edit
changes every citing module at once without rendering modules again.
"""

from __future__ import annotations

import re

from markupsafe import escape

from skillgap.catalogue import N_
from skillgap.content.metrics import Entry, FormulaSpec
from skillgap.i18n import translate

SHORTCODE = re.compile(r"\[\[metric:([^\]\s]{1,120})\]\]")


def shortcodes(body: str) -> list[tuple[int, str]]:
    """(line, id) of each [[metric:...]] in a text, lines counted from 1."""
    return [
        (body.count("\n", 0, match.start()) + 1, match.group(1))
        for match in SHORTCODE.finditer(body)
    ]


# In rendered HTML a citation is this marker. The brackets are U+27E6 and U+27E7,
# which Markdown and the sanitiser leave alone and authors do not type.
MARKER = re.compile("\u27e6metric:([^\u27e7\\s<>&]{1,120})\u27e7")


def mark_citations(source: str) -> str:
    """Markdown with each [[metric:id]] replaced by its marker (before rendering)."""
    return SHORTCODE.sub(lambda match: f"\u27e6metric:{match.group(1)}\u27e7", source)


CHECKED = N_(", checked %(month)s")


def expand(
    html: str, entries: dict[str, Entry], link: str = "/metrics/", locale: str = "en"
) -> str:
    """Rendered HTML with each marker replaced by the entry's name, linked to its
    page, its checked date and its current definition (shown on hover or focus,
    always read by screen readers). An id no longer in the dictionary (a file
    unpublished since) shows as plain text rather than a broken link. ``locale``:
    the language of the module the citation is in."""

    def cite(match: re.Match[str]) -> str:
        entry = entries.get(match.group(1))
        if entry is None:
            return str(escape(match.group(1)))
        label = f"{_platform_label(entry, entries)}{entry.name}"
        checked = translate(CHECKED, locale) % {"month": checked_day(entry, locale)}
        # The dictionary has no translations yet: its words are marked English.
        english = ' lang="en"' if locale != "en" else ""
        return (
            f'<span class="metric-cite">[<a href="{escape(link + entry.id)}"{english}>'
            f'{escape(label)}</a>{escape(checked)}<span class="metric-definition"{english}>: '
            f"{escape(entry.definition)}</span>]</span>"
        )

    return MARKER.sub(cite, html)


def _platform_label(entry: Entry, entries: dict[str, Entry]) -> str:
    return "" if isinstance(entry, FormulaSpec) else f"{entry.file}: "


def cited_ids(html_or_source: str) -> list[str]:
    """The ids a module cites, in order of first citation (markers or shortcodes)."""
    found = [m.group(1) for m in MARKER.finditer(html_or_source)]
    found += [m.group(1) for m in SHORTCODE.finditer(html_or_source)]
    return list(dict.fromkeys(found))


def checked_day(entry: Entry, locale: str) -> str:
    """The day a metric's definition was checked ("30 Nov 2026", "30 nov 2026")."""
    from babel.dates import format_date

    return format_date(entry.checked, "d MMM y", locale=locale)
