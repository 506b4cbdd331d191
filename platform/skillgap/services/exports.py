"""The team matrix as a table, and that table as CSV or XLSX.

The table is exactly what the matrix page shows: per skill the current level,
its tested percent, the target and the gap, plus whether the level is tested.
The column headers and the evidence are in the reader's language; the cells
that are data (names, emails, role profile ids, numbers) are as stored.
Cells that a spreadsheet would run as a formula (starting with = + - @, or a
tab or carriage return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from urllib.parse import quote

from flask_babel import gettext as _

from skillgap.rules.matrix_cells import Cell
from skillgap.services.matrix import Matrix

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list[object]]]:
    header: list[str] = [_("Name"), _("Email"), _("Role profile")]
    for skill in matrix.skills:
        header += [
            _("%(skill)s: level", skill=skill.name),
            _("%(skill)s: tested %%", skill=skill.name),
            _("%(skill)s: target", skill=skill.name),
            _("%(skill)s: gap", skill=skill.name),
            _("%(skill)s: evidence", skill=skill.name),
        ]
    header.append(_("Total gap"))
    rows: list[list[object]] = []
    for row in matrix.rows:
        values: list[object] = [row.name, row.email, row.role_profile or ""]
        for skill in matrix.skills:
            cell = row.cells[skill.id]
            values += [
                cell.level.name,
                round(cell.percent, 1) if cell.percent is not None else "",
                cell.target.name if cell.target else "",
                cell.gap,
                _evidence(cell),
            ]
        values.append(row.total_gap)
        rows.append(values)
    return header, rows


def _evidence(cell: Cell) -> str:
    """How the cell's level is known, in words."""
    if cell.verified and cell.uncertain:
        return _("tested, not decided yet (under %(percent)s%% sure)", percent=80)
    if cell.verified and cell.low_evidence:
        return _("tested, low evidence")
    if cell.verified:
        return _("tested")
    return _("self-rated") if cell.self_rated else _("none")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def file_name(matrix: Matrix, extension: str, today: date) -> str:
    """The download's name: the team's name in ASCII letters and digits only (an
    HTTP header must be Latin-1; content_disposition carries the full name)."""
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in matrix.team.name.lower())
    slug = "-".join(part for part in slug.split("-") if part)
    return f"skillgap-matrix-{slug or 'team'}-{today.isoformat()}.{extension}"


def content_disposition(ascii_name: str, team_name: str, extension: str, today: date) -> str:
    """An attachment header with an ASCII file name and, per RFC 6266/5987, the
    team's own name in UTF-8 for browsers that read ``filename*``."""
    full = f"skillgap-matrix-{team_name.strip() or 'team'}-{today.isoformat()}.{extension}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(full, safe='')}"


SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def sheet_title(name: str) -> str:
    """A worksheet title Excel accepts: no / \\ ? * [ ] :, at most 31 characters,
    not starting or ending with an apostrophe."""
    title = SHEET_TITLE_FORBIDDEN.sub(" ", name).strip().strip("'")[:31].strip()
    return title or _("Matrix")


def to_csv(header: list[str], rows: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM: Excel reads UTF-8 right


def to_xlsx(header: list[str], rows: list[list[object]], title: str) -> bytes:
    # Imported here: openpyxl takes 0.2 s to import, and few requests need it.
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title(title))
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
