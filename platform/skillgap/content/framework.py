"""Reading and validating courses/framework.yml: levels, the self-rating scale,
skills and role profiles. Every problem is collected as ``file:line: reason``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.content.source import SLUG, YamlDoc, YamlProblem, load_yaml
from skillgap.content.specs import FrameworkSpec, LevelSpec, RoleSpec, SelfRatingSpec, SkillSpec

FRAMEWORK_KEYS = {"levels", "self_ratings", "skills", "roles"}


def parse_framework(text: str, shown: str, errors: ErrorList) -> FrameworkSpec | None:
    """framework.yml's text; problems go to ``errors`` as ``shown:line: reason``."""
    try:
        doc = load_yaml(text)
    except YamlProblem as problem:
        errors.add(shown, problem.line, problem.reason)
        return None
    if not isinstance(doc.data, dict):
        errors.add(
            shown,
            1,
            _("the framework must be a mapping with levels, self_ratings, skills and roles"),
        )
        return None
    count_before = len(errors)
    for key in sorted(set(doc.data) - FRAMEWORK_KEYS, key=str):
        errors.add(shown, doc.line_of(key), _("unknown key %(key)s", key=repr(key)))
    reader = _Reader(doc, shown, errors)
    levels = reader.levels()
    ratings = reader.self_ratings({level.id for level in levels})
    skills = reader.skills()
    roles = reader.roles({skill.id for skill in skills}, {level.id for level in levels})
    if len(errors) > count_before:
        return None
    return FrameworkSpec(shown, text, levels, ratings, skills, roles)


@dataclass
class _Reader:
    doc: YamlDoc
    shown: str
    errors: ErrorList
    _seen: dict[str, set[str]] = field(default_factory=dict)

    def _error(self, key: str, index: int, reason: str) -> None:
        self.errors.add(self.shown, self.doc.line_of(key, index), reason)

    def entries(self, key: str) -> list[tuple[int, dict[str, Any]]]:
        value = self.doc.data.get(key)
        if not isinstance(value, list) or not value:
            self.errors.add(
                self.shown,
                self.doc.line_of(key),
                _("%(key)s must be a non-empty list", key=repr(key)),
            )
            return []
        found = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                found.append((index, item))
            else:
                self._error(key, index, _("each entry of %(key)s must be a mapping", key=repr(key)))
        return found

    def text(self, key: str, index: int, item: dict, name: str, required: bool = True) -> str:
        value = item.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            self._error(
                key, index, _("%(key)s entry needs a %(name)s text", key=key, name=repr(name))
            )
            return ""
        return value.strip()

    def id(self, key: str, index: int, item: dict) -> str:
        value = item.get("id")
        if not isinstance(value, str) or not SLUG.match(value):
            self._error(
                key,
                index,
                _(
                    "%(key)s entry needs an 'id' in lower-case-with-hyphens, got %(value)s",
                    key=key,
                    value=repr(value),
                ),
            )
            return ""
        seen = self._seen.setdefault(key, set())
        if value in seen:
            self._error(key, index, _("duplicate %(key)s id %(value)s", key=key, value=repr(value)))
        seen.add(value)
        return value

    def levels(self) -> list[LevelSpec]:
        levels: list[LevelSpec] = []
        for index, item in self.entries("levels"):
            level_id = self.id("levels", index, item)
            name = self.text("levels", index, item, "name")
            percent = item.get("min_percent")
            if (
                isinstance(percent, bool)
                or not isinstance(percent, int | float)
                or not 0 <= percent <= 100
            ):
                self._error("levels", index, _("min_percent must be a number from 0 to 100"))
                continue
            if levels and percent <= levels[-1].min_percent:
                self._error(
                    "levels", index, _("levels must be listed from lowest to highest min_percent")
                )
            if not levels and percent != 0:
                self._error("levels", index, _("the lowest level must have min_percent 0"))
            levels.append(LevelSpec(level_id, name, float(percent)))
        return levels

    def self_ratings(self, level_ids: set[str]) -> list[SelfRatingSpec]:
        ratings = []
        for index, item in self.entries("self_ratings"):
            rating_id = self.id("self_ratings", index, item)
            label = self.text("self_ratings", index, item, "label")
            claims = item.get("claims")
            if not isinstance(claims, str) or claims not in level_ids:
                self._error(
                    "self_ratings",
                    index,
                    _("unknown level %(claims)s in claims", claims=repr(claims)),
                )
            ratings.append(SelfRatingSpec(rating_id, label, str(claims)))
        return ratings

    def skills(self) -> list[SkillSpec]:
        return [
            SkillSpec(
                self.id("skills", index, item),
                self.text("skills", index, item, "name"),
                self.text("skills", index, item, "description", required=False),
            )
            for index, item in self.entries("skills")
        ]

    def roles(self, skill_ids: set[str], level_ids: set[str]) -> list[RoleSpec]:
        roles = []
        for index, item in self.entries("roles"):
            role_id = self.id("roles", index, item)
            name = self.text("roles", index, item, "name")
            targets = item.get("targets") or {}
            if not isinstance(targets, dict):
                self._error("roles", index, _("targets must map skill ids to level ids"))
                targets = {}
            for skill_id, level_id in targets.items():
                line = self.doc.line_of("roles", index, "targets", skill_id)
                if not isinstance(skill_id, str) or skill_id not in skill_ids:
                    self.errors.add(
                        self.shown, line, _("unknown skill %(skill_id)s", skill_id=repr(skill_id))
                    )
                if not isinstance(level_id, str) or level_id not in level_ids:
                    self.errors.add(
                        self.shown, line, _("unknown level %(level_id)s", level_id=repr(level_id))
                    )
            roles.append(RoleSpec(role_id, name, {str(k): str(v) for k, v in targets.items()}))
        return roles
