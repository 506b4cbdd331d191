"""The first hour (issue 15, parts 2 and 3): honest time estimates, one skill
first with its result at once, a dashboard that follows what the person has
done, result pages that say what they mean and lead somewhere."""

from __future__ import annotations

import html as html_lib
import re

from pytest import approx
from sqlalchemy import select

from skillgap.curriculum.snapshot import snapshot_of
from skillgap.models import Question, User
from tests import factories
from tests.conftest import login, post_form, reread
from tests.functional.test_assessments import (
    attempt_of,
    correct_choice,
    post_answers,
    questions_of,
    start,
    wrong_choice,
)


def text_of(html: str) -> str:
    return " ".join(html_lib.unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_an_estimate_grows_with_the_text_it_asks_to_be_read(app, client, db, content):
    factories.make_user(db, email="reader@example.org")
    db.commit()
    login(client, "reader@example.org")
    before = snapshot_of(db).quizzes["diagnostic"]
    shown = f"about {before.minutes('strategy-planning')} min"
    assert shown in text_of(client.get("/assessments").get_data(as_text=True))
    question = db.scalar(
        select(Question).where(
            Question.quiz_id == "diagnostic", Question.skill_id == "strategy-planning"
        )
    )
    question.text += " word" * 360  # two more minutes of reading at 180 words a minute
    db.commit()
    reread(db)
    after = snapshot_of(db).quizzes["diagnostic"]
    assert after.seconds("strategy-planning") - before.seconds("strategy-planning") == approx(120)
    assert after.seconds("platform-metrics") == before.seconds("platform-metrics")
    start_page = client.get("/assessments/diagnostic/take?skill=strategy-planning")
    assert f"about {after.minutes('strategy-planning')} minutes" in text_of(
        start_page.get_data(as_text=True)
    )


def test_a_first_visit_starts_with_one_skill_and_its_result_leads_to_the_path(client, db, content):
    person = factories.make_user(db, email="new@example.org")  # no role profile, no results
    db.commit()
    login(client, "new@example.org")
    minutes = snapshot_of(db).quizzes["diagnostic"].minutes("strategy-planning")
    dashboard = text_of(client.get("/").get_data(as_text=True))
    assert f"Start with one skill: Strategy & planning (about {minutes} minutes)" in dashboard
    assert "Start by rating yourself" not in dashboard

    start(client, "diagnostic", "strategy-planning")
    attempt = attempt_of(db, person.id)
    answers = {q.id: wrong_choice(q) for q in questions_of(db, attempt)}
    assert {q.skill_id for q in questions_of(db, attempt)} == {"strategy-planning"}
    submitted = post_answers(
        client, "diagnostic", attempt, answers, "submit", skill="strategy-planning"
    )
    assert submitted.status_code == 302
    result_html = client.get(submitted.headers["Location"]).get_data(as_text=True)
    result = text_of(result_html)
    assert "What this means" in result
    assert "Strategy & planning: 0%, tested Below entry; entry level starts at 60%." in result
    assert "An interim result: 1 of 2 skills measured so far" in result
    start_path = re.search(
        r'href="/modules/([^"]+)">Start your path: ([^,<]+), (\d+) min', result_html
    )
    assert start_path, "the result offers the first module of the path"
    module = snapshot_of(db).modules[start_path[1]]
    assert "strategy-planning" in {s.id for s in module.skills} or module.id == "first-steps"
    assert "Measure your next skill: Platform metrics" in result

    dashboard = text_of(client.get("/").get_data(as_text=True))
    assert "Measure your next skill: Platform metrics" in dashboard
    assert "1 of 2 skills tested" in dashboard
    assert "on target" not in dashboard.split("Your skill profile")[1].split("Strategy")[1][:80]


def test_the_dashboard_offers_to_resume_with_what_is_left(client, db, content):
    person = factories.make_user(db, email="half@example.org")
    db.commit()
    login(client, "half@example.org")
    start(client, "diagnostic")
    attempt = attempt_of(db, person.id)
    first_page = questions_of(db, attempt)[:5]
    post_answers(client, "diagnostic", attempt, {q.id: wrong_choice(q) for q in first_page})
    total = len(attempt.question_ids)
    quiz = snapshot_of(db).quizzes["diagnostic"]
    left = max(1, -(-int(quiz.seconds() * (total - 5) / total) // 60))
    dashboard = text_of(client.get("/").get_data(as_text=True))
    match = re.search(
        r"Resume diagnostic (\d+) of (\d+) answered, about (\d+) minutes? left", dashboard
    )
    assert match, dashboard[:600]
    assert (int(match[1]), int(match[2])) == (5, total)
    assert abs(int(match[3]) - left) <= 1
    assert "Start with one skill" not in dashboard  # one thing at a time: finish what is open
    listing = text_of(client.get("/assessments").get_data(as_text=True))
    assert f"5 of {total} answered" in listing and "Resume" in listing


def test_a_whole_diagnostic_shows_each_finished_section_at_once(client, db, content):
    person = factories.make_user(db, email="whole@example.org")
    db.commit()
    login(client, "whole@example.org")
    start(client, "diagnostic")
    attempt = attempt_of(db, person.id)
    questions = questions_of(db, attempt)
    pages: dict[int, dict[int, list[int]]] = {}
    for index, question in enumerate(questions):
        if question.skill_id == "strategy-planning":
            pages.setdefault(index // 5 + 1, {})[question.id] = correct_choice(question)
    for page, answers in pages.items():
        post_answers(client, "diagnostic", attempt, answers, page=page)
    take = text_of(client.get("/assessments/diagnostic/take").get_data(as_text=True))
    assert "Sections done: 1 — interim results" in take
    assert "Strategy & planning : 100%, Advanced" in take
    assert "Platform metrics :" not in take  # not finished: no interim score


def test_the_skill_offered_first_is_the_one_most_people_in_the_role_lack(app, db, content):
    for n in range(3):  # managers of social media: below target in metrics, on target in strategy
        peer = factories.make_user(
            db, email=f"peer{n}@example.org", role_profile="social-media-manager"
        )
        factories.make_results(db, peer, {"strategy-planning": 2, "platform-metrics": 0})
    factories.make_user(db, email="newcomer@example.org", role_profile="social-media-manager")
    factories.make_user(db, email="noprofile@example.org")
    db.commit()
    client = app.test_client()
    login(client, "newcomer@example.org")
    dashboard = text_of(client.get("/").get_data(as_text=True))
    assert "Start with one skill: Platform metrics" in dashboard
    assert "3 of 3 people in the role Social media manager tested so far" in dashboard
    other = app.test_client()
    login(other, "noprofile@example.org")  # nobody without a profile tested: everyone's figures
    dashboard = text_of(other.get("/").get_data(as_text=True))
    assert "Start with one skill: Platform metrics" in dashboard
    assert "people in your organisation" in dashboard


def test_a_check_result_leads_back_to_its_module_and_on_along_the_path(client, db, content):
    person = factories.make_user(db, email="checker@example.org")
    db.commit()
    login(client, "checker@example.org")
    module_page = text_of(client.get("/modules/second-steps").get_data(as_text=True))
    assert "This module is done when you pass its short check (60% or more)." in module_page
    assert "Mark as read" not in module_page  # one rule: the check
    assert "Mark as read" in client.get("/modules/first-steps").get_data(as_text=True)

    start(client, "second-steps-check")
    attempt = attempt_of(db, person.id, "second-steps-check")
    answers = {q.id: wrong_choice(q) for q in questions_of(db, attempt)}
    failed = post_answers(client, "second-steps-check", attempt, answers, "submit")
    page = client.get(failed.headers["Location"]).get_data(as_text=True)
    assert 'href="/modules/second-steps">Back to the module</a>' in page
    assert "Next on your path" not in page

    reread(db)
    factories.take_quiz(db, db.get(User, person.id), "second-steps-check", lambda q: True)
    db.commit()
    passed = attempt_of(db, person.id, "second-steps-check")
    page = client.get(f"/results/{passed.id}").get_data(as_text=True)
    assert "Passed: 100%" in page and 'href="/modules/second-steps"' in page
    assert (
        re.search(r'href="/modules/[^"]+">Next on your path: ', page) or "no further steps" in page
    )
    dashboard = text_of(client.get("/").get_data(as_text=True))
    assert "1 module done, 1 module check passed." in dashboard


def test_marking_a_module_without_a_check_as_read_and_unread(client, db, content):
    factories.make_user(db, email="read@example.org")
    db.commit()
    login(client, "read@example.org")
    post_form(client, "/modules/first-steps/complete", page="/modules/first-steps")
    page = client.get("/modules/first-steps").get_data(as_text=True)
    assert "it is done when you mark it as read" in page and "Mark as unread" in page
    post_form(client, "/modules/first-steps/incomplete", page="/modules/first-steps")
    assert "Mark as read" in client.get("/modules/first-steps").get_data(as_text=True)
