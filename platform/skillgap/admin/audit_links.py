"""Links from the audit log to the items its entries are about.

An audit event keeps its target as text (``module kpi-basics``, a person's
email, a team's name), written when the action happened. Each page of the log
looks the targets up in a few queries (one per kind of item, never one per
event) and links those that still exist: content to its editor (and history),
people to their admin page (or, for targets and due dates, their page under
/team), teams to their form. A target that no longer resolves (a deleted
item, a person whose email or a team whose name changed since) stays plain text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import Session

from skillgap.curriculum.authoring import MODELS
from skillgap.models import AuditEvent, ContentKind, FrameworkSource, Team, User

FRAMEWORK_ID = "framework"  # the framework's one item, as the editor names it


@dataclass(frozen=True)
class AuditLink:
    href: str
    history: str | None = None  # content only: its revisions


def _content_target(event: AuditEvent) -> tuple[str, str] | None:
    """(kind, id) of a content event's target, e.g. ``quiz diagnostic``."""
    if not event.action.startswith("content.") or event.action == "content.import":
        return None
    kind, _, item_id = event.target.partition(" ")
    if kind not in {k.value for k in ContentKind} or not item_id:
        return None
    return kind, item_id


def _is_about_person(event: AuditEvent) -> bool:
    return event.action.startswith(("user.", "path.")) and "@" in event.target


def _is_about_team(event: AuditEvent) -> bool:
    return event.action.startswith("team.") and bool(event.target)


def _existing_content(session: Session, wanted: dict[str, set[str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for kind, ids in wanted.items():
        if kind == ContentKind.FRAMEWORK:
            if FRAMEWORK_ID in ids and session.get(FrameworkSource, 1) is not None:
                found.add((kind, FRAMEWORK_ID))
            continue
        id_column = MODELS[ContentKind(kind)].__table__.c.id
        found |= {
            (kind, item_id)
            for item_id in session.scalars(select(id_column).where(id_column.in_(ids)))
        }
    return found


def audit_links(session: Session, events: Iterable[AuditEvent]) -> dict[int, AuditLink]:
    """Event id -> where its target is, for the targets that still exist."""
    events = list(events)
    contents: dict[str, set[str]] = defaultdict(set)
    emails: set[str] = set()
    team_names: set[str] = set()
    for event in events:
        if (content := _content_target(event)) is not None:
            contents[content[0]].add(content[1])
        elif _is_about_person(event):
            emails.add(event.target)
        elif _is_about_team(event):
            team_names.add(event.target)
    existing = _existing_content(session, contents) if contents else set()
    people = (
        dict(session.execute(select(User.email, User.id).where(User.email.in_(emails))).all())
        if emails
        else {}
    )
    teams = (
        dict(session.execute(select(Team.name, Team.id).where(Team.name.in_(team_names))).all())
        if team_names
        else {}
    )
    links: dict[int, AuditLink] = {}
    for event in events:
        link = _link(event, existing, people, teams)
        if link is not None:
            links[event.id] = link
    return links


def _link(
    event: AuditEvent,
    existing: set[tuple[str, str]],
    people: dict[str, int],
    teams: dict[str, int],
) -> AuditLink | None:
    content = _content_target(event)
    if content is not None:
        if content not in existing:
            return None
        kind, item_id = content
        return AuditLink(
            url_for("admin.edit_content", kind=kind, item_id=item_id),
            url_for("admin.content_history", kind=kind, item_id=item_id),
        )
    if _is_about_person(event) and event.target in people:
        user_id = people[event.target]
        # Targets and due dates are set on the person's page under /team.
        endpoint = "team.person" if event.action.startswith("path.") else "admin.edit_user"
        return AuditLink(url_for(endpoint, user_id=user_id))
    if _is_about_team(event) and event.target in teams:
        return AuditLink(url_for("admin.edit_team", team_id=teams[event.target]))
    return None
