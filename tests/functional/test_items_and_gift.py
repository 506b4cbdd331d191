"""Item statistics against hand-computed values, and GIFT in and out."""

from __future__ import annotations

import io
import shutil

import pytest
from sqlalchemy import select

from skillgap.content.gift import export_gift, parse_gift
from skillgap.curriculum.importer import import_content
from skillgap.models import Answer, Attempt, Question
from skillgap.roles import Role
from skillgap.services.item_stats import item_statistics, point_biserial
from tests import factories
from tests.conftest import FIXTURE_CONTENT, reread


def test_point_biserial_by_hand():
    # rests 3,2,1,0: mean 1.5, population sd sqrt(1.25) = 1.11803; M1 = 0.5, M0 = 2.5, p = .5
    # r = (0.5 - 2.5) / 1.11803 * sqrt(.25) = -0.89443
    assert point_biserial([(0, 3), (0, 2), (1, 1), (1, 0)]) == pytest.approx(-0.89443, abs=1e-4)
    assert point_biserial([(1, 2), (1, 1)]) is None  # everyone right: undefined
    assert point_biserial([(1, 1), (0, 1)]) is None  # no spread in the rest scores


def test_item_statistics_match_hand_computation(db, content):
    questions = list(
        db.scalars(
            select(Question).where(Question.quiz_id == "diagnostic").order_by(Question.position)
        )
    )[:4]
    q1, q2, q3, q4 = (q.id for q in questions)
    # Four people, four items; q4 everyone gets right.
    scores = [
        {q1: 1, q2: 1, q3: 1, q4: 1},
        {q1: 1, q2: 0, q3: 1, q4: 1},
        {q1: 0, q2: 1, q3: 0, q4: 1},
        {q1: 0, q2: 0, q3: 0, q4: 1},
    ]
    for row in scores:
        user = factories.make_user(db)
        attempt = Attempt(
            user_id=user.id, quiz_id="diagnostic", state="submitted", question_ids=list(row)
        )
        db.add(attempt)
        db.flush()
        db.add_all(
            Answer(attempt_id=attempt.id, question_id=q, chosen=[0], score=s)
            for q, s in row.items()
        )
    open_attempt = Attempt(user_id=user.id, quiz_id="diagnostic", state="open", question_ids=[q1])
    db.add(open_attempt)
    db.flush()
    db.add(Answer(attempt_id=open_attempt.id, question_id=q1, chosen=[0], score=None))
    db.commit()
    stats = {s.question.id: s for s in item_statistics(db, "diagnostic")}
    # q1: (item, rest) = (1,3) (1,2) (0,2) (0,1); rests mean 2, sd sqrt(0.5) = 0.70711;
    # M1 = 2.5, M0 = 1.5, p = .5: r = 1 / 0.70711 * 0.5 = 0.70711
    assert (stats[q1].answers, stats[q1].facility) == (4, 50.0)
    assert stats[q1].discrimination == pytest.approx(0.70711, abs=1e-4)
    # q2: (1,3) (0,3) (1,1) (0,1): M1 = M0 = 2, so r = 0
    assert stats[q2].discrimination == pytest.approx(0.0)
    assert stats[q3].discrimination == pytest.approx(0.70711, abs=1e-4)
    assert stats[q4].facility == 100.0 and stats[q4].discrimination is None
    assert stats[q4].flags == ["very easy (over 95% right)"]
    assert stats[q1].flags == []
    unanswered = [s for s in stats.values() if s.answers == 0]
    assert all(s.facility is None for s in unanswered)


def test_item_statistics_page_is_for_admins(client, db, content, login_as):
    login_as(Role.ADMIN)
    page = client.get("/admin/items?quiz=diagnostic").get_data(as_text=True)
    assert "Item statistics" in page and "Engagement rate by reach?" in page


GIFT_ALL_TYPES = """// Supported types, with feedback
::Reach:: Which figure counts unique accounts? {
\t=Reach#Right: reach is unique accounts.
\t~Impressions#Impressions count repeats.
\t~Engagements
\t####Reach counts accounts; impressions count views.
}

::Denominators:: Which are engagement-rate denominators? {
\t~%50%Reach#One of them.
\t~%50%Impressions
\t~%-100%Revenue#Revenue is not a denominator.
}

::Frequency:: Frequency is impressions over reach. {TRUE#Check the formula.#Yes.####F = I / R.}

::Myth:: Follower count is a business outcome. {F}

::Blank:: The {~best =fairest ~worst} comparison uses rates, not counts.

::Escapes:: Which formula uses a colon\\: or braces \\{like this\\}? {=ratio 1\\:2 ~none}

::Days:: How many days does a 7-day attribution window cover? {#7}

::CPM:: Spend 2,000 for 400,000 impressions: CPM? {#5:0.01####2,000 / 400,000 x 1,000.}
"""

GIFT_UNSUPPORTED = """::Short:: Name the unique-account metric. {=reach =Reach}

::Match:: Match the metrics. {=reach -> unique =impressions -> all}

::Num:: Days in a week? {#=7:0 =%50%6:0}

::Essay:: Describe your strategy. {}
"""


def test_gift_round_trip_keeps_every_supported_type():
    first = parse_gift(GIFT_ALL_TYPES, "platform-metrics")
    assert first.problems == []
    assert [q.kind for q in first.questions] == [
        "single",
        "multiple",
        "true-false",
        "true-false",
        "single",
        "single",
        "calculated",
        "calculated",
    ]
    cpm = first.questions[7]
    assert cpm.template is not None and cpm.template.expression == "5"
    assert str(cpm.template.tolerance) == "0.01" and cpm.explanation.startswith("2,000")
    denominators = first.questions[1]
    assert [(o.correct, o.weight) for o in denominators.options] == [
        (True, 50.0),
        (True, 50.0),
        (False, -100.0),
    ]
    assert first.questions[0].options[0].feedback == "Right: reach is unique accounts."
    assert first.questions[2].options[1].feedback == "Check the formula."  # shown when wrong
    assert first.questions[4].text == "The _____ comparison uses rates, not counts."
    assert first.questions[5].options[0].text == "ratio 1:2"
    again = parse_gift(export_gift(first.questions, first.titles), "platform-metrics")
    assert again.questions == first.questions
    assert again.titles == first.titles
    assert again.problems == []


def test_unsupported_gift_types_are_reported_by_type_and_line():
    result = parse_gift(GIFT_UNSUPPORTED, "platform-metrics")
    assert result.questions == []
    assert [(p.line, p.kind) for p in result.problems] == [
        (1, "short answer"),
        (3, "matching"),
        (5, "numerical with several answers or per-answer feedback"),
        (7, "essay"),
    ]


def test_gift_import_command_writes_a_quiz_that_imports(app, db, tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    app.config["CONTENT_ROOT"] = root
    gift = tmp_path / "bank.gift"
    gift.write_text(GIFT_ALL_TYPES + "\n" + GIFT_UNSUPPORTED)
    result = app.test_cli_runner().invoke(
        args=[
            "content",
            "gift-import",
            str(gift),
            "--quiz",
            "metrics-bank",
            "--skill",
            "platform-metrics",
            "--title",
            "Metrics bank",
        ]
    )
    assert result.exit_code == 0, result.output
    assert f"{gift}:29: matching: this question type is not supported" in result.output
    assert "Wrote 8 question(s)" in result.output
    report = import_content(db, root)
    db.commit()
    assert report.counts["quizzes"].created == 4  # three fixture quizzes and the bank
    bank = list(db.scalars(select(Question).where(Question.quiz_id == "metrics-bank")))
    assert len(bank) == 8
    assert {q.kind for q in bank if q.template} == {"calculated"}
    exported = app.test_cli_runner().invoke(args=["content", "gift-export", "metrics-bank"])
    assert exported.exit_code == 0
    # The names of the GIFT file are kept (they were numbered Q1, Q2 ... before).
    assert "::Denominators:: Which are engagement-rate denominators? {" in exported.output
    assert "{#5:0.01####2,000 / 400,000 x 1,000.}" in exported.output  # numerical again
    again = parse_gift(exported.output, "platform-metrics")
    assert [q.text for q in again.questions] == [
        q.text for q in parse_gift(GIFT_ALL_TYPES, "platform-metrics").questions
    ]


def test_gift_text_with_a_nul_character_is_refused_with_its_line():
    result = parse_gift("::One:: Reach counts {=people ~views}\n\n::Two:: Bad\x00 {=a ~b}\n", "x")
    assert not result.questions
    assert [(p.line, p.reason) for p in result.problems] == [
        (3, "the text contains a NUL character (byte 0), which is not allowed")
    ]


MOODLE_EXPORT = """// question: 101  name: Reach vs impressions
$CATEGORY: $course$/top/Social metrics/Reach

::Reach vs impressions::[html]<p>Which figure counts the
<b>different accounts</b> that saw a post?</p>{
\t=[html]<p>Reach</p>#[html]<p>Right: reach counts <i>unique</i> accounts.</p>
\t~[html]Impressions#[html]Impressions count every view, repeats included.
\t~[html]Engagements
\t####[html]<p>Reach is unique accounts; impressions are views.</p>
}

::Denominator 2::[moodle]Which denominator does engagement rate by reach use?{
\t=[plain]Reach
\t~[markdown]Followers
\t~Impressions
}

// the same question again, as Moodle banks often hold it
::Reach vs impressions (copy)::[html]<p>Which figure counts the
<b>different accounts</b> that saw a post?</p>{
\t=[html]<p>Reach</p>#[html]<p>Right: reach counts <i>unique</i> accounts.</p>
\t~[html]Impressions#[html]Impressions count every view, repeats included.
\t~[html]Engagements
\t####[html]<p>Reach is unique accounts; impressions are views.</p>
}
"""


def check_moodle_questions(questions, per_answer_feedback: bool = True) -> None:
    reach, denominator = questions
    assert reach.name == "Reach vs impressions" and denominator.name == "Denominator 2"
    assert reach.text == "Which figure counts the different accounts that saw a post?"
    assert [o.text for o in reach.options] == ["Reach", "Impressions", "Engagements"]
    feedback = "Right: reach counts unique accounts."
    if per_answer_feedback:
        assert reach.options[0].feedback == feedback
        assert reach.options[1].feedback == "Impressions count every view, repeats included."
        assert reach.explanation == "Reach is unique accounts; impressions are views."
    else:  # our quiz format folds per-answer feedback into the explanation (README)
        assert reach.explanation.startswith("Reach is unique accounts; impressions are views.")
        assert feedback in reach.explanation
    assert [o.text for o in denominator.options] == ["Reach", "Followers", "Impressions"]
    for question in questions:
        texts = [question.text, question.explanation] + [o.text for o in question.options]
        assert not any("<" in t or "[html]" in t or "[plain]" in t for t in texts)


def test_a_moodle_export_with_names_formats_a_category_and_a_duplicate_imports(app, db, tmp_path):
    result = parse_gift(MOODLE_EXPORT, "platform-metrics")
    assert [(p.line, p.kind) for p in result.problems] == [(19, "duplicate")]
    assert "the same question as line 4" in result.problems[0].reason
    check_moodle_questions(result.questions)
    # Through the CLI into a quiz file, then a content import, then GIFT again.
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    app.config["CONTENT_ROOT"] = root
    gift = tmp_path / "moodle.gift"
    gift.write_text(MOODLE_EXPORT)
    written = app.test_cli_runner().invoke(
        args=["content", "gift-import", str(gift), "--quiz", "moodle-reach", "--skill",
              "platform-metrics"]
    )  # fmt: skip
    assert written.exit_code == 0, written.output
    assert f"{gift}:19: duplicate: the same question as line 4" in written.output
    assert "Wrote 2 question(s)" in written.output
    import_content(db, root)
    db.commit()
    stored = list(
        db.scalars(
            select(Question).where(Question.quiz_id == "moodle-reach").order_by(Question.position)
        )
    )
    assert [q.name for q in stored] == ["Reach vs impressions", "Denominator 2"]
    exported = app.test_cli_runner().invoke(args=["content", "gift-export", "moodle-reach"])
    assert "::Reach vs impressions::" in exported.output
    again = parse_gift(exported.output, "platform-metrics").questions
    check_moodle_questions(again, per_answer_feedback=False)


def test_the_admin_upload_reads_a_moodle_export_the_same_way(app, db, content):
    from skillgap.roles import Role
    from tests import factories
    from tests.conftest import csrf_token, login

    factories.make_user(db, Role.ADMIN, email="admin@example.org")
    db.commit()
    admin = app.test_client()
    login(admin, "admin@example.org")
    data = {
        "csrf_token": csrf_token(admin, "/admin/gift"),
        "quiz_id": "moodle-upload",
        "title": "Moodle upload",
        "skill": "platform-metrics",
        "kind": "check",
        "action": "parse",
        "file": (io.BytesIO(MOODLE_EXPORT.encode()), "moodle.gift"),
    }
    preview = admin.post("/admin/gift", data=data, content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert "2 questions understood, 1 left out" in page and "Line 19: duplicate" in page
    data = {**data, "action": "import", "file": (io.BytesIO(MOODLE_EXPORT.encode()), "m.gift")}
    imported = admin.post("/admin/gift", data=data, content_type="multipart/form-data")
    assert imported.status_code == 302
    reread(db)
    stored = list(db.scalars(select(Question).where(Question.quiz_id == "moodle-upload")))
    assert sorted(q.name for q in stored) == ["Denominator 2", "Reach vs impressions"]
    reach = next(q for q in stored if q.name == "Reach vs impressions")
    assert reach.text == "Which figure counts the different accounts that saw a post?"
