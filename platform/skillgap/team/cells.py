"""The HTML of one matrix cell, rendered once per distinct cell.

A 200-person team has 1,400 cells but only a few dozen distinct ones (level,
score, flags, gap) per skill; rendering each distinct cell once instead of
running the template's cell markup 1,400 times took /team from about 87 ms to
well under that (bench/load.py). Markup.format escapes every value.

A cell is compact so that twelve skills fit a 1280 px page: the level's
abbreviation ("Int") with its full name for screen readers, the tested score,
and a second line for the evidence ("self-rated", "untested") or the gap. How
the level was found is in the words and in the cell's class (tested, self-rated,
untested: the stylesheet gives each its own fill and outline, not colour alone).
``data-label`` carries the skill's name for the phone layout, where each row
becomes a card and the column headers are not on screen.
"""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from markupsafe import Markup

from skillgap.i18n import current_locale, percent
from skillgap.rules.matrix_cells import Cell, level_abbreviation

# Short text on screen, the full text for screen readers (see _short).
SHORT_AND_FULL = Markup('<span aria-hidden="true">{}</span><span class="visually-hidden">{}</span>')
LEVEL = Markup('<span class="cell-level">{}</span>')
PERCENT = Markup('<span class="cell-percent">{}</span>')
LINE = Markup('<span class="cell-line">{}</span>')
FLAG = Markup('<span class="cell-flag">{}</span>')
GAP = Markup('<span class="cell-gap">{}</span>')
CELL = Markup('<td class="cell lvl-{} is-{}{}" role="cell" data-label="{}">{}</td>')


def cell_html(cell: Cell, skill_name: str = "") -> Markup:
    # Plain values, cheap to hash; the language is part of the key (the words differ).
    return _html_of(cell.look, skill_name, current_locale())


def _short(shown: str, full: str) -> Markup:
    if shown == full:
        return Markup("{}").format(full)
    return SHORT_AND_FULL.format(shown, full)


@functools.lru_cache(maxsize=4096)
def _html_of(look: tuple, skill_name: str, locale: str) -> Markup:
    """``locale`` is only part of the cache key: the words come from the request's."""
    position, level_name, score, verified, low_evidence, self_rated, gap, uncertain = look
    evidence = "tested" if verified else ("self-rated" if self_rated else "untested")  # CSS
    if evidence == "untested":
        # No level to show: the word, and the level it counts as for the gap.
        counted = Markup('<span class="visually-hidden"> {}</span>').format(
            _("(counted as %(level)s)", level=level_name)
        )
        parts = [LINE.format(FLAG.format(_("untested")) + counted)]
    else:
        first = [LEVEL.format(_short(level_abbreviation(level_name), level_name))]
        if score is not None:
            first.append(PERCENT.format(percent(score)))
        parts = [LINE.format(Markup(" ").join(first))]
    if evidence == "self-rated":
        parts.append(FLAG.format(_("self-rated")))
    elif verified and uncertain:
        parts.append(FLAG.format(_short(_("not decided"), _("level not decided yet"))))
    elif verified and low_evidence:
        parts.append(FLAG.format(_short(_("low ev."), _("low evidence"))))
    if gap:
        parts.append(GAP.format(_("gap %(gap)s", gap=gap)))
    below = " below" if gap else ""
    return CELL.format(position, evidence, below, skill_name, Markup("").join(parts))
