"""Formulas of the metric dictionary: ``engagements / reach * 100``.

An expression is arithmetic over named inputs: numbers, names, + - * /,
unary minus and parentheses, nothing else (no calls, no attributes, no
powers), so a formula from a content file can be evaluated on a learner's
numbers without eval(). Pure functions: no Flask, no database.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping

MAX_EXPRESSION = 300
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}


class FormulaError(ValueError):
    """An expression that is not allowed, or a value it cannot be evaluated on;
    the message is for the person who wrote or entered it."""


def parse(expression: str) -> ast.expr:
    if not isinstance(expression, str) or not expression.strip():
        raise FormulaError("the expression is empty")
    if len(expression) > MAX_EXPRESSION:
        raise FormulaError(f"the expression is longer than {MAX_EXPRESSION} characters")
    try:
        tree = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError as error:
        raise FormulaError(f"the expression is not arithmetic: {error.msg}") from None
    _check(tree)
    return tree


def _check(node: ast.AST) -> None:
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check(node.left)
        _check(node.right)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand)
    elif isinstance(node, ast.Name):
        if not node.id.replace("_", "a").isalnum() or not node.id.isascii():
            raise FormulaError(f"{node.id!r} is not an input name")
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise FormulaError(f"{node.value!r} is not a number")
    else:
        raise FormulaError("only numbers, input names, + - * / and parentheses are allowed")


def names(expression: str) -> set[str]:
    """The input names an expression uses."""
    return {node.id for node in ast.walk(parse(expression)) if isinstance(node, ast.Name)}


def evaluate(expression: str, values: Mapping[str, float]) -> float:
    """The expression's value for ``values``; FormulaError for a missing input or
    a division by zero (the message names the divisor's expression)."""
    return _value(parse(expression), values)


def _value(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return float(node.value)  # type: ignore[arg-type]  # _check allowed numbers only
    if isinstance(node, ast.Name):
        if node.id not in values:
            raise FormulaError(f"no value for {node.id}")
        return float(values[node.id])
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    assert isinstance(node, ast.BinOp)
    left, right = _value(node.left, values), _value(node.right, values)
    if isinstance(node.op, ast.Add):
        result = left + right
    elif isinstance(node.op, ast.Sub):
        result = left - right
    elif isinstance(node.op, ast.Mult):
        result = left * right
    else:
        if right == 0:
            raise FormulaError(
                f"{ast.unparse(node.right)} is zero, and a rate cannot divide by zero"
            )
        result = left / right
    if not math.isfinite(result):
        raise FormulaError("the numbers are too large to calculate with")
    return result
