"""The formula parser: accepted games give the right V; hostile or malformed input is refused."""

import numpy as np
import pytest
import sympy as sp

from course_lib.minimax.games import X, Y, almost_bilinear, forsaken
from course_lib.minimax.parser import FormulaError, custom_game, parse_formula


@pytest.mark.parametrize("text, expected", [
    ("x*y", X * Y), ("x^2 - y**2", X**2 - Y**2), ("-(x + 2)/3", -(X + 2) / 3),
    ("sin(x)*exp(y) + pi", sp.sin(X) * sp.exp(Y) + sp.pi),
    ("sqrt(abs(x)) + tanh(y) + log(e)", sp.sqrt(sp.Abs(X)) + sp.tanh(Y) + 1),
    ("0.45*x", sp.Rational(9, 20) * X), ("cos(x) * tan(y)", sp.cos(X) * sp.tan(Y)),
])
def test_accepted_formulas(text, expected):
    assert sp.simplify(parse_formula(text) - expected) == 0


def test_custom_game_equals_library_game():
    z = np.random.default_rng(0).uniform(-1.5, 1.5, size=(50, 2))
    typed = custom_game("x*(y - 0.45) + x^2/4 - x^4/2 + x^6/6 - (y^2/4 - y^4/2 + y^6/6)")
    np.testing.assert_allclose(typed.V(z), forsaken().V(z), atol=1e-12)
    typed = custom_game("x*y + 0.1*(y^2/2 - y^4/4)")
    np.testing.assert_allclose(typed.jacobian(z), almost_bilinear(0.1).jacobian(z), atol=1e-12)
    assert custom_game("x").V(z).shape == (50, 2)  # a constant V still has one row per point


HOSTILE = [
    ("__import__('os').system('echo hi')", "calling"), ("x.__class__", "Attribute"), ("lambda: 1", "Lambda"),
    ("'abc'", "not a number"), ("os", "unknown name"), ("exec('1')", "calling"), ("x if y else 1", "IfExp"),
    ("[x, y]", "List"), ("x[0]", "Subscript"), ("x < y", "Compare"), ("sin(x, y)", "one argument"),
    ("sin(x=1)", "one argument"), ("x" * 10_000, "characters"), ("(" * 40 + "x" + ")" * 40, "nesting"),
    ("-" * 50 + "x", "nesting"), ("2**2**2**2**2", "exponent"), ("9**99", "constant power"),
    ("1e300*x", "larger than"), ("", "empty"), ("x +", "not a formula"), ("1/0 + x", "infinity"),
    ("3", "depend on x or y"), ("True*x", "not a number"), ("(x := 1)", "NamedExpr"),
    ("x; y", "not a formula"),
    ("+".join(["x"] * 150), "symbols and operations"), (None, "expected text"),
    ("getattr(x, 'a')", "calling"), ("f'{x}'", "JoinedStr"), ("x @ y", "BinOp"),
]


@pytest.mark.parametrize("text, reason", HOSTILE)
def test_hostile_input_is_refused_with_a_reason(text, reason):
    with pytest.raises(FormulaError, match=reason):
        parse_formula(text)
