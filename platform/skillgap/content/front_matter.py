"""What course.md and module files share: reading a file (every failure an
error at its line), its front matter, and the checks of title, id lists, keys
and skills."""

from __future__ import annotations

from pathlib import Path

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.source import FrontMatterFile, YamlDoc, YamlProblem, split_front_matter
from skillgap.content.specs import FrameworkSpec

MAX_TITLE = 200


def relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def read_text(path: Path, shown: str, errors: ErrorList) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        errors.add(shown, 1, _("file not found"))
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        errors.add(shown, line, _("not valid UTF-8 text"))
    except OSError as error:
        errors.add(shown, 1, _("cannot read the file: %(reason)s", reason=error.strerror))
    return None


def front_matter(root: Path, path: Path, errors: ErrorList):
    shown = relative(root, path)
    text = read_text(path, shown, errors)
    if text is None:
        return shown, None, None
    return front_matter_text(text, shown, errors)


def front_matter_text(text: str, shown: str, errors: ErrorList):
    return shown, text, parsed_front_matter(text, shown, errors)


def parsed_front_matter(text: str, shown: str, errors: ErrorList) -> FrontMatterFile | None:
    """The front matter (a mapping) and body of any content file; None with the
    problem added to ``errors`` when it cannot be read."""
    try:
        parsed = split_front_matter(text)
    except YamlProblem as problem:
        errors.add(shown, problem.line, problem.reason)
        return None
    if not isinstance(parsed.meta.data, dict):
        errors.add(shown, 2, _("the front matter must be a mapping of keys to values"))
        return None
    return parsed


def title_of(shown: str, meta: YamlDoc, errors: ErrorList) -> str:
    title = meta.data.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.add(shown, meta.line_of("title") if "title" in meta.data else 1, _("missing title"))
        return ""
    if len(title) > MAX_TITLE:
        errors.add(
            shown,
            meta.line_of("title"),
            _("title is longer than %(most)s characters", most=MAX_TITLE),
        )
    return title.strip()


def id_list(shown: str, meta: YamlDoc, key: str, errors: ErrorList) -> list[str]:
    value = meta.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        errors.add(
            shown, meta.line_of(key), _("%(key)s must be a list of ids, like [a-id, b-id]", key=key)
        )
        return []
    return list(value)


def unknown_keys(shown: str, meta: YamlDoc, allowed: set[str], errors: ErrorList) -> None:
    for key in meta.data:
        if key not in allowed:
            errors.add(
                shown,
                meta.line_of(key),
                _(
                    "unknown key %(key)s (allowed: %(values)s)",
                    key=repr(key),
                    values=", ".join(sorted(allowed)),
                ),
            )


def check_skills(
    shown: str, meta: YamlDoc, skills: list[str], framework: FrameworkSpec | None, errors: ErrorList
) -> None:
    if framework is None:
        return
    known = {skill.id for skill in framework.skills}
    for skill in skills:
        if skill not in known:
            errors.add(
                shown, meta.line_of("skills"), _("unknown skill %(skill)s", skill=repr(skill))
            )
