"""Reading and validating item-bank files: quizzes/bank/<skill-id>.md.

A bank holds the diagnostic items of one skill (format in docs/item-bank.md).
Unlike a fixed quiz question, whose identity is its content, a bank item has a
stable ``id:`` that survives edits, so its answers, statistics and calibrated
parameters follow it; and a ``level:``, the level it is written to
discriminate at, which the form blueprint balances on.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.front_matter import parsed_front_matter
from skillgap.content.quizzes import QuestionSpec, QuizSpec, answer_part, question_blocks
from skillgap.content.review_dates import ReviewDates, item_dates, months_for, read_review_dates
from skillgap.content.source import SLUG
from skillgap.kinds import QuizKind

BANK_KEYS = {"title", "kind", "skill", "reviewed", "review_after"}
ITEM_LINE = re.compile(r"^(id|level|reviewed):\s*(\S*)\s*$")
MAX_ITEM_ID = 60


@dataclass(frozen=True)
class BankItemSpec:
    id: str
    level: str
    question: QuestionSpec

    @property
    def line(self) -> int:
        return self.question.line


@dataclass(frozen=True)
class BankSpec:
    skill: str
    path: str
    file_name: str
    source: str
    title: str
    review: ReviewDates
    items: list[BankItemSpec]

    @property
    def reviewed(self) -> dt.date | None:
        return self.review.reviewed

    def level_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.level] = counts.get(item.level, 0) + 1
        return counts


BANK_QUIZ_PREFIX = "bank-"  # a bank is stored as the quiz "bank-<skill>"


def bank_quiz_id(skill_id: str) -> str:
    return f"{BANK_QUIZ_PREFIX}{skill_id}"


def as_quiz(bank: BankSpec) -> QuizSpec:
    """The bank as a quiz of kind ``bank`` (how it is stored and edited), each
    question carrying its item id and level."""
    questions = [replace(item.question, item_id=item.id, level=item.level) for item in bank.items]
    return QuizSpec(
        bank_quiz_id(bank.skill),
        bank.path,
        f"bank/{bank.file_name}",
        bank.source,
        bank.title,
        QuizKind.BANK.value,
        None,
        questions,
        review=bank.review,
    )


def bank_files(root: Path) -> list[Path]:
    folder = root / "quizzes" / "bank"
    # "<skill>.<lang>.md" is a translation (content/translations.py), not a bank.
    return sorted(p for p in folder.glob("*.md") if "." not in p.stem) if folder.is_dir() else []


def collect_banks(
    root: Path, skill_ids: set[str] | None, level_ids: set[str] | None, errors: ErrorList
) -> list[BankSpec]:
    """Parse every bank file; item ids must be unique across all of them."""
    banks = []
    for path in bank_files(root):
        shown = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            errors.add(shown, 1, _("not valid UTF-8 text"))
            continue
        bank = parse_bank(text, shown, skill_ids, level_ids, errors)
        if bank is not None:
            banks.append(bank)
    first_seen: dict[str, str] = {}
    for bank in banks:
        for item in bank.items:
            where = f"{bank.path}:{item.line}"
            if item.id in first_seen:
                errors.add(
                    bank.path,
                    item.line,
                    _(
                        "item id %(id)s is also used at %(where)s",
                        id=repr(item.id),
                        where=first_seen[item.id],
                    ),
                )
            first_seen.setdefault(item.id, where)
    return banks


def parse_bank(
    text: str,
    shown: str,
    skill_ids: set[str] | None,
    level_ids: set[str] | None,
    errors: ErrorList,
) -> BankSpec | None:
    """One bank file. ``skill_ids``/``level_ids`` None: the framework is broken, so
    they are not checked. Returns None (with errors added) when anything is wrong."""
    count_before = len(errors)
    parsed = parsed_front_matter(text, shown, errors)
    if parsed is None:
        return None
    meta = parsed.meta
    title = _bank_title(meta, shown, errors)
    review = read_review_dates(shown, meta, months_for([str(meta.data.get("skill"))]), errors)
    skill = _bank_skill(meta, shown, skill_ids, errors)
    items: list[BankItemSpec] = []
    seen: dict[str, int] = {}
    for heading_line, stem, lines in question_blocks(
        parsed.body, parsed.body_first_line, shown, errors
    ):
        item = _parse_item(heading_line, stem, lines, shown, skill, level_ids, review, errors)
        if item is None:
            continue
        if item.id in seen:
            errors.add(
                shown,
                heading_line,
                _(
                    "item id %(id)s is already used on line %(line)s",
                    id=repr(item.id),
                    line=seen[item.id],
                ),
            )
            continue
        seen[item.id] = heading_line
        items.append(item)
    if not items and len(errors) == count_before:
        errors.add(shown, parsed.body_first_line, _("the bank has no items ('## ' headings)"))
    if len(errors) > count_before:
        return None
    return BankSpec(skill, shown, Path(shown).name, text, title, review, items)


def _bank_skill(meta, shown: str, skill_ids: set[str] | None, errors: ErrorList) -> str:
    """The bank's skill: the file's name (and the kind checked to be 'bank')."""
    if meta.data.get("kind") != "bank":
        errors.add(
            shown, meta.line_of("kind") if "kind" in meta.data else 1, _("kind must be 'bank'")
        )
    skill = meta.data.get("skill")
    expected = Path(shown).stem
    if not isinstance(skill, str) or skill != expected:
        errors.add(
            shown,
            meta.line_of("skill") if "skill" in meta.data else 1,
            _("skill must be the file's name, %(expected)s", expected=repr(expected)),
        )
        skill = expected
    elif skill_ids is not None and skill not in skill_ids:
        errors.add(shown, meta.line_of("skill"), _("unknown skill %(skill)s", skill=repr(skill)))
    return skill


def _bank_title(meta, shown: str, errors: ErrorList) -> str:
    """The title (and every key checked against the bank's keys)."""
    for key in meta.data:
        if key not in BANK_KEYS:
            allowed = ", ".join(sorted(BANK_KEYS))
            errors.add(
                shown,
                meta.line_of(key),
                _("unknown key %(key)s (allowed: %(allowed)s)", key=repr(key), allowed=allowed),
            )
    title = meta.data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(shown, meta.line_of("title") if "title" in meta.data else 1, _("missing title"))
        title = ""
    return title.strip()


def _parse_item(
    heading_line: int,
    stem: str,
    lines: list[tuple[int, str]],
    shown: str,
    skill: str,
    level_ids: set[str] | None,
    bank_review: ReviewDates,
    errors: ErrorList,
) -> BankItemSpec | None:
    count_before = len(errors)
    if not stem:
        errors.add(shown, heading_line, _("the item heading has no text"))
    content = [(number, line) for number, line in lines if line.strip()]
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    while content and (match := ITEM_LINE.match(content[0][1])):
        if match.group(1) in fields:
            errors.add(shown, content[0][0], _("%(field)s: is given twice", field=match.group(1)))
        fields[match.group(1)] = match.group(2)
        field_lines[match.group(1)] = content[0][0]
        content = content[1:]
    item_id = fields.get("id", "")
    level = fields.get("level", "")
    if "id" not in fields or "level" not in fields:
        errors.add(
            shown,
            heading_line,
            _("an item starts with 'id: <item-id>' and 'level: <level-id>' lines"),
        )
    elif not SLUG.match(item_id) or len(item_id) > MAX_ITEM_ID:
        errors.add(
            shown,
            field_lines["id"],
            _(
                "item ids are lower-case-with-hyphens, at most %(most)s "
                "characters, got %(item_id)s",
                most=MAX_ITEM_ID,
                item_id=repr(item_id),
            ),
        )
    if level and level_ids is not None and level not in level_ids:
        errors.add(
            shown,
            field_lines["level"],
            _(
                "level must be one of %(values)s, got %(level)s",
                values=", ".join(sorted(level_ids)),
                level=repr(level),
            ),
        )
    kind, options, explanation, template = answer_part(heading_line, stem, content, shown, errors)
    own = _item_reviewed(fields.get("reviewed"), field_lines.get("reviewed", 0), shown, errors)
    if len(errors) > count_before:
        return None
    review = item_dates(own, bank_review, months_for([skill]))
    question = QuestionSpec(
        stem, skill, kind, options, explanation, heading_line, template=template, review=review
    )
    return BankItemSpec(item_id, level, question)


def _item_reviewed(value: str | None, line: int, shown: str, errors: ErrorList) -> dt.date | None:
    """An item's own ``reviewed: YYYY-MM-DD`` (an item re-checked after its bank)."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        errors.add(
            shown, line, _("reviewed must be a date (YYYY-MM-DD), got %(value)s", value=repr(value))
        )
        return None
    if day > dt.date.today():
        errors.add(shown, line, _("reviewed %(day)s is in the future", day=day))
        return None
    return day
