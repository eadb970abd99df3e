"""Gradient descent on a 2-D quadratic f(z) = ½ zᵀ A z: the warm-up of the course (lecture 00).

GD reads z_{k+1} = z_k − η ∇f(z_k) = (I − ηA) z_k, so it contracts by ρ(η) = max_i |1 − η λ_i(A)| per
step and converges iff η < 2/L with L = λ_max(A).
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate


def quadratic(A: np.ndarray) -> np.ndarray:
    """Validate a symmetric positive-definite 2×2 matrix A."""
    A = _validate.array("A", A, shape=(2, 2))
    if not np.allclose(A, A.T):
        raise ValueError("'A' must be symmetric")
    if np.linalg.eigvalsh(A).min() <= 0:
        raise ValueError("'A' must be positive definite (all eigenvalues > 0)")
    return A


def f(A: np.ndarray, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """f(z) = ½ zᵀ A z evaluated on grids X, Y."""
    return 0.5 * (A[0, 0] * X**2 + 2 * A[0, 1] * X * Y + A[1, 1] * Y**2)


def contraction_factor(A: np.ndarray, eta: float) -> float:
    """ρ(η) = max_i |1 − η λ_i(A)|: the per-step factor of GD (spectral radius of I − ηA)."""
    A = quadratic(A)
    eta = _validate.positive("eta", eta)
    return float(np.max(np.abs(1.0 - eta * np.linalg.eigvalsh(A))))


def gradient_descent(A: np.ndarray, z0: np.ndarray, eta: float, steps: int,
                     bound: float = 1e6) -> tuple[np.ndarray, np.ndarray]:
    """Run GD from a batch of starts z0 (N, 2): returns trajectories (steps+1, N, 2) and a status per start.

    A start whose norm passes ``bound`` stops there (status "diverged"); the others say "ok".
    """
    A = quadratic(A)
    z = _validate.array("z0", z0, shape=(None, 2)).copy()
    eta = _validate.positive("eta", eta)
    steps = _validate.integer("steps", steps, lo=1, hi=100_000)
    bound = _validate.positive("bound", bound)
    traj = np.empty((steps + 1, *z.shape))
    traj[0] = z
    stopped = np.zeros(len(z), dtype=bool)
    for k in range(steps):
        z_next = z - eta * z @ A.T
        stopped |= np.linalg.norm(z_next, axis=1) > bound
        z = np.where(stopped[:, None], z, z_next)
        traj[k + 1] = z
    return traj, np.where(stopped, "diverged", "ok")
