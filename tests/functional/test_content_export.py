"""Exporting the database's content reproduces the shipped files byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from skillgap.curriculum.exporter import export_content
from skillgap.curriculum.importer import import_content
from tests.conftest import PROJECT_ROOT


def shipped_files() -> dict[str, bytes]:
    files = {}
    for folder in ("courses", "quizzes"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            if path.is_file():
                files[path.relative_to(PROJECT_ROOT).as_posix()] = path.read_bytes()
    return files


@pytest.mark.slow
def test_export_of_freshly_imported_content_is_byte_identical(db, tmp_path: Path):
    import_content(db, PROJECT_ROOT)
    db.commit()
    report = export_content(db, tmp_path)
    shipped = shipped_files()
    exported = {
        path.relative_to(tmp_path).as_posix(): path.read_bytes()
        for path in sorted(tmp_path.rglob("*"))
        if path.is_file()
    }
    assert set(exported) == set(shipped)
    different = [name for name in shipped if exported[name] != shipped[name]]
    assert different == []
    assert report.written == len(shipped) > 80
    again = export_content(db, tmp_path)
    assert (again.written, again.unchanged) == (0, len(shipped))


@pytest.mark.slow
def test_export_command(app, db, tmp_path: Path):
    import_content(db, PROJECT_ROOT)
    db.commit()
    result = app.test_cli_runner().invoke(args=["content", "export", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "file(s) written" in result.output
    assert (tmp_path / "courses" / "framework.yml").read_bytes() == (
        PROJECT_ROOT / "courses" / "framework.yml"
    ).read_bytes()
