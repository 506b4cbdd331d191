"""Calculated questions through the app: each attempt its own numbers, graded on
the server within the tolerance (boundaries included), the same numbers on
resume and on the result page, a typed non-number kept and marked, choice
options from misconceptions, a formula id checked at import, and the
dictionary entry listing the questions that calculate with it."""

from __future__ import annotations

import html
import re
import shutil
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from skillgap.content.errors import ContentInvalidError
from skillgap.curriculum.importer import import_content
from skillgap.models import Answer, Attempt, Question
from skillgap.rules import calculated
from skillgap.rules.form_draw import option_order
from tests import factories
from tests.conftest import FIXTURE_CONTENT, csrf_token, login, reread

QUIZ_ID = "calc-practice"
PRACTICE = """---
title: Calculated practice
kind: check
---

## A Reel reached {reach} accounts and drew {engagements} engagements. Its engagement rate by reach?
skill: platform-metrics
formula: engagement-rate-by-reach
var: reach = 2000..20000 step 100
var: engagements = 20..900 step 1
tolerance: 0.05
wrong: left out the × 100 = engagements / reach

> {engagements} / {reach} × 100 = {answer}.

## Ads delivered {impressions} impressions to {reach} accounts. What was the frequency?
skill: platform-metrics
formula: frequency
var: impressions = 50000..90000 step 1000
var: reach = 10000..40000 step 1000
unit: ×
tolerance: 0.01
ask: choice
wrong: divided the wrong way round = reach / impressions
wrong: reach as a share of impressions, in percent = reach / impressions * 100

> {impressions} / {reach} = {answer}.
"""


@pytest.fixture
def learner(app, db, client, tmp_path):
    """The fixture curriculum plus a check of two calculated questions; a failed
    check may be re-taken at once (the attempts are the subject here)."""
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    (root / "quizzes" / f"{QUIZ_ID}.md").write_text(PRACTICE, encoding="utf-8")
    module = root / "courses" / "beta" / "01-reach-basics.md"
    module.write_text(
        module.read_text().replace("minutes: 15\n", f"minutes: 15\ncheck: {QUIZ_ID}\n")
    )
    app.config["CONTENT_ROOT"] = root
    app.config["CHECK_RETAKE_INTERVAL"] = timedelta(0)
    import_content(db, root)
    db.commit()
    user = factories.make_user(db, email="calc@example.org")
    db.commit()
    login(client, "calc@example.org")
    return user


def take_url() -> str:
    return f"/assessments/{QUIZ_ID}/take"


def start(client) -> None:
    client.post(take_url(), data={"action": "start", "csrf_token": csrf_token(client, take_url())})


def latest_attempt(db, user_id: int) -> Attempt:
    reread(db)
    return db.scalar(
        select(Attempt).where(Attempt.user_id == user_id).order_by(Attempt.id.desc()).limit(1)
    )


def questions(db, attempt: Attempt) -> dict[str, Question]:
    rows = db.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    return {q.template["formula_id"]: q for q in rows}


def instance(question: Question, attempt: Attempt) -> calculated.Instance:
    assert question.calculation is not None
    return calculated.instance(question.calculation, attempt.seed, question.id)


def filled(question: Question, attempt: Attempt) -> str:
    assert question.calculation is not None
    return calculated.fill(question.text, question.calculation, instance(question, attempt))


def post(client, attempt: Attempt, data: dict[str, object], action: str = "save"):
    form = {
        "csrf_token": csrf_token(client, "/assessments"),
        "attempt_id": str(attempt.id),
        "page": "1",
        "action": action,
        **data,
    }
    return client.post(take_url(), data=form)


def choice_position(question: Question, attempt: Attempt, correct: bool) -> str:
    """Where the right (or a wrong) option appears on the attempt's page."""
    options = instance(question, attempt).choices
    index = next(i for i, c in enumerate(options) if c.correct is correct)
    return str(option_order(attempt.seed, question.id, len(options)).index(index))


def page_text(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def test_each_attempt_has_its_own_numbers_graded_exactly_within_the_tolerance(client, db, learner):
    given = []
    for typed_offset in (Decimal("0.05"), Decimal("-0.05"), Decimal("0.0501")):
        start(client)
        attempt = latest_attempt(db, learner.id)
        by_formula = questions(db, attempt)
        rate, frequency = by_formula["engagement-rate-by-reach"], by_formula["frequency"]
        made = instance(rate, attempt)
        assert filled(rate, attempt) in page_text(client, take_url())
        typed = made.answer + typed_offset  # on the boundary, or just past it
        given.append(made.values)
        post(
            client,
            attempt,
            {
                f"n-{rate.id}": str(typed),
                f"q-{frequency.id}": choice_position(frequency, attempt, True),
            },
            "submit",
        )
        reread(db)
        scores = {a.question_id: a.score for a in db.get(Attempt, attempt.id).answers}
        assert scores[frequency.id] == 1.0
        assert scores[rate.id] == (1.0 if abs(typed_offset) <= Decimal("0.05") else 0.0)
        assert db.get(Answer, (attempt.id, rate.id)).response == str(typed)
    assert given[0] != given[1] or given[1] != given[2]  # new numbers per attempt


def test_resume_and_result_show_the_attempts_own_numbers(app, client, db, learner):
    start(client)
    attempt = latest_attempt(db, learner.id)
    rate = questions(db, attempt)["engagement-rate-by-reach"]
    text = filled(rate, attempt)
    post(client, attempt, {f"n-{rate.id}": "12,5"})  # a decimal comma
    # Signed in elsewhere, the page shows the same numbers and the typed answer.
    other = app.test_client()
    login(other, "calc@example.org")
    resumed = page_text(other, take_url())
    assert text in resumed and 'value="12,5"' in resumed
    post(other, attempt, {}, "submit")
    result = page_text(other, f"/results/{attempt.id}")
    assert text in result
    assert "Your answer: <strong>12,5</strong>" in result


def test_the_answer_and_a_matched_slip_are_shown_once_the_check_is_passed(client, db, learner):
    start(client)
    first = latest_attempt(db, learner.id)
    by_formula = questions(db, first)
    rate, frequency = by_formula["engagement-rate-by-reach"], by_formula["frequency"]
    made = instance(rate, first)
    right_choice = {f"q-{frequency.id}": choice_position(frequency, first, True)}
    # Left out the × 100: the slip the question names.
    post(client, first, {f"n-{rate.id}": str(made.answer / 100), **right_choice}, "submit")
    reread(db)
    assert db.get(Attempt, first.id).percent == 50.0  # failed: the keys are withheld
    review = page_text(client, f"/results/{first.id}").split("Question by question")[1]
    assert "Correct answer:" not in review and "slip" not in review
    start(client)  # re-taken at once in this app, on new numbers
    second = latest_attempt(db, learner.id)
    by_formula = questions(db, second)
    answer = instance(by_formula["engagement-rate-by-reach"], second).answer
    post(
        client,
        second,
        {
            f"n-{rate.id}": str(answer),
            f"q-{frequency.id}": choice_position(frequency, second, True),
        },
        "submit",
    )
    reread(db)
    assert db.get(Attempt, second.id).percent == 100.0
    review = page_text(client, f"/results/{first.id}").split("Question by question")[1]
    assert f"Correct answer: <strong>{made.shown_answer} (accepted:" in review
    assert "Your answer is what you get from this slip: left out the × 100." in review


def test_a_typed_non_number_is_kept_marked_and_scores_zero(client, db, learner):
    start(client)
    attempt = latest_attempt(db, learner.id)
    rate = questions(db, attempt)["engagement-rate-by-reach"]
    response = post(client, attempt, {f"n-{rate.id}": "about four"})
    assert response.status_code == 302
    page = page_text(client, take_url())
    assert 'value="about four"' in page and "is not a number" in page
    assert 'aria-invalid="true"' in page
    post(client, attempt, {}, "submit")
    reread(db)
    assert db.get(Answer, (attempt.id, rate.id)).score == 0.0


def test_choice_options_are_the_answer_and_the_named_misconceptions(client, db, learner):
    start(client)
    attempt = latest_attempt(db, learner.id)
    frequency = questions(db, attempt)["frequency"]
    made = instance(frequency, attempt)
    page = page_text(client, take_url())
    shown = re.findall(rf'name="q-{frequency.id}" value="(\d+)"\s*>\s*([^<]+)</label>', page)
    assert sorted(text.strip() for _, text in shown) == sorted(c.text for c in made.choices)
    assert len(shown) >= 3 and made.shown_answer.endswith("×")
    post(
        client, attempt, {f"q-{frequency.id}": choice_position(frequency, attempt, False)}, "submit"
    )
    reread(db)
    assert db.get(Answer, (attempt.id, frequency.id)).score == 0.0


def test_an_unknown_formula_id_fails_the_import_with_its_line(app, db, tmp_path):
    root = tmp_path / "broken"
    shutil.copytree(app.config["CONTENT_ROOT"], root)
    quiz = root / "quizzes" / f"{QUIZ_ID}.md"
    quiz.write_text(PRACTICE.replace("formula: frequency", "formula: frequencee"))
    with pytest.raises(ContentInvalidError) as refused:
        import_content(db, root)
    assert [str(e) for e in refused.value.errors] == [
        f"quizzes/{QUIZ_ID}.md:16: unknown formula 'frequencee' (the formulas are in "
        "courses/metrics/formulas.yml)"
    ]
    db.rollback()
    assert db.scalar(select(Question.id).limit(1)) is None  # nothing imported


def test_the_dictionary_entry_counts_the_questions_that_calculate_with_it(client, learner):
    page = page_text(client, "/metrics/frequency")
    assert "Questions that use it: 1." in page
