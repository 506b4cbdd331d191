"""Matrix cells and their summaries, as pure values (no Flask, no database).

A cell is one person's standing in one skill as the team matrix shows it; a row
is one person; a summary describes one skill over the team. Levels and skills
are any objects with the attributes below (the curriculum snapshot's).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

ENTRY_PERCENT = 60.0  # tested percent of entry-level competency (DMI)
# The sort values are URL contracts (links, bookmarks, the exports' query):
# keep them. Any skill id is a sort too: weakest tested score in that skill first.
SORTS = ("name", "weakest", "gap")
# Short column labels for the shipped skills: twelve full names do not fit a
# 1280 px page side by side. The full name stays in each header's accessible
# name. A skill without an entry gets a label from its name (skill_labels).
# The soft hyphens (U+00AD) let a narrow column break a label with a hyphen.
SHORT_SKILL_LABELS = {
    "strategy-planning": "Strategy",
    "kpis-measurement": "KPIs",
    "audience-personas": "Audience",
    "platform-metrics": "Metrics",
    "customer-care": "Care",
    "content-creative": "Content",
    "social-listening": "Listen\u00ading",
    "social-commerce": "Com\u00admerce",
    "paid-social": "Paid",
    "community-management": "Commu\u00adnity",
    "team-wellbeing": "Well\u00adbeing",
    "governance": "Govern\u00adance",
}
SHORT_LABEL_MAX = 10  # characters: what a compact column holds at 1280 px


class LevelLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def position(self) -> int: ...


class SkillLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class Cell:
    level: LevelLike
    percent: float | None
    verified: bool  # False: self-rated only, or nothing yet
    low_evidence: bool
    target: LevelLike | None
    self_rated: LevelLike | None
    uncertain: bool = False  # an adaptive level under 80% likely: "not decided yet"
    # Worked out once here: summaries, sorting and the page ask for it often.
    gap: int = field(init=False, compare=False)

    def __post_init__(self) -> None:
        gap = max(0, self.target.position - self.level.position) if self.target else 0
        object.__setattr__(self, "gap", gap)

    @property
    def look(self) -> tuple:
        """What the page shows of this cell (team/cells.py renders each look once)."""
        return (
            self.level.position,
            self.level.name,
            self.percent,
            self.verified,
            self.low_evidence,
            self.self_rated is not None,
            self.gap,
            self.uncertain,
        )

    @property
    def over_confident(self) -> bool:
        return bool(
            self.verified and self.self_rated and self.self_rated.position > self.level.position
        )

    @property
    def entry_competent(self) -> bool:
        return self.verified and self.percent is not None and self.percent >= ENTRY_PERCENT


@dataclass(frozen=True)
class Row:
    user_id: int
    name: str
    email: str
    role_profile: str | None
    cells: dict[str, Cell]
    last_login_at: datetime | None = None
    total_gap: int = field(init=False, compare=False)
    # The mean tested percent over the skills with a tested score; None when
    # nothing is tested. "Weakest first" sorts by it: a self-rating or a
    # missing role profile says nothing about how weak someone tested.
    mean_tested: float | None = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_gap", sum(cell.gap for cell in self.cells.values()))
        tested = [c.percent for c in self.cells.values() if c.verified and c.percent is not None]
        object.__setattr__(self, "mean_tested", sum(tested) / len(tested) if tested else None)


@dataclass(frozen=True)
class SkillSummary:
    skill: SkillLike
    distribution: dict[str, int]  # level id -> people
    below_target: int
    with_target: int
    over_confident: int
    with_both: int  # tested and self-rated
    entry_competent: int
    people: int
    total_gap: int


def summarise(rows: Sequence[Row], skills: Sequence[SkillLike]) -> list[SkillSummary]:
    summaries = []
    for skill in skills:
        cells = [row.cells[skill.id] for row in rows]
        summaries.append(
            SkillSummary(
                skill=skill,
                distribution=dict(Counter(cell.level.id for cell in cells)),
                below_target=sum(1 for c in cells if c.gap > 0),
                with_target=sum(1 for c in cells if c.target is not None),
                over_confident=sum(1 for c in cells if c.over_confident),
                with_both=sum(1 for c in cells if c.verified and c.self_rated),
                entry_competent=sum(1 for c in cells if c.entry_competent),
                people=len(cells),
                total_gap=sum(c.gap for c in cells),
            )
        )
    return summaries


def sort_rows(rows: list[Row], sort: str) -> list[Row]:
    """``name``; ``gap``: largest total gap to target first; ``weakest``: lowest
    mean tested score first; a skill id: lowest tested score in it first. In
    both "weakest" sorts the untested come last (their standing is unknown, not
    weak), and ties go by name. Anything else sorts by name."""
    if sort == "gap":
        return sorted(rows, key=lambda r: (-r.total_gap, *by_name(r)))
    if sort == "weakest":
        return sorted(rows, key=lambda r: (*_score_first(r.mean_tested), *by_name(r)))
    if rows and sort in rows[0].cells:
        return sorted(rows, key=lambda r: (*_score_first(_tested(r.cells[sort])), *by_name(r)))
    return sorted(rows, key=by_name)


def by_name(row: Row) -> tuple[str, int]:
    return (row.name.lower(), row.user_id)


def _tested(cell: Cell) -> float | None:
    return cell.percent if cell.verified else None


def _score_first(score: float | None) -> tuple[bool, float]:
    """A sort key part: scores lowest first, then no score."""
    return (score is None, score or 0.0)


def skill_labels(
    skills: Sequence[SkillLike], short: dict[str, str] = SHORT_SKILL_LABELS
) -> dict[str, str]:
    """Skill id -> the short label of its matrix column: the shipped skills' own
    (``short``: in the reader's language, from services/matrix.py);
    for any other, the first word of its name that starts no other skill's name
    ("Social video" -> "Video" beside "Social commerce"), at most
    SHORT_LABEL_MAX characters."""
    first_words = Counter(_words(skill)[0] for skill in skills)
    labels = {}
    for skill in skills:
        words = _words(skill)
        # How many other skills' names start with ``word``.
        others = {word: first_words[word] - (word == words[0]) for word in words}
        label = next((word for word in words if others[word] == 0), words[0])
        label = short.get(skill.id) or label[:SHORT_LABEL_MAX]
        labels[skill.id] = label[:1].upper() + label[1:]
    return labels


def _words(skill: SkillLike) -> list[str]:
    """The name's words without "&" and the like; the id when there are none."""
    return [word for word in skill.name.split() if any(ch.isalnum() for ch in word)] or [skill.id]


def level_abbreviation(level_name: str) -> str:
    """A level's name in a compact cell: its first word, cut to three letters
    when longer than five ("Below entry" -> "Below", "Intermediate" -> "Int")."""
    words = level_name.split()
    first = words[0] if words else level_name
    return first if len(first) <= 5 else first[:3]


def trend_series(
    rows: Iterable[tuple[str, int, float]],
) -> tuple[list[str], dict[str, list[float | None]]]:
    """Pure: (skill, year * 100 + month, mean level) rows as months and a series per
    skill, None where a skill has no result in a month."""
    means = {(skill, int(month)): round(float(mean), 2) for skill, month, mean in rows}
    month_numbers = sorted({month for _, month in means})
    months = [f"{number // 100:04d}-{number % 100:02d}" for number in month_numbers]
    skills = sorted({skill for skill, _ in means})
    series = {skill: [means.get((skill, number)) for number in month_numbers] for skill in skills}
    return months, series
