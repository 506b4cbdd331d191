"""The layers of platform/skillgap point one way.

Lowest first: foundation (kinds, roles, settings, the clock) and the pure rules;
models; content (files to validated specs, Markdown to safe HTML); the database
plumbing; the curriculum (snapshot, versions, importer, exporter, authoring,
revisions); services (plain functions over a session); the web layer
(blueprints and their helpers); the app (factory, CLI, start-up). A module may
import from its own layer or any lower one, never a higher one. The pure rules
import neither Flask nor SQLAlchemy. The test reads the imports from the source
(every ``import`` statement, those inside functions included).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "platform" / "skillgap"

LAYERS: list[tuple[str, tuple[str, ...]]] = [  # lowest first; a prefix names a package
    (
        "foundation",
        ("kinds", "roles", "config", "clock", "passwords", "inputs", "i18n", "catalogue"),
    ),
    ("rules", ("rules",)),
    ("models", ("models",)),
    ("content", ("content",)),
    ("database", ("sqlite_turns", "db", "migrate", "migrations")),
    ("curriculum", ("curriculum",)),
    ("services", ("services",)),
    (
        "web",
        (
            "extensions",
            "access",
            "forms",
            "security",
            "sessions",
            "hardening",
            "sign_in_limit",
            "fragments",
            "core",
            "auth",
            "learn",
            "assess",
            "dictionary",
            "team",
            "admin",
            "api",
            "credentials",
        ),
    ),
    ("app", ("", "cli", "startup")),  # "" is skillgap/__init__.py
]
PURE = ("rules",)
NOT_IN_PURE = ("flask", "sqlalchemy", "werkzeug", "flask_login", "flask_wtf", "alembic")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    inside = module.removeprefix("skillgap").removeprefix(".")
    top = inside.split(".")[0]
    for index, (_name, prefixes) in enumerate(LAYERS):
        if top in prefixes:
            return index
    raise AssertionError(f"{module} is in no layer: add it to LAYERS")


def imports_of(path: Path) -> list[tuple[int, str]]:
    """(line, imported module) for every import of the file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from skillgap.services import teams" imports the module skillgap.services.teams;
            # "from skillgap.db import get_session" a name of the module skillgap.db.
            for alias in node.names:
                candidate = PACKAGE.parent / Path(*node.module.split("."), alias.name)
                if candidate.with_suffix(".py").exists() or candidate.is_dir():
                    found.append((node.lineno, f"{node.module}.{alias.name}"))
                else:
                    found.append((node.lineno, node.module))
    return found


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "versions" not in p.parts)


def test_no_import_points_from_a_lower_layer_to_a_higher_one(capsys):
    arrows = upward = 0
    problems = []
    for path in source_files():
        here = module_name(path)
        own = layer_of(here)
        for line, imported in imports_of(path):
            if not (imported == "skillgap" or imported.startswith("skillgap.")):
                continue
            arrows += 1
            target = layer_of(imported)
            if target > own:
                upward += 1
                problems.append(
                    f"{path.relative_to(PACKAGE.parent)}:{line}: {here} ({LAYERS[own][0]}) "
                    f"imports {imported} ({LAYERS[target][0]})"
                )
    with capsys.disabled():
        print(f"\nlayers: {len(source_files())} modules, {arrows} imports, {upward} pointing up")
    assert not problems, "\n".join(problems)


def test_pure_rules_import_neither_flask_nor_the_database():
    problems = []
    for path in source_files():
        here = module_name(path)
        if LAYERS[layer_of(here)][0] not in PURE:
            continue
        for line, imported in imports_of(path):
            top = imported.split(".")[0]
            ours = imported.startswith("skillgap.") and LAYERS[layer_of(imported)][0] not in (
                "foundation",
                *PURE,
            )
            if top in NOT_IN_PURE or ours:
                problems.append(f"{path.relative_to(PACKAGE.parent)}:{line}: imports {imported}")
    assert not problems, "\n".join(problems)


def test_a_planted_upward_import_is_caught(tmp_path):
    """The walker sees an import inside a function, and from-imports of modules."""
    planted = tmp_path / "planted.py"
    planted.write_text("def f():\n    from skillgap.services import matrix\n")
    assert (2, "skillgap.services.matrix") in imports_of(planted)
    assert layer_of("skillgap.services.matrix") > layer_of("skillgap.db")
