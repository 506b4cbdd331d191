"""Moodle's GIFT question format: import and export.

Supported, both ways: multiple choice with one right answer, multiple response
(``~%50%`` percentage weights), true/false, their per-answer feedback and the
general feedback (``####``, which becomes the question's explanation), and the
"missing word" layout (text after the answer block). Every other GIFT type —
short answer, matching, essay, description, numerical with several answers —
is reported with its line and type, never silently dropped. A numerical
question with one answer (``{#12.5:0.5}``, ``{#12..13}``) becomes a calculated
question with fixed numbers; a calculated question is exported as one
concrete instance, numerical with its tolerance as the margin.

Real Moodle exports also carry: a ``::name::`` per question (kept as the
question's ``name:``, so it survives the round trip), text-format markers
(``[html]``, ``[moodle]``, ``[plain]``, ``[markdown]``) on question text,
answers and feedback (interpreted: HTML is reduced to its text through the same
sanitiser as everything else, never kept as markup), ``$CATEGORY:`` lines
(accepted and skipped) and the same question twice (the second is reported
with its line and left out, and the rest imports).

Scoring stays all-or-nothing (design.md): weights are kept so that a question
bank exported again carries the weights it came with; an option with a
positive weight counts as correct.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal

import nh3
from flask_babel import gettext as _

from skillgap.content.quizzes import OptionSpec, QuestionSpec, question_kind
from skillgap.content.source import nul_line, nul_reason
from skillgap.kinds import QuestionKind
from skillgap.rules import calculated

SPECIAL = "~=#{}:"
TRUE_WORDS = {"T", "TRUE"}
FALSE_WORDS = {"F", "FALSE"}


@dataclass(frozen=True)
class GiftProblem:
    line: int
    kind: str  # the GIFT question type, or "syntax" (shown: a catalogue message)
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}: {self.reason}"


@dataclass
class GiftResult:
    questions: list[QuestionSpec] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    problems: list[GiftProblem] = field(default_factory=list)


def _unescape(text: str) -> str:
    return re.sub(r"\\([~=#{}:n\\])", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)


def _text(raw: str) -> str:
    """GIFT text as our plain text: escapes undone, a leading format marker read.
    ``[html]`` becomes its text (tags dropped by nh3, entities decoded, line and
    paragraph breaks kept as spaces); the other formats are plain text already."""
    text = _unescape(raw)
    marker = FORMAT.match(text)
    if marker is None:
        return text.strip()
    text = text[marker.end() :]
    if marker.group(1).lower() == "html":
        text = re.sub(r"(?i)<\s*(br|/p|/li|/div)\b[^>]*>", " ", text)
        text = html.unescape(nh3.clean(text, tags=set()))
    return " ".join(text.split())


def _escape(text: str) -> str:
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text


def _split_unescaped(text: str, separators: str) -> list[tuple[str, str]]:
    """Split ``text`` before each unescaped separator: [(separator, part), ...]."""
    parts: list[tuple[str, str]] = []
    current, marker, index = [], "", 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            current.append(text[index : index + 2])
            index += 2
            continue
        if char in separators:
            parts.append((marker, "".join(current)))
            current, marker = [], char
        else:
            current.append(char)
        index += 1
    parts.append((marker, "".join(current)))
    return parts


def _find_unescaped(text: str, char: str, start: int = 0) -> int:
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == char:
            return index
        index += 1
    return -1


def _blocks(text: str) -> list[tuple[int, str]]:
    """Questions are separated by blank lines; comments (//) and $CATEGORY lines go."""
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if line.lstrip().startswith("//") or line.startswith("$CATEGORY"):
            continue
        if not line.strip():
            if current:
                blocks.append((start, "\n".join(current)))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def parse_gift(text: str, skill: str) -> GiftResult:
    """Questions of a GIFT file, all given ``skill``; unsupported ones in ``problems``."""
    result = GiftResult()
    seen: dict[str, int] = {}  # fingerprint -> line of the first copy
    line = nul_line(text)
    if line is not None:
        result.problems.append(GiftProblem(line, _("syntax"), nul_reason()))
        return result
    for line, block in _blocks(text):
        title = ""
        body = block.strip()
        if body.startswith("::"):
            end = body.find("::", 2)
            if end < 0:
                result.problems.append(
                    GiftProblem(line, _("syntax"), _("the '::title::' is not closed"))
                )
                continue
            title, body = _text(body[2:end]), body[end + 2 :].strip()
        open_at = _find_unescaped(body, "{")
        close_at = _find_unescaped(body, "}", open_at + 1) if open_at >= 0 else -1
        if open_at < 0:
            result.problems.append(
                GiftProblem(line, _("description"), _("no answers ({...}): not a question"))
            )
            continue
        if close_at < 0:
            result.problems.append(
                GiftProblem(line, _("syntax"), _("the answer block '{' is not closed"))
            )
            continue
        before = _text(body[:open_at])
        after = _text(body[close_at + 1 :])
        question_text = (
            " ".join(f"{before} _____ {after}".split()) if after else " ".join(before.split())
        )
        answers = body[open_at + 1 : close_at].strip()
        question = _parse_answers(line, question_text, answers, skill, result)
        if question is None:
            continue
        if question.fingerprint in seen:
            result.problems.append(
                GiftProblem(
                    line,
                    _("duplicate"),
                    _("the same question as line %(line)s", line=seen[question.fingerprint]),
                )
            )
            continue
        seen[question.fingerprint] = line
        result.questions.append(replace(question, name=title or None))
        result.titles.append(title)
    return result


def _parse_answers(
    line: int, text: str, answers: str, skill: str, result: GiftResult
) -> QuestionSpec | None:
    def unsupported(kind: str) -> None:
        result.problems.append(GiftProblem(line, kind, _("this question type is not supported")))

    if not answers:
        unsupported(_("essay"))
        return None
    general_at = answers.find("####")
    general = _text(answers[general_at + 4 :]) if general_at >= 0 else ""
    answer_part = answers[:general_at] if general_at >= 0 else answers
    template = _numerical(answer_part[1:]) if answers.startswith("#") else None
    if answers.startswith("#") and template is None:
        unsupported(_("numerical with several answers or per-answer feedback"))
        return None
    if template is not None:
        return QuestionSpec(
            text, skill, QuestionKind.CALCULATED.value, (), general, line, template=template
        )
    head, *feedbacks = [part.strip() for _mark, part in _split_unescaped(answer_part, "#")]
    if head.upper() in TRUE_WORDS | FALSE_WORDS:
        pair = _true_false(head.upper() in TRUE_WORDS, feedbacks)
        return QuestionSpec(text, skill, QuestionKind.TRUE_FALSE.value, pair, general, line)
    if "->" in answer_part:
        unsupported(_("matching"))
        return None
    pieces = [(mark, part) for mark, part in _split_unescaped(answer_part, "~=") if mark]
    if not pieces:
        result.problems.append(
            GiftProblem(line, _("syntax"), _("no answers start with '=' or '~'"))
        )
        return None
    if all(mark == "=" for mark, _part in pieces):
        unsupported(_("short answer"))
        return None
    options: list[OptionSpec] = []
    for mark, part in pieces:
        split_at = _find_unescaped(part, "#")
        option_text, feedback = (
            (part[:split_at], part[split_at + 1 :]) if split_at >= 0 else (part, "")
        )
        option_text = option_text.strip()
        weight = None
        match = re.match(r"^%(-?\d+(?:\.\d+)?)%(.*)$", option_text, re.S)
        if match:
            weight, option_text = float(match.group(1)), match.group(2).strip()
        correct = mark == "=" or (weight is not None and weight > 0)
        options.append(OptionSpec(_text(option_text), correct, weight, _text(feedback)))
    if not any(option.correct for option in options):
        result.problems.append(
            GiftProblem(line, _("syntax"), _("no answer is right (= or a positive %weight%)"))
        )
        return None
    return QuestionSpec(text, skill, question_kind(options), tuple(options), general, line)


NUMERICAL = re.compile(r"^=?\s*(-?[\d.]+)\s*(?::\s*([\d.]+)|\.\.\s*(-?[\d.]+))?\s*$")


def _numerical(answer: str) -> calculated.Template | None:
    """``{#12.5:0.5}``, ``{#12.5}`` or ``{#12..13}`` as a calculated question with
    fixed numbers; several answers or per-answer feedback are not supported."""
    match = NUMERICAL.match(answer.strip())
    if match is None:
        return None
    try:
        value, tolerance = Decimal(match.group(1)), Decimal(match.group(2) or "0")
        if match.group(3) is not None:  # a range min..max
            high = Decimal(match.group(3))
            value, tolerance = (value + high) / 2, abs(high - value) / 2
    except ArithmeticError:
        return None
    if tolerance <= 0:
        tolerance = Decimal(1).scaleb(-_places(value) - 1) / 2  # the value as written
    return calculated.Template(_plain(value), (), tolerance=tolerance.normalize())


def _plain(value: Decimal) -> str:
    """12.5, 700 (never 7E+2, which GIFT does not read)."""
    return format(value.normalize(), "f")


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _numerical_block(title: str, question: QuestionSpec, number: int) -> str:
    """A calculated question as GIFT numerical: one concrete instance (the numbers
    of a seedless draw), the answer with its tolerance as an absolute margin."""
    assert question.template is not None
    template = question.template
    made = calculated.instance(template, None, number)
    text = _escape(calculated.fill(question.text, template, made))
    margin = template.tolerance * abs(made.answer) if template.relative else template.tolerance
    explanation = calculated.fill(question.explanation, template, made)
    general = f"####{_escape(explanation)}" if explanation else ""
    return (
        f"::{_escape(title)}:: {text} {{#{made.answer.normalize()}:{margin.normalize()}{general}}}"
    )


def _true_false(is_true: bool, feedbacks: list[str]) -> tuple[OptionSpec, OptionSpec]:
    """{TRUE#shown when answered wrong#shown when answered right####general}"""
    wrong_feedback = _text(feedbacks[0]) if feedbacks else ""
    right_feedback = _text(feedbacks[1]) if len(feedbacks) > 1 else ""
    return (
        OptionSpec("True", is_true, feedback=right_feedback if is_true else wrong_feedback),
        OptionSpec("False", not is_true, feedback=wrong_feedback if is_true else right_feedback),
    )


def export_gift(questions: list[QuestionSpec], titles: list[str] | None = None) -> str:
    """GIFT text for ``questions`` (ratings cannot be expressed and are skipped)."""
    blocks = []
    for number, question in enumerate(questions, start=1):
        if question.kind == QuestionKind.RATING:
            continue
        title = (
            (titles[number - 1] if titles and number <= len(titles) else "")
            or question.name
            or f"Q{number}"
        )
        if question.template is not None:
            blocks.append(_numerical_block(title, question, number))
            continue
        text = _escape(question.text)
        general = f"####{_escape(question.explanation)}" if question.explanation else ""
        if question.kind == QuestionKind.TRUE_FALSE:
            right = next(o for o in question.options if o.correct)
            wrong = next(o for o in question.options if not o.correct)
            feedback = ""
            if right.feedback or wrong.feedback:  # shown when answered wrong, then right
                feedback = f"#{_escape(wrong.feedback)}#{_escape(right.feedback)}"
            word = "TRUE" if right.text.lower() == "true" else "FALSE"
            blocks.append(f"::{_escape(title)}:: {text} {{{word}{feedback}{general}}}")
            continue
        lines = [f"::{_escape(title)}:: {text} {{"]
        multiple = question.kind == QuestionKind.MULTIPLE
        right_count = sum(1 for o in question.options if o.correct)
        for option in question.options:
            if multiple or option.weight is not None:
                weight = option.weight
                if weight is None:
                    weight = round(100 / right_count, 5) if option.correct else -100.0
                line = f"\t~%{_format_weight(weight)}%{_escape(option.text)}"
            else:
                line = f"\t{'=' if option.correct else '~'}{_escape(option.text)}"
            lines.append(line + (f"#{_escape(option.feedback)}" if option.feedback else ""))
        if general:
            lines.append(f"\t{general}")
        lines.append("}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _format_weight(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else f"{weight:g}"
