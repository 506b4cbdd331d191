"""Reading content files: front matter split, and YAML that remembers line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from flask_babel import gettext as _
from yaml.nodes import MappingNode, Node, SequenceNode

from skillgap.content.errors import grouped

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ID_LENGTH = 80  # the database's id columns
# Bounds that keep one request within a second or two of work, whatever is sent:
MAX_SOURCE_CHARS = 200_000  # a content file (the longest shipped module is ~20,000)
MAX_BRACKETS = 1_000  # "[" in Markdown: python-markdown's link parsing slows
# quadratically with them (2,000 took 1.2 s, 8,000 19 s); real modules use < 100.
MAX_YAML_DEPTH = 20


def is_id(value: str) -> bool:
    """A content id: lower-case-with-hyphens, short enough for the id columns."""
    return bool(SLUG.match(value)) and len(value) <= ID_LENGTH


def size_problem(text: str) -> str | None:
    """Why a content text is too large to take, if it is."""
    if len(text) > MAX_SOURCE_CHARS:
        return _(
            "the text has %(count)s characters; at most %(most)s are accepted",
            count=grouped(len(text)),
            most=grouped(MAX_SOURCE_CHARS),
        )
    return None


def markdown_problem(body: str) -> str | None:
    """Why a Markdown body would take too long to render, if it would."""
    brackets = body.count("[")
    if brackets > MAX_BRACKETS:
        return _(
            "the text has %(count)s '[' characters; at most %(most)s are accepted "
            "(each starts a possible link, and rendering slows down with every one)",
            count=grouped(brackets),
            most=grouped(MAX_BRACKETS),
        )
    return None


class _ContentLoader(yaml.SafeLoader):
    """SafeLoader without aliases and with a depth limit: our formats need neither
    anchors nor deep nesting, and both are how a few bytes become megabytes of
    work or error text ("billion laughs") or a RecursionError."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.events.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(
                None, None, _("aliases (*name) are not allowed in content files"), mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    _("nested more than %(most)s levels deep", most=MAX_YAML_DEPTH),
                    mark,
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp(loader: _ContentLoader, node: yaml.ScalarNode):
    """A date YAML recognises by its shape but the calendar does not (2026-13-01)
    is the author's error at that line, not a crash."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError as error:
        raise yaml.constructor.ConstructorError(
            None,
            None,
            _("%(value)s is not a real date (%(error)s)", value=repr(node.value), error=error),
            node.start_mark,
        ) from None


_ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


class YamlProblem(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML plus the node tree, to point errors at the right line."""

    data: Any
    node: Node | None
    first_line: int  # the file line of the YAML text's first line

    def line_of(self, *path: str | int) -> int:
        """File line of the value at ``path`` (of the key, for the last mapping step)."""
        node = self.node
        line = self.first_line
        for step in path:
            if isinstance(node, MappingNode):
                match = next((pair for pair in node.value if pair[0].value == step), None)
                if match is None:
                    return node.start_mark.line + self.first_line
                key_node, node = match
                line = key_node.start_mark.line + self.first_line
            elif (
                isinstance(node, SequenceNode) and isinstance(step, int) and step < len(node.value)
            ):
                node = node.value[step]
                line = node.start_mark.line + self.first_line
            else:
                break
        return line


def load_yaml(text: str, first_line: int = 1) -> YamlDoc:
    if problem := size_problem(text):
        raise YamlProblem(first_line, problem)
    try:
        loader = _ContentLoader(text)  # rejects control characters right away
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + first_line
        raise YamlProblem(
            line,
            _(
                "invalid YAML: character %(character)s is not allowed",
                character=repr(error.character),
            ),
        ) from error
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        # The context mark is where the broken construct starts (an unclosed
        # list, say), which is where the author has to look; else the problem.
        mark = error.context_mark or error.problem_mark
        line = (mark.line if mark else 0) + first_line
        raise YamlProblem(
            line, _("invalid YAML: %(problem)s", problem=error.problem or error.context)
        ) from error
    except yaml.reader.ReaderError as error:  # a control character further in
        line = text[: error.position].count("\n") + first_line
        raise YamlProblem(
            line,
            _(
                "invalid YAML: character %(character)s is not allowed",
                character=repr(error.character),
            ),
        ) from error
    except yaml.YAMLError as error:
        raise YamlProblem(first_line, _("invalid YAML: %(error)s", error=error)) from error
    finally:
        loader.dispose()
    return YamlDoc(data=data, node=node, first_line=first_line)


@dataclass(frozen=True)
class FrontMatterFile:
    meta: YamlDoc
    body: str
    body_first_line: int


def nul_line(text: str) -> int | None:
    """The line of the first NUL character, if any. It is never meant as text, and
    PostgreSQL cannot store it (SQLite can), so every content reader refuses it."""
    at = text.find("\x00")
    return None if at < 0 else text.count("\n", 0, at) + 1


def nul_reason() -> str:
    return _("the text contains a NUL character (byte 0), which is not allowed")


def split_front_matter(text: str) -> FrontMatterFile:
    """``---`` YAML ``---`` then the Markdown body."""
    line = nul_line(text)
    if line is not None:
        raise YamlProblem(line, nul_reason())
    if problem := size_problem(text):
        raise YamlProblem(1, problem)
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise YamlProblem(1, _("the file must start with a '---' line opening the front matter"))
    for index in range(1, len(lines)):
        if lines[index].rstrip() == "---":
            meta = load_yaml("\n".join(lines[1:index]), first_line=2)
            return FrontMatterFile(meta, "\n".join(lines[index + 1 :]), index + 2)
    raise YamlProblem(1, _("the front matter is never closed with a '---' line"))
