"""``flask --app run items calibrate``: a new calibration version of each skill's
bank from stored answers (../shared/measurement.md, "Calibration").

- Responses: per person, their first submitted diagnostic attempt with graded
  answers of the skill (a whole diagnostic, a one-skill section, adaptive or
  fixed). Later attempts are left out: by then the person has seen the items
  and studied, so they would no longer come from the population the scale is
  set on. A question asked but not answered has no score: it counts as not
  asked (NaN), as an adaptive attempt's unchosen items do.
- Items: the skill's active bank items, by stable id (an edited item's older
  versions count as the same item).
- Estimation: 2PL by marginal maximum likelihood (rules/calibration.py); an
  item with fewer than ``min_responses`` answers keeps its current values (the
  previous version's, or the prior from its level tag) and is not estimated.
- Linking: when a previous version exists, the new estimates are put on its
  scale by mean/sigma over the items estimated in both, so a person's level
  does not move because the items were re-estimated.
- A skill without any response, or with no item reaching ``min_responses``,
  gets no new version (it would repeat the current values); the line says why.

Nothing is committed here: the command commits every skill's version at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from skillgap.content.bank import bank_quiz_id
from skillgap.curriculum.snapshot import snapshot_of
from skillgap.models import (
    Answer,
    Attempt,
    AttemptState,
    ItemCalibration,
    ItemParameter,
    Question,
    Quiz,
    QuizKind,
)
from skillgap.rules import calibration
from skillgap.services import adaptive
from skillgap.services.adaptive import BankItem

# An item leaves its prior with this many answers (measurement.md: "e.g. 200"):
# below it a 2PL discrimination is too noisy to trust over the level tag.
DEFAULT_MIN_RESPONSES = 200


class CalibrationError(ValueError):
    """A request the command cannot carry out; the message says why."""


@dataclass(frozen=True)
class Responses:
    item_ids: list[str]  # the matrix's columns, the bank's active items in order
    matrix: np.ndarray  # people x items: 1 right, 0 wrong, NaN not asked
    people: int

    @property
    def count(self) -> int:
        return int(np.count_nonzero(~np.isnan(self.matrix)))

    def per_item(self) -> list[int]:
        return [int(n) for n in np.count_nonzero(~np.isnan(self.matrix), axis=0)]


@dataclass(frozen=True)
class Fitted:
    """Per item (the matrix's columns): the parameters to store, whether they were
    estimated from the answers, and why to review the item (None: nothing to say)."""

    a: np.ndarray
    b: np.ndarray
    estimated: np.ndarray  # bool
    flags: list[str | None]


@dataclass(frozen=True)
class SkillRun:
    skill_id: str
    items: int  # active bank items
    responses: int
    people: int
    min_responses: int
    most: int = 0  # answers of the most answered item
    version: int | None = None  # written; None when nothing was written
    calibrated: int = 0
    previous: int = 0  # the version the kept items' values come from (0: priors)
    note: str = ""

    def line(self) -> str:
        if self.responses == 0:
            return (
                f"{self.skill_id}: no answers from first diagnostic attempts yet; nothing written"
            )
        if self.version is None:
            return (
                f"{self.skill_id}: {self.responses:,} responses from {self.people:,} people, "
                f"but no item has the {self.min_responses:,} needed (most: {self.most:,}); "
                "nothing written"
            )
        kept = self.items - self.calibrated
        source = "priors" if self.previous == 0 else f"version {self.previous} values"
        return (
            f"{self.skill_id}: version {self.version}, {self.calibrated} of {self.items} items "
            f"calibrated from {self.responses:,} responses by {self.people:,} people "
            f"({kept} kept their {source}); {self.note}"
        )


def banked_skills(session: Session) -> list[str]:
    """Skills with an item bank, in framework order."""
    snapshot = snapshot_of(session)
    return [s.id for s in snapshot.skills if bank_quiz_id(s.id) in snapshot.quizzes]


def calibrate(
    session: Session,
    skill_id: str | None = None,
    min_responses: int = DEFAULT_MIN_RESPONSES,
    progress: Callable[[str], None] = lambda line: None,
) -> list[SkillRun]:
    """Calibrate every banked skill (or ``skill_id``'s); returns one run per skill.
    Raises CalibrationError, having written nothing, for an unknown skill or when a
    concurrent run took the same version number."""
    skills = banked_skills(session)
    if skill_id is not None:
        if skill_id not in skills:
            raise CalibrationError(
                f"unknown skill {skill_id!r}, or it has no item bank; "
                f"skills with a bank: {', '.join(skills) or 'none'}"
            )
        skills = [skill_id]
    if min_responses < 1:
        raise CalibrationError("--min-responses must be at least 1")
    runs = []
    try:
        for index, skill in enumerate(skills, start=1):
            progress(f"[{index}/{len(skills)}] {skill}: reading first attempts and estimating ...")
            runs.append(calibrate_skill(session, skill, min_responses))
        session.flush()
    except IntegrityError as error:  # a concurrent run wrote the same version number first
        session.rollback()
        raise CalibrationError(
            "another calibration wrote a new version meanwhile; nothing was written, run again"
        ) from error
    return runs


def first_responses(session: Session, skill_id: str, items: list[BankItem]) -> Responses:
    """The person x item matrix of first-attempt scores for the skill's bank."""
    column = {item.item_id: index for index, item in enumerate(items)}
    rows = session.execute(
        select(Attempt.user_id, Attempt.id, Question.item_id, Question.id, Answer.score)
        .join(Answer, Answer.attempt_id == Attempt.id)
        .join(Question, Question.id == Answer.question_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(
            Question.quiz_id == bank_quiz_id(skill_id),
            Quiz.kind == QuizKind.DIAGNOSTIC.value,
            Attempt.state != AttemptState.OPEN.value,
            Attempt.submitted_at.is_not(None),
            Answer.score.is_not(None),
        )
        # Earliest first: the first row of a person is from their first attempt.
        .order_by(Attempt.user_id, Attempt.submitted_at, Attempt.id)
    ).all()
    first: dict[int, int] = {}  # person -> their first attempt's id
    scores: dict[int, dict[int, float]] = {}
    for user_id, attempt_id, item_id, question_id, score in rows:
        if first.setdefault(user_id, attempt_id) != attempt_id:
            continue
        key = column.get(item_id or str(question_id))
        if key is not None:  # an item no longer in the bank is left out
            scores.setdefault(user_id, {})[key] = 1.0 if (score or 0.0) >= 1.0 else 0.0
    matrix = np.full((len(scores), len(items)), np.nan)
    for row, answered in enumerate(scores.values()):
        for key, value in answered.items():
            matrix[row, key] = value
    return Responses([item.item_id for item in items], matrix, len(scores))


def calibrate_skill(session: Session, skill_id: str, min_responses: int) -> SkillRun:
    """Estimate, link and store one skill's new version (if there is anything to store)."""
    previous = adaptive.current_version(session, skill_id)
    items = adaptive.bank_items(session, skill_id, previous)
    data = first_responses(session, skill_id, items)
    run = SkillRun(skill_id, len(items), data.count, data.people, min_responses)
    if data.count == 0:
        return run
    counts = data.per_item()
    run = replace(run, most=max(counts), previous=previous)
    if max(counts) < min_responses:
        return run
    fitted = estimate(
        data.matrix, [item.a for item in items], [item.b for item in items], min_responses
    )
    a, b, note = link_to_previous(session, skill_id, previous, data.item_ids, fitted)
    version = previous + 1
    session.add(
        ItemCalibration(
            skill_id=skill_id,
            version=version,
            calibrated=int(fitted.estimated.sum()),
            responses=data.count,
            note=f"{note}; minimum {min_responses} responses per item",
        )
    )
    for index, item in enumerate(items):
        session.add(
            ItemParameter(
                skill_id=skill_id,
                version=version,
                item_id=item.item_id,
                a=float(a[index]),
                b=float(b[index]),
                responses=counts[index],
                estimated=bool(fitted.estimated[index]),
                fit_flag=fitted.flags[index],
            )
        )
    calibrated = int(fitted.estimated.sum())
    return replace(run, version=version, calibrated=calibrated, note=note)


def estimate(
    matrix: np.ndarray, current_a: list[float], current_b: list[float], min_responses: int
) -> Fitted:
    """rules/calibration.py's EM, its results in the shape stored: items with fewer
    than ``min_responses`` answers keep ``current_a``/``current_b`` (which also
    centre the weak priors of the others)."""
    fitted = calibration.calibrate(matrix, current_a, current_b, min_responses)
    return Fitted(
        np.array([item.a for item in fitted]),
        np.array([item.b for item in fitted]),
        np.array([item.calibrated for item in fitted], dtype=bool),
        [_flag(item) for item in fitted],
    )


def _flag(item: calibration.ItemCalibration) -> str | None:
    if not item.flagged:
        return None
    reasons = []
    if item.a < calibration.MIN_A:
        reasons.append(f"a {item.a:.2f} under {calibration.MIN_A}: hardly separates people")
    if item.misfit > calibration.MAX_GAP:
        reasons.append(f"poor fit: off the model by {item.misfit:.2f} in an ability group")
    return "; ".join(reasons) or "review"


def link_to_previous(
    session: Session, skill_id: str, previous: int, item_ids: list[str], fitted: Fitted
) -> tuple[np.ndarray, np.ndarray, str]:
    """The new estimates on the previous version's scale (mean/sigma on the items
    estimated in both); kept items are already on it. Returns a, b and a note."""
    if previous == 0:
        return fitted.a, fitted.b, "first calibration: on the population's scale, θ ~ N(0, 1)"
    before = dict(
        session.execute(
            select(ItemParameter.item_id, ItemParameter.b).where(
                ItemParameter.skill_id == skill_id,
                ItemParameter.version == previous,
                ItemParameter.estimated,
            )
        ).all()
    )
    common = [i for i, item in enumerate(item_ids) if fitted.estimated[i] and item in before]
    old_b = np.array([before[item_ids[i]] for i in common])
    if len(common) < 2 or float(np.std(fitted.b[common])) == 0:
        return (
            fitted.a,
            fitted.b,
            f"not linked to version {previous}: fewer than 2 items estimated in both "
            "(on the population's scale)",
        )
    slope, shift = calibration.mean_sigma(old_b.tolist(), fitted.b[common].tolist())
    linked_a, linked_b = calibration.link(fitted.a.tolist(), fitted.b.tolist(), (slope, shift))
    a = np.where(fitted.estimated, linked_a, fitted.a)
    b = np.where(fitted.estimated, linked_b, fitted.b)
    return (
        a,
        b,
        f"linked to version {previous} by mean/sigma on {len(common)} common items "
        f"(b = {slope:.3f} b_new {shift:+.3f})",
    )
