"""/api/v1 endpoints: parse the query, call services/api_data.py, answer JSON.

Which scope each endpoint needs is declared here with ``@api_scope`` and
stated again in the OpenAPI document (a test holds the two together).
"""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from skillgap.access import public
from skillgap.api.auth import api_scope
from skillgap.api.blueprint import bp
from skillgap.api.errors import ApiError
from skillgap.api.openapi import document
from skillgap.api.pagination import (
    encode_cursor,
    id_cursor,
    limit_arg,
    since_arg,
    time_id_cursor,
)
from skillgap.db import get_session
from skillgap.services import api_data
from skillgap.services.api_tokens import PEOPLE_READ, RESULTS_READ


def _json(body: dict[str, Any]) -> Response:
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept by a cache
    return response


def _id_page(listing: str, page: api_data.Page) -> Response:
    next_cursor = encode_cursor(listing, page.last_key) if page.has_more else None
    return _json({"data": page.items, "next_cursor": next_cursor})


@bp.get("/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document; public, like any API's reference (it holds no data)."""
    return _json(document())


@bp.get("/people")
@api_scope(PEOPLE_READ)
def people():
    page = api_data.people_page(get_session(), id_cursor("people"), limit_arg())
    return _id_page("people", page)


@bp.get("/teams")
@api_scope(PEOPLE_READ)
def teams():
    page = api_data.teams_page(get_session(), id_cursor("teams"), limit_arg())
    return _id_page("teams", page)


@bp.get("/teams/<id:team_id>/matrix")
@api_scope(PEOPLE_READ)
def team_matrix(team_id: int):
    found = api_data.team_matrix(get_session(), team_id)
    if found is None:
        raise ApiError(404, "There is no team with this id.")
    return _json(found)


@bp.get("/skills")
@api_scope(None)
def skills():
    return _json({"data": api_data.skills(get_session())})


@bp.get("/levels")
@api_scope(None)
def levels():
    return _json({"data": api_data.levels(get_session())})


@bp.get("/results")
@api_scope(RESULTS_READ)
def results():
    """Results oldest first by (recorded time, id). ``resume_cursor`` is where a
    later sync continues, even from the last page: nothing missed, nothing twice."""
    since, after, limit = since_arg(), time_id_cursor("results"), limit_arg()
    page = api_data.results_page(get_session(), since, after, limit)
    if page.last_key is not None:
        at, result_id = page.last_key
        resume: str | None = encode_cursor("results", at.isoformat(), result_id)
    else:
        resume = encode_cursor("results", after[0].isoformat(), after[1]) if after else None
    return _json(
        {
            "data": page.items,
            "next_cursor": resume if page.has_more else None,
            "resume_cursor": resume,
        }
    )
