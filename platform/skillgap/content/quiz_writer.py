"""Writing questions back out as a quiz file in our Markdown format (a GIFT import
becomes a quiz file this way)."""

from __future__ import annotations

import json

from skillgap.content.quizzes import QuestionSpec
from skillgap.rules.calculated import Template


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
        if question.template is not None:
            lines += template_lines(question.template)
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


def template_lines(template: Template) -> list[str]:
    """A calculated question's lines (content/calculated.py reads them back)."""
    lines = [
        f"formula: {template.formula_id}" if template.formula_id else f"calc: {template.expression}"
    ]
    for v in template.variables:
        if v.choices:
            lines.append(f"var: {v.name} = {' | '.join(v.choices)}")
        else:
            unit = f" {v.unit}" if v.unit else ""
            lines.append(f"var: {v.name} = {v.low}..{v.high} step {v.step}{unit}")
    if template.unit:
        lines.append(f"unit: {template.unit}")
    if template.relative:
        lines.append(f"tolerance: {(template.tolerance * 100).normalize()}% of the answer")
    else:
        lines.append(f"tolerance: {template.tolerance.normalize()}")
    if template.ask != "number":
        lines.append(f"ask: {template.ask}")
    lines += [f"wrong: {m.name} = {m.expression}" for m in template.misconceptions]
    return lines
