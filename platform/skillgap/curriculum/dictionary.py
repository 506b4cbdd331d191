"""The metric dictionary in the database: writing its files (import and
publish) and loading them for the curriculum snapshot."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.content import metrics
from skillgap.content.metrics import MetricFileSpec
from skillgap.curriculum.writers import Counts, ImportReport, _upsert
from skillgap.models import MetricFile


@dataclass(frozen=True)
class MetricFileInfo:
    id: str
    name: str
    entries: tuple[metrics.Entry, ...]


def apply_metric_files(session: Session, files: list[MetricFileSpec], report: ImportReport) -> None:
    counts = report.counts["metric_files"]
    existing = {row.id: row for row in session.scalars(select(MetricFile))}
    for spec in files:
        write_metric_file(session, spec, counts)
    in_files = {spec.id for spec in files}
    for row in existing.values():
        if row.id not in in_files and row.published:
            row.published = False
            counts.unpublished += 1
    session.flush()


def write_metric_file(session: Session, spec: MetricFileSpec, counts: Counts) -> None:
    """Store one dictionary file (published), its entries parsed once here. An
    entry whose meaning differs from the stored one is dated today, so the
    modules and questions citing it are flagged for review (services/content_review.py)."""
    row = session.get(MetricFile, spec.id)
    before = {e.id: e for e in map(metrics.from_json, row.entries)} if row is not None else {}
    today = clock.now().date()
    entries = []
    for entry in spec.entries:
        old = before.get(entry.id)
        changed_on = old.changed_on if old is not None else None
        if old is not None and old.meaning != entry.meaning:
            changed_on = today
        entries.append(metrics.to_json(replace(entry, changed_on=changed_on)))
    values = {
        "name": spec.name,
        "source": spec.source,
        "entries": entries,
        "published": True,
    }
    _upsert(session, MetricFile, spec.id, values, counts)


def load_metric_files(session: Session) -> tuple[MetricFileInfo, ...]:
    """Published dictionary files, formulas last, platforms by name."""
    rows = session.execute(
        select(MetricFile.id, MetricFile.name, MetricFile.entries).where(MetricFile.published)
    ).all()
    files = [
        MetricFileInfo(file_id, name, tuple(metrics.from_json(data) for data in entries))
        for file_id, name, entries in rows
    ]
    return tuple(sorted(files, key=lambda f: (f.id == metrics.FORMULAS_FILE, f.name.lower())))
