"""Two-player games min_x max_y Φ(x, y) and their operator V(z) = [∇ₓΦ, −∇ᵧΦ], z = (x, y).

Every game is built from a sympy expression of Φ (the non-zero-sum talk (Cevher, 2024), "Basic algorithms
for minimax"): V and
its Jacobian are derived symbolically and compiled to vectorised numpy, so ``game.V`` maps points of
shape (N, 2) to (N, 2) and ``game.jacobian`` maps (N, 2) to (N, 2, 2). Convention: x minimises, the
mean dynamics are ż = −V(z).

The two Hsieh et al. examples are implemented in the orientation that shows the intended picture
(Hsieh et al. (2021)); the slide's printed formulas are available with ``player="x"`` / ``swap=True``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp
from scipy.optimize import root

from course_lib import _validate

X, Y = sp.symbols("x y", real=True)


@lru_cache(maxsize=256)
def _compile(exprs: tuple[sp.Expr, ...]) -> Callable[..., list]:
    """Compile expressions in x, y to one numpy function; polynomials in Horner form (fast powers)."""
    def fast(e: sp.Expr) -> sp.Expr:
        return sp.horner(sp.expand(e)) if e.free_symbols and e.is_polynomial(X, Y) else e
    return sp.lambdify((X, Y), [fast(e) for e in exprs], modules="numpy")


@dataclass(frozen=True, eq=False)
class Game:
    """A game Φ(x, y) with x the minimiser; ``V``/``jacobian``/``phi`` are vectorised numpy functions.

    ``solutions``: known zeros of V, shape (S, 2). ``box``: half-width of the square where the
    lectures draw (and, for Forsaken, project: clip to [−box, box]²). ``linear``: V is linear.
    """

    name: str
    expr: sp.Expr
    description: str = ""
    solutions: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    box: float = 2.0
    _fns: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        vx, vy = sp.diff(self.expr, X), -sp.diff(self.expr, Y)
        jac = [sp.diff(vx, X), sp.diff(vx, Y), sp.diff(vy, X), sp.diff(vy, Y)]
        self._fns.update(V=_compile((vx, vy)), J=_compile(tuple(jac)), phi=_compile((self.expr,)),
                         sym_V=(vx, vy), linear=all(e.is_polynomial(X, Y) and sp.Poly(e, X, Y).total_degree()
                                                    <= 1 for e in (vx, vy)))

    @property
    def V_expr(self) -> tuple[sp.Expr, sp.Expr]:
        """The symbolic operator (∂Φ/∂x, −∂Φ/∂y)."""
        return self._fns["sym_V"]

    @property
    def linear(self) -> bool:
        return self._fns["linear"]

    def V(self, z: np.ndarray) -> np.ndarray:
        """V(z) = [∂ₓΦ, −∂ᵧΦ] for points ``z`` of shape (..., 2)."""
        out = np.empty(np.shape(z))
        out[..., 0], out[..., 1] = self._fns["V"](z[..., 0], z[..., 1])
        return out

    def jacobian(self, z: np.ndarray) -> np.ndarray:
        """J_V(z) of shape (..., 2, 2): [[Φ_xx, Φ_xy], [−Φ_yx, −Φ_yy]]."""
        x = z[..., 0]
        parts = np.broadcast_arrays(*self._fns["J"](x, z[..., 1]), x)[:4]
        return np.stack(parts, axis=-1).astype(float, copy=False).reshape(*x.shape, 2, 2)

    def phi(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Φ(x, y), vectorised over arrays of the same shape (for contour plots)."""
        (value,) = self._fns["phi"](x, y)
        return np.broadcast_to(value, np.broadcast(x, y).shape).astype(float)

    def __repr__(self) -> str:
        return f"Game({self.name!r}: Φ = {sp.sstr(self.expr)})"


def _phi_ab(u: sp.Expr) -> sp.Expr:
    return u**2 / 2 - u**4 / 4


def _phi_forsaken(u: sp.Expr) -> sp.Expr:
    return u**2 / 4 - u**4 / 2 + u**6 / 6


def _rational(value: float) -> sp.Rational:
    return sp.Rational(repr(float(value)))


def bilinear() -> Game:
    """Φ = xy: V(z) = [y, −x], the rotation that GDA spirals out of."""
    return Game("bilinear", X * Y, "min_x max_y xy: V = [y, -x], unique solution 0, monotone (ρ = 0), L = 1",
                np.zeros((1, 2)), box=1.5)


def linear(a: float = 1.0, b: float = 0.0) -> Game:
    """Φ = a·xy + (b/2)x² − (b/2)y²: V = [[b, a], [−a, b]] z, L = √(a²+b²), ρ = b/L² (the linear lower-bound
    family of Pethick et al. (2022))."""
    a, b = _validate.number("a", a), _validate.number("b", b)
    if a == 0 and b == 0:
        raise ValueError("'a' and 'b' must not both be 0 (V ≡ 0 has no unique solution)")
    expr = _rational(a) * X * Y + _rational(b) / 2 * (X**2 - Y**2)
    L = float(np.hypot(a, b))
    return Game(f"linear(a={a:g}, b={b:g})", expr,
                f"linear game: eig J_V = b ± ia, L = {L:.4g}, weak-MVI ρ = b/L² = {b / L**2:.4g}",
                np.zeros((1, 2)), box=1.5)


def linear_weak_mvi(rho_L: float, L: float = 1.0) -> Game:
    """The linear game with Lipschitz constant ``L`` and weak-MVI constant ρ = rho_L / L (ρL ∈ [−1, 0])."""
    rho_L = _validate.number("rho_L", rho_L, lo=-1.0, hi=0.0)
    L = _validate.positive("L", L)
    return linear(a=L * np.sqrt(1.0 - rho_L**2), b=L * rho_L)


def almost_bilinear(eps: float = 0.1, player: str = "y") -> Game:
    """Φ = xy + εφ(u), φ(u) = u²/2 − u⁴/4, with u = y (default) or u = x (the slide as printed).

    With φ on the max player y the origin repels and a cycle of radius ≈ 2/√3 attracts everything: a
    spurious attractor with no critical point. With φ on x (the slide's formula, x minimising) the
    origin attracts and the cycle repels (Hsieh et al. (2021)).
    """
    eps = _validate.positive("eps", eps)
    u = {"x": X, "y": Y}[_validate.one_of("player", player, ("x", "y"))]
    desc = ("spurious attractor: origin repels, cycle r ≈ 2/√3 attracts" if player == "y"
            else "slide as printed: origin attracts, cycle r ≈ 2/√3 repels")
    return Game(f"almost bilinear (ε={eps:g}, φ on {player})", X * Y + _rational(eps) * _phi_ab(u), desc,
                np.zeros((1, 2)), box=2.0)


def forsaken(c: float = 0.45, swap: bool = False) -> Game:
    """Φ = x(y − c) + φ(x) − φ(y), φ(u) = u²/4 − u⁴/2 + u⁶/6 (Pethick et al. form, c = 0.45).

    ``swap=True`` gives the slide's printed names, Φ = y(x − c) + φ(y) − φ(x) with x still minimising.
    For c < 0.4724 (Hopf point) the solution attracts but is shielded by a repelling cycle inside an
    attracting spurious cycle (Hsieh et al. (2021); c = 0.45 as in ``LIONS-EPFL/weak-minty-code``). Lectures
    project onto the box [−1.5, 1.5]².
    """
    c = _validate.number("c", c, lo=0.0, hi=1.0)
    cc = _rational(c)
    u, v = (Y, X) if swap else (X, Y)
    game = Game(f"forsaken (c={c:g}{', slide names' if swap else ''})",
                u * (v - cc) + _phi_forsaken(u) - _phi_forsaken(v),
                "stable solution shielded by a repelling cycle inside an attracting spurious cycle"
                if not swap and c < 0.4724 else "variant that does not show the forsaken picture", box=1.5)
    guess = np.array([0.07, 0.42])[::-1 if swap else 1]
    sol = root(lambda z: game.V(z), guess, jac=lambda z: game.jacobian(z), tol=1e-14)
    return Game(game.name, game.expr, game.description, sol.x[None, :], box=1.5)


def global_forsaken() -> Game:
    """Φ = xy + φ(x) − φ(y), φ(u) = 2u⁶/21 − u⁴/3 + u²/3 (Pethick et al. 2022): z* = 0 is a strict LNE,
    a repelling cycle at ‖z‖ ≈ 1.02–1.07 and an attracting one at ≈ 1.29–1.33; weak MVI holds on the
    ball of radius 4/3."""
    def phi(u: sp.Expr) -> sp.Expr:
        return sp.Rational(2, 21) * u**6 - u**4 / 3 + u**2 / 3
    return Game("global forsaken", X * Y + phi(X) - phi(Y),
                "weak-MVI variant of Forsaken: ρ ≈ −0.1197 > −1/(2L) on the ball 4/3", np.zeros((1, 2)),
                box=4 / 3)


GAMES: dict[str, Callable[[], Game]] = {
    "bilinear": bilinear, "linear": linear, "almost bilinear": almost_bilinear, "forsaken": forsaken,
    "global forsaken": global_forsaken,
}
