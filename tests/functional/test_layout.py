"""The layout promise: platform/ is a source folder, never a package, so the
standard library's ``platform`` module keeps working for us and our dependencies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_platform_folder_is_not_a_package() -> None:
    assert (ROOT / "platform" / "skillgap" / "__init__.py").exists()
    assert not (ROOT / "platform" / "__init__.py").exists()


@pytest.mark.slow
def test_stdlib_platform_works_inside_the_app_process(database_url: str) -> None:
    code = (
        "import run, platform, sqlalchemy, uuid; "
        "print(platform.system(), platform.python_version(), run.app.name)"
    )
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "layout-test"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    system, python_version, app_name = result.stdout.split()
    assert system == "Linux"
    assert python_version.startswith("3.")
    assert app_name == "skillgap"
