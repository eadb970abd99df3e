"""Checkers for the exercises of lecture 00 (``lectures/exercises/00_welcome.ipynb``).

Gradient descent on f(z) = ½ zᵀAz: the step z ← z − ηAz, its contraction factor ρ(η) = max_i |1 − ηλ_i|,
the threshold 2/L and the best fixed step 2/(L + μ); and GDA on Φ(x, y) = xy, which spirals out by the
factor √(1 + α²) per step (Nesterov (2004); EE-556 Lecture 11).
"""

from __future__ import annotations

import numpy as np

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.seeding import make_rng
from course_lib.toys import quadratic as q

# The matrix of the predict / explore exercises (eigenvalues 6 and 1).
A_PREDICT = np.array([[5.0, 2.0], [2.0, 2.0]])


def _random_spd(rng: np.random.Generator) -> np.ndarray:
    """A random symmetric positive-definite 2×2 matrix with eigenvalues in [0.5, 5]."""
    angle = rng.uniform(0, np.pi)
    R = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return R @ np.diag(rng.uniform(0.5, 5.0, 2)) @ R.T


@exercise("one gradient-descent step on the quadratic")
def check_gd_step(gd_step) -> None:
    """``gd_step(A, z, eta)``: z − η A z for a batch z of shape (N, 2)."""
    gd_step = expect_function(gd_step, ["A", "z", "eta"], "gd_step")
    rng = make_rng(100)
    for _ in range(5):
        A, z, eta = _random_spd(rng), rng.normal(size=(4, 2)), float(rng.uniform(0.05, 0.3))
        z_before = z.copy()
        out = expect_array(call(gd_step, A.copy(), z, eta), (4, 2), "gd_step(A, z, eta)")
        if not np.array_equal(z, z_before):
            raise Wrong("your function changed its input z in place",
                        "compute a new array (z - ...) instead of z -= ... so the caller's z survives")
        right = z - eta * z @ A.T
        if np.allclose(out, right, atol=1e-10):
            continue
        step = out - z
        if np.allclose(out, z + eta * z @ A.T, atol=1e-10):
            raise Wrong("your step goes up the gradient: f grows", "descent subtracts η∇f(z)")
        if np.allclose(out, z - z @ A.T, atol=1e-10):
            raise Wrong("your step ignores η", "the step is η times the gradient")
        if np.allclose(out, z - eta * z, atol=1e-10):
            raise Wrong("your step uses z instead of the gradient Az", "∇f(z) = Az for f(z) = ½ zᵀAz")
        if np.allclose(step, -0.5 * eta * z @ A.T, atol=1e-10):
            raise Wrong("your step is half the gradient step", "∇(½ zᵀAz) = Az: the ½ cancels")
        err = float(np.abs(out - right).max())
        raise Wrong(f"your result differs from z − ηAz by up to {err:.3g} on a random batch",
                    "each row of z is one point: the gradient of row z_i is A z_i, i.e. z @ A.T")


@exercise("the contraction factor ρ(η)")
def check_contraction_factor(contraction_factor) -> None:
    """``contraction_factor(A, eta)`` = max_i |1 − η λ_i(A)|."""
    contraction_factor = expect_function(contraction_factor, ["A", "eta"], "contraction_factor")
    rng = make_rng(101)
    cases = [(np.diag([3.0, 1.0]), 0.1), (np.diag([3.0, 1.0]), 0.6), (np.diag([3.0, 1.0]), 0.9)]
    cases += [(_random_spd(rng), float(rng.uniform(0.01, 1.0))) for _ in range(6)]
    for A, eta in cases:
        value = expect_number(call(contraction_factor, A.copy(), eta), "contraction_factor(A, eta)")
        lam = np.linalg.eigvalsh(A)
        right = q.contraction_factor(A, eta)
        if abs(value - right) <= 1e-9 * max(1.0, right):
            continue
        where = f"for eigenvalues {np.round(lam, 3).tolist()} and η = {eta:.3g} you return {value:.4g}"
        if abs(value - abs(1 - eta * lam.max())) < 1e-9:
            raise Wrong(f"{where}, which is |1 − ηL| only",
                        "the smallest eigenvalue μ can give the larger factor |1 − ημ| for small η")
        if abs(value - abs(1 - eta * lam.min())) < 1e-9:
            raise Wrong(f"{where}, which is |1 − ημ| only",
                        "take the absolute value |1 − ηλᵢ| for every eigenvalue, then the maximum: "
                        "for large η, |1 − ηL| dominates")
        if abs(value - np.max(1 - eta * lam)) < 1e-9 or abs(value - np.min(np.abs(1 - eta * lam))) < 1e-9:
            raise Wrong(f"{where}", "take the absolute value |1 − ηλ_i| and then the maximum over i")
        if abs(value - np.max(np.abs(1 - eta * np.diag(A)))) < 1e-9:
            raise Wrong(f"{where}, computed from the diagonal of A",
                        "use the eigenvalues of A (np.linalg.eigvalsh), not its diagonal entries")
        raise Wrong(f"{where}", "ρ(η) is the spectral radius of I − ηA")


@exercise("the step-size threshold for a new matrix")
def check_threshold(prediction) -> None:
    """The largest step size for which GD converges on ``A_PREDICT``: 2/L = 1/3."""
    v = expect_number(prediction, "your threshold")
    L = float(np.linalg.eigvalsh(A_PREDICT).max())
    if abs(v - 2 / L) <= 2e-3:
        return
    lam = np.linalg.eigvalsh(A_PREDICT)
    if abs(v - 2 / lam.min()) <= 2e-3 or abs(v - 2 / A_PREDICT[0, 0]) <= 2e-3:
        raise Wrong(f"your threshold {v:g} is too high",
                    "the largest eigenvalue of A sets the threshold, not a diagonal entry or the smallest "
                    "eigenvalue")
    if abs(v - 1 / L) <= 2e-3:
        raise Wrong(f"your threshold {v:g} is too low", "|1 − ηL| < 1 means 0 < η < 2/L, not 1/L")
    compare_number(v, 2 / L, atol=2e-3, what="your threshold")


@exercise("the fastest fixed step size")
def check_best_step(answer) -> None:
    """``answer = (eta_best, rho_best)`` for ``A_PREDICT``: 2/(L + μ) = 2/7 and (L − μ)/(L + μ) = 5/7."""
    if answer is ... or answer is None:
        raise NotImplementedError
    if not isinstance(answer, (tuple, list)) or len(answer) != 2:
        raise Wrong(f"expected a pair (eta_best, rho_best), got {type(answer).__name__} {answer!r:.60}",
                    "write e.g. answer = (0.3, 0.7)")
    eta_best = expect_number(answer[0], "eta_best")
    rho_best = expect_number(answer[1], "rho_best")
    mu, L = np.linalg.eigvalsh(A_PREDICT)
    if abs(eta_best - 2 / L) < 0.02:
        raise Wrong(f"eta_best = {eta_best:g} is the threshold 2/L, where ρ = 1 (no progress at all)",
                    "the fastest step balances the two factors |1 − ημ| and |1 − ηL|")
    if abs(eta_best - 1 / L) < 0.02:
        raise Wrong(f"eta_best = {eta_best:g} is 1/L, which zeroes the large-eigenvalue factor but leaves "
                    "|1 − ημ| large", "the best step makes |1 − ημ| = |1 − ηL|")
    compare_number(eta_best, 2 / (L + mu), atol=0.01, what="eta_best")
    compare_number(rho_best, (L - mu) / (L + mu), atol=0.01, what="rho_best")


@exercise("GDA on xy: the growth factor per step")
def check_gda_growth(prediction) -> None:
    """‖z₁‖/‖z₀‖ for one GDA step of size α = 0.5 on Φ(x, y) = xy: √(1 + α²) ≈ 1.118."""
    v = expect_number(prediction, "your growth factor")
    right = float(np.sqrt(1 + 0.5**2))
    if abs(v - right) <= 5e-3:
        return
    if v <= 1.0:
        raise Wrong(f"your growth factor {v:g} says GDA does not move away from the solution",
                    "V(z) = (y, −x) is orthogonal to z, so the step z − αV(z) is longer than z")
    if abs(v - 1.5) < 5e-3 or abs(v - 1.25) < 5e-3:
        raise Wrong(f"your growth factor {v:g} is too high",
                    "the step adds αV(z) at a right angle to z: use Pythagoras, then the square root")
    compare_number(v, right, atol=5e-3, what="your growth factor")
