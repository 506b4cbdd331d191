"""Test-wiseness cues in multiple-choice items, measured.

A cue is anything that lets a person who does not know the answer score above
blind guessing: the key being the longest option, words that mark distractors
("because", absolutes), or the key echoing the stem. Each strategy below is
scored as its *expected* score over single-answer items (ties between options
broken at random), so the figures compare directly with blind guessing.

Pure functions over question specs: used by ``bench/item_cues.py`` (the report)
and by the tests that hold the bank to its targets (docs/item-bank.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from skillgap.content.quizzes import QuestionSpec
from skillgap.kinds import QuestionKind

CUE_WORDS = ("because", "always", "never", "only", "all", "none")
ABSOLUTES = ("always", "never", "only", "all", "none")
_WORD = re.compile(r"[a-z0-9']+")

# Targets (docs/item-bank.md): shares of single-answer items, and points.
MAX_KEY_LONGEST = 0.30
MAX_KEY_SECOND_LONGEST = 0.35
MAX_WORD_RATE_GAP = 0.10
MAX_STRATEGY_GAIN = 0.05


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def has_word(text: str, word: str) -> bool:
    return word in words(text)


def _position_chance(lengths: Sequence[float], key: int, position: int) -> float:
    """Chance the key sits at ``position`` (0 = longest) when options are ranked by
    length, longest first, ties in random order."""
    longer = sum(1 for length in lengths if length > lengths[key])
    equal = sum(1 for length in lengths if length == lengths[key])
    return 1 / equal if longer <= position < longer + equal else 0.0


def _strike_and_guess(question: QuestionSpec, key: int) -> float:
    """Strike options holding a cue word, guess among the rest (all, if every
    option holds one)."""
    kept = [
        index
        for index, option in enumerate(question.options)
        if not any(has_word(option.text, word) for word in CUE_WORDS)
    ] or list(range(len(question.options)))
    return 1 / len(kept) if key in kept else 0.0


def _stem_echo(question: QuestionSpec, key: int) -> float:
    """Pick the option sharing the most words with the stem (ties at random)."""
    stem = set(words(question.text))
    shared = [len(stem & set(words(option.text))) for option in question.options]
    return _position_chance(shared, key, 0)


@dataclass
class CueReport:
    items: int = 0
    single: int = 0
    key_positions: dict[int, int] = field(default_factory=dict)
    blind: float = 0.0
    longest: float = 0.0
    second_longest: float = 0.0
    shortest: float = 0.0
    strike: float = 0.0
    stem_echo: float = 0.0
    # word -> (share of keys holding it, share of distractors holding it)
    word_rates: dict[str, tuple[float, float]] = field(default_factory=dict)

    def problems(self) -> list[str]:
        """Every target this report misses, in words; empty when all are met."""
        found = []
        if self.longest > MAX_KEY_LONGEST:
            found.append(
                f"key is the longest option in {self.longest:.0%} (at most {MAX_KEY_LONGEST:.0%})"
            )
        if self.second_longest > MAX_KEY_SECOND_LONGEST:
            found.append(
                f"key is the second-longest option in {self.second_longest:.0%} "
                f"(at most {MAX_KEY_SECOND_LONGEST:.0%})"
            )
        for word, (in_keys, in_distractors) in self.word_rates.items():
            if abs(in_keys - in_distractors) > MAX_WORD_RATE_GAP:
                found.append(
                    f"{word!r} in {in_keys:.0%} of keys and {in_distractors:.0%} of distractors "
                    f"(within {MAX_WORD_RATE_GAP:.0%})"
                )
        for name, score in self.strategies().items():
            if score - self.blind > MAX_STRATEGY_GAIN:
                found.append(
                    f"strategy {name!r} scores {score:.1%} against blind guessing {self.blind:.1%} "
                    f"(at most {MAX_STRATEGY_GAIN:.0%} points above)"
                )
        return found

    def strategies(self) -> dict[str, float]:
        return {
            "always longest": self.longest,
            "always second-longest": self.second_longest,
            "always shortest": self.shortest,
            "strike because/absolutes, guess the rest": self.strike,
            "most words shared with the stem": self.stem_echo,
        }


def cue_report(questions: Sequence[QuestionSpec]) -> CueReport:
    report = CueReport(items=len(questions))
    keys_with = dict.fromkeys((*CUE_WORDS, "absolutes"), 0)
    distractors_with = dict.fromkeys((*CUE_WORDS, "absolutes"), 0)
    key_count = distractor_count = 0
    totals = dict.fromkeys(("blind", "longest", "second", "shortest", "strike", "echo"), 0.0)
    for question in questions:
        for option in question.options:
            present = {word for word in CUE_WORDS if has_word(option.text, word)}
            if any(word in present for word in ABSOLUTES):
                present.add("absolutes")
            tally = keys_with if option.correct else distractors_with
            for word in present:
                tally[word] += 1
            if option.correct:
                key_count += 1
            else:
                distractor_count += 1
        if question.kind != QuestionKind.SINGLE.value or len(question.options) < 3:
            continue
        key = next(index for index, option in enumerate(question.options) if option.correct)
        lengths = [len(option.text) for option in question.options]
        report.single += 1
        report.key_positions[key + 1] = report.key_positions.get(key + 1, 0) + 1
        totals["blind"] += 1 / len(lengths)
        totals["longest"] += _position_chance(lengths, key, 0)
        totals["second"] += _position_chance(lengths, key, 1)
        totals["shortest"] += _position_chance([-length for length in lengths], key, 0)
        totals["strike"] += _strike_and_guess(question, key)
        totals["echo"] += _stem_echo(question, key)
    if report.single:
        report.blind = totals["blind"] / report.single
        report.longest = totals["longest"] / report.single
        report.second_longest = totals["second"] / report.single
        report.shortest = totals["shortest"] / report.single
        report.strike = totals["strike"] / report.single
        report.stem_echo = totals["echo"] / report.single
    for word in keys_with:
        report.word_rates[word] = (
            keys_with[word] / key_count if key_count else 0.0,
            distractors_with[word] / distractor_count if distractor_count else 0.0,
        )
    return report
