"""Parse ``Name(literal, key=literal, …)`` — the repr of a small value type — without eval."""

from __future__ import annotations

import ast


def parse_call(text: str, name: str) -> tuple[list, dict]:
    """(args, kwargs) of ``text`` = ``name(...)`` with literal arguments only (ValueError otherwise).

    >>> parse_call("Signature(2.0, vanishing=('aac',))", "Signature")
    ([2.0], {'vanishing': ('aac',)})
    """
    try:
        node = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as e:
        raise ValueError(f"not a {name}(...) expression: {text!r}") from e
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name):
        raise ValueError(f"not a {name}(...) expression: {text!r}")
    try:
        return [ast.literal_eval(a) for a in node.args], {kw.arg: ast.literal_eval(kw.value) for kw in node.keywords}
    except ValueError as e:
        raise ValueError(f"{name}(...) takes literal arguments only: {text!r}") from e
