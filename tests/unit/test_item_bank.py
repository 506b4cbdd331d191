"""The shipped item banks meet the bank standard (docs/item-bank.md): sizes and
level balance, no answer cues, no near-duplicates of checks, worked examples or
each other; and the form-drawing rules on constructed data."""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from skillgap.content.bank import bank_files, parse_bank
from skillgap.content.errors import ErrorList
from skillgap.content.files import read_curriculum
from skillgap.content.item_cues import cue_report
from skillgap.content.overlap import Text, overlaps, worked_examples
from skillgap.content.quizzes import QuestionSpec, parse_quiz_file
from skillgap.content.source import split_front_matter
from skillgap.curriculum.importer import known_quiz_ids
from skillgap.rules.form_draw import PoolItem, draw_items, option_order

ROOT = Path(__file__).resolve().parents[2]
CORE = {"strategy-planning", "kpis-measurement", "audience-personas", "platform-metrics"}
LEVELS = ("entry", "intermediate", "advanced")


def banks():
    errors = ErrorList()
    found = [
        parse_bank(
            path.read_text(encoding="utf-8"), f"quizzes/bank/{path.name}", None, None, errors
        )
        for path in bank_files(ROOT)
    ]
    assert not errors, [str(e) for e in errors.sorted()]
    return [bank for bank in found if bank is not None]


def text_of(question: QuestionSpec) -> str:
    return " ".join([question.text, *(option.text for option in question.options)])


def test_every_skill_of_the_framework_has_a_full_balanced_bank():
    framework = read_curriculum(ROOT, known_quiz_ids(ROOT)).framework
    by_skill = {bank.skill: bank for bank in banks()}
    for skill in (s.id for s in framework.skills):
        assert skill in by_skill, f"no quizzes/bank/{skill}.md"
        bank = by_skill[skill]
        counts = Counter(item.level for item in bank.items)
        minimum = 40 if skill in CORE else 30
        assert len(bank.items) >= minimum, (skill, len(bank.items))
        for level in LEVELS:
            assert counts[level] >= len(bank.items) / 4, (skill, level, counts)


@pytest.mark.parametrize("skill", sorted(path.stem for path in bank_files(ROOT)))
def test_each_bank_is_free_of_answer_cues(skill):
    bank = next(b for b in banks() if b.skill == skill)
    report = cue_report([item.question for item in bank.items])
    assert report.problems() == []


def test_the_whole_bank_is_free_of_answer_cues():
    report = cue_report([item.question for bank in banks() for item in bank.items])
    assert report.problems() == []
    assert report.longest <= 0.30 and report.second_longest <= 0.35


def _checks_and_examples() -> tuple[list[Text], list[Text]]:
    errors = ErrorList()
    checks = []
    for path in sorted((ROOT / "quizzes").glob("*-check.md")):
        quiz = parse_quiz_file(path, path.name, None, errors)
        checks += (
            [Text(f"{path.name}:{q.line}", text_of(q)) for q in quiz.questions] if quiz else []
        )
    examples = []
    for path in sorted((ROOT / "courses").glob("*/[0-9]*.md")):
        body = split_front_matter(path.read_text(encoding="utf-8")).body
        examples += [Text(path.name, example) for example in worked_examples(body)]
    return checks, examples


def test_no_bank_item_is_a_near_duplicate_of_a_check_an_example_or_another_item():
    items = [
        Text(f"{bank.path}:{item.line}", text_of(item.question))
        for bank in banks()
        for item in bank.items
    ]
    checks, examples = _checks_and_examples()
    assert len(items) >= 250 and checks and examples
    assert overlaps(items, checks, examples) == []


def test_the_overlap_measure_catches_a_planted_near_duplicate():
    checks, examples = _checks_and_examples()
    original = checks[0].text
    planted = Text(
        "planted", original.replace("Bramble", "Hollowmere").replace("fictional", "made-up")
    )
    found = overlaps([planted], checks, examples)
    assert found and found[0].other == checks[0].where
    # A re-skinned worked example (new brand, same numbers) is caught by containment too.
    reskin = Text("reskin", examples[0].text[:600].replace("Tideline", "Northwind"))
    assert any(o.measure == "containment" for o in overlaps([reskin], [], examples))


# --- drawing forms --------------------------------------------------------------------


def pool(per_level: int = 10) -> list[PoolItem]:
    return [
        PoolItem(number * 10 + position, f"{level}-{position}", level)
        for number, level in enumerate(LEVELS)
        for position in range(per_level)
    ]


def test_a_form_draws_the_blueprints_count_per_level():
    drawn = draw_items(
        pool(), {"entry": 3, "intermediate": 2, "advanced": 1}, set(), random.Random(1)
    )
    assert Counter(item.level for item in drawn) == {"entry": 3, "intermediate": 2, "advanced": 1}
    assert len({item.item_id for item in drawn}) == 6


def test_recently_seen_items_are_avoided_while_the_bank_allows():
    items = pool(5)
    seen = {item.item_id for item in items if item.item_id.endswith(("-0", "-1", "-2"))}
    drawn = draw_items(
        items, {"entry": 2, "intermediate": 2, "advanced": 2}, seen, random.Random(7)
    )
    assert not {item.item_id for item in drawn} & seen
    # When the bank runs short, seen items fill the form rather than leaving it short.
    short = draw_items(items, {"entry": 4}, seen, random.Random(7))
    assert len(short) == 4 and len({i.item_id for i in short} - seen) == 2


def test_option_order_is_a_fixed_permutation_per_attempt_and_question():
    assert option_order(None, 5, 4) == [0, 1, 2, 3]
    first = option_order(12345, 5, 4)
    assert sorted(first) == [0, 1, 2, 3] and option_order(12345, 5, 4) == first
    orders = {tuple(option_order(seed, 5, 4)) for seed in range(200)}
    assert len(orders) == 24  # every order of four options occurs
    key_positions = Counter(option_order(seed, 9, 4).index(0) for seed in range(4000))
    assert all(900 < count < 1100 for count in key_positions.values())  # no favoured place
