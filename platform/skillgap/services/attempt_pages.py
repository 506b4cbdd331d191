"""What the assessment pages show: the take page, the result page and a person's
history. Curriculum facts (quizzes, skills, levels, the self-rating scale) come
from the snapshot; the attempt's own questions and answers from the database."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import (
    LevelInfo,
    QuizInfo,
    SelfRatingInfo,
    SkillInfo,
    Snapshot,
    snapshot_of,
)
from skillgap.models import Answer, Attempt, AttemptState, Question, QuizKind, SkillResult, User
from skillgap.rules import scoring
from skillgap.rules.form_draw import option_order
from skillgap.services import grading, shown_questions
from skillgap.services.assessments import AnswerInput, passed_quiz_ids_query
from skillgap.services.paths import standings_for

QUESTIONS_PER_PAGE = 5


@dataclass(frozen=True)
class Interim:
    """A section done while the whole diagnostic is still open."""

    skill: SkillInfo
    percent: float
    level: str
    sure: int | None = None  # an adaptive level's certainty, in percent


@dataclass(frozen=True)
class AdaptiveStep:
    skill_name: str
    skill_number: int  # 1 = the first skill of the attempt
    skills: int
    item_number: int  # this item's number within its skill
    min_items: int
    max_items: int


@dataclass(frozen=True)
class TakePage:
    attempt: Attempt
    quiz: QuizInfo
    questions: list[Question]  # this page's questions
    answers: dict[int, Answer]  # every saved answer of the attempt
    page: int
    pages: int
    total: int
    ratings: tuple[SelfRatingInfo, ...]
    skill: SkillInfo | None
    # A whole diagnostic's sections answered in full, scored so far (not yet counted).
    finished: list[Interim] = field(default_factory=list)
    adaptive: AdaptiveStep | None = None  # where an adaptive attempt stands

    def shown_options(self, question: Question) -> list[tuple[int, int, dict]]:
        """(position shown, index in the file, option), in the attempt's order."""
        return shown_options(self.attempt, question)

    def text(self, question: Question) -> str:
        """The question's text (a calculated question's with this attempt's numbers)."""
        return shown_questions.text_of(question, self.attempt.seed)

    def asks_number(self, question: Question) -> bool:
        return shown_questions.asks_number(question)

    def unit(self, question: Question) -> str:
        return (question.template or {}).get("unit", "")

    def number_problem(self, response: str | None) -> str:
        return shown_questions.number_problem(response)

    @property
    def first_number(self) -> int:
        if self.attempt.adaptive is not None:
            return self.total
        return (self.page - 1) * QUESTIONS_PER_PAGE + 1

    @property
    def answered(self) -> int:
        return len(self.answers)


def shown_options(attempt: Attempt, question: Question) -> list[tuple[int, int, dict]]:
    """(position shown, index in the file, option), in the attempt's order."""
    options = shown_questions.options_of(question, attempt.seed)
    order = option_order(attempt.seed, question.id, len(options))
    return [(shown, index, options[index]) for shown, index in enumerate(order)]


def as_saved(attempt: Attempt, questions: list[Question], posted: dict[int, AnswerInput]):
    """Posted answers (positions on the page) as saved answers hold them (indexes in
    the file), for showing them again."""
    by_id = {question.id: question for question in questions}
    result = {}
    for question_id, given in posted.items():
        question = by_id.get(question_id)
        if question is None:
            continue
        count = len(shown_questions.options_of(question, attempt.seed))
        order = option_order(attempt.seed, question_id, count)
        chosen = tuple(order[i] for i in given.chosen if 0 <= i < len(order))
        result[question_id] = AnswerInput(chosen, given.rating_id, given.confidence, given.response)
    return result


def page_count(total: int) -> int:
    return max(1, math.ceil(total / QUESTIONS_PER_PAGE))


def resume_page(attempt: Attempt, answered_ids: set[int]) -> int:
    """The first page with an unanswered question (the last page if all are answered)."""
    for index, question_id in enumerate(attempt.question_ids):
        if question_id not in answered_ids:
            return index // QUESTIONS_PER_PAGE + 1
    return page_count(len(attempt.question_ids))


def take_page(session: Session, attempt: Attempt, page: int | None) -> TakePage:
    answers = {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
    }
    total = len(attempt.question_ids)
    if attempt.adaptive is not None:  # one item at a time: only the last can be answered
        page = pages = total
        page_ids = attempt.question_ids[-1:]
    else:
        pages = page_count(total)
        page = resume_page(attempt, set(answers)) if page is None else min(max(page, 1), pages)
        page_ids = attempt.question_ids[(page - 1) * QUESTIONS_PER_PAGE : page * QUESTIONS_PER_PAGE]
    by_id = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(page_ids)))}
    snapshot = snapshot_of(session)
    quiz = snapshot.quizzes[attempt.quiz_id]
    finished = _finished(session, attempt, answers, snapshot, quiz)
    return TakePage(
        attempt,
        quiz,
        [by_id[q] for q in page_ids],
        answers,
        page,
        pages,
        total,
        snapshot.self_ratings,
        snapshot.skill_by_id.get(attempt.skill_id or ""),
        finished,
        adaptive_step(attempt, snapshot, [by_id[q] for q in page_ids]),
    )


def _finished(
    session: Session, attempt: Attempt, answers, snapshot: Snapshot, quiz: QuizInfo
) -> list[Interim]:
    """Each skill section of a whole diagnostic already done, with its result so
    far: an adaptive block once it stopped (final), a fixed block once every
    question is answered (counted on submit)."""
    if quiz.kind != QuizKind.DIAGNOSTIC or attempt.skill_id is not None:
        return []
    skills = snapshot.skill_by_id
    if attempt.adaptive is None:
        scores = grading.finished_sections(session, attempt, answers)
        done = [
            Interim(skills[s.skill_id], s.percent, s.level.name)
            for s in scores
            if s.skill_id in skills
        ]
        return sorted(done, key=lambda interim: interim.skill.position)
    done = []
    for skill_id, (domain, level, sure) in attempt.adaptive.get("settled", {}).items():
        if skill_id in skills:
            name = snapshot.levels[level].name
            done.append(Interim(skills[skill_id], domain, name, round(100 * sure)))
    return sorted(done, key=lambda interim: interim.skill.position)


def adaptive_step(attempt: Attempt, snapshot: Snapshot, shown: list[Question]):
    """Where an adaptive attempt stands: which skill, which of its items."""
    state = attempt.adaptive
    if state is None or not shown:
        return None
    skill_id = shown[0].skill_id
    skills = state["skills"]
    asked = sum(1 for skill, _a, _b in state["asked"].values() if skill == skill_id)
    low, high, _certainty = state["stopping"]
    number = skills.index(skill_id) + 1 if skill_id in skills else 1
    name = snapshot.skill_by_id[skill_id].name if skill_id in snapshot.skill_by_id else skill_id
    return AdaptiveStep(name, number, len(skills), asked, low, high)


@dataclass(frozen=True)
class SkillRow:
    skill: SkillInfo
    result: SkillResult | None
    tested: LevelInfo | None
    self_rated: LevelInfo | None
    target: LevelInfo | None
    calibration: scoring.Calibration | None


@dataclass(frozen=True)
class QuestionReview:
    number: int
    question: Question
    answer: Answer | None
    rating: SelfRatingInfo | None

    seed: int | None = None
    # Whether the key and explanation are shown: only for an answered question,
    # and for a module check only once it is passed (a failed check sends the
    # person back to the module, not to a list of answers for the re-take).
    reveal: bool = False

    @property
    def correct(self) -> bool:
        return bool(self.answer and self.answer.score == 1)

    @property
    def options(self) -> list[tuple[int, dict]]:
        """(index in the file, option) in the order the person saw them."""
        options = shown_questions.options_of(self.question, self.seed)
        order = option_order(self.seed, self.question.id, len(options))
        return [(index, options[index]) for index in order]

    @property
    def text(self) -> str:
        return shown_questions.text_of(self.question, self.seed)

    @property
    def explanation(self) -> str:
        return shown_questions.explanation_of(self.question, self.seed)

    @property
    def asks_number(self) -> bool:
        return shown_questions.asks_number(self.question)

    @property
    def response(self) -> str:
        return (self.answer.response or "") if self.answer else ""

    @property
    def correct_answer(self) -> str:
        """A calculated question's answer for this attempt, and what was accepted."""
        shown = shown_questions.shown_answer(self.question, self.seed)
        if not shown:
            return ""
        accepted = shown_questions.accepted_range(self.question, self.seed)
        return _("%(answer)s (accepted: %(range)s)", answer=shown, range=accepted)

    @property
    def misconception(self) -> str:
        """The named slip a wrong calculated answer matches, for the feedback."""
        if self.answer is None or self.correct or self.question.template is None:
            return ""
        if self.asks_number:
            return shown_questions.misconception(self.question, self.seed, self.answer.response)
        return shown_questions.chosen_misconception(self.question, self.seed, self.answer.chosen)


DECIDED = 0.8  # a level this likely is reported as decided (and closes a gap)


@dataclass(frozen=True)
class Certainty:
    """An adaptive result's level in words: "Entry - 92% sure; could be Intermediate"."""

    level: str
    percent: int
    runner_up: str | None  # the next most likely level, if it has 5% or more
    runner_percent: int
    decided: bool


def certainty_of(result: SkillResult | None, levels: tuple[LevelInfo, ...]) -> Certainty | None:
    probabilities = result.level_probabilities if result is not None else None
    if not probabilities or len(probabilities) != len(levels):
        return None  # a percent-correct (fixed form) result
    order = sorted(range(len(levels)), key=lambda i: -probabilities[i])
    best, second = order[0], order[1] if len(order) > 1 else order[0]
    runner = levels[second].name if second != best and probabilities[second] >= 0.05 else None
    return Certainty(
        levels[best].name,
        round(100 * probabilities[best]),
        runner,
        round(100 * probabilities[second]),
        probabilities[best] >= DECIDED,
    )


@dataclass
class ResultPage:
    attempt: Attempt
    quiz: QuizInfo
    person: User
    levels: tuple[LevelInfo, ...]
    rows: list[SkillRow]
    reviews: list[QuestionReview]
    calibration_counts: dict[str, int] = field(default_factory=dict)
    keys_withheld: bool = False  # a module check not passed yet

    def certainty(self, result: SkillResult | None) -> Certainty | None:
        return certainty_of(result, self.levels)


def result_page(session: Session, attempt: Attempt) -> ResultPage:
    person = session.get(User, attempt.user_id)
    assert person is not None
    snapshot = snapshot_of(session)
    quiz = snapshot.quizzes[attempt.quiz_id]
    results = {r.skill_id: r for r in attempt.results}
    # Today's self-rating and target (role profile, or a manager's override).
    standing = {s.skill.id: s for s in standings_for(session, person)}
    rows = []
    counts: dict[str, int] = {}
    for skill in (s for s in snapshot.skills if s.id in results):
        result = results[skill.id]
        tested = snapshot.level_by_id.get(result.level_id)
        rated = standing[skill.id].self_rated if skill.id in standing else None
        target = (
            standing[skill.id].target
            if skill.id in standing and standing[skill.id].target_source != "none"
            else None
        )
        verdict = None
        if quiz.kind == QuizKind.DIAGNOSTIC and tested and rated:
            verdict = scoring.calibration(rated.position, tested.position)
            counts[verdict.value] = counts.get(verdict.value, 0) + 1
        rows.append(SkillRow(skill, result, tested, rated, target, verdict))
    keys_withheld = quiz.kind == QuizKind.CHECK and not _check_passed(session, attempt)
    reviews = _reviews(session, attempt, snapshot, keys_withheld)
    return ResultPage(attempt, quiz, person, snapshot.levels, rows, reviews, counts, keys_withheld)


def _check_passed(session: Session, attempt: Attempt) -> bool:
    if (attempt.percent or 0) >= scoring.PASS_PERCENT:
        return True
    return attempt.quiz_id in set(session.scalars(passed_quiz_ids_query(attempt.user_id)))


def _reviews(
    session: Session, attempt: Attempt, snapshot: Snapshot, keys_withheld: bool
) -> list[QuestionReview]:
    answers = {a.question_id: a for a in attempt.answers}
    questions = {
        q.id: q
        for q in session.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    ratings = {r.id: r for r in snapshot.self_ratings}
    return [
        QuestionReview(
            number,
            questions[qid],
            answers.get(qid),
            ratings.get(answers[qid].rating_id or "") if qid in answers else None,
            attempt.seed,
            reveal=qid in answers and not keys_withheld,
        )
        for number, qid in enumerate(attempt.question_ids, start=1)
    ]


def history(session: Session, user_id: int) -> list[Attempt]:
    return list(
        session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.state != AttemptState.OPEN.value)
            .order_by(Attempt.submitted_at.desc(), Attempt.id.desc())
        )
    )


def skill_trends(session: Session, user_id: int) -> list[tuple[SkillInfo, list[SkillResult]]]:
    """Per skill, the person's diagnostic results oldest first."""
    rows = session.scalars(
        select(SkillResult)
        .where(SkillResult.user_id == user_id, SkillResult.kind == QuizKind.DIAGNOSTIC.value)
        .order_by(SkillResult.created_at, SkillResult.id)
    )
    by_skill: dict[str, list[SkillResult]] = {}
    for row in rows:
        by_skill.setdefault(row.skill_id, []).append(row)
    skills = snapshot_of(session).skills
    return [(skill, by_skill[skill.id]) for skill in skills if skill.id in by_skill]
