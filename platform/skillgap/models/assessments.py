"""Quizzes, their questions, and people's attempts, answers and results.

Grain, as in well-kept learning platforms: a quiz and its questions (content),
an attempt (one sitting), one answer per question per attempt, and one result
per skill per attempt. A question is identified by its content: when its text,
skill or options change, the importer retires the old row and adds a new one,
so past answers always point at the question as it was asked. The questions an
attempt asks are fixed when it starts.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from skillgap.kinds import AttemptState, QuestionKind, QuizKind
from skillgap.models.base import Base, created_at, current_time, enum_column, intpk
from skillgap.models.content import content_id
from skillgap.rules import calculated


class Quiz(Base):
    __tablename__ = "quizzes"

    id: Mapped[str] = mapped_column(content_id, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[QuizKind] = mapped_column(enum_column(QuizKind))
    time_limit_minutes: Mapped[int | None]
    file_name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(default=True)
    # A diagnostic drawn from the item banks: items per skill and per level
    # ({"default": {"entry": 3, ...}, "<skill-id>": {...}}); None for a fixed form.
    blueprint: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # "adaptive": items chosen one by one by the IRT engine (services/adaptive.py);
    # "fixed": the blueprint's form. Stopping rule overrides for adaptive.
    mode: Mapped[str] = mapped_column(String(20), default="fixed")
    stopping: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    reviewed: Mapped[date | None]  # the file's dates (content/review_dates.py)
    review_after: Mapped[date | None]

    questions: Mapped[list[Question]] = relationship(
        back_populates="quiz",
        order_by="Question.position",
        primaryjoin="and_(Quiz.id == Question.quiz_id, Question.active)",
        viewonly=True,
    )


class Question(Base):
    __tablename__ = "questions"

    id: Mapped[intpk]
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quizzes.id"), index=True)
    # sha256 of what the question asks (text, skill, kind, options): its identity.
    fingerprint: Mapped[str] = mapped_column(String(64))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    # [{"text": str, "correct": bool, "weight": float | None}, ...]; [] for ratings.
    options: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    explanation: Mapped[str] = mapped_column(Text, default="")
    line: Mapped[int] = mapped_column(default=0)  # in the quiz file, for item statistics
    active: Mapped[bool] = mapped_column(default=True)
    # Bank items: the stable id shared by every version of the item (a new text is
    # a new row with the same item_id), and the level it discriminates at.
    item_id: Mapped[str | None] = mapped_column(String(60), index=True)
    # No foreign key: adding one would make SQLite rebuild this table, which the
    # answers' foreign keys forbid (migration 0011); the importer checks the level.
    level_id: Mapped[str | None] = mapped_column(String(80))
    name: Mapped[str | None] = mapped_column(String(200))  # from GIFT's ::name::
    # A calculated question's template (rules/calculated.py to_json); SQL NULL otherwise
    # (not JSON null), so "template IS NOT NULL" finds the calculated questions.
    template: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    # Its file's review dates, or a bank item's own.
    reviewed: Mapped[date | None]
    review_after: Mapped[date | None]

    quiz: Mapped[Quiz] = relationship(foreign_keys=[quiz_id])

    @property
    def correct_indexes(self) -> set[int]:
        return {index for index, option in enumerate(self.options) if option["correct"]}

    @property
    def calculation(self) -> calculated.Template | None:
        return None if self.template is None else calculated.from_json(self.template)


class Attempt(Base):
    __tablename__ = "attempts"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[str] = mapped_column(ForeignKey("quizzes.id"), index=True)
    # Set when the person re-takes one skill's section of the diagnostic.
    skill_id: Mapped[str | None] = mapped_column(ForeignKey("skills.id"))
    state: Mapped[AttemptState] = mapped_column(
        enum_column(AttemptState), default=AttemptState.OPEN
    )
    # The form: the questions shown, in the order shown (stored, so any attempt can
    # be shown and scored again exactly as it was taken).
    question_ids: Mapped[list[int]] = mapped_column(JSON)
    # Seeds each question's option order (services/forms.option_order); None for
    # attempts from before shuffling, shown in file order.
    seed: Mapped[int | None]
    started_at: Mapped[datetime] = mapped_column(default=current_time)
    deadline_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    percent: Mapped[float | None]  # over all its questions, once submitted
    # An adaptive attempt's state and evidence: the skills in order and those
    # finished, the calibration version per skill, and each asked question's (a, b)
    # as used, so the result can be explained and scored again (services/adaptive.py).
    adaptive: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    quiz: Mapped[Quiz] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )
    results: Mapped[list[SkillResult]] = relationship(
        back_populates="attempt", cascade="all, delete-orphan"
    )

    @property
    def is_open(self) -> bool:
        return self.state == AttemptState.OPEN


class Answer(Base):
    __tablename__ = "answers"
    RESPONSE_LENGTH = 40

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), primary_key=True)
    chosen: Mapped[list[int]] = mapped_column(JSON, default=list)  # option indexes
    response: Mapped[str | None] = mapped_column(
        String(RESPONSE_LENGTH)
    )  # a calculated answer, typed
    rating_id: Mapped[str | None] = mapped_column(ForeignKey("self_ratings.id"))
    confidence: Mapped[float | None]  # 0.33 / 0.67 / 1.0, diagnostic only
    answered_at: Mapped[datetime] = mapped_column(default=current_time)
    score: Mapped[float | None]  # 0 or 1 once graded

    attempt: Mapped[Attempt] = relationship(back_populates="answers")


class SkillResult(Base):
    """One skill's outcome of a submitted attempt. For a self-assessment, the
    self-rated level (no percent).

    ``latest`` marks the newest result per person, skill and kind (derived data,
    kept by grading): the team matrix and organisation view join on it instead of
    ranking a year of history on every request.
    """

    __tablename__ = "skill_results"
    __table_args__ = (
        UniqueConstraint("attempt_id", "skill_id"),
        # Covers the current-level lookups: one probe per person and skill finds
        # both kinds' latest level without reading the table (migration 0009).
        Index("ix_skill_results_current", "user_id", "skill_id", "latest", "kind", "level_id"),
        # At most one latest result per person, skill and kind (migration 0010);
        # services/standing.record_results keeps exactly one.
        Index(
            "uq_skill_results_latest",
            "user_id",
            "skill_id",
            "kind",
            unique=True,
            sqlite_where=text("latest"),
            postgresql_where=text("latest"),
        ),
    )

    id: Mapped[intpk]
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"))
    kind: Mapped[QuizKind] = mapped_column(enum_column(QuizKind))  # for "latest" queries
    level_id: Mapped[str] = mapped_column(ForeignKey("levels.id"))
    earned: Mapped[float] = mapped_column(default=0)
    possible: Mapped[float] = mapped_column(default=0)
    percent: Mapped[float | None]
    questions: Mapped[int] = mapped_column(default=0)
    low_evidence: Mapped[bool] = mapped_column(default=False)
    brier: Mapped[float | None]
    certain_count: Mapped[int] = mapped_column(default=0)
    certain_wrong: Mapped[int] = mapped_column(default=0)
    # Self-assessment results from before the anchored self-rating scale (migration
    # 0011): the level the old mapping gave; level_id holds the new mapping's.
    claimed_before: Mapped[str | None] = mapped_column(String(80))
    # An adaptive (IRT) result: percent is the domain score, with the ability
    # estimate, the 90% interval of the domain score and each level's posterior
    # probability (lowest first); None for percent-correct results.
    theta: Mapped[float | None]
    theta_se: Mapped[float | None]
    domain_low: Mapped[float | None]
    domain_high: Mapped[float | None]
    level_probabilities: Mapped[list[float] | None] = mapped_column(JSON(none_as_null=True))
    certainty: Mapped[float | None]  # the reported level's probability (pages and matrix)
    latest: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]

    attempt: Mapped[Attempt] = relationship(back_populates="results")


class ItemCalibration(Base):
    """One calibration of a skill's bank: version 1, 2, ... (version 0, the priors
    from each item's level tag, is never stored)."""

    __tablename__ = "item_calibrations"

    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[created_at]
    calibrated: Mapped[int] = mapped_column(default=0)  # items estimated from answers
    responses: Mapped[int] = mapped_column(default=0)  # answers the estimation used
    note: Mapped[str] = mapped_column(Text, default="")


class ItemParameter(Base):
    """An item's 2PL parameters under one calibration version, by its stable bank id."""

    __tablename__ = "item_parameters"

    skill_id: Mapped[str] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    version: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(60), primary_key=True)
    a: Mapped[float]
    b: Mapped[float]
    responses: Mapped[int] = mapped_column(default=0)
    estimated: Mapped[bool] = mapped_column(default=False)  # False: kept its prior
    fit_flag: Mapped[str | None] = mapped_column(String(120))  # why to review it
