"""Checkers for the exercises of lecture 08 (``lectures/exercises/08_weak_minty.ipynb``).

The weak-MVI ratio ⟨V(z), z − z*⟩/‖V(z)‖² and ρ of a linear game, the EG+ step and its threshold
α < 1 + 2ρL on the linear family (where EG+ with α = ½ stops converging: ρL = −¼, between the guarantee
−1/(8L) and the limit −1/(2L)), the AdaptiveEG+ step, and SEG against BC-SEG+ (the non-zero-sum talk
(Cevher, 2024), "When do the algorithms converge?"; Diakonikolas et al. (2021); Pethick et al. (2022, 2023)).
Steps are checked against :mod:`course_lib.minimax.algorithms` on random nonlinear operators.
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
from course_lib.exercises.l07_minimax_dynamics import diagnose, random_operator, random_points, run_step
from course_lib.minimax.algorithms import adaptive_eg_plus_step, eg_plus_step
from course_lib.seeding import make_rng

PREDICT_GAME = (2.0, -1.0)
"""(a, b) of the linear game Φ = a·xy + (b/2)x² − (b/2)y² of the ρ prediction: L = √5, ρ = b/L² = −1/5."""


@exercise("the weak-MVI ratio")
def check_weak_mvi_ratio(weak_mvi_ratio) -> None:
    """``weak_mvi_ratio(V, z, z_star)``: ⟨V(z_i), z_i − z*⟩/‖V(z_i)‖² per row, shape (N,)."""
    weak_mvi_ratio = expect_function(weak_mvi_ratio, ["V", "z", "z_star"], "weak_mvi_ratio")
    rng = make_rng(800)
    for _ in range(3):
        V, z, z_star = random_operator(rng), random_points(rng), rng.normal(size=2)
        before = z.copy(), z_star.copy()
        out = call(weak_mvi_ratio, V, z, z_star, name="weak_mvi_ratio")
        if not (np.array_equal(z, before[0]) and np.array_equal(z_star, before[1])):
            raise Wrong("weak_mvi_ratio changed its input in place", "compute new arrays (z - z_star)")
        out = expect_array(out, (len(z),), "weak_mvi_ratio(V, z, z_star)")
        v, w = V(z), z - z_star
        inner, vv = np.sum(v * w, axis=1), np.sum(v * v, axis=1)
        right = inner / vv
        if np.allclose(out, right, rtol=1e-9, atol=1e-12):
            continue
        candidates = [
            (inner / np.sqrt(vv), "you divided by ‖V(z)‖, not ‖V(z)‖²",
             "the weak MVI compares ⟨V, z − z*⟩ with ρ‖V‖²: square the norm"),
            (np.sum(v * z, axis=1) / vv, "your ratio uses z instead of z − z*",
             "measure the direction to the solution: z − z_star"),
            (-inner / vv, "your ratio has the wrong sign", "⟨V(z), z − z*⟩, with V = [∇ₓΦ, −∇ᵧΦ] as given"),
            (vv / inner, "your ratio is upside down", "⟨V(z), z − z*⟩ / ‖V(z)‖²"),
            (inner, "your ratio is not normalised", "divide by ‖V(z)‖²"),
            (inner / np.sum(w * w, axis=1), "you divided by ‖z − z*‖²", "the weak MVI normalises by ‖V(z)‖²"),
        ]
        for value, message, hint in candidates:
            if np.allclose(out, value, rtol=1e-9, atol=1e-12):
                raise Wrong(message, hint)
        err = float(np.abs(out - right).max())
        raise Wrong(f"your ratio differs from ⟨V(z), z − z*⟩/‖V(z)‖² by up to {err:.3g}",
                    "inner products row by row: (a * b).sum(axis=1)")


@exercise("ρ of a linear game")
def check_rho_linear(prediction) -> None:
    """ρ of Φ = 2xy − ½x² + ½y² (V = [[b, a], [−a, b]]z with a = 2, b = −1): ρ = b/L² = −1/5 exactly."""
    value = expect_number(prediction, "prediction")
    a, b = PREDICT_GAME
    L2 = a * a + b * b
    if value > 0:
        raise Wrong(f"prediction = {value:g} > 0, but V points away from z* = 0 (b < 0 pushes outwards)",
                    "⟨V(z), z⟩ = b‖z‖² for this game")
    if abs(value - b) < 0.01:
        raise Wrong(f"prediction = {value:g} is b = ⟨V(z), z⟩/‖z‖²",
                    "the weak MVI divides by ‖V(z)‖² = L²‖z‖²")
    if abs(value - b / np.sqrt(L2)) < 0.01:
        raise Wrong(f"prediction = {value:g} is b/L", "‖V(z)‖² = L²‖z‖²: divide by L², not L")
    compare_number(value, b / L2, atol=0.005, what="prediction")


@exercise("the EG+ step")
def check_eg_plus(eg_plus) -> None:
    """``eg_plus(V, z, gamma, alpha)`` = z − αγV(z − γV(z)), vectorised over the rows of z."""
    eg_plus = expect_function(eg_plus, ["V", "z", "gamma", "alpha"], "eg_plus")
    rng = make_rng(801)
    for _ in range(4):
        V, z = random_operator(rng), random_points(rng)
        g, a = float(rng.uniform(0.1, 0.4)), float(rng.uniform(0.2, 0.7))
        out = run_step(eg_plus, (V, z, g, a), (z,), "eg_plus")
        right = eg_plus_step(V, z, g, alpha=a)[0]
        z_bar = z - g * V(z)
        diagnose(out, right, [
            (z - a * g * V(z), "your step uses V at the old point twice: that is GDA (with step αγ), not EG+",
             "the update evaluates V at the extrapolated point z̄ = z − γV(z)"),
            (z - g * V(z_bar), "your update step is γ, not αγ: that is EG, not EG+",
             "EG+ shortens the update step only: z⁺ = z − αγV(z̄)"),
            (z - a * g * V(z - a * g * V(z)), "you shortened the extrapolation too: that is EG with step αγ",
             "EG+ extrapolates with the full γ and shortens only the update"),
            (z - g * V(z - a * g * V(z)), "you shortened the extrapolation and not the update: the roles are "
             "swapped", "z̄ = z − γV(z), then z⁺ = z − αγV(z̄)"),
            (z_bar - a * g * V(z_bar), "your update starts from z̄ instead of z", "z⁺ = z − αγV(z̄)"),
            (z + a * g * V(z_bar), "your step moves along +V(z̄): x ascends and y descends",
             "the update subtracts: z⁺ = z − αγV(z̄)"),
            (z - a * V(z_bar), "your update step is α, not αγ", "the update step is the product αγ"),
        ], "EG+")


@exercise("where EG+ stops converging for a given ρL")
def check_eg_plus_threshold(prediction) -> None:
    """EG+ with γ = 1/L on the linear family with ρL = −0.3 converges iff α < 1 + 2ρL = 0.4."""
    value = expect_number(prediction, "prediction")
    if abs(value - 1.0) < 0.01:
        raise Wrong(f"prediction = {value:g}: α = 1 is EG, which diverges for every ρ < 0",
                    "the slide's threshold is α < 1 + 2ρL")
    if abs(value - 0.7) < 0.01:
        raise Wrong(f"prediction = {value:g} = 1 + ρL", "the threshold is 1 + 2ρL")
    if abs(value - 1.6) < 0.01:
        raise Wrong(f"prediction = {value:g} = 1 − 2ρL: a sign slip",
                    "ρ < 0 makes the threshold smaller than 1")
    compare_number(value, 0.4, atol=0.01, what="prediction")


@exercise("the ρL at which EG+ with α = ½ stops converging")
def check_half_alpha_limit(prediction) -> None:
    """α = ½ < 1 + 2ρL ⇔ ρL > −¼: between the guarantee −1/(8L) and the limit −1/(2L)."""
    value = expect_number(prediction, "prediction")
    if abs(value + 0.125) < 0.01:
        raise Wrong(f"prediction = {value:g} is the guarantee −1/(8L) of Diakonikolas et al.",
                    "that bound is sufficient, not tight: on the linear family EG+ goes further; measure it")
    if abs(value + 0.5) < 0.01:
        raise Wrong(f"prediction = {value:g} is the limit −1/(2L) for α → 0", "here α = ½ is fixed")
    if value > 0:
        raise Wrong(f"prediction = {value:g} > 0: EG+ converges on every monotone game (ρ ≥ 0) of the family",
                    "look for the crossing at negative ρL")
    compare_number(value, -0.25, atol=0.01, what="prediction")


@exercise("the AdaptiveEG+ step")
def check_adaptive_eg_plus(adaptive_eg_plus) -> None:
    """``adaptive_eg_plus(V, z, gamma, sigma_ratio)``: z̄ = z − γV(z), d = −γV(z̄),
    α = σ/γ + ⟨z̄ − z, d⟩/‖d‖² per row, z⁺ = z + αd (no projection)."""
    adaptive_eg_plus = expect_function(adaptive_eg_plus, ["V", "z", "gamma", "sigma_ratio"],
                                       "adaptive_eg_plus")
    rng = make_rng(802)
    for _ in range(4):
        V, z = random_operator(rng), random_points(rng)
        g, s = float(rng.uniform(0.1, 0.4)), float(rng.uniform(-0.49, -0.2))
        out = run_step(adaptive_eg_plus, (V, z, g, s), (z,), "adaptive_eg_plus")
        right = adaptive_eg_plus_step(V, z, g, sigma_ratio=s)[0]
        z_bar = z - g * V(z)
        d = -g * V(z_bar)
        inner, dd = np.sum((z_bar - z) * d, axis=1, keepdims=True), np.sum(d * d, axis=1, keepdims=True)
        diagnose(out, right, [
            (z + (s + np.sum((z_bar - z) * d) / np.sum(d * d)) * d,
             "your α is one number for the whole batch: the inner products summed over all rows",
             "one α per row: sum over the last axis with keepdims=True"),
            (z + (s + inner / np.sqrt(dd)) * d, "you divided by ‖d‖, not ‖d‖²",
             "α moves z along d onto the half-space boundary: ⟨z̄ − z, d⟩/‖d‖²"),
            (z + (inner / dd) * d, "your α has no σ/γ term",
             "α = σ/γ + ⟨z̄ − z, d⟩/‖d‖² with σ/γ = sigma_ratio"),
            (z + (-s + inner / dd) * d, "your σ/γ term has the wrong sign",
             "sigma_ratio is already negative"),
            (z + 0.5 * d, "your α is the fixed ½: that is CEG+ (EG+), not the adaptive step",
             "α = σ/γ + ⟨z̄ − z, d⟩/‖d‖²"),
            (z - (s + inner / dd) * d, "your step moves along −d",
             "z⁺ = z + αd with d = z̄ − γV(z̄) − (z − γV(z))"),
        ], "AdaptiveEG+")


CHOICES = ("SEG", "BC-SEG+", "both", "neither")


@exercise("SEG or BC-SEG+ near the solution")
def check_seg_choice(prediction) -> None:
    """Global forsaken with noise: SEG (both steps vanish) ends on the cycle, BC-SEG+ near z* = 0."""
    if prediction is ... or prediction is None:
        raise NotImplementedError
    if not isinstance(prediction, str):
        raise Wrong(f"prediction should be one of {', '.join(map(repr, CHOICES))}, got "
                    f"{type(prediction).__name__}",
                    "write the name as a string, e.g. \"SEG\"")
    answer = prediction.strip()
    if answer.lower() not in [c.lower() for c in CHOICES]:
        raise Wrong(f"prediction = {answer!r} is not one of {', '.join(map(repr, CHOICES))}",
                    "copy one of them")
    answer = answer.upper() if answer.lower() in ("seg", "bc-seg+") else answer.lower()
    if answer == "BC-SEG+":
        return
    hints = {"SEG": "with both steps vanishing SEG follows the flow ż = −V(z): where does the flow go?",
             "both": "SEG shrinks the extrapolation step too: it follows the flow onto the attracting cycle",
             "neither": "BC-SEG+ keeps the extrapolation γ fixed and corrects the bias: the weak-MVI theory "
                        "covers this game"}
    raise Wrong(f"prediction = {answer!r} is not what the runs show", hints[answer])
