"""The HTML of one organisation-view cell, rendered once per distinct cell.

200 teams by 12 skills are 2,400 cells, but their values repeat (counts of a
few dozen people, means to two decimals); the template's markup per cell, with
two translations and three formatted numbers each, was most of the view's time
when it is drawn afresh after a new result (bench/matrix.py). The same words
and markup as before, from a cache keyed by the values and the language, as
team/cells.py does for the matrix. Markup.format escapes every value.
"""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from markupsafe import Markup

from skillgap.i18n import current_locale, number
from skillgap.services.organisation import TeamSkillAggregate

CELL = Markup('<td>{}<br><span class="muted small">{}</span></td>')


def organisation_cell(aggregate: TeamSkillAggregate) -> Markup:
    return _html_of(
        aggregate.at_or_above_target, aggregate.with_target, aggregate.mean_level, current_locale()
    )


@functools.lru_cache(maxsize=8192)
def _html_of(at_target: int, with_target: int, mean: float | None, locale: str) -> Markup:
    """``locale`` is only part of the cache key: the words come from the request's."""
    if with_target:
        targets = _(
            "%(count)s of %(total)s at target", count=number(at_target), total=number(with_target)
        )
    else:
        targets = _("no targets")
    level = _("mean %(level)s", level=number(mean) if mean is not None else "—")
    return CELL.format(targets, level)
