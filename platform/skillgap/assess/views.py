"""/assessments, /assessments/<quiz>/take and /results/<attempt-id>.

The take view checks its CSRF token itself (it is exempt from the global
check) so that a failed token never throws away the answers just posted: the
page is shown again with them filled in, ready to be saved again.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from sqlalchemy import select
from wtforms import ValidationError

from skillgap import clock
from skillgap.access import requires
from skillgap.assess import pages
from skillgap.db import get_session
from skillgap.extensions import csrf
from skillgap.models import Attempt, Level, Question, Quiz, QuizKind, Skill
from skillgap.roles import Role
from skillgap.rules import scoring
from skillgap.services import assessments
from skillgap.services.assessments import AnswerInput, AttemptError

bp = Blueprint("assess", __name__)


def _visible_quiz(quiz_id: str) -> Quiz:
    quiz = get_session().get(Quiz, quiz_id)
    if quiz is None or (not quiz.published and current_user.role != Role.ADMIN):
        abort(404)
    return quiz


@bp.get("/assessments")
@requires(Role.LEARNER)
def index():
    db = get_session()
    quizzes = list(
        db.scalars(
            select(Quiz)
            .where(Quiz.published, Quiz.kind != QuizKind.CHECK.value)
            .order_by(Quiz.kind.desc(), Quiz.title)
        )
    )
    open_ids = {
        (a.quiz_id, a.skill_id)
        for a in db.scalars(
            select(Attempt).where(Attempt.user_id == current_user.id, Attempt.state == "open")
        )
    }
    skills = list(db.scalars(select(Skill).order_by(Skill.position)))
    levels = {level.id: level for level in db.scalars(select(Level))}
    return render_template(
        "assess/index.html",
        quizzes=quizzes,
        open_ids=open_ids,
        skills=skills,
        levels=levels,
        history=pages.history(db, current_user.id),
        trends=pages.skill_trends(db, current_user.id),
    )


def _skill_param(quiz: Quiz) -> str | None:
    skill_id = request.values.get("skill") or None
    if skill_id is None:
        return None
    exists = get_session().scalar(
        select(Question.id)
        .where(Question.quiz_id == quiz.id, Question.skill_id == skill_id, Question.active)
        .limit(1)
    )
    if quiz.kind != QuizKind.DIAGNOSTIC or exists is None:
        abort(404)
    return skill_id


def _posted_answers(form, question_ids: list[int]) -> dict[int, AnswerInput]:  # type: ignore[no-untyped-def]
    answers = {}
    for question_id in question_ids:
        values = form.getlist(f"q-{question_id}")
        if not values:
            continue
        chosen = tuple(int(v) for v in values if v.isdigit())
        rating = values[0] if not chosen else None
        confidence = scoring.CONFIDENCE_LEVELS.get(form.get(f"c-{question_id}", ""))
        answers[question_id] = AnswerInput(chosen=chosen, rating_id=rating, confidence=confidence)
    return answers


@bp.route("/assessments/<quiz_id>/take", methods=["GET", "POST"])
@requires(Role.LEARNER)
@csrf.exempt
def take(quiz_id: str):
    db = get_session()
    quiz = _visible_quiz(quiz_id)
    skill_id = _skill_param(quiz)
    now = clock.now()
    attempt = assessments.open_attempt_for(db, current_user.id, quiz.id, skill_id)
    here = url_for("assess.take", quiz_id=quiz.id, skill=skill_id)

    if request.method == "GET":
        if attempt is None:
            return render_template(
                "assess/start.html",
                quiz=quiz,
                skill_id=skill_id,
                questions=len(assessments.quiz_questions(db, quiz.id, skill_id)),
            )
        page = request.args.get("page", type=int)
        return _render_take(pages.take_page(db, attempt, page), now)

    action = request.form.get("action", "")
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        if attempt is None or action == "start":
            abort(400)
        # Keep what was posted: show it again, unsaved, with a clear message.
        page = pages.take_page(db, attempt, request.form.get("page", type=int))
        posted = _posted_answers(request.form, attempt.question_ids)
        return _render_take(
            page,
            now,
            posted=posted,
            status=400,
            error=(
                "Your answers on this page were not saved because the form's security token "
                "was missing or out of date. They are still selected below: press Save again."
            ),
        )

    if action == "start":
        try:
            attempt = assessments.start_attempt(db, current_user, quiz, skill_id, now)
        except AttemptError as error:
            flash(str(error), "error")
            return redirect(url_for("assess.index"))
        db.commit()
        return redirect(here)

    attempt_id = request.form.get("attempt_id", type=int)
    if attempt_id is not None and (attempt is None or attempt.id != attempt_id):
        # A replayed or late request for an attempt that is no longer open.
        submitted = db.get(Attempt, attempt_id)
        if submitted is None or submitted.user_id != current_user.id:
            abort(404)
        if action == "autosave":
            return jsonify(saved=0, error="This attempt has been submitted."), 409
        flash("This attempt was already submitted; here is its result.", "info")
        return redirect(url_for("assess.result", attempt_id=submitted.id))
    if attempt is None:
        flash("Start the assessment first.", "info")
        return redirect(here)

    answers = _posted_answers(request.form, attempt.question_ids)
    if assessments.is_past_deadline(attempt, now):
        assessments.submit(db, attempt.id, now)
        db.commit()
        if action == "autosave":
            return jsonify(saved=0, error="The time limit has passed."), 409
        flash("The time limit had passed: the answers you saved in time were scored.", "info")
        return redirect(url_for("assess.result", attempt_id=attempt.id))
    saved = assessments.save_answers(db, attempt, answers, now)
    if action == "autosave":
        db.commit()
        return jsonify(saved=saved)
    if action == "submit":
        assessments.submit(db, attempt.id, now)
        db.commit()
        return redirect(url_for("assess.result", attempt_id=attempt.id))
    db.commit()
    page = request.form.get("page", type=int) or 1
    page += {"next": 1, "previous": -1}.get(action, 0)
    if action.startswith("page-") and action[5:].isdigit():
        page = int(action[5:])
    return redirect(url_for("assess.take", quiz_id=quiz.id, skill=skill_id, page=page))


def _render_take(page: pages.TakePage, now, posted=None, status: int = 200, error=None):  # type: ignore[no-untyped-def]
    remaining = None
    if page.attempt.deadline_at is not None:
        remaining = max(0, int((page.attempt.deadline_at - now).total_seconds() // 60))
    selected = {
        qid: (set(a.chosen), a.rating_id, _confidence_key(a.confidence))
        for qid, a in page.answers.items()
    }
    for qid, given in (posted or {}).items():
        selected[qid] = (set(given.chosen), given.rating_id, _confidence_key(given.confidence))
    return render_template(
        "assess/take.html",
        page=page,
        selected=selected,
        remaining=remaining,
        time_up=assessments.is_past_deadline(page.attempt, now),
        error=error,
        confidence_labels=scoring.CONFIDENCE_LABELS,
    ), status


def _confidence_key(value: float | None) -> str | None:
    return next((k for k, v in scoring.CONFIDENCE_LEVELS.items() if v == value), None)


@bp.get("/results/<int:attempt_id>")
@requires(Role.LEARNER)
def result(attempt_id: int):
    db = get_session()
    attempt = db.get(Attempt, attempt_id)
    if attempt is None or not pages.can_view_attempt(db, current_user, attempt):
        abort(404)
    if attempt.is_open:
        if attempt.user_id == current_user.id:
            return redirect(url_for("assess.take", quiz_id=attempt.quiz_id, skill=attempt.skill_id))
        abort(404)
    return render_template(
        "assess/result.html", page=pages.result_page(db, attempt), pass_percent=scoring.PASS_PERCENT
    )
