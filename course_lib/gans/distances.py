"""Wasserstein distances between empirical measures, and Kantorovich–Rubinstein duality.

EE-556 "Mathematics of Data", Lecture 11 ("The Wasserstein distance", "Duality of 1-Wasserstein"):

    W_q(μ, ν) = ( inf_{π ∈ Γ(μ, ν)} E_{(a, a') ~ π} ‖a − a'‖^q )^{1/q}                  (primal, eq. 5)
    W_1(μ, ν) = sup { E_μ d − E_ν d : d is 1-Lipschitz }                                 (KR dual, eq. 10)

* In 1-D the optimal coupling matches quantiles, so W_q is a sort: :func:`wasserstein_1d`; averaged over
  random 1-D projections it gives the sliced distance :func:`sliced_wasserstein` of high-dimensional
  samples (images).
* Between two uniform samples of the same size the optimal coupling is a permutation (Birkhoff),
  found by :func:`scipy.optimize.linear_sum_assignment`: :func:`wasserstein_p`.
* With weights, the primal and the KR dual are small linear programs: :func:`w1_primal_lp`,
  :func:`kr_dual_lp`.
* Between 1-D normals W_1 has a closed form (:func:`w1_normals_1d`), and between a 1-D sample and a
  normal law it is an exact finite sum (:func:`w1_to_normal_1d`): the plug-in estimator's error can be
  measured, not estimated.
* Between Gaussians W_2 has a closed form, ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^{1/2}) for W_2²: on
  Gaussian fits of two feature sets it is the Fréchet distance :func:`frechet_distance` (FID's formula).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment, linprog
from scipy.spatial.distance import cdist
from scipy.special import ndtr, ndtri

from course_lib import _validate
from course_lib.seeding import effective_seed


def _points(name: str, x: object) -> np.ndarray:
    """Samples as an (n, d) float array; a 1-D array is n points on the line."""
    arr = _validate.array(name, x)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0:
        raise ValueError(f"'{name}' must have shape (n,) or (n, d) with n >= 1, got {arr.shape}")
    return arr


def _samples(name: str, x: object) -> np.ndarray:
    """A batch of N ≥ 2 samples (array or tensor, any trailing shape) as an (N, d) float64 array."""
    if hasattr(x, "detach"):                      # a torch tensor, without importing torch here
        x = x.detach().cpu().double().numpy()
    arr = _validate.array(name, x)
    if arr.ndim < 2 or arr.shape[0] < 2:
        raise ValueError(f"'{name}' must have shape (N, ...) with N >= 2 samples, got {arr.shape}")
    return arr.reshape(arr.shape[0], -1)


def _weights(name: str, w: object, n: int) -> np.ndarray:
    """Probability weights of length n (uniform when ``w`` is None)."""
    if w is None:
        return np.full(n, 1.0 / n)
    w = _validate.array(name, w, shape=(n,))
    if np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError(f"'{name}' must be nonnegative and sum to 1, got sum {w.sum():.6g}")
    return w


def _wasserstein_1d_pow(u: np.ndarray, v: np.ndarray, p: float) -> np.ndarray:
    """W_p^p between the empirical measures of each row of ``u`` (K, n) and ``v`` (K, m), via quantiles.

    W_p^p = ∫_0^1 |F_u^{-1}(t) − F_v^{-1}(t)|^p dt; both quantile functions are steps, constant between
    the merged breakpoints {i/n} ∪ {j/m}, so the integral is an exact finite sum.
    """
    n, m = u.shape[1], v.shape[1]
    u, v = np.sort(u, axis=1), np.sort(v, axis=1)
    levels = np.union1d(np.arange(1, n + 1) / n, np.arange(1, m + 1) / m)
    widths = np.diff(levels, prepend=0.0)
    mid = levels - widths / 2
    qu = u[:, np.minimum((mid * n).astype(int), n - 1)]
    qv = v[:, np.minimum((mid * m).astype(int), m - 1)]
    return np.sum(widths * np.abs(qu - qv) ** p, axis=1)


def wasserstein_1d(u: object, v: object, p: float = 1.0) -> float:
    """W_p between two 1-D samples by sorting: W_p^p = ∫_0^1 |F_u^{-1}(t) − F_v^{-1}(t)|^p dt.

    Samples may have different sizes; the quantile functions are step functions, so the integral is a
    finite sum over the merged breakpoints {i/n} ∪ {j/m}. Agrees with ``scipy.stats.wasserstein_distance``
    for p = 1.
    """
    u = _validate.array("u", u, shape=(None,))
    v = _validate.array("v", v, shape=(None,))
    p = _validate.number("p", p, lo=1.0)
    if u.size == 0 or v.size == 0:
        raise ValueError("'u' and 'v' must contain at least one sample each")
    return float(_wasserstein_1d_pow(u[None], v[None], p)[0] ** (1.0 / p))


def sliced_wasserstein(x: object, y: object, *, n_projections: int = 128, p: float = 2.0,
                       seed: int = 0) -> float:
    """SW_p(x, y) = (mean_θ W_p^p(⟨θ, x⟩, ⟨θ, y⟩))^{1/p} over ``n_projections`` random unit vectors θ.

    Each projection is a 1-D problem solved by sorting (:func:`wasserstein_1d`), so SW needs no optimal
    transport in d dimensions (Rabin et al. 2011; used for GANs by Karras et al. 2018). ``x`` (N, ...) and
    ``y`` (M, ...) are arrays or tensors flattened to vectors; sizes may differ. Deterministic in ``seed``.
    """
    k = _validate.integer("n_projections", n_projections, lo=1)
    p = _validate.number("p", p, lo=1.0)
    a, b = _samples("x", x), _samples("y", y)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"'y' must have {a.shape[1]} dimensions per sample like 'x', got {b.shape[1]}")
    theta = np.random.default_rng(effective_seed(seed)).standard_normal((a.shape[1], k))
    theta /= np.linalg.norm(theta, axis=0, keepdims=True)
    return float(_wasserstein_1d_pow((a @ theta).T, (b @ theta).T, p).mean() ** (1.0 / p))


def gaussian_stats(features: object) -> tuple[np.ndarray, np.ndarray]:
    """Mean μ and covariance Σ (unbiased, float64) of features of shape (N, d)."""
    f = _samples("features", features)
    return f.mean(axis=0), np.cov(f, rowvar=False).reshape(f.shape[1], f.shape[1])


def frechet_distance_from_stats(mu_a: np.ndarray, sigma_a: np.ndarray, mu_b: np.ndarray,
                                sigma_b: np.ndarray) -> float:
    """‖μ_a − μ_b‖² + Tr Σ_a + Tr Σ_b − 2 Tr (Σ_a Σ_b)^{1/2}; the last trace is Σ_i √λ_i(Σ_a Σ_b).

    Σ_a Σ_b is similar to the PSD matrix Σ_a^{1/2} Σ_b Σ_a^{1/2}, so its eigenvalues are real and ≥ 0
    (round-off below 0 is clipped); no matrix square root is needed.
    """
    lam = np.linalg.eigvals(sigma_a @ sigma_b).real
    tr_sqrt = np.sqrt(np.clip(lam, 0.0, None)).sum()
    d2 = float(np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2.0 * tr_sqrt)
    return max(d2, 0.0)


def frechet_distance(features_a: object, features_b: object) -> float:
    """W_2² between Gaussian fits of two feature sets of shape (N, d) and (M, d) (the Fréchet distance).

    In the features of a classifier it is a sample-quality measure (report it as "FD-classifier"); in
    Inception-v3's pool3 features it is FID (Heusel et al. 2017; :mod:`course_lib.labs.quality`).
    """
    fa, fb = _samples("features_a", features_a), _samples("features_b", features_b)
    if fa.shape[1] != fb.shape[1]:
        raise ValueError(f"'features_b' must have {fa.shape[1]} features like 'features_a', "
                         f"got {fb.shape[1]}")
    return frechet_distance_from_stats(*gaussian_stats(fa), *gaussian_stats(fb))


def optimal_matching(x: object, y: object, p: float = 2.0) -> tuple[float, np.ndarray]:
    """Optimal permutation σ between equal-size samples: min_σ (1/n) Σ_i ‖x_i − y_σ(i)‖^p.

    Returns ``(W_p, sigma)``; ``sigma[i]`` is the index of the point of ``y`` matched to ``x[i]``.
    """
    x, y = _points("x", x), _points("y", y)
    p = _validate.number("p", p, lo=1.0)
    if x.shape != y.shape:
        raise ValueError(f"'y' must have the same shape as 'x' (uniform weights, equal sizes), "
                         f"got {y.shape} vs {x.shape}")
    cost = cdist(x, y) ** p
    rows, sigma = linear_sum_assignment(cost)
    return float(cost[rows, sigma].mean() ** (1.0 / p)), sigma


def wasserstein_p(x: object, y: object, p: float = 2.0) -> float:
    """W_p between two uniform samples of equal size via ``scipy.optimize.linear_sum_assignment``."""
    return optimal_matching(x, y, p)[0]


def w1_primal_lp(x: object, y: object, a: object = None, b: object = None) -> tuple[float, np.ndarray]:
    """Primal W_1 as a linear program: min_π Σ_ij π_ij ‖x_i − y_j‖ s.t. π1 = a, πᵀ1 = b, π ≥ 0.

    Returns ``(W_1, plan)`` with ``plan`` of shape (n, m).
    """
    x, y = _points("x", x), _points("y", y)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"'y' must have the same dimension as 'x', got {y.shape[1]} vs {x.shape[1]}")
    n, m = len(x), len(y)
    a, b = _weights("a", a, n), _weights("b", b, m)
    cost = cdist(x, y)
    rows = np.kron(np.eye(n), np.ones((1, m)))          # Σ_j π_ij = a_i
    cols = np.kron(np.ones((1, n)), np.eye(m))          # Σ_i π_ij = b_j
    res = linprog(cost.ravel(), A_eq=np.vstack([rows, cols]), b_eq=np.concatenate([a, b]),
                  bounds=(0, None), method="highs")
    return float(res.fun), res.x.reshape(n, m)


@dataclass
class KRDual:
    """Solution of the Kantorovich–Rubinstein dual on a finite support."""

    value: float            # E_μ d − E_ν d at the optimum (= W_1)
    points: np.ndarray      # (n + m, d): the x's then the y's
    d: np.ndarray           # (n + m,): the optimal 1-Lipschitz critic on those points


def kr_dual_lp(x: object, y: object, a: object = None, b: object = None) -> KRDual:
    """KR dual as a linear program: max_d Σ a_i d(x_i) − Σ b_j d(y_j) s.t. d(p) − d(q) ≤ ‖p − q‖.

    The Lipschitz constraint is imposed on every ordered pair of support points (n + m)² constraints,
    so keep n + m ≲ 100. The constant in d is fixed by d(x_0) = 0.
    """
    x, y = _points("x", x), _points("y", y)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"'y' must have the same dimension as 'x', got {y.shape[1]} vs {x.shape[1]}")
    n, m = len(x), len(y)
    a, b = _weights("a", a, n), _weights("b", b, m)
    pts = np.vstack([x, y])
    k = n + m
    i, j = np.nonzero(~np.eye(k, dtype=bool))
    A = np.zeros((len(i), k))
    A[np.arange(len(i)), i] = 1.0
    A[np.arange(len(i)), j] = -1.0
    dist = np.linalg.norm(pts[i] - pts[j], axis=1)
    c = -np.concatenate([a, -b])                          # linprog minimises
    bounds = [(0.0, 0.0)] + [(None, None)] * (k - 1)
    res = linprog(c, A_ub=A, b_ub=dist, bounds=bounds, method="highs")
    return KRDual(value=float(-res.fun), points=pts, d=res.x)


def empirical_w1(dim: int, n: int, *, rng: np.random.Generator) -> float:
    """W_1 between two independent n-samples of the uniform law on [0, 1]^dim (a proxy for W_1(μ, μ̂_n)).

    EE-556 Lecture 11, "Slow convergence of empirical measures" (Weed and Bach 2019): W_1(μ, μ̂_n) ≳
    n^{−1/dim} for dim ≥ 3; by the triangle inequality W_1(μ̂_n, μ̂'_n) ≤ 2 W_1(μ, μ̂_n), and both decay
    at the same rate.
    """
    dim = _validate.integer("dim", dim, lo=1)
    n = _validate.integer("n", n, lo=1, hi=5000)
    if dim == 1:
        return wasserstein_1d(rng.random(n), rng.random(n))    # sorting: exact and O(n log n)
    return wasserstein_p(rng.random((n, dim)), rng.random((n, dim)), p=1.0)


def empirical_w1_curve(dim: int, ns: object, *, repeats: int = 3, seed: int = 0) -> np.ndarray:
    """Mean of :func:`empirical_w1` over ``repeats`` draws for each n in ``ns``; shape (len(ns),)."""
    ns = _validate.array("ns", ns, shape=(None,), dtype=int)
    repeats = _validate.integer("repeats", repeats, lo=1)
    rng = np.random.default_rng(effective_seed(seed))
    return np.array([np.mean([empirical_w1(dim, int(n), rng=rng) for _ in range(repeats)]) for n in ns])


def loglog_slope(ns: object, values: object) -> float:
    """Least-squares slope of log(values) against log(ns): the measured rate exponent."""
    ns = _validate.array("ns", ns, shape=(None,))
    values = _validate.array("values", values, shape=(len(ns),))
    if np.any(ns <= 0) or np.any(values <= 0):
        raise ValueError("'ns' and 'values' must be positive for a log-log fit")
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


def w1_normals_1d(m1: float, s1: float, m2: float, s2: float) -> float:
    """W_1(N(m1, s1²), N(m2, s2²)) = E|aZ + c| with a = s1 − s2, c = m1 − m2, Z ~ N(0, 1) (closed form).

    In 1-D the optimal coupling is monotone, (m1 + s1 Z, m2 + s2 Z), and the folded-normal mean gives
    E|aZ + c| = |a|√(2/π) exp(−c²/2a²) + c (1 − 2Φ(−c/|a|)), and |c| when a = 0.
    """
    m1, m2 = _validate.number("m1", m1), _validate.number("m2", m2)
    s1, s2 = _validate.positive("s1", s1), _validate.positive("s2", s2)
    a, c = abs(s1 - s2), m1 - m2
    if a == 0.0:
        return abs(c)
    return float(a * np.sqrt(2 / np.pi) * np.exp(-c * c / (2 * a * a)) + c * (1 - 2 * ndtr(-c / a)))


def w1_to_normal_1d(u: object, mean: float = 0.0, std: float = 1.0) -> float:
    """W_1(μ̂_n, N(m, s²)) = Σ_i ∫_{(i−1)/n}^{i/n} |u_(i) − m − sΦ⁻¹(t)| dt, exactly (no sampling of the law).

    The quantile coupling pairs the i-th smallest sample with the normal quantiles in ((i−1)/n, i/n]; each
    integral splits where m + sΦ⁻¹(t) crosses u_(i), and ∫Φ⁻¹(t) dt = −φ(Φ⁻¹(t)) closes it.
    """
    u = np.sort(_validate.array("u", u, shape=(None,)))
    mean, std = _validate.number("mean", mean), _validate.positive("std", std)
    if u.size == 0:
        raise ValueError("'u' must contain at least one sample")
    n = u.size
    lo, hi = np.arange(n) / n, np.arange(1, n + 1) / n
    cross = np.clip(ndtr((u - mean) / std), lo, hi)          # where the normal quantile meets u_(i)

    def prim(t: np.ndarray) -> np.ndarray:                    # ∫ (m + sΦ⁻¹(t)) dt = m t − s φ(Φ⁻¹(t))
        z = ndtri(t)
        phi = np.where(np.isfinite(z), np.exp(-0.5 * np.where(np.isfinite(z), z, 0.0) ** 2), 0.0)
        return mean * t - std * phi / np.sqrt(2 * np.pi)

    below = u * (cross - lo) - (prim(cross) - prim(lo))       # quantile below u_(i) on (lo, cross)
    above = (prim(hi) - prim(cross)) - u * (hi - cross)       # quantile above u_(i) on (cross, hi)
    return float(np.sum(below + above))
