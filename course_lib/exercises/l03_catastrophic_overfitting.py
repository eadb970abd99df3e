"""Checkers of lecture 03's exercises (``lectures/exercises/03_catastrophic_overfitting.ipynb``): the sin toy
model of catastrophic overfitting (:mod:`course_lib.toys.sin_co`), its critical radius ε_c(B), and the
single-step fixes (GradAlign's alignment penalty, N-FGSM's noisy step).

    from course_lib.exercises import l03_catastrophic_overfitting as ex
    ex.check_sin_fgsm(fgsm_delta)
"""

from __future__ import annotations

import functools

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
from course_lib.toys import sin_co

__all__ = ["check_collapse_bound", "check_collapse_point", "check_eps_c_b12", "check_gradalign",
           "check_nfgsm", "check_sin_fgsm", "smallest_collapse_bound"]

EPS_EXPLORE = 0.3  # the radius of the explore exercise (smallest bound B that collapses)


def returned_number(value: object, what: str) -> float:
    """A number returned by the student's function (None means a missing ``return``, not "not yet")."""
    if value is None:
        raise Wrong(f"{what} is None", "did you forget to return it?")
    return expect_number(value, what)


def _toy_points(rng: np.random.Generator, n: int = 200) -> np.ndarray:
    """Parameters x ∈ (−8, 8) away from the degenerate points where cos(xπ/2) = 0 (sign(0) trap)."""
    x = rng.uniform(-8, 8, n)
    return x[np.abs(np.cos(x * np.pi / 2)) > 0.05]


@exercise("FGSM step of the sin toy model")
def check_sin_fgsm(fgsm_delta: object) -> None:
    """``fgsm_delta(x, eps)``: δ_F = argmax of the linearised loss over |δ| ≤ ε, from δ = 0, step α = ε."""
    f = expect_function(fgsm_delta, ["x", "eps"], "fgsm_delta")
    rng = make_rng(303)
    x = _toy_points(rng)
    for eps in (0.3, 0.05):
        x_in = x.copy()
        delta = expect_array(call(f, x_in, eps), x.shape, "your δ")
        if not np.array_equal(x_in, x):
            raise Wrong("your function changed its input x", "build a new array instead of writing into x")
        expected = sin_co.attack_delta(x, eps)
        if np.allclose(delta, expected, atol=1e-9):
            continue
        if np.abs(delta).max() > eps + 1e-9:
            raise Wrong(f"your δ leaves the interval |δ| ≤ ε: max|δ| = {np.abs(delta).max():.3g} > ε = {eps}",
                        "FGSM steps by α = ε and no further")
        if not np.allclose(np.abs(delta), eps, atol=1e-9):
            if np.allclose(np.abs(delta), np.abs(delta).flat[0], atol=1e-9):
                raise Wrong(f"your |δ| = {np.abs(delta).flat[0]:.3g} everywhere, but ε = {eps}",
                            "FGSM with zero init takes one step of size α = ε")
            raise Wrong("your |δ| is not the same for every x", "FGSM steps along the *sign* of the gradient")
        if np.allclose(delta, -expected, atol=1e-9):
            raise Wrong("your δ has the wrong sign everywhere: it increases the margin, i.e. lowers the loss",
                        "ℓ(m) = log(1 + e^{−m}) decreases in m: ascending the loss means descending the "
                        "margin")
        bad = ~np.isclose(delta, expected, atol=1e-9)
        if np.all(x[bad] < 0):
            raise Wrong(f"your δ is wrong for {bad.sum()} values of x, all negative (e.g. x = "
                        f"{x[bad][0]:.3f})",
                        "∂m/∂δ = x·cos(x(π/2 + δ)): did you drop the factor x of the chain rule?")
        i = int(np.flatnonzero(bad)[0])
        raise Wrong(f"at x = {x[i]:.3f}, ε = {eps} your δ = {delta[i]:+.3g}, which is not the FGSM step",
                    "differentiate m(x, δ) = sin(x(π/2 + δ)) with respect to δ at δ = 0")


@functools.cache
def _eps_c(B: float) -> float:
    return sin_co.critical_eps(B, tol=1e-5, dx=1e-4)


@exercise("predict ε_c for a larger parameter range B")
def check_eps_c_b12(prediction: object) -> None:
    """The critical radius of FGSM-AT for x ∈ (0, 12] (π/12)."""
    value = expect_number(prediction, "your ε_c")
    if value > 1.0:
        raise Wrong(f"your ε_c = {value:g} is above 1: write it in radians, not degrees or multiples of π",
                    "e.g. π/5 is written np.pi / 5 ≈ 0.628")
    expected = _eps_c(12.0)
    if abs(value - np.pi / 8) < 0.01:
        raise Wrong(f"your ε_c = {value:.4g} is the value for B = 8",
                    "with a larger range, which high-frequency x ≈ 4m + 3 ≤ B can FGSM-AT reach now?")
    try:
        compare_number(value, expected, rtol=0.02, what="your ε_c")
    except Wrong as w:
        raise Wrong(w.message,
                    "the collapse happens when the effective margin −cos(xε) near the largest x = 4m + 3 "
                    "≤ B beats the robust margin cos ε") from None


@exercise("predict where the FGSM-AT minimiser jumps to")
def check_collapse_point(prediction: object) -> None:
    """The global arg-min x* of FGSM-AT's effective loss for B = 12 and ε = 0.3 (just below 11)."""
    value = expect_number(prediction, "your x*")
    expected = sin_co.global_argmin(0.3, 12.0, dx=1e-3)
    if abs(value - 1) < 0.2:
        raise Wrong("your x* is the robust solution x = 1, but ε = 0.3 is above ε_c(B = 12)",
                    "compare ε with the ε_c you predicted for B = 12")
    try:
        compare_number(value, expected, atol=0.4, what="your x*")
    except Wrong as w:
        raise Wrong(w.message, "the effective margin tends to −cos(xε) as x approaches 4m + 3 from below; "
                    "which such x is largest inside (0, 12]?") from None


def smallest_collapse_bound(eps: float = EPS_EXPLORE, lo: float = 8.0, hi: float = 12.0,
                            tol: float = 1e-3) -> float:
    """The smallest bound B with ``sin_co.overfits(eps, B)`` (monotone in B), by bisection."""
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if sin_co.overfits(eps, mid, dx=1e-3) else (mid, hi)
    return 0.5 * (lo + hi)


@exercise("explore: the smallest parameter range that collapses")
def check_collapse_bound(answer: object) -> None:
    """The smallest B for which FGSM-AT at ε = 0.3 overfits catastrophically (≈ 10.5–11)."""
    value = expect_number(answer, "your B")
    if value < 8.0:
        raise Wrong(f"your B = {value:g} is below 8, but ε_c(B = 8) = π/8 ≈ 0.39 > 0.3: no collapse there",
                    "ε_c decreases with B: search between 8 and 12")
    try:
        compare_number(value, smallest_collapse_bound(), atol=0.05, what="your B")
    except Wrong as w:
        raise Wrong(w.message,
                    "bisect on B with sin_co.overfits(0.3, B), or read π/ε_c(B) off a fine grid of B")\
            from None


def _cosine_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    return (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@exercise("GradAlign's gradient-alignment penalty")
def check_gradalign(gradalign: object) -> None:
    """``gradalign(g, g_noisy)`` = mean over examples of 1 − cos(g_i, g'_i), rows flattened."""
    f = expect_function(gradalign, ["g", "g_noisy"], "gradalign")
    rng = make_rng(304)
    g = rng.normal(size=(6, 1, 4, 4))
    g_noisy = g + rng.normal(scale=0.8, size=g.shape) * rng.uniform(0.2, 2, size=(6, 1, 1, 1))
    g_in, gn_in = g.copy(), g_noisy.copy()
    value = returned_number(call(f, g_in, gn_in), "your penalty")
    if not (np.array_equal(g_in, g) and np.array_equal(gn_in, g_noisy)):
        raise Wrong("your function changed its inputs", "compute with new arrays")
    cos = _cosine_rows(g, g_noisy)
    expected = float(np.mean(1 - cos))
    if np.isclose(value, expected, rtol=1e-6):
        same = returned_number(call(f, g.copy(), 3.0 * g), "your penalty for g' = 3g")
        if abs(same) > 1e-6:
            raise Wrong(f"for g' = 3g (perfectly aligned) your penalty is {same:.3g}, not 0",
                        "the cosine does not depend on the gradients' lengths")
        return
    flat = 1 - (g * g_noisy).sum() / (np.linalg.norm(g) * np.linalg.norm(g_noisy))
    wrong = {float(np.mean(cos)): ("your value is the mean cosine, not the penalty",
                                   "the penalty is 1 − cos"),
             float(flat): ("you took one cosine of the whole batch",
                           "one cosine per example (flatten each row), "
                           "then the mean over examples"),
             float(np.sum(1 - cos)): ("you summed over examples", "take the mean over examples"),
             float(np.mean(1 - (g * g_noisy).reshape(6, -1).sum(1))): (
                 "you used the dot product, not the cosine", "divide by the two norms")}
    for w, (message, hint) in wrong.items():
        if np.isclose(value, w, rtol=1e-6):
            raise Wrong(message, hint)
    raise Wrong(f"your penalty = {value:.4g} is not the mean of 1 − cos(g_i, g'_i) over the examples",
                "flatten each example's gradient, take the cosine per row, then 1 − cos and the mean")


class _GradientSpy:
    """A fixed smooth 'input gradient' that records where it is evaluated."""

    def __init__(self, rng: np.random.Generator, shape: tuple[int, ...]) -> None:
        self.a, self.b = rng.normal(size=shape), rng.uniform(2, 6, size=shape)
        self.points: list[np.ndarray] = []

    def __call__(self, z: object) -> np.ndarray:
        z = np.array(z, dtype=float)
        self.points.append(z.copy())
        return np.sin(self.b * z) + 0.3 * self.a


@exercise("N-FGSM step")
def check_nfgsm(nfgsm: object) -> None:
    """``nfgsm(x, grad_fn, eps, k, rng)`` = x + η + ε·sign(grad_fn(x + η)), η ~ U(−kε, kε), no projection."""
    f = expect_function(nfgsm, ["x", "grad_fn", "eps", "k", "rng"], "nfgsm")
    rng = make_rng(305)
    eps, k = 0.1, 2.0
    x = rng.uniform(0, 1, size=(64, 16))
    spy = _GradientSpy(rng, x.shape)
    x_in = x.copy()
    x_adv = expect_array(call(f, x_in, spy, eps, k, make_rng(306)), x.shape, "your x_adv")
    if not np.array_equal(x_in, x):
        raise Wrong("your function changed its input x", "build x + η in a new array")
    if not spy.points:
        raise Wrong("your function never called grad_fn", "the step direction is sign(grad_fn(x + η))")
    z = spy.points[-1]
    eta = z - x
    delta = x_adv - x
    if np.allclose(eta, 0):
        if np.allclose(np.abs(delta), eps) or not np.any(np.abs(delta) > eps + 1e-9):
            raise Wrong("there is no noise: you took the gradient at x and stepped from x (that is FGSM)",
                        "draw η ~ U(−kε, kε) with rng and take the gradient at x + η")
        raise Wrong("you took the gradient at x, not at the noisy point x + η",
                    "call grad_fn(x + η)")
    if np.abs(eta).max() > k * eps + 1e-9:
        raise Wrong(f"your noise leaves [−kε, kε]: max|η| = {np.abs(eta).max():.3g} > kε = {k * eps:g}",
                    "η ~ U(−kε, kε)")
    spread = eta.std() / (k * eps / np.sqrt(3))
    if spread < 0.8:
        expected_std = k * eps / np.sqrt(3)
        raise Wrong(f"your noise is too narrow: std(η) = {eta.std():.3g}, expected about {expected_std:.3g} "
                    "for U(−kε, kε)", "does η scale with k·ε (not ε alone)?")
    expected = eta + eps * np.sign(spy(z))
    if np.allclose(delta, expected, atol=1e-9):
        return
    if np.allclose(delta, eps * np.sign(spy(z)), atol=1e-9):
        raise Wrong("you dropped the noise from the result: δ = ε·sign(g)", "the step starts at x + η")
    if np.abs(delta).max() <= eps + 1e-9 < np.abs(expected).max():
        raise Wrong(f"your δ stays in the ε-ball (max|δ| = {np.abs(delta).max():.3g} ≤ ε = {eps}), "
                    "but N-FGSM's step goes up to (k + 1)ε", "N-FGSM does not project back onto the ε-ball")
    if np.allclose(delta, eta - eps * np.sign(spy(z)), atol=1e-9):
        raise Wrong("your step goes down the loss", "FGSM ascends: + ε·sign(∇ℓ)")
    if np.allclose(np.abs(delta - eta), np.abs(delta - eta).flat[0], atol=1e-9):
        raise Wrong(f"your step from x + η has size {np.abs(delta - eta).flat[0]:.3g}, not α = ε = {eps}",
                    "step by ε·sign(g)")
    raise Wrong("your x_adv is not x + η + ε·sign(grad_fn(x + η)) for the η you evaluated the gradient at",
                "use the same η for the gradient and for the result")
