"""Shared by the API tests: tokens, requests with a bearer token, statement
counts, people with adaptive and fixed results, and validation against the
OpenAPI document's schemas (jsonschema, Draft 2020-12)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import event

from skillgap import clock
from skillgap.api.openapi import document
from skillgap.db import database
from skillgap.kinds import AttemptState, QuizKind
from skillgap.models import Attempt, User
from skillgap.services import api_tokens
from skillgap.services.standing import NewResult, record_results

LEVELS = ("below-entry", "entry", "intermediate", "advanced")
SKILLS = ("strategy-planning", "platform-metrics")
ALL_SCOPES = (api_tokens.PEOPLE_READ, api_tokens.RESULTS_READ)


def make_token(db, creator: User, scopes=ALL_SCOPES, name: str = "sync") -> str:
    _token, plaintext = api_tokens.create(db, name, scopes, creator)
    db.commit()
    return plaintext


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def schema_for(path: str, status: int) -> dict[str, Any]:
    """The response schema the document gives for ``path`` (a template) and status."""
    doc = document()
    response = doc["paths"][path]["get"]["responses"][str(status)]
    return response["content"]["application/json"]["schema"]


def assert_valid(body: Any, schema: dict[str, Any]) -> None:
    """``body`` against ``schema``, its $refs resolved in the document's components."""
    root = {**schema, "components": document()["components"]}
    validator = Draft202012Validator(root, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def statements(app: Flask, client, url: str, headers: dict[str, str]) -> list[str]:
    """The SQL statements one GET runs (not BEGIN/COMMIT/ROLLBACK)."""
    seen: list[str] = []
    engine = database(app).engine

    def note(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.get_json()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return [s for s in seen if not s.startswith(("BEGIN", "COMMIT", "ROLLBACK"))]


def _attempt(db, user: User, kind: str, when: datetime) -> Attempt:
    attempt = Attempt(
        user_id=user.id,
        quiz_id=kind,
        state=AttemptState.SUBMITTED.value,
        question_ids=[],
        started_at=when,
        submitted_at=when,
    )
    db.add(attempt)
    db.flush()
    return attempt


def fixed_result(db, user: User, skill: str, level: int, when: datetime | None = None) -> None:
    when = when or clock.now()
    attempt = _attempt(db, user, QuizKind.DIAGNOSTIC.value, when)
    percent = (40.0, 65.0, 80.0, 95.0)[level]
    record_results(
        db,
        [
            NewResult(
                attempt.id,
                user.id,
                skill,
                QuizKind.DIAGNOSTIC.value,
                LEVELS[level],
                when,
                earned=percent / 100 * 6,
                possible=6,
                percent=percent,
                questions=6,
            )
        ],
    )


def adaptive_result(
    db, user: User, skill: str, level: int, certainty: float, when: datetime | None = None
) -> None:
    when = when or clock.now()
    attempt = _attempt(db, user, QuizKind.DIAGNOSTIC.value, when)
    rest = (1 - certainty) / 3
    record_results(
        db,
        [
            NewResult(
                attempt.id,
                user.id,
                skill,
                QuizKind.DIAGNOSTIC.value,
                LEVELS[level],
                when,
                percent=70.0,
                questions=12,
                theta=0.4,
                theta_se=0.35,
                domain_low=58.0,
                domain_high=81.0,
                certainty=certainty,
                level_probabilities=[certainty if i == level else rest for i in range(4)],
            )
        ],
    )


def self_rating(db, user: User, skill: str, level: int, when: datetime | None = None) -> None:
    when = when or clock.now()
    attempt = _attempt(db, user, QuizKind.SELF_ASSESSMENT.value, when)
    record_results(
        db,
        [
            NewResult(
                attempt.id, user.id, skill, QuizKind.SELF_ASSESSMENT.value, LEVELS[level], when
            )
        ],
    )
