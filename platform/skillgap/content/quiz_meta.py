"""A quiz file's front-matter settings: its time limit, and a diagnostic's
blueprint (how many bank items of each level a form draws per skill), the
mode (fixed forms or adaptive) and the adaptive stopping rule."""

from __future__ import annotations

from flask_babel import gettext as _

from skillgap.content.errors import ErrorList
from skillgap.kinds import QuizKind

MAX_PER_LEVEL = 50
MAX_TIME_LIMIT = 600


def time_limit(meta, shown: str, errors: ErrorList) -> int | None:
    limit = meta.data.get("time_limit_minutes")
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_TIME_LIMIT
    ):
        errors.add(
            shown,
            meta.line_of("time_limit_minutes"),
            _("time_limit_minutes must be a whole number from 1 to %(most)s", most=MAX_TIME_LIMIT),
        )
        return None
    return limit


def read_blueprint(
    meta, shown: str, kind: str, skill_ids: set[str] | None, errors: ErrorList
) -> dict[str, dict[str, int]] | None:
    """``blueprint``: per skill (or ``default``), how many bank items of each level a
    form draws. Level ids are checked against the framework with the banks."""
    if "blueprint" not in meta.data:
        return None
    line = meta.line_of("blueprint")
    value = meta.data["blueprint"]
    if kind != QuizKind.DIAGNOSTIC:
        errors.add(shown, line, _("only a diagnostic has a blueprint"))
        return None
    if not isinstance(value, dict) or not value:
        errors.add(shown, line, _("blueprint maps 'default' or skill ids to {level: items}"))
        return None
    blueprint: dict[str, dict[str, int]] = {}
    for skill, counts in value.items():
        where = meta.line_of("blueprint", skill)
        if skill != "default" and skill_ids is not None and skill not in skill_ids:
            errors.add(
                shown, where, _("unknown skill %(skill)s in the blueprint", skill=repr(skill))
            )
        if not isinstance(counts, dict) or not all(
            isinstance(level, str)
            and isinstance(n, int)
            and not isinstance(n, bool)
            and 0 <= n <= MAX_PER_LEVEL
            for level, n in counts.items()
        ):
            errors.add(
                shown,
                where,
                _(
                    "%(skill)s: give each level a number of items from 0 to %(most)s",
                    skill=skill,
                    most=MAX_PER_LEVEL,
                ),
            )
            continue
        blueprint[str(skill)] = dict(counts)
    return blueprint


MODES = ("fixed", "adaptive")
STOPPING_KEYS = {"min_items": (1, 40), "max_items": (1, 40)}
STOPPING_NAMES = ("min_items", "max_items", "certainty")


def read_mode(meta, shown: str, blueprint, errors: ErrorList) -> tuple[str, dict | None]:
    """``mode: adaptive`` (items chosen by the IRT engine; needs the banks, so a
    blueprint) or ``mode: fixed`` (the default); ``stopping`` overrides the
    adaptive stopping rule: ``{min_items: 5, max_items: 20, certainty: 0.95}``."""
    mode = meta.data.get("mode", "fixed")
    if mode not in MODES:
        errors.add(
            shown,
            meta.line_of("mode"),
            _("mode must be fixed or adaptive, got %(mode)s", mode=repr(mode)),
        )
        return "fixed", None
    if mode == "adaptive" and blueprint is None:
        errors.add(shown, meta.line_of("mode"), _("adaptive draws from the banks: add a blueprint"))
    if "stopping" not in meta.data:
        return str(mode), None
    line = meta.line_of("stopping")
    value = meta.data["stopping"]
    if mode != "adaptive" or not isinstance(value, dict):
        errors.add(shown, line, _("stopping is a mapping, for an adaptive diagnostic only"))
        return str(mode), None
    stopping: dict = {}
    for key, given in value.items():
        if key in STOPPING_KEYS:
            low, high = STOPPING_KEYS[key]
            ok = isinstance(given, int) and not isinstance(given, bool) and low <= given <= high
            if not ok:
                errors.add(
                    shown,
                    line,
                    _(
                        "stopping.%(key)s: a whole number from %(low)s to %(high)s",
                        key=key,
                        low=low,
                        high=high,
                    ),
                )
        elif key == "certainty":
            ok = isinstance(given, float) and 0.5 <= given < 1
            if not ok:
                errors.add(
                    shown, line, _("stopping.certainty must be a number from 0.5 to below 1")
                )
        else:
            names = ", ".join(STOPPING_NAMES)
            errors.add(
                shown,
                line,
                _("unknown stopping setting %(key)s: %(names)s", key=repr(key), names=names),
            )
            continue
        stopping[str(key)] = given
    if stopping.get("min_items", 5) > stopping.get("max_items", 20):
        errors.add(shown, line, _("stopping.min_items cannot be more than max_items"))
    return str(mode), stopping
