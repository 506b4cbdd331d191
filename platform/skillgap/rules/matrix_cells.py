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
SORTS = ("name", "gap")  # plus any skill id


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

    def __post_init__(self) -> None:
        object.__setattr__(self, "total_gap", sum(cell.gap for cell in self.cells.values()))


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
    if sort == "gap":
        return sorted(rows, key=lambda r: (-r.total_gap, r.name.lower(), r.user_id))
    if rows and sort in rows[0].cells:  # a skill: weakest first, then biggest gap
        return sorted(
            rows,
            key=lambda r: (
                r.cells[sort].level.position,
                -r.cells[sort].gap,
                r.name.lower(),
                r.user_id,
            ),
        )
    return sorted(rows, key=lambda r: (r.name.lower(), r.user_id))


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
