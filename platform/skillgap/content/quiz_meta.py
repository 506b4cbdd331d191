"""A quiz file's front-matter settings: its time limit, and a diagnostic's
blueprint (how many bank items of each level a form draws per skill), the
mode (fixed forms or adaptive) and the adaptive stopping rule."""

from __future__ import annotations

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
            f"time_limit_minutes must be a whole number from 1 to {MAX_TIME_LIMIT}",
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
        errors.add(shown, line, "only a diagnostic has a blueprint")
        return None
    if not isinstance(value, dict) or not value:
        errors.add(shown, line, "blueprint maps 'default' or skill ids to {level: items}")
        return None
    blueprint: dict[str, dict[str, int]] = {}
    for skill, counts in value.items():
        where = meta.line_of("blueprint", skill)
        if skill != "default" and skill_ids is not None and skill not in skill_ids:
            errors.add(shown, where, f"unknown skill {skill!r} in the blueprint")
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
                f"{skill}: give each level a number of items from 0 to {MAX_PER_LEVEL}",
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
        errors.add(shown, meta.line_of("mode"), f"mode must be fixed or adaptive, got {mode!r}")
        return "fixed", None
    if mode == "adaptive" and blueprint is None:
        errors.add(shown, meta.line_of("mode"), "adaptive draws from the banks: add a blueprint")
    if "stopping" not in meta.data:
        return str(mode), None
    line = meta.line_of("stopping")
    value = meta.data["stopping"]
    if mode != "adaptive" or not isinstance(value, dict):
        errors.add(shown, line, "stopping is a mapping, for an adaptive diagnostic only")
        return str(mode), None
    stopping: dict = {}
    for key, given in value.items():
        if key in STOPPING_KEYS:
            low, high = STOPPING_KEYS[key]
            ok = isinstance(given, int) and not isinstance(given, bool) and low <= given <= high
            if not ok:
                errors.add(shown, line, f"stopping.{key}: a whole number from {low} to {high}")
        elif key == "certainty":
            ok = isinstance(given, float) and 0.5 <= given < 1
            if not ok:
                errors.add(shown, line, "stopping.certainty must be a number from 0.5 to below 1")
        else:
            names = ", ".join(STOPPING_NAMES)
            errors.add(shown, line, f"unknown stopping setting {key!r}: {names}")
            continue
        stopping[str(key)] = given
    if stopping.get("min_items", 5) > stopping.get("max_items", 20):
        errors.add(shown, line, "stopping.min_items cannot be more than max_items")
    return str(mode), stopping
