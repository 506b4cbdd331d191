"""Read-only facts from courses/framework.yml that the accounts pages need.

Only the role profiles are read here (for the admin's user form and the demo
organisation). The content importer owns validating and storing the framework.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def load_role_profiles(framework_file: Path) -> list[tuple[str, str]]:
    """(id, name) of each role profile, in file order; empty when the file is
    missing or unreadable, so accounts keep working while content is broken."""
    try:
        data = yaml.safe_load(framework_file.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []
    roles = data.get("roles") if isinstance(data, dict) else None
    if not isinstance(roles, list):
        return []
    return [
        (str(role["id"]), str(role.get("name", role["id"])))
        for role in roles
        if isinstance(role, dict) and "id" in role
    ]
