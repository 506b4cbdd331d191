"""Taking assessments through the real app: start, save, resume, submit once,
time limits, results and who may see them."""

from __future__ import annotations

import html as html_lib
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from skillgap import clock
from skillgap.db import database
from skillgap.models import Answer, Attempt, ModuleCompletion, Question, SkillResult
from skillgap.roles import Role
from skillgap.rules.form_draw import option_order
from skillgap.services import assessments, paths, shown_questions
from tests import factories
from tests.conftest import csrf_token, login, reread


def current_standing(db, user):
    """The person's standing per skill, read the way their pages read it."""
    return {s.skill.id: s for s in paths.standings_for(db, user)}


def start(client, quiz_id: str, skill: str | None = None):
    url = f"/assessments/{quiz_id}/take" + (f"?skill={skill}" if skill else "")
    data = {"action": "start", "csrf_token": csrf_token(client, url)}
    if skill:
        data["skill"] = skill
    return client.post(url, data=data)


def attempt_of(db, user_id: int, quiz_id: str = "diagnostic") -> Attempt:
    reread(db)
    return db.scalar(
        select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.quiz_id == quiz_id)
        .order_by(Attempt.id.desc())
    )


def questions_of(db, attempt: Attempt) -> list[Question]:
    by_id = {
        q.id: q for q in db.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    return [by_id[qid] for qid in attempt.question_ids]


def post_answers(
    client,
    quiz_id,
    attempt,
    answers: dict[int, list[int] | str],
    action="save",
    page=1,
    confidence: dict[int, str] | None = None,
    skill=None,
):
    url = f"/assessments/{quiz_id}/take" + (f"?skill={skill}" if skill else "")
    data: dict[str, object] = {
        "csrf_token": csrf_token(client, "/assessments"),
        "attempt_id": str(attempt.id),
        "page": str(page),
        "action": action,
    }
    for qid, value in answers.items():  # option indexes in the file -> positions on the page
        data[f"q-{qid}"] = (
            value if isinstance(value, str) else [shown(client, attempt, qid, v) for v in value]
        )
    for qid, level in (confidence or {}).items():
        data[f"c-{qid}"] = level
    return client.post(url, data=data)


def shown(client, attempt: Attempt, question_id: int, index: int) -> str:
    """Where the option with file index ``index`` appears on the attempt's page."""
    with database(client.application).read_sessions() as session:
        count = len(session.get(Question, question_id).options)
    return str(option_order(attempt.seed, question_id, count).index(index))


def correct_choice(question: Question) -> list[int]:
    return sorted(question.correct_indexes)


def wrong_choice(question: Question) -> list[int]:
    return [next(i for i in range(len(question.options)) if i not in question.correct_indexes)]


@pytest.fixture
def learner(db, content, client):
    user = factories.make_user(db, email="lee@example.org", role_profile="social-media-manager")
    db.commit()
    login(client, "lee@example.org")
    return user


def test_start_shows_the_first_page_and_resumes_after_signing_out(app, client, db, learner):
    assert "Start" in client.get("/assessments/diagnostic/take").get_data(as_text=True)
    assert start(client, "diagnostic").status_code == 302
    attempt = attempt_of(db, learner.id)
    questions = questions_of(db, attempt)
    assert len(questions) == 7
    chosen = {
        q.id: wrong_choice(q) if n % 2 else correct_choice(q) for n, q in enumerate(questions)
    }
    post_answers(client, "diagnostic", attempt, {q.id: chosen[q.id] for q in questions[:5]}, "next")
    post_answers(
        client, "diagnostic", attempt, {q.id: chosen[q.id] for q in questions[5:]}, "save", page=2
    )
    reread(db)
    assert db.scalar(select(func.count()).select_from(Answer)) == 7

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    fresh = app.test_client()
    login(fresh, "lee@example.org")
    page_html = ""
    for page in (1, 2):
        page_html += fresh.get(f"/assessments/diagnostic/take?page={page}").get_data(as_text=True)
    checked = set(re.findall(r'name="q-(\d+)" value="(\d+)" checked', page_html))
    expected = {
        (str(qid), shown(fresh, attempt, qid, i)) for qid, picks in chosen.items() for i in picks
    }
    assert checked == expected  # the same 7 answers, as given
    # Without a page number, resuming opens the first page with a gap: here all are answered.
    assert "page 2 of 2" in fresh.get("/assessments/diagnostic/take").get_data(as_text=True)


def test_submit_scores_per_skill_and_shows_the_result(client, db, learner):
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    questions = questions_of(db, attempt)
    # Forms are shuffled: put the question whose explanation is checked below among
    # the answered ones (explanations are shown only for answered questions).
    strategy = sorted(
        (q for q in questions if q.skill_id == "strategy-planning"),
        key=lambda q: "SMART goals need a number" not in q.explanation,
    )
    metrics = [q for q in questions if q.skill_id == "platform-metrics"]
    answers = {q.id: correct_choice(q) for q in strategy[:3]}  # 3 of 5 strategy right = 60%
    answers |= {strategy[3].id: wrong_choice(strategy[3])}  # one wrong, one unanswered
    answers |= {q.id: correct_choice(q) for q in metrics}  # 2 of 2 = 100%, low evidence
    confidence = {strategy[3].id: "certain", strategy[0].id: "certain", metrics[0].id: "guessing"}
    post_answers(client, "diagnostic", attempt, answers, confidence=confidence)
    response = post_answers(client, "diagnostic", attempt, {}, "submit", page=2)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/results/{attempt.id}"
    reread(db)
    results = {r.skill_id: r for r in db.scalars(select(SkillResult))}
    assert (results["strategy-planning"].percent, results["strategy-planning"].level_id) == (
        60,
        "entry",
    )
    assert results["strategy-planning"].certain_wrong == 1
    assert results["platform-metrics"].level_id == "advanced"
    assert results["platform-metrics"].low_evidence is True
    page = client.get(f"/results/{attempt.id}").get_data(as_text=True)
    assert "3 of 5 (60%)" in page and "low evidence: fewer than 5 questions" in page
    assert "1 of the 2 answers you were certain of" in page
    assert "(correct answer)" in page and "(your answer)" in page
    assert "SMART goals need a number and a date." in page  # explanations after submission


def test_double_submit_and_replayed_post_give_one_result(client, db, learner):
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    q = questions_of(db, attempt)[0]
    post_answers(client, "diagnostic", attempt, {q.id: correct_choice(q)})
    token = csrf_token(client, "/assessments")
    submit = {"csrf_token": token, "attempt_id": str(attempt.id), "page": "1", "action": "submit"}
    first = client.post("/assessments/diagnostic/take", data=submit)
    replay = client.post("/assessments/diagnostic/take", data=submit)
    assert first.headers["Location"] == replay.headers["Location"] == f"/results/{attempt.id}"
    # A replayed save with a different answer does not change the submitted attempt.
    changed = post_answers(client, "diagnostic", attempt, {q.id: wrong_choice(q)})
    assert changed.headers["Location"] == f"/results/{attempt.id}"
    reread(db)
    assert db.scalar(select(func.count()).select_from(Attempt)) == 1
    assert db.scalar(select(func.count()).select_from(SkillResult)) == 2
    assert db.get(Answer, (attempt.id, q.id)).chosen == correct_choice(q)
    with pytest.raises(assessments.AttemptError):
        assessments.save_answers(
            db,
            db.get(Attempt, attempt.id),
            {q.id: assessments.AnswerInput(chosen=(0,))},
            clock.now(),
        )


def test_eight_concurrent_submits_give_exactly_one_result(app, db, content):
    user = factories.make_user(db)
    db.commit()
    quiz = db.get(assessments.Quiz, "diagnostic")
    attempt = assessments.start_attempt(db, user, quiz, None, clock.now())
    db.commit()
    sessions = database(app).write_sessions
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def submit_once() -> None:
        try:
            with sessions() as session:
                barrier.wait(timeout=10)
                assessments.submit(session, attempt.id, clock.now())
                session.commit()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=submit_once) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []  # in particular no "database is locked"
    reread(db)
    assert db.scalar(select(func.count()).select_from(SkillResult)) == 2  # two skills, once
    assert db.get(Attempt, attempt.id).state == "submitted"


@pytest.mark.slow
def test_take_pages_never_reveal_correct_answers(app, client, db, login_as):
    from skillgap.curriculum.importer import import_content
    from tests.conftest import PROJECT_ROOT

    import_content(db, PROJECT_ROOT)
    db.commit()
    user = login_as(Role.LEARNER)
    quizzes = db.scalars(select(assessments.Quiz).where(assessments.Quiz.kind != "bank")).all()
    checked = asked = 0
    for quiz in quizzes:
        start(client, quiz.id)
        attempt = attempt_of(db, user.id, quiz.id)
        asked += len(attempt.question_ids)
        by_id = {q.id: q for q in questions_of(db, attempt)}
        pages = -(-len(attempt.question_ids) // 5)
        for page in range(1, pages + 1):
            html = client.get(f"/assessments/{quiz.id}/take?page={page}").get_data(as_text=True)
            for qid in re.findall(r'id="question-(\d+)"', html):
                question = by_id[int(qid)]
                checked += 1
                if question.kind == "rating" or shown_questions.asks_number(question):
                    continue  # no right answer among options to hide
                options = shown_questions.options_of(question, attempt.seed)  # calculated: drawn
                block = html.split(f'id="question-{qid}"', 1)[1].split("</fieldset>", 1)[0]
                inputs = re.findall(rf'<input [^>]*name="q-{qid}"[^>]*>', block)
                shapes = {re.sub(r'value="\d+"', "", tag) for tag in inputs}
                assert len(shapes) == 1, block  # every option's input looks the same
                values = [re.search(r'value="(\d+)"', tag)[1] for tag in inputs]
                assert values == [str(n) for n in range(len(inputs))]  # positions, not ids
                labels = re.findall(
                    r'<label class="option">(<input [^>]*>)(.*?)</label>', block, re.S
                )
                # Each label holds exactly its option's text, in the attempt's own order:
                # nothing added for the right one.
                order = option_order(attempt.seed, question.id, len(options))
                assert [
                    re.sub("</?code>", "`", html_lib.unescape(text).strip()) for _, text in labels
                ] == [options[index]["text"] for index in order]
                tags = "".join(re.findall(r"<[^>]+>", block))
                assert "data-" not in tags and "correct" not in tags.lower()
                if question.explanation:
                    assert question.explanation[:60] not in html_lib.unescape(html)
    assert checked == asked  # every question of every attempt was looked at
    assert checked > 250


def test_time_limit_is_enforced_on_the_server(client, db, learner, monkeypatch):
    start_time = clock.now()
    monkeypatch.setattr(clock, "now", lambda: start_time)
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    # The form's order is the attempt's own: take the questions by skill.
    questions = sorted(questions_of(db, attempt), key=lambda q: q.skill_id != "strategy-planning")
    post_answers(client, "diagnostic", attempt, {questions[0].id: correct_choice(questions[0])})
    monkeypatch.setattr(clock, "now", lambda: start_time + timedelta(minutes=31))
    late = post_answers(
        client, "diagnostic", attempt, {questions[1].id: correct_choice(questions[1])}, "submit"
    )
    assert late.headers["Location"] == f"/results/{attempt.id}"
    reread(db)
    timed_out = db.get(Attempt, attempt.id)
    assert timed_out.state == "timed-out"
    assert db.get(Answer, (attempt.id, questions[1].id)) is None  # given too late
    strategy = db.scalar(select(SkillResult).where(SkillResult.skill_id == "strategy-planning"))
    assert strategy.earned == 1  # the answer given in time counts
    assert "timed out" in client.get(f"/results/{attempt.id}").get_data(as_text=True)


def test_results_are_private_to_the_person_their_managers_and_admins(app, db, content):
    manager = factories.make_user(db, Role.MANAGER, email="m@example.org")
    team = factories.make_team(db, "Team", managers=[manager])
    person = factories.make_user(db, email="p@example.org", team=team)
    factories.make_user(db, email="peer@example.org", team=team)
    factories.make_user(db, Role.MANAGER, email="other-m@example.org")
    factories.make_user(db, Role.ADMIN, email="a@example.org")
    db.commit()
    attempt = assessments.start_attempt(
        db, person, db.get(assessments.Quiz, "diagnostic"), None, clock.now()
    )
    assessments.submit(db, attempt.id, clock.now())
    db.commit()
    expected = {
        "p@example.org": 200,
        "m@example.org": 200,
        "a@example.org": 200,
        "peer@example.org": 404,
        "other-m@example.org": 404,
    }
    for email, status in expected.items():
        client = app.test_client()
        login(client, email)
        assert client.get(f"/results/{attempt.id}").status_code == status, email
    anonymous = app.test_client().get(f"/results/{attempt.id}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_self_rating_then_diagnostic_shows_calibration(client, db, learner):
    start(client, "self-assessment")
    attempt = attempt_of(db, learner.id, "self-assessment")
    statements = questions_of(db, attempt)
    post_answers(client, "self-assessment", attempt, {q.id: "very" for q in statements}, "submit")
    start(client, "diagnostic")
    diagnostic = attempt_of(db, learner.id)
    answers = {
        q.id: correct_choice(q) if q.skill_id == "platform-metrics" else wrong_choice(q)
        for q in questions_of(db, diagnostic)
    }
    post_answers(client, "diagnostic", diagnostic, answers)
    post_answers(client, "diagnostic", diagnostic, {}, "submit", page=2)
    page = client.get(f"/results/{diagnostic.id}").get_data(as_text=True)
    assert "over-confident in 1, calibrated in 1, under-confident in 0" in page
    reread(db)
    standing = current_standing(db, learner)
    self_rated = {skill: s.self_rated.id for skill, s in standing.items() if s.self_rated}
    assert self_rated == {"strategy-planning": "advanced", "platform-metrics": "advanced"}
    assert standing["strategy-planning"].current.id == "below-entry"
    assert standing["strategy-planning"].verified


def test_retaking_one_skill_replaces_only_that_skills_current_level(client, db, learner):
    start(client, "diagnostic")
    full = attempt_of(db, learner.id)
    post_answers(client, "diagnostic", full, {}, "submit", page=2)  # nothing right
    start(client, "diagnostic", skill="strategy-planning")
    section = attempt_of(db, learner.id)
    assert section.id != full.id and section.skill_id == "strategy-planning"
    questions = questions_of(db, section)
    assert {q.skill_id for q in questions} == {"strategy-planning"}
    post_answers(
        client,
        "diagnostic",
        section,
        {q.id: correct_choice(q) for q in questions},
        "submit",
        skill="strategy-planning",
    )
    reread(db)
    standing = current_standing(db, learner)
    assert standing["strategy-planning"].current.id == "advanced"
    assert standing["platform-metrics"].current.id == "below-entry"
    assert standing["platform-metrics"].attempt_id == full.id


def test_a_bad_csrf_token_keeps_the_posted_answers(client, db, learner):
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    question = questions_of(db, attempt)[1]
    response = client.post(
        "/assessments/diagnostic/take",
        data={
            "csrf_token": "stale",
            "attempt_id": str(attempt.id),
            "page": "1",
            "action": "save",
            f"q-{question.id}": "0",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "were not saved" in html
    assert f'name="q-{question.id}" value="0" checked' in html


def test_autosave_stores_an_answer_and_answers_json(client, db, learner):
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    question = questions_of(db, attempt)[0]
    response = post_answers(
        client,
        "diagnostic",
        attempt,
        {question.id: [1]},
        "autosave",
        confidence={question.id: "fairly-sure"},
    )
    assert response.status_code == 200 and response.get_json() == {"saved": 1}
    reread(db)
    saved = db.get(Answer, (attempt.id, question.id))
    assert saved.chosen == [1] and saved.confidence == 0.67


def test_an_unchanged_answer_is_not_rewritten(client, db, learner, monkeypatch):
    """Autosave posts the whole page each time: an answer that did not change keeps
    its row untouched (answered_at is when it last changed); a change is stored."""
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    first, second = questions_of(db, attempt)[:2]
    began = clock.now()
    monkeypatch.setattr(clock, "now", lambda: began)
    post_answers(client, "diagnostic", attempt, {first.id: [1]}, "autosave")
    monkeypatch.setattr(clock, "now", lambda: began + timedelta(minutes=5))
    response = post_answers(
        client, "diagnostic", attempt, {first.id: [1], second.id: [0]}, "autosave"
    )
    assert response.get_json() == {"saved": 2}
    reread(db)
    kept, added = db.get(Answer, (attempt.id, first.id)), db.get(Answer, (attempt.id, second.id))
    assert kept.answered_at == began.replace(tzinfo=kept.answered_at.tzinfo)
    assert added.answered_at > kept.answered_at
    monkeypatch.setattr(clock, "now", lambda: began + timedelta(minutes=9))
    post_answers(client, "diagnostic", attempt, {first.id: [2]}, "autosave")
    reread(db)
    changed = db.get(Answer, (attempt.id, first.id))
    assert changed.chosen == [2] and changed.answered_at > added.answered_at


def test_an_autosave_takes_the_write_lock_only_for_its_own_statements(app, client, db, learner):
    """On SQLite one writer at a time holds the database: the person is read
    before the write transaction begins, and the CSRF check and the form are
    dealt with before it too (auth/signed_in.py for_write, assess/views.py)."""
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    question = questions_of(db, attempt)[0]
    form = {
        "csrf_token": csrf_token(client, "/assessments"),
        "attempt_id": str(attempt.id),
        "page": "1",
        "action": "autosave",
        f"q-{question.id}": "0",
    }
    seen: list[list[str]] = []
    engine = database(app).engine
    note = lambda _c, _cur, statement, *_a: seen.append(statement.split()[0:2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.post("/assessments/diagnostic/take", data=form)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert response.get_json() == {"saved": 1}
    if engine.dialect.name != "sqlite":
        return  # PostgreSQL locks rows only: the person is read in the write transaction
    writes_from = seen.index(["BEGIN", "IMMEDIATE"])
    assert ["SELECT", "users.id,"] in seen[:writes_from]
    assert ["SELECT", "users.id,"] not in seen[writes_from:]
    assert ["UPDATE", "answers"] in seen[writes_from:] or ["INSERT", "INTO"] in seen[writes_from:]


def test_passing_a_module_check_completes_the_module(client, db, learner):
    page = client.get("/modules/second-steps").get_data(as_text=True)
    assert "Take the module check" in page
    start(client, "second-steps-check")
    attempt = attempt_of(db, learner.id, "second-steps-check")
    question = questions_of(db, attempt)[0]
    post_answers(
        client, "second-steps-check", attempt, {question.id: wrong_choice(question)}, "submit"
    )
    assert "Not passed yet: 0%" in client.get(f"/results/{attempt.id}").get_data(as_text=True)
    assert "1 of 2 modules done" not in client.get("/courses/alpha").get_data(as_text=True)
    start(client, "second-steps-check")
    again = attempt_of(db, learner.id, "second-steps-check")
    post_answers(
        client, "second-steps-check", again, {question.id: correct_choice(question)}, "submit"
    )
    assert "1 of 2 modules done" in client.get("/courses/alpha").get_data(as_text=True)
    assert "you passed the module check" in client.get("/modules/second-steps").get_data(
        as_text=True
    )
    reread(db)
    assert db.scalar(select(ModuleCompletion)) is None  # done by the check, not by a click


def test_a_near_blank_submission_reveals_only_the_answered_questions_key(client, db, learner):
    """Issue 16, finding 1: a blank result page was an answer key."""
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    questions = questions_of(db, attempt)
    answered = questions[0]
    post_answers(client, "diagnostic", attempt, {answered.id: wrong_choice(answered)}, "submit")
    page = html_lib.unescape(client.get(f"/results/{attempt.id}").get_data(as_text=True))
    assert page.count("(correct answer)") == len(answered.correct_indexes)
    assert page.count("You did not answer this question") == len(questions) - 1
    for question in questions[1:]:
        if question.explanation:
            assert question.explanation[:60] not in page
