"""Wasserstein distances between empirical measures, and Kantorovich–Rubinstein duality.

EE-556 "Mathematics of Data", Lecture 11 ("The Wasserstein distance", "Duality of 1-Wasserstein"):

    W_q(μ, ν) = ( inf_{π ∈ Γ(μ, ν)} E_{(a, a') ~ π} ‖a − a'‖^q )^{1/q}                  (primal, eq. 5)
    W_1(μ, ν) = sup { E_μ d − E_ν d : d is 1-Lipschitz }                                 (KR dual, eq. 10)

* In 1-D the optimal coupling matches quantiles, so W_q is a sort: :func:`wasserstein_1d`.
* Between two uniform samples of the same size the optimal coupling is a permutation (Birkhoff),
  found by :func:`scipy.optimize.linear_sum_assignment`: :func:`wasserstein_p`.
* With weights, the primal and the KR dual are small linear programs: :func:`w1_primal_lp`,
  :func:`kr_dual_lp`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment, linprog
from scipy.spatial.distance import cdist

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


def _weights(name: str, w: object, n: int) -> np.ndarray:
    """Probability weights of length n (uniform when ``w`` is None)."""
    if w is None:
        return np.full(n, 1.0 / n)
    w = _validate.array(name, w, shape=(n,))
    if np.any(w < 0) or not np.isclose(w.sum(), 1.0):
        raise ValueError(f"'{name}' must be nonnegative and sum to 1, got sum {w.sum():.6g}")
    return w


def wasserstein_1d(u: object, v: object, p: float = 1.0) -> float:
    """W_p between two 1-D samples by sorting: W_p^p = ∫_0^1 |F_u^{-1}(t) − F_v^{-1}(t)|^p dt.

    Samples may have different sizes; the quantile functions are step functions, so the integral is a
    finite sum over the merged breakpoints {i/n} ∪ {j/m}. Agrees with ``scipy.stats.wasserstein_distance``
    for p = 1.
    """
    u = np.sort(_validate.array("u", u, shape=(None,)))
    v = np.sort(_validate.array("v", v, shape=(None,)))
    p = _validate.number("p", p, lo=1.0)
    if u.size == 0 or v.size == 0:
        raise ValueError("'u' and 'v' must contain at least one sample each")
    n, m = u.size, v.size
    levels = np.union1d(np.arange(1, n + 1) / n, np.arange(1, m + 1) / m)
    widths = np.diff(levels, prepend=0.0)
    mid = levels - widths / 2
    qu = u[np.minimum((mid * n).astype(int), n - 1)]
    qv = v[np.minimum((mid * m).astype(int), m - 1)]
    return float(np.sum(widths * np.abs(qu - qv) ** p) ** (1.0 / p))


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

    Seed 001, "Slow convergence of empirical measures": W_1(μ, μ̂_n) ≳ n^{−1/dim} for dim ≥ 3;
    by the triangle inequality W_1(μ̂_n, μ̂'_n) ≤ 2 W_1(μ, μ̂_n), and both decay at the same rate.
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
