"""Calculated questions (rules/calculated.py, content/calculated.py): drawing
numbers, the tolerance at its boundaries, typed numbers, options from
misconceptions, and the file checks, on constructed templates with known
answers and on simulated examinees."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from skillgap.content.errors import ErrorList
from skillgap.content.quizzes import parse_quiz
from skillgap.rules import calculated
from skillgap.rules.calculated import Misconception, Template, Variable

D = Decimal


def cpm(ask: str = "number", **changes) -> Template:
    values = {
        "expression": "cost / impressions * 1000",
        "variables": (
            Variable("cost", D(400), D(6000), D(50), unit="€"),
            Variable("impressions", D(40000), D(900000), D(1000)),
        ),
        "unit": "€",
        "tolerance": D("0.01"),
        "ask": ask,
        "misconceptions": (
            Misconception("left out the × 1,000", "cost / impressions"),
            Misconception("divided the wrong way round", "impressions / cost * 1000"),
        ),
    }
    values.update(changes)
    return Template(**values)


def fixed(answer: str, tolerance: str, relative: bool = False) -> Template:
    return Template(answer, (), tolerance=D(tolerance), relative=relative)


def test_an_attempts_numbers_are_its_own_and_the_same_every_time():
    template = cpm()
    first = calculated.instance(template, 1234, 7)
    assert calculated.instance(template, 1234, 7) == first  # resume, grading, result page
    others = {tuple(calculated.instance(template, seed, 7).values.values()) for seed in range(40)}
    assert len(others) >= 38  # 106,000 combinations: different attempts, different numbers
    assert calculated.instance(template, 1234, 8).values != first.values  # per question too


def test_drawn_values_stay_on_the_range_and_its_steps():
    template = cpm()
    seen_low = seen_high = False
    for seed in range(3000):
        values = calculated.instance(template, seed, 1).values
        cost = values["cost"]
        assert isinstance(cost, Decimal) and D(400) <= cost <= D(6000) and cost % 50 == 0
        seen_low |= cost == 400
        seen_high |= cost == 6000
    assert seen_low and seen_high  # both ends are reachable


def test_the_answer_is_the_formula_on_the_drawn_numbers():
    made = calculated.instance(cpm(), 99, 3)
    cost, impressions = made.values["cost"], made.values["impressions"]
    assert isinstance(cost, Decimal) and isinstance(impressions, Decimal)
    assert made.answer == pytest.approx(cost / impressions * 1000, abs=D("1e-9"))
    assert made.shown_answer == calculated.format_value(made.answer, "€", 2)


@pytest.mark.parametrize(
    ("given", "right"),
    [("2.45", True), ("2.55", True), ("2.5", True), ("2.4499", False), ("2.5501", False)],
)
def test_an_absolute_tolerance_includes_its_boundaries_exactly(given, right):
    template = fixed("2.5", "0.05")
    made = calculated.instance(template, 1, 1)
    assert calculated.accepted(template, made.answer, D(given)) is right


@pytest.mark.parametrize(
    ("given", "right"),
    [("198", True), ("202", True), ("197.99", False), ("202.01", False)],
)
def test_a_relative_tolerance_is_a_share_of_the_answer(given, right):
    template = fixed("200", "0.01", relative=True)
    assert calculated.accepted(template, D(200), D(given)) is right


def test_float_noise_does_not_move_the_boundary():
    # 0.1 * 3 is 0.30000000000000004 in binary; the answer is still 0.3, so 0.35 is in.
    template = Template("a * 3", (Variable("a", choices=("0.1", "0.1")),), tolerance=D("0.05"))
    made = calculated.instance(template, 5, 5)
    assert made.answer == D("0.3")
    assert calculated.accepted(template, made.answer, D("0.35"))
    assert not calculated.accepted(template, made.answer, D("0.3501"))


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1250.5", "1250.5"),
        ("1,250.50", "1250.50"),
        ("€1,250", "1250"),
        ("2.4%", "2.4"),
        ("3,5", "3.5"),
        ("0,125", "0.125"),
        ("1 250", "1250"),
        ("-4.2", "-4.2"),
        ("\u22124.2", "-4.2"),
        (".5", "0.5"),
        ("3.2×", "3.2"),
        ("12 s", "12"),
    ],
)
def test_typed_numbers_are_read_as_people_write_them(typed, value):
    assert calculated.parse_number(typed) == D(value)


@pytest.mark.parametrize("typed", ["", "abc", "1,2,3", "--1", "1.2.3", "1e5", "9" * 41, "NaN"])
def test_anything_else_is_refused_with_a_message(typed):
    with pytest.raises(ValueError) as refused:
        calculated.parse_number(typed)
    assert str(refused.value)


def test_values_are_shown_with_their_units():
    assert calculated.format_value(D("1250.5"), "€", 2) == "€1,250.50"
    assert calculated.format_value(D("-3"), "£", 0) == "-£3"
    assert calculated.format_value(D("2.345"), "%", 1) == "2.3%"
    assert calculated.format_value(D("12"), "s", 0) == "12 s"
    assert calculated.format_value(D("-0.001"), "", 2) == "0.00"


def test_as_choice_the_options_are_the_answer_and_distinct_misconceptions():
    template = cpm("choice")
    for seed in range(300):
        made = calculated.instance(template, seed, 2)
        texts = [choice.text for choice in made.choices]
        assert len(texts) == len(set(texts)) >= calculated.MIN_OPTIONS
        assert [c.correct for c in made.choices].count(True) == 1
        assert made.choices[0].correct and made.choices[0].text == made.shown_answer
        for wrong in made.choices[1:]:
            assert not calculated.accepted(template, made.answer, wrong.value)


def test_a_misconception_equal_to_the_answer_is_dropped_and_slips_fill_in():
    # "x * 2" and "x + x" agree on every number: that distractor would be a second key.
    template = Template(
        "x * 2",
        (Variable("x", D(1), D(50), D(1)),),
        tolerance=D("0.5"),
        ask="choice",
        misconceptions=(Misconception("same thing", "x + x"), Misconception("half", "x / 2")),
    )
    made = calculated.instance(template, 3, 3)
    names = [choice.misconception for choice in made.choices[1:]]
    assert "same thing" not in names and "half" in names
    assert any(name.startswith("decimal point slip") for name in names)


def test_a_wrong_number_names_the_misconception_it_matches():
    template = cpm()
    made = calculated.instance(template, 11, 4)
    cost, impressions = made.values["cost"], made.values["impressions"]
    assert isinstance(cost, Decimal) and isinstance(impressions, Decimal)
    slip = (cost / impressions).quantize(D("0.01"))
    if not calculated.accepted(template, made.answer, slip):
        assert calculated.misconception_of(template, made, slip) in {
            "left out the × 1,000",
            "",  # rounded to the cent, the slip may sit outside its own tolerance
        }
    assert calculated.misconception_of(template, made, made.answer * 7) == ""


def test_simulated_examinees_score_what_they_know():
    """A careful examinee is right on every instance; one who divides by the
    wrong thing or forgets the 1,000 is wrong on every instance."""
    template = cpm()
    rng = random.Random(7)
    right = slip = 0
    for attempt in range(500):
        made = calculated.instance(template, rng.randrange(2**31), attempt)
        cost, impressions = made.values["cost"], made.values["impressions"]
        assert isinstance(cost, Decimal) and isinstance(impressions, Decimal)
        careful = (cost / impressions * 1000).quantize(D("0.01"))  # rounded to the cent
        right += calculated.accepted(template, made.answer, careful)
        slip += calculated.accepted(template, made.answer, cost / impressions)
    assert (right, slip) == (500, 0)


def test_placeholders_are_filled_from_the_instance():
    template = cpm()
    made = calculated.instance(template, 5, 9)
    text = calculated.fill("{cost} for {impressions} impressions: {answer}", template, made)
    cost = made.values["cost"]
    assert isinstance(cost, Decimal)
    assert text.startswith(calculated.format_value(cost, "€", 0))
    assert text.endswith(made.shown_answer)


def test_the_template_survives_storage():
    template = cpm("choice", relative=True, tolerance=D("0.02"), formula_id="cpm")
    assert calculated.from_json(calculated.to_json(template)) == template


def test_checks_find_a_division_by_zero_at_a_corner_of_the_ranges():
    template = Template(
        "engagements / reach * 100",
        (Variable("engagements", D(0), D(50), D(5)), Variable("reach", D(0), D(900), D(100))),
        tolerance=D("0.1"),
    )
    problems = calculated.check(template)
    assert len(problems) == 1 and "reach is zero" in problems[0]


def test_checks_refuse_labels_in_formulas_and_too_few_misconceptions():
    template = Template(
        "platform * 2",
        (Variable("platform", choices=("Instagram", "TikTok")),),
        tolerance=D("1"),
        ask="choice",
    )
    assert calculated.check(template) == [
        "the formula uses 'platform', which is a label (words), not a number"
    ]
    template = cpm("choice", misconceptions=(Misconception("only one", "cost"),))
    assert calculated.check(template) == [
        "asked as choice, a template needs at least two 'wrong:' misconceptions"
    ]


QUIZ = """---
title: Practice
kind: check
---

## A post reached {reach} accounts and drew {engagements} engagements. Engagement rate by reach?
skill: platform-metrics
calc: engagements / reach * 100
var: reach = 1000..20000 step 100
var: engagements = 10..400 step 1
unit: %
tolerance: 0.05

> {engagements} / {reach} x 100 = {answer}.
"""


def parse(text: str) -> tuple[object, list[str]]:
    errors = ErrorList()
    quiz = parse_quiz(text, "practice", "quizzes/practice.md", {"platform-metrics"}, errors)
    return quiz, [str(error) for error in errors.sorted()]


def test_a_calculated_question_is_read_from_a_quiz_file():
    quiz, problems = parse(QUIZ)
    assert problems == []
    question = quiz.questions[0]  # type: ignore[attr-defined]
    assert question.kind == "calculated" and question.options == ()
    assert question.template.unit == "%" and question.template.tolerance == D("0.05")
    changed, _ = parse(QUIZ.replace("tolerance: 0.05", "tolerance: 0.1"))
    assert changed.questions[0].fingerprint != question.fingerprint  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "tolerance: 0.05\n",
            "",
            "quizzes/practice.md:8: a calculated question needs a 'tolerance:' line",
        ),
        (
            "step 100",
            "step 300",
            "quizzes/practice.md:9: reach: 20000 is not reached from 1000 in steps of 300",
        ),
        ("unit: %", "unit: km", "quizzes/practice.md:11: unit: must be one of"),
        (
            "{answer}.",
            "{answr}.",
            "quizzes/practice.md:6: {answr} is not a variable of this question",
        ),
        (
            "drew {engagements} engagements",
            "drew some engagements",
            "quizzes/practice.md:6: the variable 'engagements' is not shown",
        ),
        (
            "* 100",
            "* 100 / clicks",
            "quizzes/practice.md:8: the formula uses 'clicks', which is not a variable",
        ),
        (
            "tolerance: 0.05\n",
            "tolerance: 0.05\n- [x] 2.5%\n",
            "quizzes/practice.md:6: a calculated question has no options",
        ),
        (
            "calc: engagements / reach * 100",
            "calc: engagements / (reach - reach) * 100",
            "quizzes/practice.md:8: with reach = ",
        ),
        (
            "calc: engagements / reach * 100",
            "calc: __import__('os')",
            "quizzes/practice.md:8: the formula: only numbers",
        ),
    ],
)
def test_a_bad_template_is_refused_with_its_line(old, new, problem):
    assert old in QUIZ
    quiz, problems = parse(QUIZ.replace(old, new))
    assert quiz is None
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize(
    ("typed", "english", "dutch"),
    [
        ("1.250,5", "1.2505", "1250.5"),  # English: a comma among points groups thousands
        ("1.250", "1.25", "1250"),
        ("1,250", "1250", "1.25"),
        ("3,5", "3.5", "3.5"),
        ("1250.5", "1250.5", "1250.5"),
        ("£0,60", "0.60", "0.60"),
        ("12,5%", "12.5", "12.5"),
    ],
)
def test_a_typed_number_is_read_as_the_reader_writes_numbers(typed, english, dutch):
    """Dutch groups thousands with a point and writes a decimal comma: the same
    characters mean the number the person meant, in either language."""
    from decimal import Decimal

    from skillgap.rules.calculated import NumberProblem, parse_number

    for decimal_comma, wanted in ((False, english), (True, dutch)):
        assert parse_number(typed, decimal_comma=decimal_comma) == Decimal(wanted)
    with pytest.raises(NumberProblem) as refused:
        parse_number("lots", decimal_comma=True)
    assert refused.value.values["example"] == "1250,5"  # the example as the reader writes it
