"""Simplex projection and the minimum-norm point of a convex hull (Latorre et al. (2023), "Danskin's Descent
Direction").

The steepest descent direction of f(θ) = max_δ g(θ, δ) is −w/‖w‖ with
w = argmin{‖v‖ : v ∈ conv{g_1, …, g_m}}, the g_i = ∇_θ g(θ, δ_i) at the maximisers δ_i
(Latorre et al., ICLR 2023, Thm 2). Writing v = Gᵀy with weights y in the simplex Δ_m turns this into
the quadratic program min_{y ∈ Δ_m} ½ yᵀQy with Q = GGᵀ, solved here by accelerated projected gradient
with the Duchi et al. (2008) projection, as in the authors' code (``LIONS-EPFL/ddi_at``,
``acat/descentdir.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from course_lib import _validate


def project_simplex(v: np.ndarray, z: float = 1.0) -> np.ndarray:
    """Euclidean projection of each row of ``v`` onto {y ≥ 0, Σy = z}: Π(v) = max(v − τ, 0).

    Duchi, Shalev-Shwartz, Singer, Chandra (ICML 2008), sort-based: μ = sort(v) descending,
    ρ = max{j : μ_j − (Σ_{i≤j} μ_i − z)/j > 0}, τ = (Σ_{i≤ρ} μ_i − z)/ρ. Batched over leading axes.
    """
    v = _validate.array("v", v)
    z = _validate.positive("z", z)
    if v.ndim == 0 or v.shape[-1] == 0:
        raise ValueError(f"'v' must have at least one entry on its last axis, got shape {v.shape}")
    return _project_simplex(v, z)


def _project_simplex(v: np.ndarray, z: float = 1.0) -> np.ndarray:
    """:func:`project_simplex` without argument checks (the QP solver's inner loop)."""
    mu = -np.sort(-v, axis=-1)
    excess = np.cumsum(mu, axis=-1) - z
    j = np.arange(1, v.shape[-1] + 1)
    rho = np.sum(mu - excess / j > 0, axis=-1, keepdims=True)  # the condition holds for j = 1..ρ
    tau = np.take_along_axis(excess, rho - 1, axis=-1) / rho
    return np.maximum(v - tau, 0.0)


@dataclass
class HullPoint:
    """The minimum-norm point ``w = Gᵀ weights`` of conv{rows of G} and its certificate.

    ``gap`` = ‖w‖² − min_i ⟨w, g_i⟩ ≥ 0 is the Frank–Wolfe gap: it bounds the suboptimality of ½‖w‖²
    and is 0 exactly at the optimum, where ⟨w, g_i⟩ ≥ ‖w‖² for every i (so −w descends on every g_i).
    Once gap ≤ tol·‖w‖², ⟨−w/‖w‖, g_i⟩ ≤ −(1 − tol)‖w‖ < 0 for every i: a certified descent direction.
    """

    w: np.ndarray
    weights: np.ndarray
    gap: np.ndarray
    iterations: int


def min_norm_weights(Q: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000
                     ) -> tuple[np.ndarray, np.ndarray, int]:
    """Solve min_{y∈Δ_m} ½yᵀQy for a Gram matrix Q = GGᵀ (batched over leading axes).

    Accelerated projected gradient: y⁰ = 1/m, z = yᵏ + k/(k+3)(yᵏ − yᵏ⁻¹),
    yᵏ⁺¹ = Π_Δ(z − Qz/‖Q‖₂); stops when every Frank–Wolfe gap yᵀQy − min_i(Qy)_i is ≤ tol·yᵀQy
    (relative accuracy of ‖w‖²) or ≤ 1e-12·‖Q‖₂ (w ≈ 0). Returns (weights, gaps, iterations).
    """
    Q = _validate.array("Q", Q)
    tol = _validate.positive("tol", tol)
    max_iter = _validate.integer("max_iter", max_iter, lo=1)
    if Q.ndim < 2 or Q.shape[-1] != Q.shape[-2] or Q.shape[-1] == 0:
        raise ValueError(f"'Q' must be a non-empty square (m, m) matrix (or a batch of them), got {Q.shape}")
    m = Q.shape[-1]
    L = np.linalg.eigvalsh(Q)[..., -1:, None]  # ‖Q‖₂, shape (..., 1, 1)
    scale = np.where(L > 0, L, 1.0)

    def gap(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        Qy = (Q @ y[..., None])[..., 0]
        sq_norm = np.sum(y * Qy, axis=-1)
        return sq_norm - np.min(Qy, axis=-1), sq_norm

    y = y_prev = np.full(Q.shape[:-1], 1.0 / m)
    for k in range(max_iter):
        g, sq_norm = gap(y)
        if np.all(g <= np.maximum(tol * sq_norm, 1e-12 * scale[..., 0, 0])):
            return y, np.maximum(g, 0.0), k
        z = y + k / (k + 3) * (y - y_prev)
        y_prev, y = y, _project_simplex(z - (Q @ z[..., None])[..., 0] / scale[..., 0])
    return y, np.maximum(gap(y)[0], 0.0), max_iter


def min_norm_point(G: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000) -> HullPoint:
    """The minimum-norm point of conv{g_1, …, g_m} (rows of ``G``, shape (..., m, p)): w = Gᵀy*."""
    G = _validate.array("G", G)
    if G.ndim < 2 or G.shape[-2] == 0:
        raise ValueError(f"'G' must hold at least one gradient: shape (m >= 1, p), got {G.shape}")
    weights, gap, iterations = min_norm_weights(G @ np.swapaxes(G, -1, -2), tol=tol, max_iter=max_iter)
    w = (weights[..., None, :] @ G)[..., 0, :]
    return HullPoint(w=w, weights=weights, gap=gap, iterations=iterations)


def danskin_descent_direction(G: np.ndarray, *, tol: float = 1e-10, max_iter: int = 10_000) -> np.ndarray:
    """Danskin's descent direction γ* = −w/‖w‖ for the gradients at the maximisers (rows of ``G``).

    Returns 0 where θ is Danskin-stationary (0 ∈ conv{g_i}: no descent direction exists), decided up to
    the solver's accuracy: where the gap is not below tol·‖w‖² (the solver could not certify w ≠ 0).
    """
    hull = min_norm_point(G, tol=tol, max_iter=max_iter)
    sq_norm = np.sum(hull.w**2, axis=-1, keepdims=True)
    stationary = (hull.gap[..., None] > tol * sq_norm) | (sq_norm == 0)
    return np.where(stationary, 0.0, -hull.w / np.sqrt(np.where(stationary, 1.0, sq_norm)))
