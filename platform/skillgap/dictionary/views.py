"""/metrics and /metrics/<id>. The calculator is a GET form: it changes
nothing, so it needs no CSRF token and works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from skillgap.access import requires
from skillgap.content.metrics import FormulaSpec
from skillgap.curriculum.snapshot import Snapshot, snapshot_of
from skillgap.db import get_session
from skillgap.i18n import current_locale
from skillgap.roles import Role
from skillgap.services import metric_dictionary

bp = Blueprint("metrics", __name__, url_prefix="/metrics")

# What an entry counts and its scope (content/metrics.py: COUNTS, SCOPES), in words:
# short in the listing, in full on the entry's page.
COUNTS_SHORT = {
    "people": _l("people"),
    "times": _l("times"),
    "amount": _l("amount"),
    "rate": _l("rate"),
    "time": _l("time"),
}
COUNTS = {
    "people": _l("People (accounts), each once"),
    "times": _l("Times: repeats count"),
    "amount": _l("An amount of money"),
    "rate": _l("A rate"),
    "time": _l("Time"),
}
SCOPES = {"organic": _l("organic"), "paid": _l("paid"), "both": _l("both")}


@bp.get("")
@requires(Role.LEARNER)
def index():
    query = (request.args.get("q") or "").strip()[:100]
    platform = (request.args.get("platform") or "").strip()[:80]
    db = get_session()
    result = metric_dictionary.search(db, query, platform)
    platforms = metric_dictionary.files(db)
    return render_template(
        "dictionary/index.html",
        result=result,
        platforms=platforms,
        listing=_listing(db, result, platforms),
    )


_LISTINGS: dict[tuple[Snapshot, str, str], Markup] = {}


def _listing(db, result, platforms) -> Markup:
    """The entries, as HTML. Without a search the page is one of a few (all, or one
    platform) that change only with the curriculum, so each is rendered once per
    snapshot and language; that keeps /metrics as fast as a module page."""
    if result.query:
        return _rendered(result, platforms)
    # The source snapshot, the same object whatever the language: a change of
    # language must not count as a new curriculum and clear the others' pages.
    key = (snapshot_of(db, localized=False), result.platform, current_locale())
    if key not in _LISTINGS:
        if len(_LISTINGS) > 64 or any(k[0] is not key[0] for k in _LISTINGS):
            _LISTINGS.clear()  # only the current snapshot's
        _LISTINGS[key] = _rendered(result, platforms)
    return _LISTINGS[key]


def _rendered(result, platforms) -> Markup:
    # render_template autoescapes: its output is HTML to include as it is.
    html = render_template(
        "dictionary/_listing.html",
        result=result,
        platforms=platforms,
        counts_short=COUNTS_SHORT,
        scopes=SCOPES,
    )
    return Markup(html)  # noqa: S704  # nosec B704


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
        counts=COUNTS,
        scopes=SCOPES,
    ), status
