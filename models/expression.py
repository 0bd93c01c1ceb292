"""Expression tasks: a polynomial f(x, y) with integer coefficients, learned as the table
z = f(x, y) mod d over x, y ∈ Z_d (the reference scripts' ``expression`` task type; such a
table need not be a group operation).

Only what a polynomial needs is read — the variables ``x`` and ``y``, non-negative integer
constants, ``+``, ``-`` (binary and unary), ``*``, ``**`` with a constant exponent and
parentheses — by walking Python's syntax tree; nothing is evaluated as code. Arithmetic is
exact (reduced mod d after every operation).

>>> expression_table("x*x+x*y+y*y", 3).tolist()
[[0, 1, 1], [1, 0, 1], [1, 1, 0]]
>>> parse_expression("x ^ y")
Traceback (most recent call last):
...
ValueError: expression 'x ^ y': operator ^ is not allowed (use ** for powers; allowed: + - * ** and parentheses)
"""

from __future__ import annotations

import ast

import numpy as np

MAX_EXPRESSION_LENGTH = 1000
MAX_EXPONENT = 1 << 16
_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Pow: "**"}
_NAMES = {ast.BitXor: "^", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.BitAnd: "&", ast.BitOr: "|",
          ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@"}


def _short(text: str) -> str:
    text = text if len(text) <= 60 else text[:57] + "..."
    return repr(text)


def parse_expression(text) -> ast.Expression:
    """The syntax tree of a polynomial in x, y (module doc), or a one-line ValueError."""
    if not isinstance(text, str):
        raise ValueError(f"expression must be text, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("empty expression (e.g. x*x+x*y+y*y)")
    if len(text) > MAX_EXPRESSION_LENGTH:
        raise ValueError(f"expression has {len(text)} characters; at most {MAX_EXPRESSION_LENGTH}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise ValueError(f"expression {_short(text)} is not valid syntax (e.g. x*x+x*y+y*y)") from None
    _check(tree.body, text)
    return tree


def _check(node, text: str) -> None:
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            op = _NAMES.get(type(node.op), type(node.op).__name__)
            raise ValueError(f"expression {_short(text)}: operator {op} is not allowed "
                             "(use ** for powers; allowed: + - * ** and parentheses)")
        _check(node.left, text)
        if isinstance(node.op, ast.Pow):
            if not (isinstance(node.right, ast.Constant) and type(node.right.value) is int):
                raise ValueError(f"expression {_short(text)}: an exponent must be a non-negative integer constant")
            if node.right.value > MAX_EXPONENT:
                raise ValueError(f"expression {_short(text)}: exponent {node.right.value} above {MAX_EXPONENT}")
            return
        _check(node.right, text)
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        _check(node.operand, text)
    elif isinstance(node, ast.Name):
        if node.id not in ("x", "y"):
            raise ValueError(f"expression {_short(text)}: unknown name {node.id!r} (the variables are x and y)")
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        pass
    else:
        raise ValueError(f"expression {_short(text)}: only integers, x, y, + - * ** and parentheses are allowed")


def _eval(node, x: np.ndarray, y: np.ndarray, d: int) -> np.ndarray:
    if isinstance(node, ast.BinOp):
        a = _eval(node.left, x, y, d)
        if isinstance(node.op, ast.Pow):
            out = np.ones_like(a) % d
            base, e = a, int(node.right.value)
            while e:  # square and multiply, reduced each time
                if e & 1:
                    out = out * base % d
                base = base * base % d
                e >>= 1
            return out
        b = _eval(node.right, x, y, d)
        if isinstance(node.op, ast.Add):
            return (a + b) % d
        if isinstance(node.op, ast.Sub):
            return (a - b) % d
        return a * b % d
    if isinstance(node, ast.UnaryOp):
        v = _eval(node.operand, x, y, d)
        return (-v) % d if isinstance(node.op, ast.USub) else v
    if isinstance(node, ast.Name):
        return x if node.id == "x" else y
    return np.full_like(x, node.value % d)


def expression_table(text: str, d: int) -> np.ndarray:
    """(d, d) int64: entry [x, y] = f(x, y) mod d."""
    tree = parse_expression(text)
    d = int(d)
    if d < 1:
        raise ValueError(f"modulus must be ≥ 1, got {d}")
    x, y = np.meshgrid(np.arange(d, dtype=np.int64), np.arange(d, dtype=np.int64), indexing="ij")
    return np.asarray(_eval(tree.body, x, y, d), dtype=np.int64) % d
