"""Where and when do the algorithms converge: critical points, local-Nash test, Jacobian spectra,
weak-MVI ρ and Lipschitz L on a box, linearised multipliers, the mean flow, and basin labels.

Conventions: J_V = [[Φ_xx, Φ_xy], [−Φ_yx, −Φ_yy]]; weak MVI
⟨V(z), z − z*⟩ ≥ ρ‖V(z)‖² (the non-zero-sum talk (Cevher, 2024), "When do the algorithms converge?"), so ρ̂
= inf of the ratio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
from scipy.integrate import solve_ivp
from scipy.optimize import minimize

from course_lib import _validate
from course_lib.minimax.games import Game, X, Y
from course_lib.minimax.simulate import Run


def _grid(box: float, n: int) -> np.ndarray:
    g = np.linspace(-box, box, n)
    return np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)


def critical_points(game: Game, box: float | None = None, *, n: int = 21, tol: float = 1e-10) -> np.ndarray:
    """Zeros of V in [−box, box]², shape (S, 2): solved symbolically for polynomial V of degree ≤ 2,
    otherwise by Newton's method from an n × n grid of starts (vectorised), then de-duplicated."""
    box = game.box if box is None else _validate.positive("box", box)
    n = _validate.integer("n", n, lo=2, hi=400)
    vx, vy = game.V_expr
    if all(e.is_polynomial(X, Y) and sp.Poly(e, X, Y).total_degree() <= 2 for e in (vx, vy)):
        sols = sp.solve([vx, vy], [X, Y], dict=True)
        if sols and all(X in s and Y in s and s[X].is_real and s[Y].is_real for s in sols):
            pts = np.array([[float(s[X]), float(s[Y])] for s in sols])
            return pts[np.all(np.abs(pts) <= box + 1e-12, axis=1)]
    z = _grid(box, n)
    with np.errstate(all="ignore"):
        for _ in range(60):
            J, v = game.jacobian(z), game.V(z)
            ok = np.abs(np.linalg.det(J)) > 1e-300
            step = np.linalg.solve(np.where(ok[:, None, None], J, np.eye(2)), v[..., None])[..., 0]
            z = np.where(ok[:, None], z - step, np.nan)
        res = np.linalg.norm(game.V(z), axis=1)
    good = np.isfinite(res) & (res < tol) & np.all(np.abs(z) <= box + 1e-9, axis=1)
    if not good.any():
        return np.zeros((0, 2))
    _, first = np.unique(np.round(z[good], 7), axis=0, return_index=True)
    return z[good][np.sort(first)] + 0.0  # + 0.0: no negative zeros


@dataclass(frozen=True)
class NashTest:
    """Second-order test at a zero of V (Jin et al. (2020b)). ``verdict`` is a sentence for the lecture."""

    point: np.ndarray
    phi_xx: float
    phi_yy: float
    phi_xy: float
    eigenvalues: np.ndarray
    strict_lne: bool
    not_lne: bool
    strict_local_minimax: bool
    flow_stable: bool

    @property
    def verdict(self) -> str:
        nash = ("strict local Nash equilibrium" if self.strict_lne else "not a local Nash equilibrium"
                if self.not_lne else "degenerate: the second-order test is inconclusive")
        flow = "attracts" if self.flow_stable else "does not attract"
        return f"{nash}; the flow ż = −V(z) {flow} (Re eig J_V = {self.eigenvalues.real.min():+.4f})"


def jacobian_spectrum(game: Game, z: object) -> np.ndarray:
    """Eigenvalues of J_V(z) (complex, shape (2,)); the flow is attracting iff all real parts > 0."""
    z = _validate.array("z", z, shape=(2,))
    return np.linalg.eigvals(game.jacobian(z))


def local_nash(game: Game, z: object, *, tol: float = 1e-9) -> NashTest:
    """Local-Nash test: strict LNE iff Φ_xx > 0 and Φ_yy < 0; not an LNE if Φ_xx < 0 or Φ_yy > 0;
    strict local minimax iff Φ_yy < 0 and Φ_xx − Φ_xy²/Φ_yy > 0 (Jin et al. 2020)."""
    z = _validate.array("z", z, shape=(2,))
    J = game.jacobian(z)
    pxx, pxy, pyy = J[0, 0], J[0, 1], -J[1, 1]
    eig = np.linalg.eigvals(J)
    return NashTest(z, float(pxx), float(pyy), float(pxy), eig, bool(pxx > tol and pyy < -tol),
                    bool(pxx < -tol or pyy > tol), bool(pyy < -tol and pxx - pxy**2 / pyy > tol),
                    bool(np.all(eig.real > 0)))


def weak_mvi_rho(game: Game, z_star: object, box: float, *, n: int = 201,
                 refine: int = 8) -> tuple[float, np.ndarray]:
    """ρ̂ = inf over [−box, box]² of ⟨V(z), z − z*⟩/‖V(z)‖² and its arg-min (grid, then L-BFGS-B from
    the ``refine`` best grid points; points with ‖V‖² < 1e-14 are skipped)."""
    z_star = _validate.array("z_star", z_star, shape=(2,))
    box = _validate.positive("box", box)
    n = _validate.integer("n", n, lo=3, hi=2001)

    def ratio(z: np.ndarray) -> np.ndarray:
        v = game.V(z)
        vv = np.einsum("...d,...d->...", v, v)
        inner = np.einsum("...d,...d->...", v, z - z_star)
        return np.where(vv > 1e-14, inner / np.maximum(vv, 1e-300), np.inf)

    z = _grid(box, n)
    r = ratio(z)
    best = np.argsort(r)[:refine]
    rho, arg = float(r[best[0]]), z[best[0]]
    for z0 in z[best]:
        res = minimize(lambda w: float(ratio(w)), z0, method="L-BFGS-B", bounds=[(-box, box)] * 2)
        if np.isfinite(res.fun) and res.fun < rho:
            rho, arg = float(res.fun), res.x
    return rho, np.asarray(arg)


def lipschitz(game: Game, box: float, *, n: int = 201) -> tuple[float, np.ndarray]:
    """L̂ = max over [−box, box]² of ‖J_V(z)‖₂ (grid, then bounded refinement) and its arg-max."""
    box = _validate.positive("box", box)
    n = _validate.integer("n", n, lo=3, hi=2001)
    norm = lambda w: np.linalg.norm(game.jacobian(w), ord=2, axis=(-2, -1))  # noqa: E731
    z = _grid(box, n)
    s = norm(z)
    i = int(np.argmax(s))
    res = minimize(lambda w: -float(norm(w)), z[i], method="L-BFGS-B", bounds=[(-box, box)] * 2)
    return (float(-res.fun), res.x) if -res.fun > s[i] else (float(s[i]), z[i])


def multipliers(method: str, mu: complex | np.ndarray, step: float, *, alpha: float = 0.5) -> np.ndarray:
    """Multipliers of the linearised method at an eigenvalue μ of J_V; the iterates
    contract iff every modulus is < 1. OGDA/RFBS/Popov: both roots of ν² − (1 − 2αμ)ν − αμ."""
    mu = np.asarray(mu, dtype=complex)
    a = _validate.positive("step", step)
    if method == "gda":
        return 1 - a * mu
    if method == "ppm":
        return 1 / (1 + a * mu)
    if method == "eg":
        return 1 - a * mu + (a * mu) ** 2
    if method == "eg+":
        return 1 - alpha * a * mu + alpha * (a * mu) ** 2
    if method in ("ogda", "rfbs", "popov"):
        disc = np.sqrt((1 - 2 * a * mu) ** 2 + 4 * a * mu)
        return np.stack([(1 - 2 * a * mu + disc) / 2, (1 - 2 * a * mu - disc) / 2], axis=-1)
    raise ValueError(f"'method' must be one of 'gda', 'ppm', 'eg', 'eg+', 'ogda', 'rfbs', 'popov'; "
                     f"got {method!r}")


def spectral_radius(method: str, mu: complex | np.ndarray, step: float, *, alpha: float = 0.5) -> np.ndarray:
    """The largest multiplier modulus (per eigenvalue μ): the asymptotic contraction factor per step."""
    m = np.abs(multipliers(method, mu, step, alpha=alpha))
    return m.max(axis=-1) if method in ("ogda", "rfbs", "popov") else m


def flow(game: Game, z0: object, t: float, *, backward: bool = False, n_points: int = 2001) -> np.ndarray:
    """Solve the mean dynamics ż = −V(z) (``backward``: ż = +V, to find repelling cycles) from the
    rows of z0 (N, 2); returns the path (n_points, N, 2) on an even time grid (DOP853, rtol 1e-9)."""
    z0 = np.atleast_2d(_validate.array("z0", z0))
    t = _validate.positive("t", t)
    sign = 1.0 if backward else -1.0
    sol = solve_ivp(lambda _, w: sign * game.V(w.reshape(-1, 2)).ravel(), (0, t), z0.ravel(),
                    t_eval=np.linspace(0, t, n_points), method="DOP853", rtol=1e-9, atol=1e-11)
    path = sol.y.T.reshape(-1, *z0.shape)
    if len(path) < n_points:  # the solver stopped early (blow-up): hold the last point
        path = np.concatenate([path, np.repeat(path[-1:], n_points - len(path), axis=0)])
    return path


def radius_range(path: np.ndarray, center: object = (0.0, 0.0), *, tail: float = 0.2) -> tuple[float, float]:
    """min and max of ‖z − center‖ over the last ``tail`` fraction of a path (T, N, 2), all starts."""
    path = np.asarray(path, dtype=float)
    last = path[int(len(path) * (1 - tail)):]
    d = np.linalg.norm(last - np.asarray(center, dtype=float), axis=-1)
    return float(d.min()), float(d.max())


@dataclass(frozen=True)
class Basins:
    """Per-start labels: "converged" (to ``points[nearest]``), "cycle" (bounded, far from every
    critical point: a limit cycle or another spurious set) or "diverged"."""

    label: np.ndarray
    nearest: np.ndarray

    def fraction(self, label: str) -> float:
        return float(np.mean(self.label == label))


def classify(run: Run, points: np.ndarray, *, tol: float = 1e-2) -> Basins:
    """Label the final iterate of each start of ``run`` against the critical ``points`` (S, 2)."""
    points = _validate.array("points", points).reshape(-1, 2)
    tol = _validate.positive("tol", tol)
    final = run.final
    if len(points):
        d = np.linalg.norm(final[:, None, :] - points[None, :, :], axis=-1)
        nearest, dmin = d.argmin(axis=1), d.min(axis=1)
    else:
        nearest, dmin = np.full(len(final), -1), np.full(len(final), np.inf)
    label = np.where(run.diverged, "diverged", np.where(dmin <= tol, "converged", "cycle"))
    return Basins(label, np.where(label == "converged", nearest, -1))
