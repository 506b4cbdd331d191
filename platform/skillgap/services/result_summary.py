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

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import ModuleEntry, snapshot_of
from skillgap.i18n import percent
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


def _diagnostic_sentences(rows: list, entry_percent: float) -> list[str]:
    """rows: attempt_pages.SkillRow of the attempt's skills."""
    sentences = []
    at_entry = [r for r in rows if r.result.percent >= entry_percent]
    if len(rows) == 1:
        row = rows[0]
        values = {
            "skill": row.skill.name,
            "percent": percent(row.result.percent),
            "level": row.tested.name,
        }
        if at_entry:
            sentences.append(_("%(skill)s: %(percent)s, tested %(level)s.", **values))
        else:
            sentences.append(
                _(
                    "%(skill)s: %(percent)s, tested %(level)s; entry level starts at %(entry)s.",
                    entry=percent(entry_percent),
                    **values,
                )
            )
    else:
        sentences.append(
            ngettext(
                "You reached entry level (%(entry)s or more) in %(reached)s of the "
                "%(num)d skill measured.",
                "You reached entry level (%(entry)s or more) in %(reached)s of the "
                "%(num)d skills measured.",
                len(rows),
                entry=percent(entry_percent),
                reached=len(at_entry),
            )
        )
    gaps = [r for r in rows if r.target and r.tested and r.target.position > r.tested.position]
    if gaps:
        sentences.append(_largest_gap(gaps, several=len(rows) > 1))
    elif any(r.target for r in rows):
        sentences.append(_("You are at or above your target in every skill measured."))
    over = [r.skill.name for r in rows if r.calibration and r.calibration.value == "over-confident"]
    if over:
        sentences.append(
            _(
                "You rated yourself above your tested level in %(skills)s: "
                "gaps you might not have looked for, so start there.",
                skills=", ".join(over),
            )
        )
    return sentences


def _largest_gap(gaps: list, several: bool) -> str:
    def size_of(row) -> int:
        return row.target.position - row.tested.position

    largest = max(gaps, key=lambda r: (size_of(r), -r.result.percent))
    size = size_of(largest)
    if several:
        return ngettext(
            "Your largest gap: %(skill)s, tested %(level)s against a target of %(target)s "
            "(%(num)d level).",
            "Your largest gap: %(skill)s, tested %(level)s against a target of %(target)s "
            "(%(num)d levels).",
            size,
            skill=largest.skill.name,
            level=largest.tested.name,
            target=largest.target.name,
        )
    return ngettext(
        "Your target is %(target)s: a gap of %(num)d level.",
        "Your target is %(target)s: a gap of %(num)d levels.",
        size,
        target=largest.target.name,
    )


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
