"""Report: answer cues in the diagnostic item bank (and, for comparison, any quiz).

Run:  .venv/bin/python bench/item_cues.py [FILE ...]
Without arguments it reads every bank in quizzes/bank/. A file under
quizzes/bank/ is read as a bank, any other as a quiz (e.g. quizzes/diagnostic.md,
to compare with the old fixed form). Prints per skill and for the whole bank:
the key's position, how often the key is the longest / second-longest option,
the rate of "because" and absolute words in keys vs distractors, and the
expected score of each test-wise strategy beside blind guessing; then every
target missed (docs/item-bank.md). Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))

from skillgap.content.bank import bank_files, parse_bank
from skillgap.content.errors import ErrorList
from skillgap.content.item_cues import CueReport, cue_report
from skillgap.content.quizzes import QuestionSpec, parse_quiz_file

ROOT = Path(__file__).resolve().parents[1]


def load(paths: list[Path]) -> dict[str, list[QuestionSpec]]:
    errors = ErrorList()
    by_skill: dict[str, list[QuestionSpec]] = {}
    for path in paths:
        path = path.resolve()
        shown = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if path.parent.name == "bank":
            bank = parse_bank(path.read_text(encoding="utf-8"), shown, None, None, errors)
            questions = [item.question for item in bank.items] if bank else []
        else:
            quiz = parse_quiz_file(path, shown, None, errors)
            questions = quiz.questions if quiz else []
        for question in questions:
            by_skill.setdefault(question.skill, []).append(question)
    if errors:
        for error in errors.sorted():
            print(error)
        raise SystemExit(2)
    return by_skill


def show(name: str, report: CueReport) -> None:
    positions = " ".join(
        f"{position}:{count}" for position, count in sorted(report.key_positions.items())
    )
    print(f"\n{name}: {report.items} items, {report.single} single-answer")
    print(f"  key position (file order)       {positions}")
    print(f"  key is longest option           {report.longest:6.1%}")
    print(f"  key is second-longest option    {report.second_longest:6.1%}")
    for word, (in_keys, in_distractors) in report.word_rates.items():
        print(f"  {word!r:<11} in keys {in_keys:6.1%}  in distractors {in_distractors:6.1%}")
    print(f"  blind guessing                  {report.blind:6.1%}")
    for strategy, score in report.strategies().items():
        print(f"  {strategy:<42} {score:6.1%}  ({(score - report.blind) * 100:+.1f} points)")


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or bank_files(ROOT)
    by_skill = load(paths)
    everything: list[QuestionSpec] = []
    missed = []
    for skill, questions in sorted(by_skill.items()):
        report = cue_report(questions)
        show(skill, report)
        missed += [f"{skill}: {problem}" for problem in report.problems()]
        everything += questions
    total = cue_report(everything)
    show("whole bank", total)
    missed += [f"whole bank: {problem}" for problem in total.problems()]
    print()
    for problem in missed:
        print(f"MISSED {problem}")
    print(f"item cues: {len(everything)} items, {len(missed)} targets missed")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
