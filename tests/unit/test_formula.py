"""Formulas of the metric dictionary: evaluated on planted numbers, and
anything that is not plain arithmetic over named inputs is refused."""

from __future__ import annotations

import pytest

from skillgap.rules import formula


@pytest.mark.parametrize(
    ("expression", "values", "expected"),
    [
        ("engagements / reach * 100", {"engagements": 45, "reach": 1500}, 3.0),
        ("cost / impressions * 1000", {"cost": 250, "impressions": 40_000}, 6.25),
        ("(lower + upper) / 2", {"lower": 30, "upper": 50}, 40.0),
        ("1 / gross_margin", {"gross_margin": 0.4}, 2.5),
        ("-a + +b", {"a": 2, "b": 5}, 3.0),
    ],
)
def test_planted_inputs_give_the_known_result(expression, values, expected):
    assert formula.evaluate(expression, values) == pytest.approx(expected)
    assert formula.names(expression) == set(values)


@pytest.mark.parametrize(
    "expression",
    ["__import__('os').system('x')", "a ** 2", "a.real", "a if b else c", "[a]", "a // b", "'x'"],
)
def test_only_arithmetic_over_names_is_allowed(expression):
    with pytest.raises(formula.FormulaError):
        formula.parse(expression)


def test_division_by_zero_and_missing_inputs_are_clear_errors():
    with pytest.raises(formula.FormulaError, match="reach is zero"):
        formula.evaluate("engagements / reach", {"engagements": 3, "reach": 0})
    with pytest.raises(formula.FormulaError, match="no value for reach"):
        formula.evaluate("engagements / reach", {"engagements": 3})
    with pytest.raises(formula.FormulaError, match="too large"):
        formula.evaluate("a * b", {"a": 1e308, "b": 1e308})
    with pytest.raises(formula.FormulaError, match="longer than"):
        formula.parse("a + " * 200 + "a")
