"""/assessments, /assessments/<quiz>/take and /results/<attempt-id>.

The take view checks its CSRF token itself (it is exempt from the global
check) so that a failed token never throws away the answers just posted: the
page is shown again with them filled in, ready to be saved again. Everything
else a POST does is one call, services/attempt_flow.handle_post.
"""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from skillgap import clock
from skillgap.access import requires
from skillgap.curriculum.snapshot import QuizInfo, snapshot_of
from skillgap.db import get_session
from skillgap.extensions import csrf
from skillgap.kinds import QuizKind
from skillgap.models import Attempt
from skillgap.roles import Role
from skillgap.rules import scoring, time_estimate
from skillgap.services import (
    assessments,
    attempt_flow,
    attempt_forms,
    attempt_pages,
    getting_started,
    paths,
    result_summary,
    visibility,
)
from skillgap.services.attempt_flow import Go, Outcome

bp = Blueprint("assess", __name__)
TAKEN_FROM_THE_LIST = (QuizKind.SELF_ASSESSMENT, QuizKind.DIAGNOSTIC)  # checks: from the module
# The answers to "How sure are you?", keyed as scoring.CONFIDENCE_LEVELS.
CONFIDENCE_LABELS = {
    "guessing": _l("Guessing"),
    "fairly-sure": _l("Fairly sure"),
    "certain": _l("Certain"),
}


@bp.app_template_filter("time")
def time_of_day(value: datetime) -> str:
    """A time of day in the reader's time zone, with the zone ("15:04 UTC")."""
    return format_datetime(value, "HH:mm z")


def _valid_csrf(token: str | None) -> bool:
    try:
        validate_csrf(token)
    except ValidationError:
        return False
    return True


def _visible_quiz(quiz_id: str) -> QuizInfo:
    snapshot = snapshot_of(get_session())
    quiz = snapshot.published_quiz(quiz_id, visibility.sees_drafts(current_user))
    if quiz is None or quiz.kind == QuizKind.BANK:  # a bank is drawn from, never taken
        abort(404)
    return quiz


@bp.get("/assessments")
@requires(Role.LEARNER)
def index():
    db = get_session()
    snapshot = snapshot_of(db)
    # Self-assessment first, then the diagnostic (kind descending), titles A-Z.
    by_title = sorted(snapshot.quizzes.values(), key=lambda q: q.title)
    quizzes = sorted(
        (q for q in by_title if q.published and q.kind in TAKEN_FROM_THE_LIST),
        key=lambda q: q.kind,
        reverse=True,
    )
    view = paths.person_path(db, current_user, clock.now().date(), with_history=True)
    state = getting_started.assessment_state(db, current_user, view)
    return render_template(
        "assess/index.html",
        quizzes=quizzes,
        state=state,
        progress={(r.quiz.id, r.skill.id if r.skill else None): r for r in state.resumable},
        skills=snapshot.skills,
        levels=snapshot.level_by_id,
        quiz_titles={q.id: q.title for q in snapshot.quizzes.values()},
        history=attempt_pages.history(db, current_user.id),
        trends=attempt_pages.skill_trends(db, current_user.id),
    )


@bp.route("/assessments/<quiz_id>/take", methods=["GET", "POST"])
@requires(Role.LEARNER)
@csrf.exempt
def take(quiz_id: str):
    if request.method == "POST":
        # The form parsed and its token checked before the first statement: on
        # SQLite that statement takes the database's one write lock (db.py).
        posted = attempt_flow.posted(request.form)
        csrf_ok = _valid_csrf(request.form.get("csrf_token"))
    db = get_session()
    quiz = _visible_quiz(quiz_id)
    try:
        skill_id = attempt_flow.skill_section(quiz, request.values.get("skill") or None)
    except LookupError:
        abort(404)
    now = clock.now()
    if request.method == "GET":
        attempt = assessments.open_attempt_for(db, current_user.id, quiz.id, skill_id)
        if attempt is None:
            return _start_page(quiz, skill_id, now)
        page = attempt_flow.posted(request.args).page
        return _render_take(attempt_pages.take_page(db, attempt, page), now)
    if not csrf_ok:
        return _keep_posted_answers(quiz, skill_id, posted, now)
    outcome = attempt_flow.handle_post(
        db,
        current_user,
        quiz,
        skill_id,
        posted,
        now,
        current_app.config["RETAKE_INTERVAL"],
        current_app.config["CHECK_RETAKE_INTERVAL"],
    )
    db.commit()
    return _respond(outcome, quiz, skill_id)


def _start_page(quiz: QuizInfo, skill_id: str | None, now):
    """What starting would ask, and which skills it would leave out for now."""
    db = get_session()
    count = quiz.questions_per_skill.get(skill_id, 0) if skill_id else quiz.question_count
    opens = {}
    if quiz.kind == QuizKind.DIAGNOSTIC:
        skills = [skill_id] if skill_id else list(quiz.questions_per_skill)
        opens = attempt_forms.next_attempts(
            db, current_user.id, skills, now, current_app.config["RETAKE_INTERVAL"]
        )
    check_opens = None
    if quiz.kind == QuizKind.CHECK:
        check_opens = assessments.check_opens_at(
            db, current_user.id, quiz.id, now, current_app.config["CHECK_RETAKE_INTERVAL"]
        )
    names = snapshot_of(db).skill_names()
    return render_template(
        "assess/start.html",
        check_opens=check_opens,
        quiz=quiz,
        skill_id=skill_id,
        questions=count - sum(quiz.questions_per_skill.get(s, 0) for s in opens if not skill_id),
        minutes=time_estimate.minutes(
            quiz.seconds(skill_id) - sum(quiz.seconds(s) for s in opens if not skill_id)
        ),
        skill_name=names.get(skill_id or ""),
        opens=[(names.get(skill, skill), when) for skill, when in opens.items()],
    )


def _respond(outcome: Outcome, quiz: QuizInfo, skill_id: str | None):
    if outcome.go == Go.NOT_FOUND:
        abort(404)
    if outcome.autosave is not None:
        body, status = outcome.autosave
        return jsonify(body), status
    if outcome.message is not None:
        flash(*outcome.message)
    if outcome.go == Go.RESULT:
        return redirect(url_for("assess.result", attempt_id=outcome.attempt_id))
    if outcome.go == Go.INDEX:
        return redirect(url_for("assess.index"))
    return redirect(url_for("assess.take", quiz_id=quiz.id, skill=skill_id, page=outcome.page))


def _keep_posted_answers(quiz: QuizInfo, skill_id: str | None, posted, now):
    """A missing or stale CSRF token: show the page again with what was posted."""
    db = get_session()
    attempt = assessments.open_attempt_for(db, current_user.id, quiz.id, skill_id)
    if attempt is None or posted.action == "start":
        abort(400)
    page = attempt_pages.take_page(db, attempt, posted.page)
    return _render_take(
        page,
        now,
        posted=attempt_pages.as_saved(
            attempt, page.questions, attempt_flow.posted_answers(request.form, attempt.question_ids)
        ),
        status=400,
        error=_(
            "Your answers on this page were not saved because the form's security token "
            "was missing or out of date. They are still selected below: press Save again."
        ),
    )


def _render_take(page: attempt_pages.TakePage, now, posted=None, status: int = 200, error=None):
    remaining = None
    if page.attempt.deadline_at is not None:
        remaining = max(0, int((page.attempt.deadline_at - now).total_seconds() // 60))
    selected = {
        qid: (set(a.chosen), a.rating_id, _confidence_key(a.confidence), a.response or "")
        for qid, a in page.answers.items()
    }
    for qid, given in (posted or {}).items():
        selected[qid] = (
            set(given.chosen),
            given.rating_id,
            _confidence_key(given.confidence),
            given.response or "",
        )
    return render_template(
        "assess/take.html",
        page=page,
        selected=selected,
        remaining=remaining,
        time_up=assessments.is_past_deadline(page.attempt, now),
        error=error,
        confidence_labels={key: CONFIDENCE_LABELS[key] for key in scoring.CONFIDENCE_LEVELS},
    ), status


def _confidence_key(value: float | None) -> str | None:
    return next((k for k, v in scoring.CONFIDENCE_LEVELS.items() if v == value), None)


@bp.get("/results/<id:attempt_id>")
@requires(Role.LEARNER)
def result(attempt_id: int):
    db = get_session()
    attempt = db.get(Attempt, attempt_id)
    if attempt is None or not visibility.can_view_attempt(db, current_user, attempt):
        abort(404)
    if attempt.is_open:
        if attempt.user_id == current_user.id:
            return redirect(url_for("assess.take", quiz_id=attempt.quiz_id, skill=attempt.skill_id))
        abort(404)
    page = attempt_pages.result_page(db, attempt)
    opens = None
    if page.keys_withheld:
        opens = assessments.check_opens_at(
            db,
            attempt.user_id,
            attempt.quiz_id,
            clock.now(),
            current_app.config["CHECK_RETAKE_INTERVAL"],
        )
    return render_template(
        "assess/result.html",
        page=page,
        summary=result_summary.summary(db, page, current_user, clock.now().date()),
        pass_percent=scoring.PASS_PERCENT,
        check_opens=opens,
    )
