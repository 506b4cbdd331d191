"""The checks every metric dictionary entry goes through (texts, ids, choices,
dates, the change log), each problem reported at its YAML line. The entries
themselves are read in metrics.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.source import SLUG, YamlDoc

MAX_TEXT = 2000
CHANGE_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")


@dataclass(frozen=True)
class Change:
    date: str  # YYYY-MM or YYYY-MM-DD: platforms announce some changes by month only
    change: str


@dataclass
class EntryChecks:
    """Reads values out of a parsed file's mappings, reporting what is wrong."""

    doc: YamlDoc
    shown: str
    errors: ErrorList
    today: date

    def error(self, path: tuple, reason: str) -> None:
        self.errors.add(self.shown, self.doc.line_of(*path), reason)

    def unknown_keys(self, path: tuple, item: dict, allowed: set[str]) -> None:
        for key in sorted(set(item) - allowed, key=str):
            self.error((*path, key) if path else (key,), _("unknown key %(key)s", key=repr(key)))

    def text(self, path: tuple, item: dict, key: str, required: bool = True) -> str:
        value = item.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self.error(
                (*path, key) if key in item else path or (key,),
                _("needs a %(key)s text", key=repr(key)),
            )
            return ""
        if len(value) > MAX_TEXT:
            self.error(
                (*path, key),
                _("%(key)s is longer than %(most)s characters", key=key, most=MAX_TEXT),
            )
        return " ".join(value.split())

    def entries(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        value = self.doc.data.get(key)
        if not isinstance(value, list) or not value:
            self.error((key,), _("%(key)s must be a non-empty list", key=repr(key)))
            return []
        found, seen = [], set()
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(
                    (key, index), _("each entry of %(key)s must be a mapping", key=repr(key))
                )
                continue
            entry_id = item.get("id")
            if not isinstance(entry_id, str) or not SLUG.match(entry_id):
                self.error(
                    (key, index),
                    _(
                        "needs an 'id' in lower-case-with-hyphens, got %(entry_id)s",
                        entry_id=repr(entry_id),
                    ),
                )
                continue
            if entry_id in seen:
                self.error((key, index), _("duplicate id %(entry_id)s", entry_id=repr(entry_id)))
            seen.add(entry_id)
            found.append((index, item))
        return found

    def choice(self, path: tuple, item: dict, key: str, allowed: tuple[str, ...]) -> str:
        value = item.get(key)
        if value not in allowed:
            self.error(
                (*path, key),
                _(
                    "%(key)s must be one of %(values)s, got %(value)s",
                    key=key,
                    values=", ".join(allowed),
                    value=repr(value),
                ),
            )
            return allowed[0]
        return str(value)

    def day(self, path: tuple, item: dict, key: str, default: date | None = None) -> date:
        value = item.get(key, default)
        if not isinstance(value, date):
            self.error(
                (*path, key),
                _(
                    "%(key)s must be a date like 2026-11-30, got %(value)s",
                    key=key,
                    value=repr(value),
                ),
            )
            return self.today
        if key in ("checked", "reviewed") and key in item and value > self.today:
            self.error((*path, key), _("%(key)s %(value)s is in the future", key=key, value=value))
        return value

    def changes(self, path: tuple, item: dict) -> tuple[Change, ...]:
        value = item.get("changes") or []
        if not isinstance(value, list):
            self.error((*path, "changes"), _("changes must be a list of {date, change}"))
            return ()
        changes = []
        for index, change in enumerate(value):
            where = (*path, "changes", index)
            if not isinstance(change, dict) or set(change) != {"date", "change"}:
                self.error(where, _("each change is {date: YYYY-MM[-DD], change: what changed}"))
                continue
            when = change["date"]
            when = when.isoformat() if isinstance(when, date) else str(when)
            if not CHANGE_DATE.match(when):
                self.error(
                    where,
                    _("a change's date is YYYY-MM or YYYY-MM-DD, got %(when)s", when=repr(when)),
                )
            text = change["change"]
            if not isinstance(text, str) or not text.strip():
                self.error(where, _("a change needs its text"))
                continue
            changes.append(Change(when, " ".join(text.split())))
        dates = [c.date for c in changes]
        if all(CHANGE_DATE.match(d) for d in dates) and dates != sorted(dates):
            self.error((*path, "changes"), _("changes are listed oldest first"))
        return tuple(changes)
