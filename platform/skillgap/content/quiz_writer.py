"""Writing questions back out as a quiz file in our Markdown format (a GIFT import
becomes a quiz file this way)."""

from __future__ import annotations

import json

from skillgap.content.quizzes import QuestionSpec


def quiz_markdown(
    title: str, kind: str, questions: list[QuestionSpec], time_limit_minutes: int | None = None
) -> str:
    """A quiz file in our Markdown format. Per-answer feedback (from GIFT) is folded
    into the explanation, so nothing is lost; GIFT weights are not kept, because
    scoring is all-or-nothing."""
    lines = ["---", f"title: {_yaml_text(title)}", f"kind: {kind}"]
    if time_limit_minutes:
        lines.append(f"time_limit_minutes: {time_limit_minutes}")
    lines += ["---", ""]
    for question in questions:
        lines += [f"## {_one_line(question.text)}", f"skill: {question.skill}"]
        lines += [f"name: {_one_line(question.name)}", ""] if question.name else [""]
        for option in question.options:
            lines.append(f"- [{'x' if option.correct else ' '}] {_one_line(option.text)}")
        notes = [question.explanation] if question.explanation else []
        notes += [
            f"{option.text}: {option.feedback}" for option in question.options if option.feedback
        ]
        if notes:
            lines += ["", f"> {_one_line(' '.join(notes))}"]
        lines.append("")
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar
