"""Checkers for the exercises of lecture 02 (``lectures/exercises/02_danskin.ipynb``).

Danskin's directional derivative D_γ f = max_i ⟨γ, g_i⟩ and its sign, the projection onto the simplex and
the minimum-norm point of a convex hull (checked against :mod:`course_lib.danskin.hull`), the angle of
counterexample 2 at which −u stops ascending, and the gradient jump of the adversarial logistic loss
(Danskin (1966); Latorre et al. (2023); Duchi et al. (2008); Liu et al. (2020)).
"""

from __future__ import annotations

import numpy as np

from course_lib.danskin import directional, hull
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

SIGN_ANGLE = 60.0  # the angle between u and v in the sign exercise
JUMP_EPS = 0.8  # the budget of the gradient-jump exercise


def _keep(before: np.ndarray, after: np.ndarray, name: str) -> None:
    if not np.array_equal(before, after):
        raise Wrong(f"your function changed its input {name} in place",
                    f"build a new array instead of writing into {name}")


@exercise("Danskin's directional derivative")
def check_danskin_derivative(danskin_derivative) -> None:
    """``danskin_derivative(grads, gamma)`` = max_i ⟨γ, g_i⟩ for grads (k, d), gamma (d,)."""
    danskin_derivative = expect_function(danskin_derivative, ["grads", "gamma"], "danskin_derivative")
    rng = make_rng(120)
    cases = [(rng.normal(size=(k, d)), rng.normal(size=d)) for k, d in ((3, 2), (5, 4), (4, 7), (2, 3))]
    cases += [(np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1.0, 0.0]))]
    values, inners = [], []
    for grads, gamma in cases:
        g0, c0 = grads.copy(), gamma.copy()
        result = call(danskin_derivative, grads, gamma)
        if result is None:
            raise Wrong("danskin_derivative(grads, gamma) returns None",
                        "did you forget to return the number?")
        values.append(expect_number(result, "danskin_derivative(grads, gamma)"))
        _keep(g0, grads, "grads")
        _keep(c0, gamma, "gamma")
        inners.append(g0 @ c0)
    values = np.array(values)
    right = np.array([inner.max() for inner in inners])
    bad = np.abs(values - right) > 1e-9 * np.maximum(1.0, np.abs(right))
    if not bad.any():
        return
    i = int(np.argmax(bad))
    where = f"for inner products ⟨γ, gᵢ⟩ = {np.round(inners[i], 3).tolist()} you return {values[i]:.4g}"
    # the mistake that explains every case (several can explain one case)
    mistakes = [
        (lambda inner: -inner.max(), ": the sign is flipped",
         "D_γ f = max_i ⟨γ, gᵢ⟩, no minus sign"),
        (lambda inner: inner[0], ", the first one only",
         "one maximiser is not enough: take the max over all"),
        (lambda inner: inner.min(), ", the smallest one",
         "f is a max: its one-sided slope is the *largest* ⟨γ, gᵢ⟩"),
        (lambda inner: inner.mean(), ", their mean",
         "averaging the gradients gives a two-sided derivative that does not exist at a kink: take the max "
         "over the maximisers"),
    ]
    for formula, what, hint in mistakes:
        if all(abs(v - formula(inner)) < 1e-9 for v, inner in zip(values, inners, strict=True)):
            raise Wrong(where + what, hint)
    raise Wrong(where, "one row of grads per maximiser: grads @ gamma gives the k inner products")


@exercise("the sign of a Danskin directional derivative")
def check_sign(prediction) -> None:
    """The sign of D_{−u} f(0) for counterexample 2 with an angle of 60° between u and v: −1 (descent)."""
    v = expect_number(prediction, "your sign")
    if v not in (-1.0, 0.0, 1.0):
        raise Wrong(f"expected the sign −1, 0 or +1, got {v:g}", "write prediction = -1, 0 or +1")
    u = np.array([1.0, 0.0])
    a = np.deg2rad(SIGN_ANGLE)
    right = float(np.sign(directional.directional_derivative(np.stack([u, [np.cos(a), -np.sin(a)]]), -u)))
    if v != right:
        raise Wrong(f"your sign {v:+g} is wrong",
                    "D_{−u} f(0) = max(⟨−u, u⟩, ⟨−u, v⟩) = max(−1, −cos angle): what is cos 60°?")


def _library_simplex(v: np.ndarray) -> np.ndarray:
    return hull.project_simplex(v)


@exercise("projection onto the simplex")
def check_project_simplex(project_simplex) -> None:
    """``project_simplex(v)``: the Euclidean projection of a 1-D vector onto {y ≥ 0, Σy = 1}."""
    project_simplex = expect_function(project_simplex, ["v"], "project_simplex")
    rng = make_rng(121)
    cases = [np.array([0.5, 0.5, 3.0]), np.array([0.2, 0.3, 0.5]), np.array([-1.0, -2.0, -0.5, -0.7])]
    cases += [rng.normal(size=d) * s for d, s in ((4, 1.0), (10, 0.2), (25, 3.0), (6, 0.05))]
    for v in cases:
        v0 = v.copy()
        out = expect_array(call(project_simplex, v), v.shape, "project_simplex(v)")
        _keep(v0, v, "v")
        right = _library_simplex(v0)
        if np.allclose(out, right, atol=1e-8):
            continue
        if out.min() < -1e-10:
            raise Wrong(f"your result has a negative entry {out.min():.3g}",
                        "the simplex needs y ≥ 0: threshold with max(v − τ, 0)")
        if abs(out.sum() - 1) > 1e-8:
            raise Wrong(f"your result sums to {out.sum():.6g}, not 1",
                        "choose τ so that Σ max(vᵢ − τ, 0) = 1 (sort v in decreasing order)")
        e = np.exp(v0 - v0.max())
        if np.allclose(out, e / e.sum(), atol=1e-8):
            raise Wrong("you return the softmax of v: in the simplex, but not the closest point",
                        "the Euclidean projection is max(v − τ, 0), which has exact zeros")
        dist, best = float(np.linalg.norm(out - v0)), float(np.linalg.norm(right - v0))
        pos = np.maximum(v0, 0)
        if pos.sum() > 0 and np.allclose(out, pos / pos.sum(), atol=1e-8):
            raise Wrong(f"you clip and renormalise: in the simplex, but not the closest point (distance "
                        f"{dist:.4g} > {best:.4g})", "shift every coordinate by the same τ, then clip at 0")
        if dist > best + 1e-8:
            raise Wrong(f"your point is in the simplex but not the closest one: distance {dist:.4g} > "
                        f"{best:.4g}",
                        "τ must be computed from the ρ largest entries only, not from all of v")
        raise Wrong(f"your result differs from the projection by up to {np.abs(out - right).max():.3g}",
                    "Π(v) = max(v − τ, 0) with τ from the sorted entries")


@exercise("the min-norm point of a convex hull")
def check_min_norm_point(min_norm_point) -> None:
    """``min_norm_point(G)``: argmin{‖w‖ : w ∈ conv{rows of G}}, shape (p,)."""
    min_norm_point = expect_function(min_norm_point, ["G"], "min_norm_point")
    rng = make_rng(122)
    s = np.sqrt(0.5)
    cases = [np.array([[1.0, 0.0], [-s, -s]]),  # counterexample 2: w = (u + v)/2
             np.array([[1.0, 0.0], [-1.0, 0.0]]),  # 0 in the hull
             np.array([[2.0, 1.0], [3.0, -1.0], [1.0, 2.0]]),  # the answer lies on an edge
             np.array([[1.0, 1.0], [1.0, 3.0], [3.0, 1.0]])]  # the answer is a vertex
    cases += [rng.normal(size=(m, p)) + shift for m, p, shift in ((3, 4, 1.0), (5, 6, 0.5), (4, 3, 0.0))]
    for G in cases:
        G0 = G.copy()
        m, p = G.shape
        out = call(min_norm_point, G)
        if hasattr(out, "w"):
            out = out.w
        arr = expect_array(out, None, "min_norm_point(G)")
        _keep(G0, G, "G")
        ref = hull.min_norm_point(G0, tol=1e-12)
        if arr.shape == (m,) and (m != p or (np.allclose(arr, ref.weights, atol=1e-4)
                                             and not np.allclose(arr, ref.w, atol=1e-4))):
            raise Wrong(f"you return shape {arr.shape}: the weights α over the {m} rows?",
                        "return the point w = Gᵀα (shape (p,)), not the weights")
        if arr.shape != (p,):
            raise Wrong(f"your result has shape {arr.shape}, expected ({p},)",
                        "w is a point of the rows' space")
        best = float(np.linalg.norm(ref.w))
        norm = float(np.linalg.norm(arr))
        if np.allclose(arr, ref.w, atol=1e-4):
            continue
        if np.allclose(arr, G0.mean(0), atol=1e-6):
            raise Wrong(f"you return the mean of the rows (norm {norm:.4g} > {best:.4g})",
                        "the centroid is in the hull but rarely the closest point to 0: optimise the weights")
        norms = np.linalg.norm(G0, axis=1)
        if np.allclose(arr, G0[np.argmin(norms)], atol=1e-6) and norm > best + 1e-6:
            raise Wrong(f"you return the shortest row (norm {norm:.4g} > {best:.4g})",
                        "points on the edges between rows can be shorter than every row")
        # is it in the hull? the weights of the closest hull point to arr must reproduce it
        lam, *_ = np.linalg.lstsq(np.vstack([G0.T, np.ones(m)]), np.r_[arr, 1.0], rcond=None)
        if np.linalg.norm(G0.T @ lam - arr) < 1e-6 and lam.min() < -1e-6:
            raise Wrong(f"your point (norm {norm:.4g}) is outside the convex hull: its weights are not "
                        "all ≥ 0",
                        "the weights live in the simplex: project them after every gradient step")
        if norm < best - 1e-6:
            raise Wrong(f"your point has norm {norm:.4g} < {best:.4g}, the smallest possible: it is not in "
                        "the hull",
                        "w = Gᵀα with α in the simplex (α ≥ 0, Σα = 1)")
        raise Wrong(f"your point has norm {norm:.5g}, the minimum is {best:.5g}",
                    "run more iterations, or use a step 1/‖GGᵀ‖₂ in the projected gradient on α")


@exercise("the angle where −u stops ascending")
def check_ascent_angle(answer) -> None:
    """The angle between u and v (degrees) at which D_{−u} f(0) = max(−1, −cos a) changes sign: 90."""
    v = expect_number(answer, "your angle")
    if abs(v - np.pi / 2) < 0.05:
        raise Wrong(f"your angle {v:g} looks like radians", "the widget's angle is in degrees")
    if abs(v - 90.0) > 2.0:
        raise Wrong(f"your angle {v:g}° is too {'high' if v > 90 else 'low'} (allowed error ±2°)",
                    "−u ascends while ⟨−u, v⟩ > 0, i.e. while u and v make an obtuse angle")


@exercise("the gradient jump of the adversarial logistic loss")
def check_gradient_jump(prediction) -> None:
    """The jump of the slope of L_ε(θ) = log(1 + e^{ε|θ|}) at θ = 0 for ε = ``JUMP_EPS``: ε."""
    v = expect_number(prediction, "your jump")
    if abs(v - JUMP_EPS / 2) < 1e-3:
        raise Wrong(f"your jump {v:g} is one one-sided slope",
                    "the slope goes from −ε/2 to +ε/2: subtract them")
    compare_number(v, JUMP_EPS, atol=1e-3, what="your jump")
