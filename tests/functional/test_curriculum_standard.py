"""The shipped curriculum meets the round-2 standard (content-standards.md): every
skill has a course of five or more modules with a check each and a full bank;
advanced modules are deep; every module ends with a model answer and dated
sources it actually uses; no undated hedges. The link check runs offline:
well-formed, unique, used."""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

import pytest

from skillgap.content.bank import bank_files, parse_bank
from skillgap.content.errors import ErrorList
from skillgap.content.files import read_curriculum
from skillgap.content.markdown import render
from skillgap.curriculum.importer import known_quiz_ids
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.slow
ROUND_TWO = (
    "social-commerce",
    "paid-social",
    "community-management",
    "team-wellbeing",
    "governance",
)
LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
SOURCE_LINE = re.compile(
    r"^- \[[^\]]+\]\((https?://[^)\s]+)\)\s+—\s+.+, checked \d{4}-\d{2}-\d{2}\s*$"
)
SECTIONS = [
    "## What you will leave with",
    "## Worked example",
    "## Exercise",
    "## Key points",
    "## Sources",
]


@pytest.fixture(scope="module")
def curriculum():
    found = read_curriculum(PROJECT_ROOT, known_quiz_ids(PROJECT_ROOT))
    # The platform-metrics rewrite uses [[metric:...]] shortcodes from the metric
    # dictionary (issue 19), which the importer does not read yet: until that
    # lands, the old modules ship and are held to the round-1 standard only.
    found.modules[:] = [m for m in found.modules if m.course_id not in PENDING_COURSES]
    return found


PENDING_COURSES = {"platform-metrics"}


def words(module) -> int:  # type: ignore[no-untyped-def]
    return render(module.body, drop_leading_title=True).word_count


def sources_of(body: str) -> tuple[str, list[str]]:
    """The text before ``## Sources`` and the lines of the Sources list."""
    text, _, sources = body.partition("\n## Sources\n")
    return text, [line for line in sources.splitlines() if line.strip()]


def test_every_round_two_skill_has_a_full_course(curriculum):
    banks = {}
    errors = ErrorList()
    for path in bank_files(PROJECT_ROOT):
        bank = parse_bank(path.read_text(encoding="utf-8"), path.name, None, None, errors)
        banks[bank.skill] = bank
    skills = {skill.id for skill in curriculum.framework.skills}
    for skill in ROUND_TWO:
        assert skill in skills
        modules = [m for m in curriculum.modules if m.skills[0] == skill]
        assert len(modules) >= 5, skill
        assert {m.level for m in modules} >= {"entry", "intermediate", "advanced"}, skill
        assert all(m.check for m in modules), skill
        assert len(banks[skill].items) >= 30, skill
        levels = Counter(item.level for item in banks[skill].items)
        assert min(levels.values()) >= len(banks[skill].items) / 4, skill


def test_advanced_modules_are_deep_and_every_module_is_at_least_600_words(curriculum):
    short = {}
    for module in curriculum.modules:
        minimum = 1400 if module.level == "advanced" else 600
        if words(module) < minimum:
            short[module.id] = (module.level, words(module))
    assert short == {}


def test_every_module_has_an_exercise_a_model_answer_and_sources_in_order(curriculum):
    problems = []
    for module in curriculum.modules:
        positions = [module.body.find(f"\n{heading}\n") for heading in SECTIONS]
        if -1 in positions or positions != sorted(positions):
            problems.append(f"{module.path}: sections missing or out of order")
        exercise = module.body.split("\n## Exercise\n", 1)[-1].split("\n## Key points\n", 1)[0]
        if '??? answer "' not in exercise:
            problems.append(f"{module.path}: no model answer after the exercise")
        if "at the time of writing" in module.body.lower():
            problems.append(f"{module.path}: an undated 'at the time of writing'")
    assert problems == []


def test_sources_are_well_formed_dated_unique_and_used(curriculum):
    """The offline link check: every source line is a link with its publisher and
    the date it was checked; every URL is well formed, listed once, and linked in
    the text where the fact is used."""
    problems = []
    for module in curriculum.modules:
        text, lines = sources_of(module.body)
        if not lines:
            problems.append(f"{module.path}: no sources")
        urls = []
        for line in lines:
            match = SOURCE_LINE.match(line)
            if not match:
                problems.append(
                    f"{module.path}: not '- [title](url) — publisher, checked date': {line[:80]}"
                )
                continue
            url = match.group(1)
            parts = urlsplit(url)
            if parts.scheme not in {"http", "https"} or "." not in parts.netloc or " " in url:
                problems.append(f"{module.path}: malformed URL {url}")
            urls.append(url)
        for url, count in Counter(urls).items():
            if count > 1:
                problems.append(f"{module.path}: {url} listed {count} times")
        used = {url for _, url in LINK.findall(text)}
        for url in urls:
            if url not in used:
                problems.append(f"{module.path}: {url} is listed but not cited in the text")
    assert problems == []
