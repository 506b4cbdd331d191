"""Report: near-duplicates between bank items and the teaching material.

Run:  .venv/bin/python bench/item_overlap.py [BANK_FILE ...] [--against-diagnostic]
Compares every bank item (stem and options) with every other bank item, every
module-check item and every module's worked example, by word shingles
(skillgap.content.overlap), and lists each pair above the thresholds that
tests/unit/test_item_bank.py holds. Exit status 1 when any pair is listed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from skillgap.content.bank import bank_files, parse_bank
from skillgap.content.errors import ErrorList
from skillgap.content.overlap import (
    MAX_EXAMPLE_CONTAINMENT,
    MAX_ITEM_SIMILARITY,
    Text,
    max_overlap,
    overlaps,
    worked_examples,
)
from skillgap.content.quizzes import QuestionSpec, parse_quiz_file
from skillgap.content.source import split_front_matter

ROOT = Path(__file__).resolve().parents[1]


def question_text(question: QuestionSpec) -> str:
    return " ".join([question.text, *(option.text for option in question.options)])


def bank_texts(paths: list[Path]) -> list[Text]:
    errors = ErrorList()
    texts = []
    for path in paths:
        shown = path.resolve().relative_to(ROOT).as_posix()
        bank = parse_bank(path.read_text(encoding="utf-8"), shown, None, None, errors)
        for item in bank.items if bank else []:
            texts.append(Text(f"{shown}:{item.line} ({item.id})", question_text(item.question)))
    if errors:
        for error in errors.sorted():
            print(error)
        raise SystemExit(2)
    return texts


def quiz_texts(pattern: str) -> list[Text]:
    errors = ErrorList()
    texts = []
    for path in sorted((ROOT / "quizzes").glob(pattern)):
        shown = path.relative_to(ROOT).as_posix()
        quiz = parse_quiz_file(path, shown, None, errors)
        for question in quiz.questions if quiz else []:
            texts.append(Text(f"{shown}:{question.line}", question_text(question)))
    return texts


def example_texts() -> list[Text]:
    texts = []
    for path in sorted((ROOT / "courses").glob("*/*.md")):
        if path.name == "course.md":
            continue
        body = split_front_matter(path.read_text(encoding="utf-8")).body
        for number, example in enumerate(worked_examples(body), start=1):
            texts.append(
                Text(f"{path.relative_to(ROOT).as_posix()} worked example {number}", example)
            )
    return texts


def main(argv: list[str]) -> int:
    against_diagnostic = "--against-diagnostic" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("--")] or bank_files(ROOT)
    items = bank_texts(paths)
    others = quiz_texts("*-check.md") + (quiz_texts("diagnostic.md") if against_diagnostic else [])
    examples = example_texts()
    found = overlaps(items, others, examples)
    worst = max_overlap(items, others, examples)
    top_similarity = max((similarity for _, similarity, _ in worst), default=0.0)
    top_containment = max((contained for _, _, contained in worst), default=0.0)
    for overlap in found:
        print(f"NEAR-DUPLICATE {overlap}")
    print(
        f"item overlap: {len(items)} items against {len(others)} check items and "
        f"{len(examples)} worked examples; highest similarity {top_similarity:.2f} "
        f"(limit {MAX_ITEM_SIMILARITY}), highest containment {top_containment:.2f} "
        f"(limit {MAX_EXAMPLE_CONTAINMENT}); {len(found)} pairs over the limits"
    )
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
