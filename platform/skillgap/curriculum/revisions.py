"""Revisions (history, drafts, restore, diff) and the audit log.

Kept apart from the importer and the editors, which both call it: the importer
records an "import" revision for each item it creates or changes; the editors
record "browser" and "restore" revisions.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from skillgap import clock
from skillgap.models import AuditEvent, Revision, User


def revisions_of(session: Session, kind: str, item_id: str) -> list[Revision]:
    """Newest first."""
    return list(
        session.scalars(
            select(Revision)
            .where(Revision.kind == kind, Revision.item_id == item_id)
            .order_by(Revision.number.desc())
        )
    )


def latest(session: Session, kind: str, item_id: str) -> Revision | None:
    return session.scalar(
        select(Revision)
        .where(Revision.kind == kind, Revision.item_id == item_id)
        .order_by(Revision.number.desc())
        .limit(1)
    )


def live(session: Session, kind: str, item_id: str) -> Revision | None:
    """The newest published revision: what learners see."""
    return session.scalar(
        select(Revision)
        .where(
            Revision.kind == kind, Revision.item_id == item_id, Revision.published_at.is_not(None)
        )
        .order_by(Revision.number.desc())
        .limit(1)
    )


def add(
    session: Session,
    kind: str,
    item_id: str,
    source: str,
    origin: str,
    *,
    author: User | None = None,
    message: str = "",
    published: bool = False,
    now: datetime | None = None,
) -> Revision:
    number = (
        session.scalar(
            select(func.max(Revision.number)).where(
                Revision.kind == kind, Revision.item_id == item_id
            )
        )
        or 0
    ) + 1
    now = now or clock.now()
    revision = Revision(
        kind=kind,
        item_id=item_id,
        number=number,
        source=source,
        origin=origin,
        message=message[:300],
        author_id=author.id if author else None,
        published_at=now if published else None,
        created_at=now,
    )
    session.add(revision)
    session.flush()
    return revision


def record(
    session: Session, actor: User | None, action: str, target: str = "", detail: str = ""
) -> None:
    session.add(
        AuditEvent(
            actor_id=actor.id if actor else None, action=action, target=target[:200], detail=detail
        )
    )


@dataclass(frozen=True)
class DiffRow:
    tag: str  # "equal", "replace", "delete", "insert"
    left_number: int | None
    left: str
    right_number: int | None
    right: str


def side_by_side(left: str, right: str) -> list[DiffRow]:
    """Line-by-line comparison, for a two-column table (escaped by the template)."""
    a, b = left.splitlines(), right.splitlines()
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        height = max(i2 - i1, j2 - j1)
        for offset in range(height):
            i, j = i1 + offset, j1 + offset
            rows.append(
                DiffRow(
                    tag,
                    i + 1 if i < i2 else None,
                    a[i] if i < i2 else "",
                    j + 1 if j < j2 else None,
                    b[j] if j < j2 else "",
                )
            )
    return rows
