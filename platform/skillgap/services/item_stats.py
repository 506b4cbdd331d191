"""Item statistics for admins: how each question behaves across submitted attempts.

- answers: how many people answered it;
- facility: percent of those answers that were right (too hard < 20%, too easy > 95%);
- discrimination: point-biserial correlation between the item score (0/1) and
  the rest-of-test score (the attempt's other points); below 0 means people who
  do well overall tend to get it wrong, which usually means a flawed key or
  an ambiguous question.

A bank item also shows its 2PL parameters under its skill's current calibration
version (a, b, the responses they came from, the fit flag), or says it is still
on the prior from its level tag (services/calibration_runs.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session

from skillgap.i18n import percent
from skillgap.models import (
    Answer,
    Attempt,
    AttemptState,
    ItemCalibration,
    ItemParameter,
    Question,
)
from skillgap.rules import irt

TOO_HARD_BELOW = 20.0
TOO_EASY_ABOVE = 95.0


def point_biserial(pairs: Sequence[tuple[float, float]]) -> float | None:
    """r_pb = (M1 - M0) / s * sqrt(p q) over (item score, rest score) pairs, with s the
    population standard deviation of the rest scores. None when it is undefined
    (everyone right, everyone wrong, or no spread in the rest scores)."""
    n = len(pairs)
    if n < 2:
        return None
    right = [rest for item, rest in pairs if item == 1]
    wrong = [rest for item, rest in pairs if item != 1]
    if not right or not wrong:
        return None
    rests = [rest for _, rest in pairs]
    mean = sum(rests) / n
    spread = math.sqrt(sum((rest - mean) ** 2 for rest in rests) / n)
    if spread == 0:
        return None
    p = len(right) / n
    difference = sum(right) / len(right) - sum(wrong) / len(wrong)
    return round(difference / spread * math.sqrt(p * (1 - p)), 4)


@dataclass(frozen=True)
class Parameters:
    """A bank item's 2PL parameters as the adaptive engine uses them now."""

    version: int  # its skill's current calibration version; 0: none yet
    a: float
    b: float
    responses: int  # answers the calibration had for it
    estimated: bool  # from answers in this version
    fit_flag: str | None
    on_prior: bool  # still the prior from its level tag

    @property
    def source(self) -> str:
        """Where a and b come from, in the reader's language."""
        if self.estimated:
            return _("calibrated (version %(version)s)", version=self.version)
        if self.on_prior:
            return _("prior (from level tag)")
        return _(
            "kept from an earlier version (too few responses in version %(version)s)",
            version=self.version,
        )


@dataclass(frozen=True)
class ItemStat:
    question: Question
    answers: int
    facility: float | None  # percent right among answers
    discrimination: float | None
    parameters: Parameters | None = None  # bank items only

    @property
    def flags(self) -> list[str]:
        """What to look at, in the reader's language."""
        flags = []
        if self.facility is not None and self.facility < TOO_HARD_BELOW:
            flags.append(_("very hard (under %(percent)s right)", percent=percent(TOO_HARD_BELOW)))
        if self.facility is not None and self.facility > TOO_EASY_ABOVE:
            flags.append(_("very easy (over %(percent)s right)", percent=percent(TOO_EASY_ABOVE)))
        if self.discrimination is not None and self.discrimination < 0:
            flags.append(_("negative discrimination: check the key and wording"))
        return flags


def item_statistics(session: Session, quiz_id: str) -> list[ItemStat]:
    """One plain-column query for every graded answer to the quiz's questions (for a
    bank: its items, on whatever form they were asked), then arithmetic. A bank
    item's versions count as one item (grouped by their stable id); the rest
    score is the attempt's other points on the same quiz or bank."""
    rows = session.execute(
        select(Answer.attempt_id, Answer.question_id, Answer.score)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .join(Question, Question.id == Answer.question_id)
        .where(
            Question.quiz_id == quiz_id,
            Attempt.state != AttemptState.OPEN.value,
            Answer.score.is_not(None),
        )
    ).all()
    questions = list(
        session.scalars(
            select(Question)
            .where(Question.quiz_id == quiz_id)
            .order_by(Question.active.desc(), Question.position, Question.id.desc())
        )
    )
    key_of = {q.id: q.item_id or str(q.id) for q in questions}
    totals: dict[int, float] = {}
    for attempt_id, _question_id, score in rows:  # scored answers only: score is a number
        totals[attempt_id] = totals.get(attempt_id, 0.0) + float(score or 0)
    per_item: dict[str, list[tuple[float, float]]] = {}
    for attempt_id, question_id, score in rows:
        rest = totals[attempt_id] - float(score or 0)
        per_item.setdefault(key_of[question_id], []).append((float(score or 0), rest))
    parameters = bank_parameters(session, questions)
    stats = []
    shown: set[str] = set()
    for question in questions:  # active versions first: each item shown once
        key = key_of[question.id]
        pairs = per_item.get(key, [])
        if key in shown or (not question.active and not pairs):
            continue
        shown.add(key)
        facility = round(100 * sum(i for i, _ in pairs) / len(pairs), 2) if pairs else None
        stat = ItemStat(
            question, len(pairs), facility, point_biserial(pairs), parameters.get(question.id)
        )
        stats.append(stat)
    return stats


def current_calibrations(session: Session, skill_ids: set[str]) -> dict[str, ItemCalibration]:
    """Each skill's newest calibration (one query whatever the number of skills)."""
    latest: dict[str, ItemCalibration] = {}
    if not skill_ids:
        return latest
    for row in session.scalars(
        select(ItemCalibration)
        .where(ItemCalibration.skill_id.in_(sorted(skill_ids)))
        .order_by(ItemCalibration.version)
    ):
        latest[row.skill_id] = row
    return latest


def bank_parameters(session: Session, questions: list[Question]) -> dict[int, Parameters]:
    """Question id -> its item's current parameters, for the bank items among
    ``questions``: two queries, whatever the number of items."""
    bank = [q for q in questions if q.item_id is not None]
    latest = current_calibrations(session, {q.skill_id for q in bank})
    stored: dict[tuple[str, str], ItemParameter] = {}
    if latest:
        keys = [(skill, row.version) for skill, row in latest.items()]
        for row in session.scalars(
            select(ItemParameter).where(
                tuple_(ItemParameter.skill_id, ItemParameter.version).in_(keys)
            )
        ):
            stored[(row.skill_id, row.item_id)] = row
    found = {}
    for question in bank:
        version = latest[question.skill_id].version if question.skill_id in latest else 0
        prior_a, prior_b = irt.prior_parameters(question.level_id)
        kept = stored.get((question.skill_id, question.item_id or ""))
        if kept is None:  # no calibration yet, or an item added since
            found[question.id] = Parameters(version, prior_a, prior_b, 0, False, None, True)
            continue
        on_prior = not kept.estimated and (kept.a, kept.b) == (prior_a, prior_b)
        found[question.id] = Parameters(
            version, kept.a, kept.b, kept.responses, kept.estimated, kept.fit_flag, on_prior
        )
    return found
