"""The diagnostic drawn from the item banks: a form per attempt by the blueprint,
unseen items on re-takes, the attempt's own order kept on resume and on the
result page, the re-take interval, old attempts shown as they were, and item
statistics per bank item across forms."""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from skillgap import clock, create_app
from skillgap.curriculum.importer import import_content
from skillgap.models import Attempt, Question, Quiz, SkillResult
from skillgap.roles import Role
from tests import factories
from tests.conftest import FIXTURE_CONTENT, app_config, login, reread
from tests.functional.test_assessments import (
    attempt_of,
    correct_choice,
    post_answers,
    questions_of,
    start,
    wrong_choice,
)

CORE = ("strategy-planning", "kpis-measurement", "audience-personas", "platform-metrics")


def items_by_skill(db, attempt: Attempt) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    rows = db.execute(
        select(Question.id, Question.skill_id, Question.item_id, Question.level_id).where(
            Question.id.in_(attempt.question_ids)
        )
    ).all()
    by_id = {row.id: row for row in rows}
    for question_id in attempt.question_ids:
        row = by_id[question_id]
        found.setdefault(row.skill_id, []).append((row.item_id, row.level_id))
    return found


def use_fixed_forms(db) -> None:
    """These tests hold the fixed forms (``mode: fixed``); the shipped diagnostic
    is adaptive (tests/functional/test_adaptive.py)."""
    db.execute(update(Quiz).where(Quiz.id == "diagnostic").values(mode="fixed"))
    db.commit()


@pytest.fixture
def learner(db, bundled_content, client):
    use_fixed_forms(db)
    user = factories.make_user(db, email="lee@example.org", role_profile="social-media-manager")
    db.commit()
    login(client, "lee@example.org")
    return user


def test_each_attempt_draws_a_balanced_form_and_a_retake_draws_unseen_items(client, db, learner):
    start(client, "diagnostic")
    first = attempt_of(db, learner.id)
    drawn = items_by_skill(db, first)
    assert list(drawn) == [s for s in drawn]  # one block per skill
    for skill, items in drawn.items():
        levels = Counter(level for _, level in items)
        per_level = 4 if skill in CORE else 3
        assert levels == {"entry": per_level, "intermediate": per_level, "advanced": per_level}
        assert all(item for item, _ in items)  # every question is a bank item
    post_answers(client, "diagnostic", first, {}, "submit")
    start(client, "diagnostic")
    second = attempt_of(db, learner.id)
    assert second.id != first.id and second.seed != first.seed
    again = items_by_skill(db, second)
    for skill, items in drawn.items():
        shared = {i for i, _ in items} & {i for i, _ in again[skill]}
        assert len(shared) <= len(items) / 3, (skill, shared)
    # The page opens at the first skill's block, in framework order.
    page = client.get("/assessments/diagnostic/take?page=1").get_data(as_text=True)
    assert "page 1 of" in page


def shown_options(page_html: str) -> dict[str, list[str]]:
    """Question id -> option texts as the page lists them."""
    found = {}
    for qid, block in re.findall(r'id="question-(\d+)"(.*?)</fieldset>', page_html, re.S):
        labels = re.findall(r'<label class="option"><input [^>]*>(.*?)</label>', block, re.S)
        found[qid] = [html.unescape(label).strip() for label in labels]
    return found


def test_resume_and_result_show_the_attempts_own_questions_and_option_order(
    app, client, db, learner
):
    start(client, "diagnostic", skill="strategy-planning")
    attempt = attempt_of(db, learner.id)
    first_look = shown_options(
        client.get("/assessments/diagnostic/take?skill=strategy-planning&page=1").get_data(
            as_text=True
        )
    )
    assert len(first_look) == 5
    fresh = app.test_client()
    login(fresh, "lee@example.org")
    resumed = shown_options(
        fresh.get("/assessments/diagnostic/take?skill=strategy-planning&page=1").get_data(
            as_text=True
        )
    )
    assert resumed == first_look
    # Answer every question with the option shown first, then submit.
    questions = {
        str(q.id): q
        for q in db.scalars(select(Question).where(Question.id.in_(attempt.question_ids)))
    }
    data_answers = {}
    for qid in first_look:
        first_text = first_look[qid][0]
        index = next(i for i, o in enumerate(questions[qid].options) if o["text"] == first_text)
        data_answers[int(qid)] = [index]
    post_answers(fresh, "diagnostic", attempt, data_answers, "submit", skill="strategy-planning")
    result = fresh.get(f"/results/{attempt.id}").get_data(as_text=True)
    reviewed = {}
    for article in re.findall(r'<article class="card review[^"]*">(.*?)</article>', result, re.S):
        heading = html.unescape(
            re.sub(r"<[^>]+>", "", re.search(r"<h3>(.*?)</h3>", article, re.S)[1])
        )
        marks = r"<[^>]+>|\(correct answer\)|\(your answer\)"
        reviewed[heading.split(".", 1)[1].strip()] = [
            html.unescape(re.sub(marks, "", li)).strip()
            for li in re.findall(r"<li>(.*?)</li>", article, re.S)
        ]
    for qid, texts in first_look.items():
        assert reviewed[questions[qid].text] == texts, qid
    # The answer saved is the option that was shown first, whatever its place in the file.
    reread(db)
    for answer in db.get(Attempt, attempt.id).answers:
        assert answer.chosen == data_answers[answer.question_id]


def test_the_retake_interval_holds_back_a_skill_just_measured(database_url, db, bundled_content):
    use_fixed_forms(db)
    app = create_app(app_config(database_url, RETAKE_INTERVAL=timedelta(days=7)))
    ria = factories.make_user(db, email="ria@example.org")
    db.commit()
    client = app.test_client()
    login(client, "ria@example.org")
    start(client, "diagnostic", skill="strategy-planning")
    section = attempt_of(db, ria.id)
    post_answers(client, "diagnostic", section, {}, "submit", skill="strategy-planning")
    reread(db)
    measured = db.scalar(select(SkillResult).where(SkillResult.skill_id == "strategy-planning"))
    on = measured.created_at + timedelta(days=7)
    opens = f"{on.day} {on:%b %Y}"
    # The same section again: refused, with the date it opens.
    page = client.get("/assessments/diagnostic/take?skill=strategy-planning").get_data(as_text=True)
    assert f"opens on {opens}" in page
    refused = start(client, "diagnostic", skill="strategy-planning")
    message = client.get(refused.headers["Location"]).get_data(as_text=True)
    assert "Strategy &amp; planning on " + opens in message
    assert db.scalar(select(Attempt).where(Attempt.state == "open")) is None
    # The full diagnostic leaves the skill out and keeps its result.
    started = start(client, "diagnostic")
    notice = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "leaves those skills out" in notice
    full = attempt_of(db, section.user_id)
    assert full.id != section.id and "strategy-planning" not in items_by_skill(db, full)
    post_answers(client, "diagnostic", full, {}, "submit")
    reread(db)
    latest = db.scalar(
        select(SkillResult).where(SkillResult.skill_id == "strategy-planning", SkillResult.latest)
    )
    assert latest.attempt_id == section.id
    # A week later it opens again.
    later = clock.now() + timedelta(days=8)
    from unittest import mock

    with mock.patch.object(clock, "now", lambda: later):
        assert start(client, "diagnostic", skill="strategy-planning").status_code == 302
        reread(db)
        assert attempt_of(db, section.user_id).skill_id == "strategy-planning"


def test_an_old_attempt_shows_its_own_questions_as_they_were(app, client, db, content, tmp_path):
    learner = factories.make_user(db, email="old@example.org")
    db.commit()
    login(client, "old@example.org")
    start(client, "diagnostic")
    attempt = attempt_of(db, learner.id)
    asked = [db.get(Question, qid).text for qid in sorted(attempt.question_ids)]
    post_answers(client, "diagnostic", attempt, {}, "submit")
    reread(db)
    db.get(Attempt, attempt.id).seed = None  # as attempts from before shuffling are
    db.commit()
    # The diagnostic's questions are all rewritten, so the old ones are retired.
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    diagnostic = root / "quizzes" / "diagnostic.md"
    diagnostic.write_text(diagnostic.read_text().replace("## ", "## Revised: "))
    import_content(db, root)
    db.commit()
    assert not db.scalars(
        select(Question).where(Question.id.in_(attempt.question_ids), Question.active)
    ).all()
    page = html.unescape(client.get(f"/results/{attempt.id}").get_data(as_text=True))
    for text in asked:
        assert text in page
    assert "Revised:" not in page


def test_item_statistics_follow_a_bank_item_across_forms(app, db, bundled_content):
    use_fixed_forms(db)
    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    people = [factories.make_user(db, email=f"p{n}@example.org") for n in range(3)]
    db.commit()
    for person in people:
        factories.take_quiz(db, person, "diagnostic", lambda q: q.level_id == "entry")
    db.commit()
    admin = app.test_client()
    login(admin, "admin@example.org")
    page = admin.get("/admin/items?quiz=bank-strategy-planning").get_data(as_text=True)
    assert "sp-001" in page and "sp-040" in page
    reread(db)
    shown = Counter(
        db.get(Question, qid).item_id
        for attempt in db.scalars(select(Attempt))
        for qid in attempt.question_ids
        if db.get(Question, qid).quiz_id == "bank-strategy-planning"
    )
    item, times = shown.most_common(1)[0]
    row = page.split(f"<td>{item}", 1)[1].split("</tr>", 1)[0]
    assert f"<td>{times}</td>" in row  # answers counted across the three forms


def test_content_import_prints_bank_counts_per_skill_and_level(app, tmp_path):
    from tests.conftest import PROJECT_ROOT

    result = app.test_cli_runner().invoke(args=["content", "import", str(PROJECT_ROOT)])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"bank strategy-planning: 40 items \(14 entry, 13 intermediate, 13 advanced\)",
        result.output,
    )
    assert re.search(
        r"bank customer-care: 30 items \(10 entry, 10 intermediate, 10 advanced\)", result.output
    )


def test_a_failed_module_check_shows_no_keys_and_opens_again_after_a_wait(
    database_url, db, content
):
    from unittest import mock

    app = create_app(app_config(database_url, CHECK_RETAKE_INTERVAL=timedelta(minutes=60)))
    kit = factories.make_user(db, email="kit@example.org")
    db.commit()
    client = app.test_client()
    login(client, "kit@example.org")
    start(client, "second-steps-check")
    failed = attempt_of(db, kit.id, "second-steps-check")
    question = questions_of(db, failed)[0]
    post_answers(
        client, "second-steps-check", failed, {question.id: wrong_choice(question)}, "submit"
    )
    page = client.get(f"/results/{failed.id}").get_data(as_text=True)
    assert "Not passed yet: 0%" in page
    # Answered, yet neither the key nor the explanation: they would be the re-take's answers.
    assert "(correct answer)" not in page and "(your answer)" in page
    assert "A sustainable cadence beats bursts" not in page
    assert "Answers are shown once you pass this check." in page
    reread(db)
    opens = db.get(Attempt, failed.id).submitted_at + timedelta(minutes=60)
    assert f"opens again at {opens:%H:%M} UTC" in page
    # Refused until then, saying when; no attempt is started.
    take = client.get("/assessments/second-steps-check/take").get_data(as_text=True)
    assert f"opens again at {opens:%H:%M} UTC" in take and 'value="start"' not in take
    refused = start(client, "second-steps-check")
    assert "Re-read the module first" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert attempt_of(db, kit.id, "second-steps-check").id == failed.id
    # An hour later it opens; a pass shows the key and the explanation.
    with mock.patch.object(clock, "now", lambda: opens + timedelta(seconds=1)):
        start(client, "second-steps-check")
        again = attempt_of(db, kit.id, "second-steps-check")
        assert again.id != failed.id
        post_answers(
            client, "second-steps-check", again, {question.id: correct_choice(question)}, "submit"
        )
        passed = client.get(f"/results/{again.id}").get_data(as_text=True)
        assert "Passed: 100%" in passed
        assert "(correct answer)" in passed and "A sustainable cadence beats bursts" in passed
        # Once passed, the earlier failed attempt shows its keys too, and practice needs no wait.
        assert "(correct answer)" in client.get(f"/results/{failed.id}").get_data(as_text=True)
        start(client, "second-steps-check")
        assert attempt_of(db, kit.id, "second-steps-check").id != again.id
