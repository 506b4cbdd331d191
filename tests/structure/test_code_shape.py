"""Code small enough to see: no function in platform/skillgap longer than 60
lines, no module longer than 400 (migrations aside). Prints the counts."""

from __future__ import annotations

import ast

from tests.structure.test_layers import PACKAGE, source_files

MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400


def test_functions_and_modules_stay_small(capsys):
    functions = []
    modules = []
    for path in source_files():
        source = path.read_text(encoding="utf-8")
        where = path.relative_to(PACKAGE.parent).as_posix()
        modules.append((len(source.splitlines()), where))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions.append((node.end_lineno - node.lineno + 1, f"{where}:{node.name}"))
    longest_function, longest_module = max(functions), max(modules)
    with capsys.disabled():
        print(
            f"\ncode shape: {len(modules)} modules, {len(functions)} functions; longest function "
            f"{longest_function[0]} lines ({longest_function[1]}), longest module "
            f"{longest_module[0]} lines ({longest_module[1]})"
        )
    too_long = [f"{name}: {lines} lines" for lines, name in functions if lines > MAX_FUNCTION_LINES]
    too_long += [f"{name}: {lines} lines" for lines, name in modules if lines > MAX_MODULE_LINES]
    assert not too_long, "\n".join(too_long)
