"""The non-smooth adversarial loss landscape (Liu et al. (2020), as in CS8695 by Chen Liu).

1-D example: L_ε(θ) = max_{|Δ|≤ε} log(1 + e^{θΔ}) = log(1 + e^{ε|θ|}), with worst case Δ* = ε·sign(θ)
(Δ* = −ε for θ ≤ 0, as on the slide). The maximiser jumps at θ = 0, so the slope jumps from −ε/2 to +ε/2:
the gradient is not Lipschitz, the jump is ε. Linear-model version (dual norms):
L_ε(w) = mean_i log(1 + exp(−y_i wᵀx_i + ε‖w‖_*)), non-smooth at w = 0 for every ε > 0.

A polynomial loss (our example for CS8695's "polynomial loss with small and large ε" figure):
g(θ, Δ) = p(θ − Δ) with p(r) = (r² − 1)²/4 by default, L_ε(θ) = max_{|Δ|≤ε} p(θ − Δ). Here ∇_θ g = p′(θ − Δ),
so the Lipschitz constants of the slide's assumptions are L_θθ = L_θx = sup |p″| over the region visited, and
the gradient bound |L′_ε(θ₁) − L′_ε(θ₂)| ≤ L_θθ|θ₁ − θ₂| + 2εL_θx (Liu et al. (2020)) can be checked exactly.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from course_lib import _validate

DUAL_NORM_ORD = {"linf": 1, "l2": 2, "l1": np.inf}


def adversarial_logistic_1d(theta: np.ndarray, eps: float) -> np.ndarray:
    """Closed form L_ε(θ) = log(1 + e^{ε|θ|}) (vectorised over θ)."""
    theta = _validate.array("theta", theta)
    eps = _validate.nonnegative("eps", eps)
    return np.logaddexp(0.0, eps * np.abs(theta))


def adversarial_logistic_1d_bruteforce(theta: np.ndarray, eps: float, n: int = 2001) -> np.ndarray:
    """L_ε(θ) by brute force: the max of log(1 + e^{θΔ}) over ``n`` grid values of Δ ∈ [−ε, ε]."""
    theta = _validate.array("theta", theta)
    eps = _validate.nonnegative("eps", eps)
    Delta = np.linspace(-eps, eps, _validate.integer("n", n, lo=2))
    return np.max(np.logaddexp(0.0, theta[..., None] * Delta), axis=-1)


def worst_perturbation_1d(theta: np.ndarray, eps: float) -> np.ndarray:
    """The maximiser Δ*(θ) = ε for θ > 0 and −ε for θ ≤ 0 (Liu et al. (2020)); it jumps at θ = 0."""
    theta = _validate.array("theta", theta)
    return np.where(theta > 0, 1.0, -1.0) * _validate.nonnegative("eps", eps)


def adversarial_logistic_1d_slope(theta: np.ndarray, eps: float, side: str = "right") -> np.ndarray:
    """One-sided derivative of L_ε: ε·sign(θ)·σ(ε|θ|) away from 0; at θ = 0 it is +ε/2 (right) or −ε/2 (left).

    By Danskin, the slope is ∂_θ log(1 + e^{θΔ}) = Δ·σ(θΔ) at the active Δ* (±ε at θ = 0).
    """
    theta = _validate.array("theta", theta)
    eps = _validate.nonnegative("eps", eps)
    at_zero = 1.0 if _validate.one_of("side", side, ("left", "right")) == "right" else -1.0
    sign = np.where(theta > 0, 1.0, np.where(theta < 0, -1.0, at_zero))
    return sign * eps * expit(eps * np.abs(theta))


def gradient_jump_1d(eps: float) -> float:
    """The jump of the slope of L_ε at θ = 0: L′(0⁺) − L′(0⁻) = ε/2 − (−ε/2) = ε."""
    zero = np.zeros(1)
    right = adversarial_logistic_1d_slope(zero, eps, "right")
    left = adversarial_logistic_1d_slope(zero, eps, "left")
    return float(right[0] - left[0])


def adversarial_logistic_linear(w: np.ndarray, X: np.ndarray, y: np.ndarray, eps: float,
                                norm: str = "linf") -> float:
    """Adversarial logistic loss of a linear model: mean_i log(1 + exp(−y_i wᵀx_i + ε‖w‖_*)).

    ``norm`` is the perturbation norm (``"linf"``, ``"l2"``, ``"l1"``); ‖·‖_* is its dual (ℓ₁, ℓ₂, ℓ∞).
    ``X`` has shape (n, d), labels ``y`` ∈ {−1, +1}.
    """
    w = _validate.array("w", w, shape=(None,))
    X = _validate.array("X", X, shape=(None, w.shape[0]))
    y = _validate.array("y", y, shape=(X.shape[0],))
    if not np.all(np.abs(y) == 1):
        raise ValueError("'y' must contain labels -1 or +1")
    eps = _validate.nonnegative("eps", eps)
    dual = np.linalg.norm(w, ord=DUAL_NORM_ORD[_validate.one_of("norm", norm, tuple(DUAL_NORM_ORD))])
    return float(np.mean(np.logaddexp(0.0, -y * (X @ w) + eps * dual)))


def worst_perturbation_linear(w: np.ndarray, y: np.ndarray, eps: float, norm: str = "linf") -> np.ndarray:
    """The worst-case η_i with ‖η_i‖ ≤ ε for the linear logistic loss: it maximises −y_i wᵀη_i = ε‖w‖_*.

    linf: −yε·sign(w); l2: −yεw/‖w‖₂; l1: −yε·sign(w_j)e_j at j = argmax|w_j|. Shape (n, d).
    """
    w = _validate.array("w", w, shape=(None,))
    y = _validate.array("y", y, shape=(None,))
    eps = _validate.nonnegative("eps", eps)
    norm = _validate.one_of("norm", norm, tuple(DUAL_NORM_ORD))
    if norm == "linf":
        direction = np.sign(w)
    elif norm == "l2":
        direction = w / max(np.linalg.norm(w), 1e-300)
    else:
        direction = np.zeros_like(w)
        j = np.argmax(np.abs(w))
        direction[j] = np.sign(w[j])
    return -eps * y[:, None] * direction


# ------------------------------------------------------------------ a polynomial loss
DOUBLE_WELL = (0.25, 0.0, -0.5, 0.0, 0.25)   # p(r) = (r² − 1)²/4: coefficients of 1, r, r², r³, r⁴


def _polynomial(coef: tuple[float, ...]) -> np.polynomial.Polynomial:
    coef = _validate.array("coef", coef, shape=(None,))
    if coef.size < 2:
        raise ValueError("'coef' must hold at least 2 coefficients (a non-constant polynomial)")
    return np.polynomial.Polynomial(coef)


def adversarial_polynomial_1d(theta: np.ndarray, eps: float,
                              coef: tuple[float, ...] = DOUBLE_WELL) -> tuple[np.ndarray, np.ndarray]:
    """L_ε(θ) = max_{|Δ|≤ε} p(θ − Δ) exactly, and a maximiser Δ*(θ) (vectorised over θ).

    The max of p over r ∈ [θ − ε, θ + ε] is at an end (Δ = ±ε) or at a critical point r_c of p inside
    (Δ = θ − r_c); ties go to the first candidate in the order −ε, +ε, critical points."""
    theta = _validate.array("theta", theta)
    eps = _validate.nonnegative("eps", eps)
    p = _polynomial(coef)
    roots = p.deriv().roots()
    crit = np.real(roots[np.abs(np.imag(roots)) < 1e-12])
    ends = np.broadcast_to(np.array([-eps, eps]), (*theta.shape, 2))
    cand = np.concatenate([ends, theta[..., None] - crit], axis=-1)
    values = np.where(np.abs(cand) <= eps, p(theta[..., None] - cand), -np.inf)
    best = np.argmax(values, axis=-1)[..., None]
    return np.take_along_axis(values, best, -1)[..., 0], np.take_along_axis(cand, best, -1)[..., 0]


def adversarial_polynomial_1d_slope(theta: np.ndarray, eps: float,
                                    coef: tuple[float, ...] = DOUBLE_WELL) -> np.ndarray:
    """Danskin: L′_ε(θ) = ∂_θ g(θ, Δ*) = p′(θ − Δ*(θ)) (the derivative where the maximiser is unique; at a
    kink, the slope at the maximiser chosen by :func:`adversarial_polynomial_1d`)."""
    theta = _validate.array("theta", theta)
    _, delta = adversarial_polynomial_1d(theta, eps, coef)
    return _polynomial(coef).deriv()(theta - delta)


def polynomial_lipschitz(coef: tuple[float, ...] = DOUBLE_WELL, radius: float = 1.0, n: int = 20001) -> float:
    """sup_{|r|≤radius} |p″(r)| on a grid of ``n`` points: for g(θ, Δ) = p(θ − Δ) this is both L_θθ and L_θx
    (∂²g/∂θ² = p″ and ∂²g/∂θ∂Δ = −p″) on the region |θ − Δ| ≤ radius."""
    radius = _validate.positive("radius", radius)
    r = np.linspace(-radius, radius, _validate.integer("n", n, lo=3))
    return float(np.abs(_polynomial(coef).deriv(2)(r)).max())
