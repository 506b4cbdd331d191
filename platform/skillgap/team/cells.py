"""The HTML of one matrix cell, rendered once per distinct cell.

A 200-person team has 1,400 cells but only a few dozen distinct ones (level,
score, flags, gap); rendering each distinct cell once instead of running the
template's cell markup 1,400 times took /team from about 87 ms to well under
that (bench/load.py). The markup is the same the template had; Markup.format
escapes every value.
"""

from __future__ import annotations

import functools

from markupsafe import Markup

from skillgap.rules.matrix_cells import Cell


def cell_html(cell: Cell) -> Markup:
    return _html_of(cell.look)  # a tuple of plain values: cheap to hash


@functools.lru_cache(maxsize=4096)
def _html_of(look: tuple) -> Markup:
    position, level_name, percent, verified, low_evidence, self_rated, gap = look
    parts = [Markup('<span class="cell-level">{}</span>').format(level_name)]
    if percent is not None:
        parts.append(Markup('<span class="cell-percent">{}%</span>').format(f"{percent:.0f}"))
    if not verified:
        flag = "self-rated" if self_rated else "not assessed"
        parts.append(Markup('<span class="cell-flag">{}</span>').format(flag))
    elif low_evidence:
        parts.append(Markup('<span class="cell-flag">low evidence</span>'))
    if gap:
        parts.append(Markup('<span class="cell-gap">gap {}</span>').format(gap))
    below = " below" if gap else ""
    return Markup('<td class="cell lvl-{}{}">{}</td>').format(
        position, below, Markup("").join(parts)
    )
