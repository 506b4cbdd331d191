"""Reading and validating quiz files: quizzes/<quiz-id>.md.

Format (see ../shared/design.md): front matter with ``title``, ``kind`` and an
optional ``time_limit_minutes``; then one ``## question`` heading per question,
a ``skill:`` line, the options as a task list (``- [x]`` marks a correct one;
two or more make a multiple-response question) and an optional ``> ``
explanation. Self-assessment statements have no options: they are rated on the
framework's self-rating scale.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask_babel import gettext as _

from skillgap.content import calculated as calculated_lines
from skillgap.content.errors import ErrorList
from skillgap.content.front_matter import parsed_front_matter
from skillgap.content.quiz_meta import read_blueprint, read_mode, time_limit
from skillgap.content.review_dates import ReviewDates, months_for, read_review_dates
from skillgap.content.source import is_id
from skillgap.kinds import QuestionKind, QuizKind
from skillgap.rules import calculated

QUIZ_KEYS = {
    "title",
    "kind",
    "time_limit_minutes",
    "blueprint",
    "mode",
    "stopping",
    "reviewed",
    "review_after",
}
OPTION = re.compile(r"^- \[( |x|X)\] (.*)$")
SKILL_LINE = re.compile(r"^skill:\s*(\S*)\s*$")
NAME_LINE = re.compile(r"^name:\s*(.*?)\s*$")  # optional: a question's name from GIFT/Moodle
MAX_NAME = 200
MAX_OPTIONS = 10
MAX_TITLE = 200  # the quizzes.title column


@dataclass(frozen=True)
class OptionSpec:
    text: str
    correct: bool
    weight: float | None = None  # GIFT percentage weight, kept for round trips
    feedback: str = ""  # GIFT per-answer feedback, shown with the result


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    skill: str
    kind: str
    options: tuple[OptionSpec, ...]
    explanation: str = ""
    line: int = field(default=0, compare=False)
    # Bank items only: the stable id and the level the item discriminates at. Not
    # part of the fingerprint: re-tagging an item does not make it a new question.
    item_id: str | None = field(default=None, compare=False)
    level: str | None = field(default=None, compare=False)
    # A name it had elsewhere (a GIFT ``::name::``), kept for the way back.
    name: str | None = field(default=None, compare=False)
    # A calculated question: its variables, formula and tolerance (options are
    # worked out per attempt, so ``options`` is empty).
    template: calculated.Template | None = None
    # When it was last reviewed and is due again (its file's, or a bank item's own).
    review: ReviewDates = field(default_factory=ReviewDates, compare=False)

    @property
    def fingerprint(self) -> str:
        """What the question asks; a change here makes it a new question."""
        payload: list[object] = [
            self.text,
            self.skill,
            self.kind,
            [[o.text, o.correct, o.weight] for o in self.options],
        ]
        if self.template is not None:
            payload.append(calculated.to_json(self.template))
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode()).hexdigest()


@dataclass(frozen=True)
class QuizSpec:
    id: str
    path: str
    file_name: str
    source: str
    title: str
    kind: str
    time_limit_minutes: int | None
    questions: list[QuestionSpec]
    # A diagnostic drawn from the item banks: skill id (or "default") -> level -> items.
    blueprint: dict[str, dict[str, int]] | None = None
    review: ReviewDates = field(default_factory=ReviewDates)
    mode: str = "fixed"  # or "adaptive" (content/quiz_meta.read_mode)
    stopping: dict | None = None


def question_kind(options: list[OptionSpec]) -> str:
    correct = sum(1 for option in options if option.correct)
    texts = sorted(option.text.strip().lower() for option in options)
    if texts == ["false", "true"] and correct == 1:
        return QuestionKind.TRUE_FALSE.value
    return QuestionKind.MULTIPLE.value if correct > 1 else QuestionKind.SINGLE.value


def quiz_files(root: Path) -> list[Path]:
    folder = root / "quizzes"
    # "<quiz>.<lang>.md" is a translation (content/translations.py), not a quiz.
    return sorted(p for p in folder.glob("*.md") if "." not in p.stem) if folder.is_dir() else []


def collect_quizzes(root: Path, skill_ids: set[str] | None, errors: ErrorList) -> list[QuizSpec]:
    """Parse every quiz file; problems go to ``errors``. ``skill_ids`` None means
    the framework itself is broken, so skills are not checked."""
    quizzes = []
    for path in quiz_files(root):
        quiz = parse_quiz_file(path, path.relative_to(root).as_posix(), skill_ids, errors)
        if quiz is not None:
            quizzes.append(quiz)
    return quizzes


def parse_quiz_file(
    path: Path, shown: str, skill_ids: set[str] | None, errors: ErrorList
) -> QuizSpec | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        errors.add(shown, 1, _("not valid UTF-8 text"))
        return None
    return parse_quiz(text, path.stem, shown, skill_ids, errors)


def parse_quiz(
    text: str, quiz_id: str, shown: str, skill_ids: set[str] | None, errors: ErrorList
) -> QuizSpec | None:
    count_before = len(errors)
    if not is_id(quiz_id):
        errors.add(
            shown,
            1,
            _(
                "quiz ids are lower-case-with-hyphens, at most 80 characters, got %(quiz_id)s",
                quiz_id=repr(quiz_id[:80]),
            ),
        )
    parsed = parsed_front_matter(text, shown, errors)
    if parsed is None:
        return None
    meta = parsed.meta
    title = _quiz_title(meta, shown, errors)
    kind = _quiz_kind(meta, shown, errors)
    limit = time_limit(meta, shown, errors)
    blueprint = read_blueprint(meta, shown, str(kind), skill_ids, errors)
    mode, stopping = read_mode(meta, shown, blueprint, errors)
    questions = _parse_questions(
        parsed.body, parsed.body_first_line, shown, str(kind), skill_ids, errors
    )
    if blueprint is not None and questions:
        errors.add(
            shown,
            parsed.body_first_line,
            _("a diagnostic drawn from the banks has no questions of its own"),
        )
    if not questions and blueprint is None and len(errors) == count_before:
        errors.add(shown, parsed.body_first_line, _("the quiz has no questions ('## ' headings)"))
    skills = {question.skill for question in questions}
    review = read_review_dates(shown, meta, months_for(skills), errors)
    if len(errors) > count_before:
        return None
    return QuizSpec(
        quiz_id,
        shown,
        Path(shown).name,
        text,
        title.strip(),
        str(kind),
        limit,
        [replace(question, review=review) for question in questions],
        blueprint,
        review,
        mode,
        stopping,
    )


def _quiz_kind(meta, shown: str, errors: ErrorList) -> object:
    kind = meta.data.get("kind")
    kinds = [k.value for k in QuizKind if k != QuizKind.BANK]  # banks live in quizzes/bank/
    if kind not in kinds:
        errors.add(
            shown,
            meta.line_of("kind") if "kind" in meta.data else 1,
            _(
                "kind must be one of %(values)s, got %(kind)s",
                values=", ".join(kinds),
                kind=repr(kind),
            ),
        )
    return kind


def _quiz_title(meta, shown: str, errors: ErrorList) -> str:
    """The title (and every key checked against the quiz's keys)."""
    for key in sorted(set(meta.data) - QUIZ_KEYS, key=str):
        allowed = ", ".join(sorted(QUIZ_KEYS))
        errors.add(
            shown,
            meta.line_of(key),
            _("unknown key %(key)s (allowed: %(allowed)s)", key=repr(key), allowed=allowed),
        )
    title = meta.data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(shown, meta.line_of("title") if "title" in meta.data else 1, _("missing title"))
        return ""
    if len(title.strip()) > MAX_TITLE:
        errors.add(
            shown,
            meta.line_of("title"),
            _("the title is longer than %(most)s characters", most=MAX_TITLE),
        )
    return title


def question_blocks(
    body: str, first_line: int, shown: str, errors: ErrorList
) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Split a quiz body into ``(heading line, heading text, [(line, text), ...])``,
    one per ``## `` heading; text outside a question is an error."""
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    for offset, raw in enumerate(body.split("\n")):
        line_no = first_line + offset
        line = raw.rstrip()
        if line.startswith("## "):
            blocks.append((line_no, line[3:].strip(), []))
        elif line.startswith("#"):
            errors.add(shown, line_no, _("only '## ' headings are allowed: one per question"))
        elif not blocks:
            if line.strip():
                errors.add(shown, line_no, _("text before the first question ('## ' heading)"))
        else:
            blocks[-1][2].append((line_no, line))
    return blocks


def _parse_questions(
    body: str,
    first_line: int,
    shown: str,
    quiz_kind: str,
    skill_ids: set[str] | None,
    errors: ErrorList,
) -> list[QuestionSpec]:
    questions = []
    seen: dict[str, int] = {}
    for heading_line, text, lines in question_blocks(body, first_line, shown, errors):
        question = _parse_question(heading_line, text, lines, shown, quiz_kind, skill_ids, errors)
        if question is None:
            continue
        if question.fingerprint in seen:
            errors.add(
                shown,
                heading_line,
                _("the same question is already on line %(line)s", line=seen[question.fingerprint]),
            )
            continue
        seen[question.fingerprint] = heading_line
        questions.append(question)
    return questions


def _parse_question(
    heading_line: int,
    text: str,
    lines: list[tuple[int, str]],
    shown: str,
    quiz_kind: str,
    skill_ids: set[str] | None,
    errors: ErrorList,
) -> QuestionSpec | None:
    count_before = len(errors)
    if not text:
        errors.add(shown, heading_line, _("the question heading has no text"))
    content = [(number, line) for number, line in lines if line.strip()]
    skill = ""
    match = SKILL_LINE.match(content[0][1]) if content else None
    if match:
        skill = match.group(1)
        if skill_ids is not None and skill not in skill_ids:
            errors.add(shown, content[0][0], _("unknown skill %(skill)s", skill=repr(skill)))
        content = content[1:]
    else:
        errors.add(
            shown,
            content[0][0] if content else heading_line,
            _("the line after the question must be 'skill: <skill-id>'"),
        )
    name = None
    named = NAME_LINE.match(content[0][1]) if content else None
    if named:
        name = named.group(1)
        if not name or len(name) > MAX_NAME:
            errors.add(
                shown,
                content[0][0],
                _("name: needs a text of at most %(most)s characters", most=MAX_NAME),
            )
        content = content[1:]
    if quiz_kind == QuizKind.SELF_ASSESSMENT:
        options, explanation = parse_answer_lines(content, shown, errors)
        if options or calculated_lines.starts_calculated(content):
            errors.add(
                shown,
                heading_line,
                _("self-assessment statements have no options: people rate them"),
            )
        kind, template = QuestionKind.RATING.value, None
    else:
        kind, options, explanation, template = answer_part(
            heading_line, text, content, shown, errors
        )
    if len(errors) > count_before:
        return None
    return QuestionSpec(
        text, skill, kind, options, explanation, heading_line, name=name, template=template
    )


def answer_part(
    heading_line: int, text: str, content: list[tuple[int, str]], shown: str, errors: ErrorList
) -> tuple[str, tuple[OptionSpec, ...], str, calculated.Template | None]:
    """What follows a question's header lines: options and an explanation, or a
    calculated question's lines and an explanation. (kind, options, explanation,
    template)"""
    if not calculated_lines.starts_calculated(content):
        options, explanation = parse_answer_lines(content, shown, errors)
        check_options(heading_line, options, shown, errors)
        return question_kind(list(options)), options, explanation, None
    template, rest = calculated_lines.parse_calc_lines(content, shown, errors)
    options, explanation = parse_answer_lines(rest, shown, errors)
    if options:
        errors.add(
            shown,
            heading_line,
            _("a calculated question has no options: they are worked out ('ask: choice')"),
        )
    if template is not None:
        calculated_lines.check_placeholders(
            shown, heading_line, [text, explanation], template, errors
        )
    return QuestionKind.CALCULATED.value, (), explanation, template


def parse_answer_lines(
    content: list[tuple[int, str]], shown: str, errors: ErrorList
) -> tuple[tuple[OptionSpec, ...], str]:
    """The options (a task list) and the ``> `` explanation of one question."""
    options: list[OptionSpec] = []
    explanation: list[str] = []
    for number, line in content:
        option = OPTION.match(line)
        if option and not explanation:
            if not option.group(2).strip():
                errors.add(shown, number, _("an option has no text"))
            options.append(OptionSpec(option.group(2).strip(), option.group(1) != " "))
        elif line.startswith(">"):
            explanation.append(line[1:].strip())
        else:
            errors.add(
                shown,
                number,
                _("expected an option '- [ ] ...' / '- [x] ...' or an explanation '> ...'"),
            )
    return tuple(options), " ".join(explanation)


def check_options(
    heading_line: int, options: tuple[OptionSpec, ...], shown: str, errors: ErrorList
) -> None:
    if len(options) < 2:
        errors.add(shown, heading_line, _("a question needs at least two options"))
    elif len(options) > MAX_OPTIONS:
        errors.add(
            shown, heading_line, _("a question has at most %(most)s options", most=MAX_OPTIONS)
        )
    elif not any(option.correct for option in options):
        errors.add(shown, heading_line, _("no option is marked correct with '- [x]'"))
