"""What a result means, in plain words, and what to do next.

The result page leads with this, not with a table: a diagnostic result is
read by someone who has just spent time on it and wants to know "so what?".
It says how many skills reached entry level, where the largest gap is, how
the self-rating compared, and then the next step: the first module of the
person's path, and (until every skill is measured) the next skill to measure.
A module check's result leads back to its module and on to the next module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import ModuleEntry, snapshot_of
from skillgap.kinds import QuizKind
from skillgap.models import User
from skillgap.rules.path_engine import Step
from skillgap.services.first_skill import FirstSkill, first_skill
from skillgap.services.paths import person_path


@dataclass(frozen=True)
class Summary:
    sentences: list[str] = field(default_factory=list)
    next_module: Step | None = None  # the first step of the person's path
    next_skill: FirstSkill | None = None  # the next skill to measure
    module: ModuleEntry | None = None  # a check's own module
    measured: int = 0
    measurable: int = 0


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _diagnostic_sentences(rows: list, entry_percent: float) -> list[str]:
    """rows: attempt_pages.SkillRow of the attempt's skills."""
    sentences = []
    at_entry = [r for r in rows if r.result.percent >= entry_percent]
    if len(rows) == 1:
        row = rows[0]
        below = "" if at_entry else f"; entry level starts at {entry_percent:.0f}%"
        sentences.append(
            f"{row.skill.name}: {row.result.percent:.0f}%, tested {row.tested.name}{below}."
        )
    else:
        sentences.append(
            f"You reached entry level ({entry_percent:.0f}% or more) in "
            f"{len(at_entry)} of the {_plural(len(rows), 'skill')} measured."
        )
    gaps = [r for r in rows if r.target and r.tested and r.target.position > r.tested.position]
    if gaps:

        def size_of(row) -> int:
            return row.target.position - row.tested.position

        largest = max(gaps, key=lambda r: (size_of(r), -r.result.percent))
        size = size_of(largest)
        if len(rows) > 1:
            sentences.append(
                f"Your largest gap: {largest.skill.name}, tested {largest.tested.name} against "
                f"a target of {largest.target.name} ({_plural(size, 'level')})."
            )
        else:
            sentences.append(
                f"Your target is {largest.target.name}: a gap of {_plural(size, 'level')}."
            )
    elif any(r.target for r in rows):
        sentences.append("You are at or above your target in every skill measured.")
    over = [r.skill.name for r in rows if r.calibration and r.calibration.value == "over-confident"]
    if over:
        sentences.append(
            f"You rated yourself above your tested level in {', '.join(over)}: "
            "gaps you might not have looked for, so start there."
        )
    return sentences


def summary(session: Session, page, viewer: User, today: date) -> Summary:
    """``page``: attempt_pages.ResultPage. The next steps are the attempt's
    person's; they are offered as links only to that person."""
    snapshot = snapshot_of(session)
    quiz, person = page.quiz, page.person
    sentences: list[str] = []
    if quiz.kind == QuizKind.DIAGNOSTIC:
        entry = snapshot.levels[1].min_percent if len(snapshot.levels) > 1 else 60.0
        sentences = _diagnostic_sentences(page.rows, entry)
    module = next((m for m in snapshot.modules.values() if m.check_quiz_id == quiz.id), None)
    if viewer.id != person.id:
        return Summary(sentences, module=module)
    view = person_path(session, person, today)
    diagnostic = snapshot.quizzes.get("diagnostic")
    if diagnostic is None or not diagnostic.published:
        return Summary(sentences, view.next_step, module=module)
    measured = {
        s.skill.id for s in view.standings if s.verified and diagnostic.measures(s.skill.id)
    }
    next_skill = None
    if quiz.kind != QuizKind.CHECK:
        next_skill = first_skill(session, person, measured, diagnostic)
    measurable = sum(1 for s in snapshot.skills if diagnostic.measures(s.id))
    return Summary(sentences, view.next_step, next_skill, module, len(measured), measurable)
