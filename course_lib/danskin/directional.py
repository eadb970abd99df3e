"""Danskin's theorem: the one-sided directional derivative of f(θ) = max_{δ∈S} g(θ, δ) (Danskin (1966);
EE-556 Lecture 11; Latorre et al. (2023)).

    D_γ f(θ) = max_{δ∈S*(θ)} ⟨γ, ∇_θ g(θ, δ)⟩,   S*(θ) = argmax_{δ∈S} g(θ, δ)

and the one-sided finite difference (f(θ + tγ) − f(θ))/t that it is the limit of as t ↓ 0.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_lib import _validate
from course_lib.danskin.examples import MaxExample


def directional_derivative(grads: np.ndarray, gamma: np.ndarray) -> np.ndarray:
    """Danskin's formula from the active gradients: D_γ f = max_i ⟨γ, g_i⟩.

    ``grads`` has shape (k, d) (one row per maximiser, k ≥ 1); ``gamma`` shape (d,) or (n, d) for n
    directions at once. Returns a scalar or shape (n,).
    """
    grads = _validate.array("grads", grads)
    if grads.ndim != 2 or grads.shape[0] == 0:
        raise ValueError(f"'grads' must have shape (k >= 1, d), one row per maximiser; got {grads.shape}")
    gamma = _validate.array("gamma", gamma)
    if gamma.ndim not in (1, 2) or gamma.shape[-1] != grads.shape[1]:
        d = grads.shape[1]
        raise ValueError(f"'gamma' must have shape ({d},) or (n, {d}), got {gamma.shape}")
    return np.max(gamma @ grads.T, axis=-1)


def danskin_derivative(example: MaxExample, theta: np.ndarray, gamma: np.ndarray,
                       tol: float = 1e-12) -> np.ndarray:
    """D_γ f(θ) for one of the examples, over the maximisers S*(θ) found to accuracy ``tol``."""
    return directional_derivative(example.active_gradients(theta, tol), gamma)


def one_sided_difference(f: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, gamma: np.ndarray,
                         t: float = 1e-7) -> np.ndarray:
    """The forward difference (f(θ + tγ) − f(θ))/t for one θ (shape (d,)) and one or many γ ((d,) or (n, d)).

    ``f`` must be vectorised over leading axes (e.g. ``example.robust_loss``). It converges to D_γ f(θ)
    as t ↓ 0, with error O(t) for the piecewise-smooth examples here.
    """
    theta = _validate.array("theta", theta, shape=(None,))
    gamma = _validate.array("gamma", gamma)
    t = _validate.positive("t", t)
    if gamma.shape[-1] != theta.shape[0]:
        raise ValueError(f"'gamma' must end with dimension {theta.shape[0]} like 'theta', got {gamma.shape}")
    return (f(theta + t * gamma) - f(theta)) / t


def change_along(f: Callable[[np.ndarray], np.ndarray], theta: np.ndarray, gamma: np.ndarray,
                 t: float = 1e-3) -> np.ndarray:
    """The measured change f(θ + tγ) − f(θ) after a step of length t·‖γ‖ (negative = descent)."""
    return t * one_sided_difference(f, theta, gamma, t)


def unit_directions(n: int = 360) -> tuple[np.ndarray, np.ndarray]:
    """``n`` unit vectors γ = (cos φ, sin φ) in the plane and their angles φ in degrees."""
    n = _validate.integer("n", n, lo=1)
    phi = np.linspace(0.0, 360.0, n, endpoint=False)
    return np.stack([np.cos(np.deg2rad(phi)), np.sin(np.deg2rad(phi))], axis=-1), phi
