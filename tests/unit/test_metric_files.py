"""The metric dictionary's files: what a valid file gives, and each mistake
reported at its line."""

from __future__ import annotations

from datetime import date

from skillgap.content.citations import expand, mark_citations, shortcodes
from skillgap.content.errors import ErrorList
from skillgap.content.metrics import (
    FormulaSpec,
    MetricSpec,
    from_json,
    parse_metric_file,
    to_json,
)

TODAY = date(2026, 12, 1)
GOOD = """platform: tiktok
name: TikTok
metrics:
  - id: video-views
    name: Video views
    counts: times
    scope: organic
    where: "Analytics > Content"
    api_field: video_views
    formula: null
    definition: >-
      Times the video started playing,
      replays included.
    source: https://support.tiktok.com/en/using-tiktok/growing-your-audience/using-tiktok-analytics
    source_title: Using TikTok analytics
    checked: 2026-11-02
    changes:
      - {date: 2023-05, change: "First counted."}
      - {date: 2025-01-15, change: "Replays counted."}
"""


def parse(text: str, file_id: str = "tiktok"):
    errors = ErrorList()
    spec = parse_metric_file(text, f"courses/metrics/{file_id}.yml", file_id, errors, TODAY)
    return spec, [f"{e.line}: {e.reason}" for e in errors.sorted()]


def test_a_valid_file_gives_its_metrics_with_dates_and_defaults():
    spec, problems = parse(GOOD)
    assert problems == []
    (metric,) = spec.metrics
    assert isinstance(metric, MetricSpec)
    assert metric.id == "tiktok.video-views" and metric.counts == "times"
    assert metric.definition == "Times the video started playing, replays included."
    assert metric.checked == date(2026, 11, 2) == metric.reviewed
    assert metric.review_after == date(2027, 5, 2)  # six months after review by default
    assert [c.date for c in metric.changes] == ["2023-05", "2025-01-15"]
    assert from_json(to_json(metric)) == metric


def test_each_mistake_is_reported_at_its_line():
    bad = (
        GOOD.replace("counts: times", "counts: clicks")
        .replace("checked: 2026-11-02", "checked: 2027-01-01")
        .replace("source: https://support", "source: http://support")
        .replace("2023-05", "May 2023")
        .replace("platform: tiktok", "platform: tik-tok")
    )
    spec, problems = parse(bad + "extra: 1\n")
    assert spec is None
    swapped = GOOD.replace("2023-05", "2025-06")
    assert parse(swapped)[1] == ["17: changes are listed oldest first"]
    assert problems == [
        "1: platform must be the file's name, 'tiktok', got 'tik-tok'",
        "6: counts must be one of people, times, amount, rate, time, got 'clicks'",
        "14: source must be an https:// address",
        "16: checked 2027-01-01 is in the future",
        "18: a change's date is YYYY-MM or YYYY-MM-DD, got 'May 2023'",
        "20: unknown key 'extra'",
    ]


def test_a_formula_must_use_exactly_its_inputs():
    text = """formulas:
  - id: ctr
    name: Click-through rate
    expression: clicks / impressions * 100 + bonus
    unit: percent
    inputs:
      - {name: clicks, label: Clicks, counts: times}
      - {name: impressions, label: Impressions, counts: times}
    definition: Clicks per hundred impressions.
    source: https://example.org/ctr
    source_title: CTR
    checked: 2026-11-30
"""
    spec, problems = parse(text, "formulas")
    assert problems == [
        "4: the expression uses bonus, clicks, impressions but the inputs are clicks, impressions"
    ]
    spec, problems = parse(text.replace(" + bonus", ""), "formulas")
    assert problems == []
    assert isinstance(spec.formulas[0], FormulaSpec)
    assert from_json(to_json(spec.formulas[0])) == spec.formulas[0]


def test_citations_become_markers_and_expand_to_the_current_definition():
    spec, _ = parse(GOOD)
    entries = {e.id: e for e in spec.entries}
    body = "Count views [[metric:tiktok.video-views]] and [[metric:gone.metric]].\n"
    assert shortcodes("a\n" + body) == [(2, "tiktok.video-views"), (2, "gone.metric")]
    html = expand(mark_citations(body), entries)
    assert '<a href="/metrics/tiktok.video-views">tiktok: Video views</a>' in html
    assert "checked 2 Nov 2026" in html and "replays included." in html
    assert "[[metric" not in html and html.endswith("and gone.metric.\n")
    # Text in a definition is escaped, never markup.
    poisoned = {
        "tiktok.video-views": MetricSpec(**{**spec.metrics[0].__dict__, "definition": "<b>x</b>"})
    }
    assert "&lt;b&gt;x&lt;/b&gt;" in expand(mark_citations(body), poisoned)
