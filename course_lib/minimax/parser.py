"""A safe parser for a game typed by a user: text Φ(x, y) → sympy expression → :class:`Game`.

    game = custom_game("x*y + 0.1*(y^2/2 - y^4/4)")

The text is parsed by Python's ``ast`` module into a syntax tree that is *walked*, never evaluated:
only numbers, the names ``x``, ``y``, ``pi``, ``e``, the operators + − * / ** ^ (^ means power),
parentheses and the functions sin cos tan exp log sqrt tanh abs are accepted. Everything else
(attribute access, calls of other names, lambdas, strings, subscripts, comparisons, keywords, ...) is
refused with a :class:`FormulaError` that says what was refused. Size limits bound the work: at most
500 characters, 200 syntax nodes, nesting depth 30, numbers of at most 10⁶ in size and exponents of
at most 100 when the exponent is a number.
"""

from __future__ import annotations

import ast

import sympy as sp

from course_lib.minimax.games import Game, X, Y

MAX_CHARS, MAX_NODES, MAX_DEPTH, MAX_NUMBER, MAX_EXPONENT = 500, 200, 30, 1e6, 100

FUNCTIONS = {"sin": sp.sin, "cos": sp.cos, "tan": sp.tan, "exp": sp.exp, "log": sp.log, "sqrt": sp.sqrt,
             "tanh": sp.tanh, "abs": sp.Abs}
NAMES = {"x": X, "y": Y, "pi": sp.pi, "e": sp.E}
OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
             ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a**b}


class FormulaError(ValueError):
    """The formula was refused; the message says why and what is allowed."""


ALLOWED = ("allowed: numbers, x, y, pi, e, + - * / ** ^, parentheses and "
           + ", ".join(FUNCTIONS) + " of one argument")


def _refuse(what: str) -> FormulaError:
    return FormulaError(f"formula refused: {what}; {ALLOWED}")


def _depth(node: ast.AST) -> int:
    stack, deepest = [(node, 1)], 0
    while stack:
        n, d = stack.pop()
        deepest = max(deepest, d)
        stack.extend((c, d + 1) for c in ast.iter_child_nodes(n))
    return deepest


def _build(node: ast.AST) -> sp.Expr:
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _refuse(f"the constant {node.value!r} is not a number")
        if abs(node.value) > MAX_NUMBER:
            raise _refuse(f"the number {node.value!r} is larger than {MAX_NUMBER:g}")
        return sp.Integer(node.value) if isinstance(node.value, int) else sp.Rational(repr(node.value))
    if isinstance(node, ast.Name):
        if node.id not in NAMES:
            raise _refuse(f"unknown name {node.id!r}")
        return NAMES[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.UAdd, ast.USub)):
        operand = _build(node.operand)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp) and type(node.op) in OPERATORS:
        left, right = _build(node.left), _build(node.right)
        if isinstance(node.op, ast.Pow) and right.is_number:
            if not right.is_real or abs(float(right)) > MAX_EXPONENT:
                raise _refuse(f"the exponent {right} is not a real number of size at most {MAX_EXPONENT}")
            if left.is_number and left.is_real and abs(float(right)) * sp.log(abs(left) + 1) > 60:
                raise _refuse("a constant power larger than about 1e26")
        return OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            what = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)[:30]
            raise _refuse(f"calling {what!r} is not allowed")
        if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
            raise _refuse(f"{node.func.id} takes exactly one argument")
        return FUNCTIONS[node.func.id](_build(node.args[0]))
    raise _refuse(f"'{type(node).__name__}' syntax ({ast.unparse(node)[:40]!r})")


def parse_formula(text: str) -> sp.Expr:
    """Turn the text of Φ(x, y) into a sympy expression, refusing anything outside the whitelist."""
    if not isinstance(text, str):
        raise FormulaError(f"formula refused: expected text, got {type(text).__name__}")
    if len(text) > MAX_CHARS:
        raise FormulaError(f"formula refused: {len(text)} characters, at most {MAX_CHARS} are allowed")
    if not text.strip():
        raise FormulaError("formula refused: it is empty; type Φ(x, y), e.g. x*y")
    if text.count("(") > MAX_DEPTH:
        raise FormulaError(f"formula refused: nesting deeper than {MAX_DEPTH} parentheses")
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")  # ^ means power
    except (SyntaxError, ValueError) as err:
        reason = err.msg if isinstance(err, SyntaxError) else err
        raise FormulaError(f"formula refused: it is not a formula ({reason})") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise FormulaError(f"formula refused: more than {MAX_NODES} symbols and operations")
    if _depth(tree) > MAX_DEPTH:
        raise FormulaError(f"formula refused: nesting deeper than {MAX_DEPTH}")
    expr = _build(tree.body)
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise FormulaError("formula refused: it evaluates to infinity or is undefined (e.g. 1/0)")
    if not expr.free_symbols & {X, Y}:
        raise FormulaError("formula refused: Φ must depend on x or y")
    return expr


GRID = 21   # check_real samples Φ and V on a GRID × GRID grid of the drawing box


def check_real(expr: sp.Expr, box: float, *, n: int = GRID) -> None:
    """Refuse Φ unless Φ, ∂Φ/∂x and ∂Φ/∂y are real and finite on an n × n grid of [−box, box]²: a
    :class:`FormulaError` names the first point and the value (e.g. log(−1) = iπ), instead of a
    ``TypeError`` from the drawing code later."""
    import numpy as np

    g = np.linspace(-box, box, n)
    xs, ys = np.meshgrid(g, g, indexing="ij")
    for name, e in (("Φ", expr), ("∂Φ/∂x", sp.diff(expr, X)), ("∂Φ/∂y", sp.diff(expr, Y))):
        f = sp.lambdify((X, Y), e, modules="numpy")
        with np.errstate(all="ignore"):
            try:
                values = np.broadcast_to(np.asarray(f(xs + 0j, ys + 0j), dtype=complex), xs.shape)
            except (TypeError, ValueError, ZeroDivisionError, OverflowError) as err:
                raise FormulaError(f"formula refused: {name} cannot be evaluated on the box "
                                   f"[−{box:g}, {box:g}]² ({err})") from None
        scale = np.maximum(np.abs(values.real), 1.0)
        bad = ~np.isfinite(values) | (np.abs(values.imag) > 1e-9 * scale)
        if bad.any():
            i, j = np.argwhere(bad)[0]
            v = values[i, j]
            kind = "not finite" if not np.isfinite(v) else f"complex ({v.real:.4g} {v.imag:+.4g}i)"
            where = f"(x, y) = ({xs[i, j]:.4g}, {ys[i, j]:.4g})"
            raise FormulaError(f"formula refused: {name} is {kind} at {where} in the drawing box "
                               f"[−{box:g}, {box:g}]²; it must be real there (e.g. log "
                               "and sqrt of a positive quantity: log(1 + x^2), sqrt(1 + y^2))")


def custom_game(text: str, *, box: float = 2.0) -> Game:
    """A :class:`Game` from the text of Φ(x, y) (x minimises); V is derived symbolically. Φ and V must be
    real and finite on the drawing box [−box, box]² (see :func:`check_real`)."""
    expr = parse_formula(text)
    check_real(expr, box)
    return Game(f"Φ = {text.strip()}", expr, "custom game typed by the user", box=box)
