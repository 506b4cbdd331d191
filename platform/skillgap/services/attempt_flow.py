"""Taking an assessment: what one POST to the take page does, as one call.

A POST is one of: start (or resume) an attempt, autosave answers, move between
pages (saving the page's answers), submit, or a late or replayed request for
an attempt that is no longer open. ``handle_post`` decides which and returns
an ``Outcome`` the view turns into a redirect, a flash message or the
autosave's JSON; the view commits once. Nothing here knows about Flask but
the messages for the person, which Flask-Babel translates into the reader's
language (English outside a request).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from flask_babel import gettext as _
from sqlalchemy.orm import Session

from skillgap.curriculum.snapshot import QuizInfo
from skillgap.inputs import whole_number
from skillgap.models import Attempt, User
from skillgap.rules import scoring
from skillgap.services import adaptive_flow, assessments
from skillgap.services.assessments import AnswerInput, AttemptError


class FormData(Protocol):
    """What is read of a submitted form (a werkzeug MultiDict)."""

    def get(self, key: str) -> str | None: ...
    def getlist(self, key: str) -> list[str]: ...


class Go(StrEnum):
    TAKE = "take"  # the take page (at ``page``)
    RESULT = "result"  # the attempt's result
    INDEX = "index"  # the assessments page
    NOT_FOUND = "not-found"


@dataclass(frozen=True)
class Outcome:
    go: Go
    page: int | None = None
    attempt_id: int | None = None
    message: tuple[str, str] | None = None  # (text, category) to show once
    autosave: tuple[dict[str, object], int] | None = None  # JSON body and status


@dataclass(frozen=True)
class Posted:
    """What the take form sent, parsed."""

    action: str
    attempt_id: int | None
    page: int | None
    form: FormData


def posted_answers(form: FormData, question_ids: Sequence[int]) -> dict[int, AnswerInput]:
    """The answers in a take form (``q-<id>`` options or rating, ``n-<id>`` a typed
    number, ``c-<id>`` confidence)."""
    answers = {}
    for question_id in question_ids:
        values = form.getlist(f"q-{question_id}")
        response = (form.get(f"n-{question_id}") or "").strip() or None
        if not values and response is None:
            continue
        chosen = tuple(n for n in (whole_number(v) for v in values) if n is not None)
        rating = values[0] if values and not chosen else None
        confidence = scoring.CONFIDENCE_LEVELS.get(form.get(f"c-{question_id}") or "")
        answers[question_id] = AnswerInput(chosen, rating, confidence, response)
    return answers


def posted(form: FormData) -> Posted:
    page = form.get("page") or ""
    attempt_id = form.get("attempt_id") or ""
    return Posted(form.get("action") or "", whole_number(attempt_id), whole_number(page), form)


def handle_post(
    session: Session,
    user: User,
    quiz: QuizInfo,
    skill_id: str | None,
    request: Posted,
    now: datetime,
    retake_interval: timedelta = timedelta(0),
    check_wait: timedelta = timedelta(0),
) -> Outcome:
    # Locked as it is read: one post at a time per attempt, even concurrently
    # (an adaptive "next" advances once per item).
    attempt = assessments.open_attempt_for(session, user.id, quiz.id, skill_id, for_update=True)
    if request.action == "start":
        try:
            _attempt, skipped = assessments.start(
                session, user, quiz, skill_id, now, retake_interval, check_wait
            )
        except AttemptError as error:
            return Outcome(Go.INDEX, message=(str(error), "error"))
        if skipped:
            text = _(
                "%(not_yet)s This attempt leaves those skills out and keeps their results.",
                not_yet=assessments.not_yet_message(session, skipped),
            )
            return Outcome(Go.TAKE, message=(text, "info"))
        return Outcome(Go.TAKE)
    if request.attempt_id is not None and (attempt is None or attempt.id != request.attempt_id):
        return _not_open(session, user, request)
    if attempt is None:
        return Outcome(Go.TAKE, message=(_("Start the assessment first."), "info"))
    if assessments.is_past_deadline(attempt, now):
        assessments.submit(session, attempt.id, now)
        if request.action == "autosave":
            late = _("The time limit has passed.")
            return Outcome(Go.RESULT, autosave=({"saved": 0, "error": late}, 409))
        text = _("The time limit had passed: the answers you saved in time were scored.")
        return Outcome(Go.RESULT, attempt_id=attempt.id, message=(text, "info"))
    if attempt.adaptive is not None:
        return _adaptive_post(session, attempt, request, now)
    saved = assessments.save_answers(
        session, attempt, posted_answers(request.form, attempt.question_ids), now, as_shown=True
    )
    if request.action == "autosave":
        return Outcome(Go.TAKE, autosave=({"saved": saved}, 200))
    if request.action == "submit":
        assessments.submit(session, attempt.id, now)
        return Outcome(Go.RESULT, attempt_id=attempt.id)
    return Outcome(Go.TAKE, page=_next_page(request))


def _adaptive_post(session: Session, attempt: Attempt, request: Posted, now: datetime) -> Outcome:
    """Only the current item can be answered. "Next" makes its answer final and
    has the engine choose the next item; a replayed "next" for an item already
    moved past (the form names the item it showed) changes nothing. The attempt
    was read with its row locked (handle_post), so one advance per item."""
    current = adaptive_flow.current_question(attempt)
    shown = whole_number(request.form.get("question") or "")
    if current is None or (shown is not None and shown != current):
        if request.action == "autosave":
            answered = _("Already answered.")
            return Outcome(Go.TAKE, autosave=({"saved": 0, "error": answered}, 409))
        text = _("That question was already answered; here is the next one.")
        return Outcome(Go.TAKE, message=(text, "info"))
    saved = assessments.save_answers(
        session, attempt, posted_answers(request.form, [current]), now, as_shown=True
    )
    if request.action == "autosave":
        return Outcome(Go.TAKE, autosave=({"saved": saved}, 200))
    if request.action == "submit":
        assessments.submit(session, attempt.id, now)
        return Outcome(Go.RESULT, attempt_id=attempt.id)
    if request.action != "next":
        return Outcome(Go.TAKE)
    if not assessments.has_answer(session, attempt.id, current):
        return Outcome(Go.TAKE, message=(_("Answer the question to go on."), "error"))
    if adaptive_flow.advance(session, attempt):
        assessments.submit(session, attempt.id, now)
        return Outcome(Go.RESULT, attempt_id=attempt.id)
    return Outcome(Go.TAKE)


def _not_open(session: Session, user: User, request: Posted) -> Outcome:
    """A replayed or late request for an attempt that is no longer open."""
    submitted = session.get(Attempt, request.attempt_id)
    if submitted is None or submitted.user_id != user.id:
        return Outcome(Go.NOT_FOUND)
    if request.action == "autosave":
        submitted_text = _("This attempt has been submitted.")
        return Outcome(Go.RESULT, autosave=({"saved": 0, "error": submitted_text}, 409))
    text = _("This attempt was already submitted; here is its result.")
    return Outcome(Go.RESULT, attempt_id=submitted.id, message=(text, "info"))


def _next_page(request: Posted) -> int:
    page = request.page or 1
    page += {"next": 1, "previous": -1}.get(request.action, 0)
    if request.action.startswith("page-"):
        page = whole_number(request.action[5:]) or page
    return page


def skill_section(quiz: QuizInfo, skill_id: str | None) -> str | None:
    """The one-skill section asked for, if the quiz has it (diagnostics only).
    Raises LookupError for a section that does not exist."""
    if skill_id is None:
        return None
    if quiz.kind != "diagnostic" or not quiz.measures(skill_id):
        raise LookupError(skill_id)
    return skill_id
