"""Checkers for the exercises of lecture 07 (``lectures/exercises/07_minimax_dynamics.ipynb``).

The extragradient and optimistic steps (checked against :mod:`course_lib.minimax.algorithms` on random
nonlinear operators, vectorised over a batch of points), EG's contraction factor on xy, the step sizes at
which EG (α = 1) and OGDA (α = 1/√3) stop converging on xy, the local-Nash test read from the Jacobian of V,
and the radius of the spurious limit cycle of the almost-bilinear game (the non-zero-sum talk (Cevher, 2024),
"Basic algorithms for minimax"; Korpelevich (1976); Daskalakis et al. (2018); Hsieh et al. (2021)).
"""

from __future__ import annotations

from collections.abc import Callable

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
from course_lib.minimax import forsaken, spectral_radius
from course_lib.minimax.algorithms import eg_step, ogda_step
from course_lib.seeding import make_rng

MULTIPLIER = "EG's multiplier on μ = ±i is 1 − αμ + (αμ)²"
N_POINTS = 7  # rows of the random batches (≠ 2, so a reduction over the wrong axis shows)


def random_operator(rng: np.random.Generator) -> Callable[[np.ndarray], np.ndarray]:
    """A random nonlinear operator V on (N, 2) batches: a linear part (a rotation plus a random matrix) and
    a smooth nonlinear part, so that methods that agree on linear games (OGDA and RFBS) differ here."""
    A = rng.normal(size=(2, 2)) + np.array([[0.0, 1.5], [-1.5, 0.0]])
    c = rng.uniform(0.3, 0.8)

    def V(z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        return z @ A.T + c * np.tanh(z[..., ::-1]) ** 2 + 0.2 * z**3

    return V


def random_points(rng: np.random.Generator, n: int = N_POINTS) -> np.ndarray:
    return rng.normal(size=(n, 2))


def close(a: np.ndarray, b: np.ndarray, tol: float = 1e-9) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=tol))


def run_step(fn: Callable, args: tuple, inputs: tuple[np.ndarray, ...], name: str) -> np.ndarray:
    """Call the student's step on copies-of-record ``inputs`` (checked for in-place changes); return z⁺."""
    before = [x.copy() for x in inputs]
    out = call(fn, *args, name=name)
    if isinstance(out, tuple):
        raise Wrong(f"{name} returned a tuple of {len(out)} items, expected the new point z⁺ only",
                    "return one array of the same shape as z")
    for x, b in zip(inputs, before, strict=True):
        if not np.array_equal(x, b):
            raise Wrong(f"{name} changed its input array in place",
                        "compute a new array (z - ...) instead of z -= ..., so the caller's z survives")
    return expect_array(out, inputs[0].shape, f"{name}(...)")


def diagnose(out: np.ndarray, right: np.ndarray, candidates: list[tuple[np.ndarray, str, str]],
             name: str) -> None:
    """Pass if ``out`` equals ``right``; otherwise raise the first candidate mistake that ``out`` matches,
    or the largest difference."""
    if close(out, right):
        return
    for value, message, hint in candidates:
        if close(out, value):
            raise Wrong(message, hint)
    err = float(np.abs(out - right).max())
    raise Wrong(f"your z⁺ differs from the {name} step by up to {err:.3g} on a random batch of points",
                "write the update from the slide term by term; V acts on a whole batch (N, 2) at once")


@exercise("the extragradient step")
def check_eg(eg) -> None:
    """``eg(V, z, alpha)`` = z − αV(z − αV(z)), vectorised over the rows of z."""
    eg = expect_function(eg, ["V", "z", "alpha"], "eg")
    rng = make_rng(700)
    for _ in range(4):
        V, z, a = random_operator(rng), random_points(rng), float(rng.uniform(0.1, 0.4))
        out = run_step(eg, (V, z, a), (z,), "eg")
        right = eg_step(V, z, a)[0]
        z_bar = z - a * V(z)
        diagnose(out, right, [
            (z - a * V(z), "your step uses V at the old point twice: that is GDA, not EG",
             "the update evaluates V at the extrapolated point z̄ = z − αV(z)"),
            (z_bar - a * V(z_bar), "your update starts from z̄: that is two GDA steps, not EG",
             "the update starts from z: z⁺ = z − αV(z̄)"),
            (z + a * V(z_bar), "your step moves along +V(z̄): x ascends and y descends",
             "the update subtracts: z⁺ = z − αV(z̄)"),
            (z - a * V(z + a * V(z)), "your extrapolation moves along +V(z)",
             "extrapolate with a GDA step: z̄ = z − αV(z)"),
            (z - 0.5 * a * V(z_bar), "your update step is α/2: that is EG+ with relaxation ½, not EG",
             "EG uses the same α for both half-steps"),
            (z - a * (V(z) + V(z_bar)) / 2,
             "your update averages V(z) and V(z̄): that is Heun's method, not EG",
             "the update uses V(z̄) only"),
        ], "EG")


@exercise("the optimistic (OGDA) step")
def check_ogda(ogda) -> None:
    """``ogda(V, z, z_prev, alpha)`` = z − α[2V(z) − V(z_prev)], vectorised over the rows of z."""
    ogda = expect_function(ogda, ["V", "z", "z_prev", "alpha"], "ogda")
    rng = make_rng(701)
    for _ in range(4):
        V, z, a = random_operator(rng), random_points(rng), float(rng.uniform(0.1, 0.4))
        z_prev = z + 0.3 * random_points(rng)
        out = run_step(ogda, (V, z, z_prev, a), (z, z_prev), "ogda")
        right = ogda_step(V, z, a, V(z_prev))[0]
        diagnose(out, right, [
            (z - a * V(z), "your step ignores z_prev: that is GDA, not OGDA",
             "OGDA extrapolates the operator: 2V(z_k) − V(z_{k−1})"),
            (z - a * V(z_prev), "your step uses only V(z_prev): GDA with a delayed gradient",
             "OGDA combines both values: 2V(z_k) − V(z_{k−1})"),
            (z - a * (2 * V(z_prev) - V(z)),
             "your step weights the old value V(z_prev) twice: it extrapolates backwards in time",
             "the newest value gets the weight 2: 2V(z_k) − V(z_{k−1})"),
            (z - a * (V(z) - V(z_prev)), "your step uses V(z) − V(z_prev): the factor 2 is missing",
             "2V(z_k) − V(z_{k−1}) = V(z_k) + [V(z_k) − V(z_{k−1})]"),
            (z - a * V(2 * z - z_prev), "your step evaluates V at 2z − z_prev: that is RFBS (reflected "
             "forward-backward), the same as OGDA on linear games but not on this nonlinear one",
             "extrapolate the values of V, not the point"),
            (z + a * (2 * V(z) - V(z_prev)), "your step moves along +V: x ascends and y descends",
             "z⁺ = z − α[2V(z_k) − V(z_{k−1})]"),
            (z - a * V(z - a * V(z)), "your step is EG (two evaluations at z and z̄), not OGDA",
             "OGDA reuses V(z_{k−1}) from the previous step instead of a second evaluation"),
            (z_prev - a * (2 * V(z) - V(z_prev)), "your update starts from z_prev instead of z",
             "z_{k+1} = z_k − α[…]"),
        ], "OGDA")


@exercise("EG's contraction factor on xy")
def check_eg_factor(eg_factor) -> None:
    """``eg_factor(alpha)`` = |1 − iα + (iα)²| = √(1 − α² + α⁴): ‖z_{k+1}‖/‖z_k‖ of EG on Φ = xy."""
    eg_factor = expect_function(eg_factor, ["alpha"], "eg_factor")
    rng = make_rng(702)
    alphas = np.r_[0.2, 0.5, 1.0, rng.uniform(0.01, 1.8, 6)]
    for a in alphas:
        a = float(a)
        value = call(eg_factor, a, name="eg_factor")
        if value is None:
            raise Wrong("eg_factor returned None", "did you forget to return the factor?")
        value = expect_number(value, f"eg_factor({a:.3g})")
        right = float(spectral_radius("eg", 1j, a))
        if abs(value - right) <= 1e-9:
            continue
        where = f"eg_factor({a:.3g}) = {value:.4g}"
        if abs(value - np.sqrt(1 + a**2)) < 1e-9:
            raise Wrong(f"{where} = √(1 + α²): that is GDA's factor", MULTIPLIER)
        if abs(value - 1 / np.sqrt(1 + a**2)) < 1e-9:
            raise Wrong(f"{where} = 1/√(1 + α²): that is PPM's factor", MULTIPLIER)
        if abs(value - right**2) < 1e-9:
            raise Wrong(f"{where} is the squared modulus", "‖z‖ shrinks by the modulus |ν|, not |ν|²")
        if abs(value - abs(1 - a + a**2)) < 1e-9 or abs(value - (1 + a + a**2)) < 1e-9:
            raise Wrong(f"{where}: you used a real eigenvalue", "on xy the eigenvalues of J_V are μ = ±i")
        raise Wrong(f"{where}, expected the modulus of 1 − αμ + (αμ)² at μ = i",
                    "(iα)² = −α², so 1 − iα + (iα)² = (1 − α²) − iα")


@exercise("the step size at which EG stops converging on xy")
def check_eg_threshold(prediction) -> None:
    """The largest α for which EG converges on xy: |1 − iα − α²| < 1 ⇔ α < 1."""
    value = expect_number(prediction, "prediction")
    if abs(value - 1 / np.sqrt(3)) < 0.01:
        raise Wrong(f"prediction = {value:g} is OGDA's threshold 1/√3", "EG's multiplier is 1 − iα − α²")
    if value <= 0.02:
        raise Wrong(f"prediction = {value:g}: that is GDA, which never converges on xy",
                    "EG's multiplier is 1 − iα − α²: when is its modulus below 1?")
    if abs(value - 2) < 0.02:
        raise Wrong(f"prediction = {value:g}: 2/L is the threshold of gradient descent on a minimisation",
                    "on xy the eigenvalues are ±i: compute |1 − iα − α²|² = (1 − α²)² + α²")
    compare_number(value, 1.0, atol=0.02, what="prediction")


@exercise("OGDA's threshold on xy")
def check_ogda_threshold(prediction) -> None:
    """The largest α for which OGDA converges on xy: 1/√3 (both roots of ν² − (1 − 2αμ)ν − αμ inside)."""
    value = expect_number(prediction, "prediction")
    if abs(value - 1.0) < 0.01:
        raise Wrong(f"prediction = {value:g} is EG's threshold", "OGDA's multipliers are the roots of "
                    "ν² − (1 − 2αμ)ν − αμ at μ = i: scan α and take the largest modulus")
    compare_number(value, 1 / np.sqrt(3), atol=0.005, what="prediction")


def _zero_sum_jacobians(rng: np.random.Generator, n: int) -> list[np.ndarray]:
    """Jacobians J_V = [[Φ_xx, Φ_xy], [−Φ_xy, −Φ_yy]] of zero-sum games, every sign pattern, plus the
    forsaken game's z* (the flow attracts, not a local Nash equilibrium)."""
    out = []
    for i in range(n):
        pxx = rng.uniform(0.2, 2.0) * (1 if i % 2 else -1)
        pyy = rng.uniform(0.2, 2.0) * (1 if i % 4 < 2 else -1)
        pxy = rng.normal()
        out.append(np.array([[pxx, pxy], [-pxy, -pyy]]))
    fs = forsaken(0.45)
    out.append(fs.jacobian(fs.solutions[0]))
    out.append(np.array([[-0.1, 1.0], [-1.0, 0.5]]))  # stable flow, Φ_xx < 0
    out.append(np.array([[0.0, 1.0], [-1.0, 0.0]]))   # xy: inconclusive, not strict
    return out


def _lne_truth(J: np.ndarray) -> bool:
    return bool(J[0, 0] > 0 and -J[1, 1] < 0)


@exercise("local Nash from the Jacobian")
def check_strict_lne(is_strict_lne) -> None:
    """``is_strict_lne(J)``: Φ_xx > 0 and Φ_yy < 0, read from J_V = [[Φ_xx, Φ_xy], [−Φ_yx, −Φ_yy]]."""
    is_strict_lne = expect_function(is_strict_lne, ["J"], "is_strict_lne")
    jacobians = _zero_sum_jacobians(make_rng(703), 12)
    answers = []
    for J in jacobians:
        before = J.copy()
        answer = call(is_strict_lne, J, name="is_strict_lne")
        if not np.array_equal(J, before):
            raise Wrong("is_strict_lne changed J in place", "read the entries, do not modify them")
        if answer is None:
            raise Wrong("is_strict_lne returned None", "did you forget to return the verdict?")
        if not isinstance(answer, (bool, np.bool_)):
            raise Wrong(f"is_strict_lne returned {type(answer).__name__} {answer!r:.40}, expected True or "
                        "False", "return a boolean, e.g. bool(...)")
        answers.append(bool(answer))
    answers = np.array(answers)
    truth = np.array([_lne_truth(J) for J in jacobians])
    if np.array_equal(answers, truth):
        return
    J = jacobians[int(np.argmax(answers != truth))]
    where = (f"for J_V = {np.round(J, 3).tolist()} (Φ_xx = {J[0, 0]:.3g}, Φ_yy = {-J[1, 1]:.3g}) you answer "
             f"{bool(answers[np.argmax(answers != truth)])}")
    candidates = [
        (lambda J: bool(np.all(np.linalg.eigvals(J).real > 0)),
         "that is whether the flow attracts (Re eig J_V > 0)",
         "a stable point need not be a local Nash equilibrium (the forsaken z*): test Φ_xx and Φ_yy"),
        (lambda J: bool(J[0, 0] > 0 and J[1, 1] < 0), "you read Φ_yy = J[1, 1]",
         "the second row of J_V holds the derivatives of −∂_yΦ, so Φ_yy = −J[1, 1]"),
        (lambda J: bool(J[0, 0] > 0), "you tested the min player only",
         "y must sit at a local maximum: Φ_yy < 0"),
        (lambda J: bool(-J[1, 1] < 0), "you tested the max player only",
         "x must sit at a local minimum: Φ_xx > 0"),
    ]
    for rule, message, hint in candidates:
        if np.array_equal(answers, [rule(K) for K in jacobians]):
            raise Wrong(f"{where}: {message}", hint)
    raise Wrong(where, "strict local Nash: Φ_xx > 0 (x at a local min) and Φ_yy < 0 (y at a local max)")


@exercise("the radius of the spurious limit cycle")
def check_cycle_radius(prediction) -> None:
    """Almost bilinear, ε = 0.1, φ on y: the attracting cycle has radius ≈ 2/√3 (±0.03: not a circle)."""
    value = expect_number(prediction, "prediction")
    if abs(value) < 0.05:
        raise Wrong(f"prediction = {value:g}: that is the critical point z* = 0, which repels",
                    "integrate the flow from a start near 0 for a long time and measure ‖z‖ at the end")
    compare_number(value, 2 / np.sqrt(3), atol=0.03, what="prediction")
