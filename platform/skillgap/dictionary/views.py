"""/metrics and /metrics/<id>. The calculator is a GET form: it changes
nothing, so it needs no CSRF token and works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from skillgap.access import requires
from skillgap.content.metrics import FormulaSpec
from skillgap.db import get_session
from skillgap.roles import Role
from skillgap.services import metric_dictionary

bp = Blueprint("metrics", __name__, url_prefix="/metrics")


@bp.get("")
@requires(Role.LEARNER)
def index():
    query = (request.args.get("q") or "").strip()[:100]
    platform = (request.args.get("platform") or "").strip()[:80]
    db = get_session()
    result = metric_dictionary.search(db, query, platform)
    return render_template(
        "dictionary/index.html", result=result, platforms=metric_dictionary.files(db)
    )


@bp.get("/<entry_id>")
@requires(Role.LEARNER)
def entry(entry_id: str):
    page = metric_dictionary.entry_page(get_session(), entry_id[:200]) or abort(404)
    calculation = None
    if isinstance(page.entry, FormulaSpec) and "calculate" in request.args:
        entered = {item.name: request.args.get(item.name, "") for item in page.entry.inputs}
        calculation = metric_dictionary.calculate(page.entry, entered)
    status = 422 if calculation is not None and not calculation.done else 200
    return render_template(
        "dictionary/entry.html",
        page=page,
        calculation=calculation,
        formatted=metric_dictionary.formatted,
    ), status
