"""Checkers of lecture 05's exercises (``lectures/exercises/05_certified_robustness.ipynb``): interval bound
propagation through a linear layer and a ReLU, CROWN's linear relaxation of a ReLU, the randomized-smoothing
radius, a Lipschitz bound, and the largest verified radius at a point.

    from course_lib.exercises import l05_certified_robustness as ex
    ex.check_ibp_linear(ibp_linear)
"""

from __future__ import annotations

import functools

import numpy as np
import torch
from scipy import stats

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.seeding import effective_seed, make_rng

__all__ = ["certify_problem", "check_crown_lower_prediction", "check_ibp_linear", "check_ibp_relu_layer",
           "check_largest_verified", "check_lipschitz", "check_max_radius_prediction",
           "check_relu_relaxation",
           "check_smoothing_radius", "largest_verified"]


def _pair(out: object, shape: tuple[int, ...], what: str) -> tuple[np.ndarray, np.ndarray]:
    """A (lower, upper) pair of arrays of ``shape``."""
    if out is None:
        raise Wrong(f"{what} is None", "did you forget to return it?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        raise Wrong(f"{what} should be a pair (lower, upper), got {type(out).__name__}",
                    "return two arrays: return lower, upper")
    return expect_array(out[0], shape, "your lower bound"), expect_array(out[1], shape, "your upper bound")


def _box_problem(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = make_rng(seed)
    c = rng.normal(size=(6, 4))
    r = rng.uniform(0.05, 0.5, size=c.shape)
    W = rng.normal(size=(3, 4))
    W[0, :2] = -np.abs(W[0, :2])  # negative weights are where a naive bound fails
    b = rng.normal(size=3)
    return c - r, c + r, W, b


def _ibp(low, up, W, b):
    c, r = (up + low) / 2, (up - low) / 2
    centre, radius = c @ W.T + b, r @ np.abs(W).T
    return centre - radius, centre + radius


def _sound_and_tight(lo, hi, low, up, W, b, relu: bool) -> None:
    """Every sampled point of the box maps inside [lo, hi]; [lo, hi] is the IBP box."""
    rng = make_rng(550)
    corners = low + (up - low) * rng.integers(0, 2, size=(256, *low.shape))  # vertices: the extreme points
    z = corners @ W.T + b
    if relu:
        z = np.maximum(z, 0)
    if np.any(lo > hi + 1e-12):
        raise Wrong("your lower bound is above your upper bound somewhere",
                    "with a negative weight, the lower end of the input gives the upper end of the output")
    outside = (z < lo[None] - 1e-9) | (z > hi[None] + 1e-9)
    if outside.any():
        raise Wrong(f"your box is not sound: {outside.any(0).sum()} of {lo.size} output bounds are violated "
                    f"by "
                    "points of the input box", "a negative weight swaps which end of the input gives which "
                                               "end "
                    "of the output: use the centre c and radius r, c' = Wc + b, r' = |W|r")


@exercise("interval bounds through a linear layer")
def check_ibp_linear(ibp_linear: object) -> None:
    """``ibp_linear(l, u, W, b)`` = (Wc + b − |W|r, Wc + b + |W|r) with c, r the box's centre and radius."""
    f = expect_function(ibp_linear, ["l", "u", "W", "b"], "ibp_linear")
    low, up, W, b = _box_problem(501)
    args = [a.copy() for a in (low, up, W, b)]
    lo, hi = _pair(call(f, *args), (6, 3), "your result")
    if not all(np.array_equal(a, c) for a, c in zip(args, (low, up, W, b))):
        raise Wrong("your function changed one of its inputs", "compute with new arrays")
    exp_lo, exp_hi = _ibp(low, up, W, b)
    if np.allclose(lo, exp_lo, atol=1e-9) and np.allclose(hi, exp_hi, atol=1e-9):
        return
    if np.allclose(lo, exp_lo - b, atol=1e-9) and np.allclose(hi, exp_hi - b, atol=1e-9):
        raise Wrong("your bounds are shifted by −b", "the centre moves to Wc + b: add the bias")
    _sound_and_tight(lo, hi, low, up, W, b, relu=False)
    raise Wrong("your box is sound but looser than IBP's "
                f"(mean width {np.mean(hi - lo):.3g} instead of {np.mean(exp_hi - exp_lo):.3g})",
                "r' = |W| r is exact for one affine layer; no extra slack is needed")


@exercise("interval bounds through a linear layer and a ReLU")
def check_ibp_relu_layer(ibp_relu_layer: object) -> None:
    """``ibp_relu_layer(l, u, W, b)`` = the IBP box of ReLU(Wa + b) for a ∈ [l, u]: clamp both ends at 0."""
    f = expect_function(ibp_relu_layer, ["l", "u", "W", "b"], "ibp_relu_layer")
    low, up, W, b = _box_problem(502)
    args = [a.copy() for a in (low, up, W, b)]
    lo, hi = _pair(call(f, *args), (6, 3), "your result")
    if not all(np.array_equal(a, c) for a, c in zip(args, (low, up, W, b))):
        raise Wrong("your function changed one of its inputs", "compute with new arrays")
    z_lo, z_hi = _ibp(low, up, W, b)
    exp_lo, exp_hi = np.maximum(z_lo, 0), np.maximum(z_hi, 0)
    if np.allclose(lo, exp_lo, atol=1e-9) and np.allclose(hi, exp_hi, atol=1e-9):
        return
    if np.allclose(lo, z_lo, atol=1e-9) and np.allclose(hi, z_hi, atol=1e-9):
        raise Wrong("your bounds are those before the ReLU", "ReLU is monotone: apply it to both ends")
    if np.allclose(lo, exp_lo, atol=1e-9) and np.allclose(hi, z_hi, atol=1e-9):
        raise Wrong("you clamped the lower bound only: an upper bound below 0 stays negative",
                    "ReLU(z) ≥ 0: clamp both ends at 0")
    if np.allclose(lo, z_lo, atol=1e-9) and np.allclose(hi, exp_hi, atol=1e-9):
        raise Wrong("you clamped the upper bound only", "ReLU(z) ≥ 0: the lower end is max(l', 0)")
    if np.any(lo < -1e-12):
        raise Wrong(f"your lower bound is negative ({lo.min():.3g}) after a ReLU", "ReLU outputs are ≥ 0")
    _sound_and_tight(lo, hi, low, up, W, b, relu=True)
    raise Wrong("your box is sound but not the IBP box of ReLU(Wa + b)",
                "first the linear layer (centre and radius), then max(·, 0) on both ends")


@exercise("predict CROWN's lower bound for one ReLU")
def check_crown_lower_prediction(prediction: object) -> None:
    """CROWN with the adaptive lower slope α = 1[u > −l] on ReLU(z), z ∈ [−1, 2]: α = 1, lower bound −1."""
    value = expect_number(prediction, "your lower bound")
    if abs(value) < 1e-6:
        raise Wrong("0 is IBP's (exact) lower bound, and CROWN's with the lower slope α = 0",
                    "here u = 2 > −l = 1, so the adaptive slope is α = 1: what is min αz on [−1, 2]?")
    compare_number(value, -1.0, atol=1e-3, what="your lower bound")


# ---- CROWN's relaxation --------------------------------------------------------------------------

def _relaxation(low, up):
    unstable = (low < 0) & (up > 0)
    active = low >= 0
    s = np.where(unstable, up / np.where(unstable, up - low, 1.0), active * 1.0)
    t = np.where(unstable, -s * low, 0.0)
    alpha = np.where(unstable, (up > -low) * 1.0, active * 1.0)
    return alpha, s, t


@exercise("CROWN's linear relaxation of a ReLU")
def check_relu_relaxation(relu_relaxation: object) -> None:
    """``relu_relaxation(l, u)`` = (α, s, t) with αz ≤ ReLU(z) ≤ sz + t on [l, u], per neuron (CROWN)."""
    f = expect_function(relu_relaxation, ["l", "u"], "relu_relaxation")
    rng = make_rng(503)
    low = np.concatenate([rng.uniform(-2, -0.1, 8), rng.uniform(0.1, 1, 3), rng.uniform(-3, -1, 3)])
    up = np.concatenate([rng.uniform(0.1, 2, 8), low[8:11] + rng.uniform(0.1, 1, 3),
                         low[11:] + rng.uniform(0.1, 0.5, 3)])
    l_in, u_in = low.copy(), up.copy()
    out = call(f, l_in, u_in)
    if not (np.array_equal(l_in, low) and np.array_equal(u_in, up)):
        raise Wrong("your function changed its inputs", "compute with new arrays")
    if out is None:
        raise Wrong("your result is None", "did you forget to return it?")
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        raise Wrong(f"expected a triple (alpha, s, t), got {type(out).__name__}", "return alpha, s, t")
    alpha, s, t = (expect_array(a, low.shape, name) for a, name in zip(out, ("your α", "your s", "your t")))
    e_alpha, e_s, e_t = _relaxation(low, up)
    unstable = slice(0, 8)
    z = np.linspace(low, up, 101)
    relu = np.maximum(z, 0)
    if np.any(s * z + t < relu - 1e-9):
        i = int(np.flatnonzero(np.any(s * z + t < relu - 1e-9, axis=0))[0])
        raise Wrong(f"your upper line sz + t falls below ReLU(z) for the neuron with [l, u] = "
                    f"[{low[i]:.2f}, {up[i]:.2f}]",
                    "the upper line passes through (l, 0) and (u, u)" if i < 8 else
                    "a stable neuron is exactly linear: active (l ≥ 0) → z, inactive (u ≤ 0) → 0")
    if np.any(alpha * z > relu + 1e-9):
        i = int(np.flatnonzero(np.any(alpha * z > relu + 1e-9, axis=0))[0])
        raise Wrong(f"your lower line αz rises above ReLU(z) for the neuron with [l, u] = [{low[i]:.2f}, "
                    f"{up[i]:.2f}]",
                    "any α ∈ [0, 1] is sound for an unstable neuron; a stable one uses α = 1 (active) or 0")
    if not (np.allclose(s, e_s) and np.allclose(t, e_t)):
        raise Wrong("your upper line is sound but not the tightest one",
                    "the tightest upper line of ReLU on [l, u] is the chord through (l, 0) and (u, u)"
                    if not np.allclose(s[unstable], e_s[unstable]) or not np.allclose(t[unstable],
                        e_t[unstable])
                    else "a stable neuron needs no relaxation: s = 1, t = 0 if active, s = t = 0 if inactive")
    if not np.allclose(alpha, e_alpha):
        if np.allclose(alpha[unstable], 0):
            raise Wrong("your lower slope is α = 0 on every unstable neuron: sound, but that is the 'zero' "
                        "variant, not CROWN's adaptive one", "CROWN picks α = 1 when u > −l, else 0")
        if np.allclose(alpha[unstable], s[unstable]):
            raise Wrong("your lower slope equals the upper slope u/(u − l): sound, but not CROWN's choice",
                        "CROWN picks α = 1 when u > −l, else 0 (the line closer to ReLU in area)")
        raise Wrong("your lower slopes are sound but not CROWN's adaptive α = 1[u > −l]",
                    "stable neurons: α = 1 if active, 0 if inactive")


# ---- randomized smoothing ------------------------------------------------------------------------

@exercise("the randomized-smoothing radius")
def check_smoothing_radius(smoothing_radius: object) -> None:
    """``smoothing_radius(p_a, p_b, sigma)`` = σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B)), elementwise."""
    f = expect_function(smoothing_radius, ["p_a", "p_b", "sigma"], "smoothing_radius")
    rng = make_rng(504)
    p_a = rng.uniform(0.55, 0.999, 20)
    p_b = (1 - p_a) * rng.uniform(0.2, 1.0, 20)
    p_b[:5] = 1 - p_a[:5]
    sigma = 0.25  # not 0.5, so that "forgot σ" and "forgot the 1/2" give different radii
    args = (p_a.copy(), p_b.copy())
    r = expect_array(call(f, *args, sigma), p_a.shape, "your radius")
    if not (np.array_equal(args[0], p_a) and np.array_equal(args[1], p_b)):
        raise Wrong("your function changed its inputs", "compute with new arrays")
    ppf = stats.norm.ppf
    expected = sigma / 2 * (ppf(p_a) - ppf(p_b))
    if np.allclose(r, expected, rtol=1e-6):
        return
    candidates = [
        (sigma * (ppf(p_a) - ppf(p_b)), "your radius is twice the certified one",
         "R = σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B))"),
        (0.5 * (ppf(p_a) - ppf(p_b)), "your radius ignores σ",
         "the radius scales with the noise level σ"),
        (sigma * ppf(p_a), "your radius ignores p_B (it is right only when p_B = 1 − p_A)",
         "use both probabilities: σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B))"),
        (sigma / 2 * (stats.norm.cdf(p_a) - stats.norm.cdf(p_b)),
         "you used Φ (the normal CDF), not its inverse",
         "Φ⁻¹ is scipy.stats.norm.ppf"),
        (sigma / 2 * (p_a - p_b), "your radius uses the probabilities themselves",
         "map them through Φ⁻¹ (scipy.stats.norm.ppf) first"),
        (sigma ** 2 / 2 * (ppf(p_a) - ppf(p_b)), "your radius scales with σ², the variance",
         "σ is the standard deviation of the noise: R ∝ σ"),
        (sigma / 2 * (ppf(p_b) - ppf(p_a)), "your radius is negative: the two terms are swapped",
         "p_A ≥ p_B, so Φ⁻¹(p_A) − Φ⁻¹(p_B) ≥ 0"),
    ]
    for cand, message, hint in candidates:
        if np.allclose(r, cand, rtol=1e-6):
            raise Wrong(message, hint)
    i = int(np.flatnonzero(~np.isclose(r, expected, rtol=1e-6))[0])
    raise Wrong(f"for p_A = {p_a[i]:.3f}, p_B = {p_b[i]:.3f}, σ = {sigma} your radius is {r[i]:.4g}",
                "R = σ/2·(Φ⁻¹(p_A) − Φ⁻¹(p_B)), with Φ⁻¹ = scipy.stats.norm.ppf")


@exercise("predict the largest radius a Monte Carlo certificate can give")
def check_max_radius_prediction(prediction: object) -> None:
    """n = 1000 samples all of class A, α = 0.001, σ = 0.5: R = σΦ⁻¹(α^{1/n}) ≈ 1.23."""
    value = expect_number(prediction, "your radius")
    expected = 0.5 * stats.norm.ppf(0.001 ** (1 / 1000))
    if value > 10:
        raise Wrong(f"your radius = {value:g} is huge: with p̲_A = 1 it would be infinite, but n is finite",
                    "the Clopper–Pearson bound with n_A = n is α^{1/n} < 1")
    try:
        compare_number(value, expected, rtol=0.02, what="your radius")
    except Wrong as w:
        raise Wrong(w.message, "p̲_A = α^{1/n} when every sample is of class A; then R = σΦ⁻¹(p̲_A)") from None


# ---- Lipschitz -----------------------------------------------------------------------------------

@exercise("a Lipschitz bound of a ReLU network")
def check_lipschitz(lipschitz_bound: object) -> None:
    """``lipschitz_bound(weights)`` = Π_l ‖W_l‖₂ (spectral norms): an ℓ2 Lipschitz constant of the MLP."""
    f = expect_function(lipschitz_bound, ["weights"], "lipschitz_bound")
    rng = make_rng(505)
    weights = [rng.normal(size=sh) / np.sqrt(sh[1]) for sh in [(16, 8), (16, 16), (3, 16)]]
    w_in = [w.copy() for w in weights]
    value = call(f, w_in)
    if value is None:
        raise Wrong("your bound is None", "did you forget to return it?")
    value = expect_number(value, "your bound")
    if not all(np.array_equal(a, c) for a, c in zip(w_in, weights)):
        raise Wrong("your function changed the weights", "compute with new arrays")
    spec = [np.linalg.norm(w, 2) for w in weights]
    expected = float(np.prod(spec))
    if np.isclose(value, expected, rtol=1e-6):
        return
    candidates = [
        (np.prod([np.linalg.norm(w) for w in weights]), "you used Frobenius norms: a valid but looser bound",
         "the tightest per-layer ℓ2 bound is the spectral norm, np.linalg.norm(W, 2)"),
        (np.sum(spec), "you summed the layers' norms", "Lipschitz constants of a composition multiply"),
        (np.max(spec), "you took the largest layer norm", "Lipschitz constants of a composition multiply"),
        (np.prod([np.abs(w).sum(1).max() for w in weights]), "you used the ℓ∞ operator norm (max row sum)",
         "for ℓ2 balls use the spectral norm, np.linalg.norm(W, 2)"),
        (np.prod([np.abs(w).sum(0).max() for w in weights]), "you used the ℓ1 operator norm (max column sum)",
         "for ℓ2 balls use the spectral norm, np.linalg.norm(W, 2)"),
        (np.prod([np.linalg.norm(w, 2) ** 2 for w in weights]), "you squared the spectral norms",
         "‖W‖₂ is the largest singular value, not its square"),
    ]
    for cand, message, hint in candidates:
        if np.isclose(value, cand, rtol=1e-6):
            raise Wrong(message, hint)
    if value < expected:
        raise Wrong(f"your bound {value:.4g} is smaller than the product of spectral norms: it cannot be "
                    f"proved "
                    "for every network with these weights", "multiply the spectral norms of all layers")
    raise Wrong(f"your bound {value:.4g} is not the product of the layers' spectral norms",
                "ReLU is 1-Lipschitz; multiply ‖W_l‖₂ over the layers")


# ---- explore: the largest verified radius --------------------------------------------------------

def certify_problem(seed: int = 505) -> tuple[torch.nn.Module, torch.Tensor, torch.Tensor]:
    """The explore exercise's problem: a fixed untrained ReLU MLP 2-16-16-2, the point x0 = (0.3, 0.6) and its
    predicted label."""
    from course_lib.models import MLP

    with torch.random.fork_rng():
        torch.manual_seed(effective_seed(seed))
        model = MLP(2, (16, 16), 2).eval()
    x0 = torch.tensor([[0.3, 0.6]])
    with torch.no_grad():
        y0 = model(x0).argmax(1)
    return model, x0, y0


@functools.cache
def largest_verified(method: str = "crown", offset_seed: int | None = None, tol: float = 1e-5) -> float:
    """The largest ε that ``certified(..., method, domain=None)`` verifies at the problem's point."""
    from course_lib.robust import certified

    model, x0, y0 = certify_problem()
    lo, hi = 0.0, 2.0
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if bool(certified(model, x0, y0, mid, method=method, domain=None)) else (lo, mid)
    return lo


@exercise("explore: the largest radius CROWN verifies")
def check_largest_verified(answer: object) -> None:
    """The largest ε for which CROWN verifies the problem's point (to 5 %)."""
    value = expect_number(answer, "your ε")
    seed = effective_seed(0)
    crown, ibp = largest_verified("crown", seed), largest_verified("ibp", seed)
    if abs(value - ibp) <= 0.05 * ibp + 1e-4 and abs(crown - ibp) > 0.05 * crown:
        raise Wrong("that is the largest radius IBP verifies", "use method='crown'")
    try:
        compare_number(value, crown, rtol=0.05, atol=1e-4, what="your ε")
    except Wrong as w:
        raise Wrong(w.message,
                    "bisect on ε with certified(model, x0, y0, eps, method='crown', domain=None)") \
            from None
