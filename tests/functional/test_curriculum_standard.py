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
from skillgap.curriculum.importer import known_quiz_ids, read_content
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
    return read_curriculum(PROJECT_ROOT, known_quiz_ids(PROJECT_ROOT))


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


DICTIONARY_FILES = {
    "instagram", "facebook", "threads", "tiktok", "youtube", "linkedin", "x", "pinterest",
    "snapchat", "meta-ads", "linkedin-ads", "tiktok-ads", "ga4",
}  # fmt: skip
SHARED_FORMULAS = {
    "engagement-rate-by-reach", "engagement-rate-by-impressions", "engagement-rate-by-views",
    "engagement-rate-by-followers", "ctr", "cpm", "cpc", "cpa", "roas", "frequency",
    "view-through-rate", "completion-rate", "share-of-voice", "median-first-response-time",
}  # fmt: skip


def test_the_metric_dictionary_covers_every_platform_with_dated_sourced_metrics(curriculum):
    files = {spec.id: spec for spec in curriculum.metrics}
    assert set(files) == DICTIONARY_FILES | {"formulas"}
    thin = {f: len(spec.metrics) for f, spec in files.items() if f != "formulas"}
    assert {f: n for f, n in thin.items() if n < 5} == {}
    undated = [e.id for spec in files.values() for e in spec.entries if e.checked.year != 2026]
    assert undated == []
    assert {formula.id for formula in files["formulas"].formulas} >= SHARED_FORMULAS


def test_every_platform_metrics_module_cites_the_dictionary(curriculum):
    uncited = [
        m.id
        for m in curriculum.modules
        if m.course_id == "platform-metrics" and "[[metric:" not in m.body
    ]
    assert uncited == []


def test_every_module_quiz_bank_and_metric_has_review_dates_and_none_is_overdue(curriculum):
    from datetime import date

    content = read_content(PROJECT_ROOT)
    dated = [(m.path, m.reviewed, m.review_after) for m in content.curriculum.modules]
    dated += [(q.path, q.review.reviewed, q.review.review_after) for q in content.quizzes]
    dated += [
        (f"{q.path} {x.item_id}", x.review.reviewed, x.review.review_after)
        for q in content.quizzes
        for x in q.questions
    ]
    dated += [
        (e.id, e.reviewed, e.review_after) for spec in curriculum.metrics for e in spec.entries
    ]
    assert [path for path, reviewed, _ in dated if reviewed is None] == []
    assert [path for path, _, after in dated if after is None or after <= date.today()] == []


def test_calculated_templates_cover_platform_metrics_and_kpis_in_checks_and_banks():
    content = read_content(PROJECT_ROOT)
    templates = [
        (quiz.kind, question.skill, question.template.formula_id)
        for quiz in content.quizzes
        for question in quiz.questions
        if question.template is not None
    ]
    core = [t for t in templates if t[1] in ("platform-metrics", "kpis-measurement")]
    print(f"\ncalculated templates: {len(templates)} ({len(core)} platform metrics and KPIs)")
    assert len(core) >= 24
    assert {kind for kind, _, _ in templates} >= {"bank", "check"}
    assert sum(1 for t in templates if t[2]) >= 10  # from the dictionary's formulas
