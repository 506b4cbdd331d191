"""When content was last reviewed and when it is due again: the ``reviewed:``
and ``review_after:`` keys of module, quiz and bank front matter (and a bank
item's own ``reviewed:`` line). Platform facts go stale faster than method,
so content about platform metrics is due after six months, the rest after a
year, unless ``review_after:`` says otherwise. The metric dictionary has its
own dates per entry (content/metrics.py, also six months).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.metrics import months_later
from skillgap.content.source import YamlDoc

REVIEW_MONTHS = 12
PLATFORM_REVIEW_MONTHS = 6
FAST_MOVING_SKILLS = {"platform-metrics"}  # definitions change with every platform update


@dataclass(frozen=True)
class ReviewDates:
    reviewed: date | None = None  # None: never reviewed (listed as due)
    review_after: date | None = None


def months_for(skills: list[str] | set[str]) -> int:
    return PLATFORM_REVIEW_MONTHS if FAST_MOVING_SKILLS & set(skills) else REVIEW_MONTHS


def read_review_dates(
    shown: str, meta: YamlDoc, months: int, errors: ErrorList, today: date | None = None
) -> ReviewDates:
    """The front matter's dates, checked: real dates, reviewed not in the future,
    review_after after reviewed."""
    today = today or date.today()
    reviewed = _day(shown, meta, "reviewed", errors)
    after = _day(shown, meta, "review_after", errors)
    if reviewed is not None and reviewed > today:
        errors.add(
            shown,
            meta.line_of("reviewed"),
            _("reviewed %(reviewed)s is in the future", reviewed=reviewed),
        )
        reviewed = None
    if reviewed is not None and after is not None and after <= reviewed:
        errors.add(shown, meta.line_of("review_after"), _("review_after must be after reviewed"))
        after = None
    if after is None and reviewed is not None:
        after = months_later(reviewed, months)
    return ReviewDates(reviewed, after)


def item_dates(own: date | None, file_dates: ReviewDates, months: int) -> ReviewDates:
    """A bank item's dates: its own ``reviewed:`` line, else the bank's."""
    if own is None:
        return file_dates
    return ReviewDates(own, months_later(own, months))


def _day(shown: str, meta: YamlDoc, key: str, errors: ErrorList) -> date | None:
    value = meta.data.get(key)
    if value is None:
        return None
    if not isinstance(value, date):
        errors.add(shown, meta.line_of(key), _("%(key)s must be a date (YYYY-MM-DD)", key=key))
        return None
    return value
