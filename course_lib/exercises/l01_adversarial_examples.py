"""Checkers for the exercises of lecture 01 (``lectures/exercises/01_adversarial_examples.ipynb``).

FGSM and one PGD step on numpy arrays, the Euclidean projection onto the ℓ1 ball (checked against
:func:`course_lib.robust.attacks.project_l1_ball`), the linear model's worst case ε‖w‖_* with the dual norm,
FGSM as one step of proximal gradient ascent, and where the ℓ1 maximiser jumps (Goodfellow et al. (2015);
Madry et al. (2018); EE-556 Lecture 11; Duchi et al. (2008)).
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.robust.attacks import project_l1_ball
from course_lib.seeding import make_rng

# The data of the predict exercises.
W_LINEAR = np.array([3.0, -4.0, 1.0])
EPS_LINEAR = 0.5
G_PGA = np.array([0.5, -2.0, 0.1, 1.0])
EPS_PGA = 0.1


def _batch(rng: np.random.Generator, n: int = 6, d: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Inputs in [0, 1] (some at the border) and gradients of very different sizes (some exactly 0)."""
    x = rng.uniform(0, 1, (n, d))
    x[:, :3] = [0.0, 1.0, 0.98]
    g = rng.normal(size=(n, d)) * rng.choice([0.01, 1.0, 5.0], size=(n, d))
    g[:, 3] = 0.0
    return x, g


def _check_input_kept(before: np.ndarray, after: np.ndarray, name: str) -> None:
    if not np.array_equal(before, after):
        raise Wrong(f"your function changed its input {name} in place",
                    f"build a new array instead of writing into {name} (+= or [...] =)")


def _check_box(out: np.ndarray) -> None:
    if out.min() < -1e-12 or out.max() > 1 + 1e-12:
        raise Wrong(f"your adversarial input leaves the image range: values from {out.min():.3g} to "
                    f"{out.max():.3g}", "clip the result to [0, 1] (np.clip)")


@exercise("FGSM step (ℓ∞)")
def check_fgsm(fgsm) -> None:
    """``fgsm(x, g, eps)`` = clip(x + ε sign(g), 0, 1)."""
    fgsm = expect_function(fgsm, ["x", "g", "eps"], "fgsm")
    rng = make_rng(110)
    for eps in (0.3, 0.05, 0.1):
        x, g = _batch(rng)
        x0, g0 = x.copy(), g.copy()
        out = expect_array(call(fgsm, x, g, eps), x.shape, "fgsm(x, g, eps)")
        _check_input_kept(x0, x, "x")
        _check_input_kept(g0, g, "g")
        delta = out - x0
        right = np.clip(x0 + eps * np.sign(g0), 0, 1)
        if np.allclose(out, right, atol=1e-9):
            continue
        if np.allclose(out, eps * np.sign(g0), atol=1e-9):
            raise Wrong("you return the perturbation δ = ε·sign(g), not the adversarial input",
                        "return x + δ, clipped to the image range [0, 1]")
        inner = float(np.sum(delta * g0))
        if inner < 0:
            raise Wrong(f"your perturbation points against the gradient: ⟨δ, g⟩ = {inner:.3g} < 0",
                        "the attacker *increases* the loss: step along +sign(g)")
        if np.abs(delta).max() > eps + 1e-9:
            raise Wrong(f"your perturbation leaves the ε-ball: max|δ| = {np.abs(delta).max():.3g} > "
                        f"ε = {eps}",
                        "the ℓ∞ step is ε·sign(g), whose entries are ±ε")
        _check_box(out)
        free = (x0 + eps <= 1) & (x0 - eps >= 0) & (g0 != 0)
        sizes = np.abs(delta[free])
        if np.any(np.abs(sizes - eps) > 1e-9):
            raise Wrong(f"inside the image range your |δᵢ| should all be ε = {eps}, yours range from "
                        f"{sizes.min():.3g} to {sizes.max():.3g}",
                        "FGSM uses sign(g), not g or g/‖g‖ (the steepest ℓ∞ step)")
        if np.any(delta[g0 == 0] != 0):
            raise Wrong("you move coordinates whose gradient is exactly 0",
                        "np.sign(0) = 0: use np.sign, not a comparison like g >= 0")
        raise Wrong(f"your result differs from clip(x + ε sign g, 0, 1) by up to "
                    f"{np.abs(out - right).max():.3g}", "clip after adding the step, not before")


@exercise("one PGD step (ℓ∞)")
def check_pgd_step(pgd_step) -> None:
    """``pgd_step(x, x_adv, g, eps, alpha)`` = clip(x + clip(x_adv + α sign g − x, −ε, ε), 0, 1)."""
    pgd_step = expect_function(pgd_step, ["x", "x_adv", "g", "eps", "alpha"], "pgd_step")
    rng = make_rng(111)
    for eps, alpha in ((0.1, 0.04), (0.05, 0.03), (0.2, 0.25)):
        x, g = _batch(rng)
        x_adv = np.clip(x + rng.uniform(-eps, eps, x.shape), 0, 1)
        copies = [a.copy() for a in (x, x_adv, g)]
        out = expect_array(call(pgd_step, x, x_adv, g, eps, alpha), x.shape, "pgd_step(...)")
        for before, after, name in zip(copies, (x, x_adv, g), ("x", "x_adv", "g"), strict=True):
            _check_input_kept(before, after, name)
        x0, xa0, g0 = copies
        right = np.clip(x0 + np.clip(xa0 + alpha * np.sign(g0) - x0, -eps, eps), 0, 1)
        if np.allclose(out, right, atol=1e-9):
            continue
        if np.sum((out - xa0) * g0) < 0:
            raise Wrong("your step lowers ⟨x_adv, g⟩: it goes down the gradient", "ascend: + α·sign(g)")
        if np.abs(out - x0).max() > eps + 1e-9:
            raise Wrong(f"your iterate leaves the ε-ball around x: max|x_adv − x| = "
                        f"{np.abs(out - x0).max():.3g} > ε = {eps}",
                        "is there a projection onto the ε-ball around the clean input x? Clipping only the "
                        "step around x_adv lets the iterate drift away")
        _check_box(out)
        if np.allclose(out, np.clip(x0 + np.clip(xa0 + alpha * g0 - x0, -eps, eps), 0, 1), atol=1e-9):
            raise Wrong("your step uses the raw gradient α·g", "PGD (ℓ∞) steps along α·sign(g)")
        if np.allclose(out, np.clip(x0 + np.clip(x0 + alpha * np.sign(g0) - x0, -eps, eps), 0, 1), atol=1e-9):
            raise Wrong("your step starts from x, not from the current iterate x_adv",
                        "PGD continues from x_adv: x_adv + α·sign(g), then project")
        raise Wrong(f"your result differs from the PGD step by up to {np.abs(out - right).max():.3g}",
                    "order: step from x_adv, project δ = x_adv − x onto [−ε, ε], then clip x + δ to [0, 1]")


def _library_l1(v: np.ndarray, eps: float) -> np.ndarray:
    return project_l1_ball(torch.tensor(v[None], dtype=torch.float64), eps)[0].numpy()


@exercise("projection onto the ℓ1 ball")
def check_project_l1(project_l1) -> None:
    """``project_l1(v, eps)``: the Euclidean projection of a 1-D vector onto {‖w‖₁ ≤ ε}."""
    project_l1 = expect_function(project_l1, ["v", "eps"], "project_l1")
    rng = make_rng(112)
    cases = [(np.array([0.5, -0.2, 0.1]), 1.0), (np.array([3.0, -1.0, 0.2, 0.0]), 1.0),
             (np.array([1.0, 1.0]), 1.0)]
    cases += [(rng.normal(size=d) * s, float(eps)) for d, s, eps in
              ((5, 1.0, 0.5), (12, 2.0, 1.5), (30, 0.3, 2.0), (8, 5.0, 0.1))]
    for v, eps in cases:
        v0 = v.copy()
        out = expect_array(call(project_l1, v, eps), v.shape, "project_l1(v, eps)")
        _check_input_kept(v0, v, "v")
        right = _library_l1(v0, eps)
        if np.allclose(out, right, atol=1e-7):
            continue
        n1 = float(np.abs(out).sum())
        if n1 > eps + 1e-7:
            hint = ("clipping each coordinate to [−ε, ε] is the ℓ∞ projection"
                    if np.allclose(out, np.clip(v0, -eps, eps)) else
                    "is the ℓ1 norm Σ|wᵢ| below ε? τ comes from the ρ largest |vᵢ| only, not from all")
            raise Wrong(f"your result leaves the ℓ1 ball: ‖w‖₁ = {n1:.4g} > ε = {eps}", hint)
        if np.any(out * v0 < -1e-12) or np.any((out != 0) & (v0 == 0)):
            raise Wrong("your result flips or drops the sign of some coordinates",
                        "keep sign(vᵢ): w = sign(v)·(|v| − τ)₊")
        if np.abs(v0).sum() <= eps:
            raise Wrong(f"v = {np.round(v0, 3).tolist()} is already in the ball "
                        f"(‖v‖₁ = {np.abs(v0).sum():.3g} ≤ {eps}) but you move it",
                        "a projection leaves points of the set unchanged")
        if np.allclose(out, v0 * eps / np.abs(v0).sum(), atol=1e-7):
            raise Wrong("you rescale v onto the sphere: that stays in the ball but is not the closest point "
                        f"(distance {np.linalg.norm(out - v0):.4g} > {np.linalg.norm(right - v0):.4g})",
                        "rescaling is the ℓ2 ball's projection; the ℓ1 ball needs soft-thresholding |v| − τ")
        dist, best = float(np.linalg.norm(out - v0)), float(np.linalg.norm(right - v0))
        if dist > best + 1e-7:
            raise Wrong(f"your point is in the ball but not the closest one: distance {dist:.4g} > "
                        f"{best:.4g}",
                        "the threshold τ solves Σ(|vᵢ| − τ)₊ = ε (sort |v| in decreasing order)")
        raise Wrong(f"your result differs from the projection by up to {np.abs(out - right).max():.3g}",
                    "the threshold τ solves Σ(|vᵢ| − τ)₊ = ε (sort |v| in decreasing order)")


@exercise("the linear worst case in three norms")
def check_linear_worst_case(prediction) -> None:
    """``prediction = (gain_linf, gain_l2, gain_l1)``: max ⟨w, η⟩ over ‖η‖_p ≤ ε = ε‖w‖_q."""
    if prediction is ... or prediction is None:
        raise NotImplementedError
    if not isinstance(prediction, (tuple, list)) or len(prediction) != 3:
        raise Wrong(f"expected three numbers (gain_linf, gain_l2, gain_l1), got {type(prediction).__name__} "
                    f"{prediction!r:.60}", "write e.g. prediction = (1.0, 2.0, 3.0)")
    values = [expect_number(p, f"gain_{n}") for p, n in zip(prediction, ("linf", "l2", "l1"), strict=True)]
    w, eps = W_LINEAR, EPS_LINEAR
    right = [eps * np.abs(w).sum(), eps * np.linalg.norm(w), eps * np.abs(w).max()]
    if np.allclose(values, right[::-1], atol=1e-3):
        raise Wrong("your ℓ∞ and ℓ1 values are swapped",
                    "an ℓ∞ budget pairs with the dual norm ‖w‖₁, and ℓ1 with ‖w‖∞")
    for v, r, name in zip(values, right, ("ℓ∞", "ℓ2", "ℓ1"), strict=True):
        if abs(v - r) > 1e-3:
            if abs(v - r / eps) < 1e-3:
                raise Wrong(f"your {name} gain {v:g} is the dual norm without ε", "the gain is ε·‖w‖_*")
            compare_number(v, r, atol=1e-3, what=f"your {name} gain")


@exercise("FGSM as one proximal gradient ascent step")
def check_pga_alpha(prediction) -> None:
    """The smallest α with clip(α g, −ε, ε) = ε sign(g) for ``G_PGA``, ``EPS_PGA``: ε / min|gᵢ| = 1."""
    v = expect_number(prediction, "your step α")
    right = EPS_PGA / np.abs(G_PGA).min()
    if abs(v - right) <= 1e-3 * right:
        return
    if abs(v - EPS_PGA / np.abs(G_PGA).max()) <= 1e-4:
        raise Wrong(f"with α = {v:g} only the largest coordinate reaches ±ε",
                    "every coordinate must reach the boundary: the smallest |gᵢ| decides")
    compare_number(v, right, rtol=1e-3, what="your step α")


@exercise("where the ℓ1 maximiser jumps")
def check_l1_jump(answer) -> None:
    """The angle θ ∈ (0, π/2) of x = (cos θ, sin θ) at which the ℓ1 maximiser moves to the other axis: π/4."""
    v = expect_number(answer, "your angle θ")
    if abs(v - 45.0) < 2.0:
        raise Wrong(f"θ = {v:g} looks like degrees", "the widget's θ is in radians")
    if abs(v - np.pi / 4) > 0.05:
        raise Wrong(f"your angle θ = {v:g} is too {'high' if v > np.pi / 4 else 'low'} (allowed error ±0.05)",
                    "the ℓ1 maximiser sits on the axis of the larger |xᵢ|: when are |cos θ|, |sin θ| equal?")
