"""The OpenAPI 3.1 document of /api/v1, as a Python dict.

Written by hand next to the views, and held to them by tests: the document
validates (openapi-spec-validator), every route of the blueprint is in it with
the scope its view declares, and every response the tests see validates
against the schema given here (jsonschema, Draft 2020-12). Schemas forbid
unknown properties, so a field added to a response without its schema fails
the tests.
"""

from __future__ import annotations

import functools
from typing import Any

from skillgap.services.api_tokens import PEOPLE_READ, RESULTS_READ, SCOPES

JSON = "application/json"
Schema = dict[str, Any]


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict[str, Schema], description: str = "") -> Schema:
    schema: Schema = {
        "type": "object",
        "required": sorted(properties),
        "properties": properties,
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(kind: str, **extra: Any) -> Schema:
    return {"type": [kind, "null"], **extra}


STRING, INTEGER, BOOLEAN = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
NUMBER = {"type": "number"}
WHEN = _nullable("string", format="date-time")
CURSOR = _nullable("string", description="Pass as `cursor` for the next page; null: last page.")


def _list_of(item: str, paginated: bool = True) -> Schema:
    properties: dict[str, Schema] = {"data": {"type": "array", "items": _ref(item)}}
    if paginated:
        properties["next_cursor"] = CURSOR
    return _object(properties)


PERSON_SKILL = _object(
    {
        "skill_id": STRING,
        "level_id": {**STRING, "description": "The current level (design.md's rule)."},
        "source": {"enum": ["diagnostic", "self-assessment", "none"]},
        "measured_by": {
            "enum": ["adaptive", "fixed", None],
            "description": "How the diagnostic measured it; null unless source is diagnostic.",
        },
        "percent": _nullable("number"),
        "certainty": _nullable(
            "number",
            minimum=0,
            maximum=1,
            description="The level's posterior probability (adaptive only; else null).",
        ),
        "uncertain": {**BOOLEAN, "description": "Certainty under 0.8: not decided yet."},
        "low_evidence": BOOLEAN,
        "measured_at": WHEN,
        "self_rated_level_id": _nullable("string"),
        "target_level_id": STRING,
        "target_source": {"enum": ["role", "manager", "default"]},
        "gap": {**INTEGER, "minimum": 0, "description": "Levels below the target."},
    }
)
MATRIX_CELL = _object(
    {
        "skill_id": STRING,
        "level_id": STRING,
        "verified": BOOLEAN,
        "percent": _nullable("number"),
        "uncertain": BOOLEAN,
        "low_evidence": BOOLEAN,
        "self_rated_level_id": _nullable("string"),
        "target_level_id": _nullable("string"),
        "gap": {**INTEGER, "minimum": 0},
    }
)

SCHEMAS: dict[str, Schema] = {
    "Error": _object(
        {
            "error": {
                "enum": [
                    "bad_request",
                    "unauthorized",
                    "forbidden",
                    "not_found",
                    "method_not_allowed",
                    "too_large",
                    "too_many_requests",
                    "internal_error",
                ]
            },
            "message": STRING,
        }
    ),
    "Person": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "email": {**STRING, "format": "email"},
            "role": {"enum": ["learner", "manager", "admin"]},
            "active": BOOLEAN,
            "team": {"oneOf": [{"type": "null"}, _object({"id": INTEGER, "name": STRING})]},
            "role_profile": {
                "oneOf": [{"type": "null"}, _object({"id": STRING, "name": _nullable("string")})]
            },
            "last_login_at": WHEN,
            "skills": {"type": "array", "items": _ref("PersonSkill")},
        }
    ),
    "PersonSkill": PERSON_SKILL,
    "PeoplePage": _list_of("Person"),
    "Team": _object(
        {
            "id": INTEGER,
            "name": STRING,
            "manager_ids": {"type": "array", "items": INTEGER},
            "member_count": {**INTEGER, "description": "Active members."},
        }
    ),
    "TeamsPage": _list_of("Team"),
    "MatrixCell": MATRIX_CELL,
    "MatrixRow": _object(
        {
            "person_id": INTEGER,
            "name": STRING,
            "email": STRING,
            "role_profile_id": _nullable("string"),
            "total_gap": INTEGER,
            "cells": {"type": "array", "items": _ref("MatrixCell")},
        }
    ),
    "TeamMatrix": _object(
        {
            "team": _object({"id": INTEGER, "name": STRING}),
            "skill_ids": {"type": "array", "items": STRING},
            "data": {"type": "array", "items": _ref("MatrixRow")},
        },
        "The team's active members, as the matrix page shows them.",
    ),
    "Skill": _object({"id": STRING, "name": STRING, "description": STRING, "position": INTEGER}),
    "Skills": _list_of("Skill", paginated=False),
    "Level": _object(
        {"id": STRING, "name": STRING, "min_percent": NUMBER, "position": INTEGER},
        "Lowest first; a tested percent at or above min_percent reaches the level.",
    ),
    "Levels": _list_of("Level", paginated=False),
    "Result": _object(
        {
            "id": INTEGER,
            "person_id": INTEGER,
            "attempt_id": INTEGER,
            "skill_id": STRING,
            "kind": {"enum": ["diagnostic", "self-assessment", "check"]},
            "level_id": STRING,
            "measured_by": {"enum": ["adaptive", "fixed", None]},
            "percent": _nullable("number"),
            "questions": INTEGER,
            "low_evidence": BOOLEAN,
            "certainty": _nullable("number", minimum=0, maximum=1),
            "theta": _nullable("number"),
            "theta_se": _nullable("number"),
            "domain_low": _nullable("number"),
            "domain_high": _nullable("number"),
            "level_probabilities": {
                "oneOf": [{"type": "null"}, {"type": "array", "items": NUMBER}]
            },
            "latest": {**BOOLEAN, "description": "The newest of its person, skill and kind."},
            "recorded_at": {**STRING, "format": "date-time"},
        }
    ),
    "ResultsPage": _object(
        {
            "data": {"type": "array", "items": _ref("Result")},
            "next_cursor": CURSOR,
            "resume_cursor": _nullable(
                "string",
                description="Store it: the next sync passes it as `cursor` and gets only "
                "results recorded after this page.",
            ),
        }
    ),
}

LIMIT = {
    "name": "limit",
    "in": "query",
    "required": False,
    "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100},
}
CURSOR_PARAMETER = {
    "name": "cursor",
    "in": "query",
    "required": False,
    "description": "The `next_cursor` of the previous page (opaque).",
    "schema": {"type": "string"},
}
SINCE = {
    "name": "since",
    "in": "query",
    "required": False,
    "description": "Only results recorded at or after this ISO 8601 date or date-time "
    "(no offset: UTC), e.g. 2026-01-01T00:00:00Z.",
    "schema": {"type": "string"},
}


def _error(description: str, headers: dict[str, Any] | None = None) -> Schema:
    response: Schema = {"description": description, "content": {JSON: {"schema": _ref("Error")}}}
    if headers:
        response["headers"] = headers
    return response


def _operation(
    summary: str, schema: str, scope: str | None, parameters: list[Schema], extra: str = ""
) -> Schema:
    who = f"Needs a token with the `{scope}` scope." if scope else "Needs any working token."
    responses: dict[str, Schema] = {
        "200": {"description": "OK", "content": {JSON: {"schema": _ref(schema)}}},
        "401": _error(
            "No token, or an unknown or revoked one.",
            {"WWW-Authenticate": {"schema": {"type": "string"}}},
        ),
        "429": _error(
            "Over the token's rate limit.",
            {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
        ),
    }
    if parameters:
        responses["400"] = _error("A bad query parameter.")
    if scope:
        responses["403"] = _error("The token lacks the scope.")
    return {
        "summary": summary,
        "description": f"{who} {extra}".strip(),
        "security": [{"bearerToken": [scope] if scope else []}],
        "parameters": parameters,
        "responses": responses,
    }


def _paths() -> dict[str, Any]:
    return {
        "/openapi.json": {
            "get": {
                "summary": "This document",
                "description": "Public: it holds no data.",
                "security": [],
                "responses": {
                    "200": {"description": "OK", "content": {JSON: {"schema": {"type": "object"}}}}
                },
            }
        },
        "/people": {
            "get": _operation(
                "People, with team, role profile and current level per skill",
                "PeoplePage",
                PEOPLE_READ,
                [LIMIT, CURSOR_PARAMETER],
                "Inactive people are included, with active false. Ordered by id.",
            )
        },
        "/teams": {"get": _operation("Teams", "TeamsPage", PEOPLE_READ, [LIMIT, CURSOR_PARAMETER])},
        "/teams/{team_id}/matrix": {
            "get": {
                **_operation("One team's skill matrix", "TeamMatrix", PEOPLE_READ, []),
                "parameters": [
                    {"name": "team_id", "in": "path", "required": True, "schema": INTEGER}
                ],
            }
        },
        "/skills": {"get": _operation("The framework's skills", "Skills", None, [])},
        "/levels": {"get": _operation("The framework's levels", "Levels", None, [])},
        "/results": {
            "get": _operation(
                "Skill results, oldest first, for incremental sync",
                "ResultsPage",
                RESULTS_READ,
                [SINCE, LIMIT, CURSOR_PARAMETER],
                "Ordered by (recorded_at, id).",
            )
        },
    }


@functools.cache
def document() -> dict[str, Any]:
    paths = _paths()
    paths["/teams/{team_id}/matrix"]["get"]["responses"]["404"] = _error("No such team.")
    scopes = "; ".join(f"`{scope}`: {what}" for scope, what in SCOPES.items())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Skillgap API",
            "version": "1.0.0",
            "description": "Read-only API for HR and BI integrations. Tokens are created by "
            f"admins at /admin/tokens. Scopes: {scopes}. See docs/api.md.",
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token: Authorization: Bearer sg_...",
                }
            },
        },
        "security": [{"bearerToken": []}],
    }
