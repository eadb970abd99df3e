"""The sin toy model of catastrophic overfitting (the non-zero-sum talk (Cevher, 2024), "A toy model for CO").

Data a₁ = −π/2, b₁ = −1 and a₂ = +π/2, b₂ = +1; model h_x(a) = sin(x·a) with one parameter x;
logistic loss ℓ(m) = log(1 + e^{−m}) of the margin m = b·h_x(a + δ). By symmetry both points have the
same margin m(x, δ) = sin(x(π/2 + δ)) (δ mirrored), so everything below works with that one point.

- Robust problem: R(x, ε) = min_{|δ|≤ε} m(x, δ), maximised at x = 1 where R = cos ε.
- FGSM / S-step PGD (zero init, sign steps, clipped to [−ε, ε]) give the *effective* margin m(x, δ_S(x)).
- CO: the global arg-min over x ∈ (0, B] of the FGSM effective loss jumps from x = 1 to a high-frequency
  x ≈ 4m+3 whose true robust margin is −1; for B ∈ [7, 9] this happens at ε_c = π/8.
- Trap: at x = 4m+1 (incl. the robust optimum x = 1) the input gradient is exactly 0 and sign(0) = 0;
  grids drop those points (their one-sided limits are the values next to them).
All functions are vectorised over numpy arrays of x.
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate

A = np.array([-np.pi / 2, np.pi / 2])  # the two inputs a₁, a₂
HALF_PI = np.pi / 2
MIN_GAP = 0.05  # arg-min further than this from x = 1 counts as catastrophic overfitting


def logistic_loss(m: np.ndarray) -> np.ndarray:
    """ℓ(m) = log(1 + e^{−m}), computed stably."""
    return np.logaddexp(0.0, -np.asarray(m, dtype=float))


def margin(x: np.ndarray, delta: np.ndarray | float = 0.0) -> np.ndarray:
    """m(x, δ) = sin(x(π/2 + δ)): the margin of both data points after the perturbation δ."""
    return np.sin(np.asarray(x, dtype=float) * (HALF_PI + np.asarray(delta, dtype=float)))


def robust_margin(x: np.ndarray, eps: float) -> np.ndarray:
    """R(x, ε) = min_{|δ|≤ε} sin(x(π/2 + δ)), exactly: −1 if the arc contains 3π/2 + 2πk, else the
    smaller end value."""
    eps = _validate.nonnegative("eps", eps)
    x = np.asarray(x, dtype=float)
    u1, u2 = x * (HALF_PI - eps), x * (HALF_PI + eps)
    lo, hi = np.minimum(u1, u2), np.maximum(u1, u2)
    k = np.ceil((lo - 3 * HALF_PI) / (2 * np.pi))
    hits_trough = 3 * HALF_PI + 2 * np.pi * k <= hi
    return np.where(hits_trough, -1.0, np.minimum(np.sin(lo), np.sin(hi)))


def attack_delta(x: np.ndarray, eps: float, steps: int = 1, alpha: float | None = None) -> np.ndarray:
    """S-step sign-gradient ascent on ℓ from δ₀ = 0 (the non-zero-sum talk, "PGD: a misnomer"):
    δ ← clip_[−ε,ε](δ − α·sign(x·cos(x(π/2 + δ)))), since ∂ℓ/∂δ ∝ −x·cos(x(π/2+δ)).
    ``steps = 1, alpha = ε`` (the defaults for S = 1) is FGSM; ``alpha`` defaults to ε/S."""
    eps = _validate.nonnegative("eps", eps)
    steps = _validate.integer("steps", steps, lo=1)
    alpha = eps / steps if alpha is None else _validate.positive("alpha", alpha)
    x = np.asarray(x, dtype=float)
    delta = np.zeros_like(x)
    for _ in range(steps):
        delta = np.clip(delta - alpha * np.sign(x * np.cos(x * (HALF_PI + delta))), -eps, eps)
    return delta


def effective_loss(x: np.ndarray, eps: float, steps: int = 1, alpha: float | None = None) -> np.ndarray:
    """The loss the training method actually minimises: ℓ(m(x, δ_S(x)))."""
    return logistic_loss(margin(x, attack_delta(x, eps, steps, alpha)))


def robust_loss(x: np.ndarray, eps: float) -> np.ndarray:
    """The true robust loss ℓ(R(x, ε)) (exact inner maximisation)."""
    return logistic_loss(robust_margin(x, eps))


def x_grid(B: float, dx: float = 1e-4) -> np.ndarray:
    """Grid of x ∈ (0, B] with step dx, without the degenerate points x = 4m+1 (sign(0) trap)."""
    B = _validate.positive("B", B)
    dx = _validate.number("dx", dx, lo=1e-6, hi=0.1)
    x = np.arange(1, int(round(B / dx)) + 1) * dx
    return x[np.abs(np.cos(x * HALF_PI)) > 1e-9]


def global_argmin(eps: float, B: float = 8.0, steps: int = 1, alpha: float | None = None,
                  dx: float = 1e-4) -> float:
    """x* = argmin_{x∈(0,B]} of the effective loss of the S-step attack (S = 1: FGSM-AT)."""
    x = x_grid(B, dx)
    return float(x[np.argmin(effective_loss(x, eps, steps, alpha))])


def overfits(eps: float, B: float = 8.0, steps: int = 1, alpha: float | None = None,
             dx: float = 1e-4) -> bool:
    """CO criterion: the effective loss's global arg-min is ≥ 0.05 away from the robust optimum x = 1."""
    return abs(global_argmin(eps, B, steps, alpha, dx) - 1.0) >= MIN_GAP


def critical_eps(B: float = 8.0, steps: int = 1, alpha_over_eps: float | None = None, tol: float = 1e-5,
                 dx: float = 1e-4) -> float:
    """ε_c(B): bisection on ε ∈ (0, π/2) for the smallest ε where :func:`overfits` holds
    (π/(4m+4) for B ∈ [4m+3, 4m+5]: π/4 for B = 4, π/8 for B = 8). ``alpha_over_eps`` defaults to 1/S."""
    tol = _validate.positive("tol", tol)
    ratio = 1.0 / _validate.integer("steps", steps, lo=1) if alpha_over_eps is None else alpha_over_eps
    ratio = _validate.positive("alpha_over_eps", ratio)
    lo, hi = 1e-3, HALF_PI - 1e-3
    if overfits(lo, B, steps, ratio * lo, dx) or not overfits(hi, B, steps, ratio * hi, dx):
        raise ValueError(f"no collapse inside (0, π/2) to bisect for B={B}, steps={steps}")
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        lo, hi = (lo, mid) if overfits(mid, B, steps, ratio * mid, dx) else (mid, hi)
    return 0.5 * (lo + hi)


def eps_sweep(eps_values: np.ndarray, B: float = 8.0, steps: int = 1, alpha_over_eps: float | None = None,
              dx: float = 1e-3) -> dict[str, np.ndarray]:
    """For each ε: x* (global arg-min of the effective loss), the true robust loss and robust accuracy
    (R(x*, ε) > 0) at x*. Returns arrays keyed ``eps``, ``x_star``, ``robust_loss``, ``robust_acc``."""
    eps_values = _validate.array("eps_values", eps_values, shape=(None,))
    ratio = 1.0 / steps if alpha_over_eps is None else _validate.positive("alpha_over_eps", alpha_over_eps)
    x_star = np.array([global_argmin(e, B, steps, ratio * e if e > 0 else None, dx) for e in eps_values])
    r = np.array([robust_margin(x, e) for x, e in zip(x_star, eps_values)])
    return {"eps": eps_values, "x_star": x_star, "robust_loss": logistic_loss(r), "robust_acc": (r > 0) * 1.0}


def train(x0: np.ndarray, eps: float, steps: int = 1, alpha: float | None = None, lr: float = 0.1,
          n_iter: int = 200, B: float = 8.0) -> np.ndarray:
    """Adversarial training by gradient descent on x from many starts at once: at each iteration the
    attack finds δ_S(x), then x ← clip_(0,B](x − lr·∂_x ℓ(sin(x(π/2+δ)))) with δ held fixed (Danskin).
    Returns the trajectory, shape (n_iter + 1, len(x0))."""
    lr = _validate.positive("lr", lr)
    n_iter = _validate.integer("n_iter", n_iter, lo=1)
    B = _validate.positive("B", B)
    x = _validate.array("x0", x0, shape=(None,)).copy()
    traj = [x.copy()]
    for _ in range(n_iter):
        delta = attack_delta(x, eps, steps, alpha)
        u = HALF_PI + delta
        m = np.sin(x * u)
        grad = -np.cos(x * u) * u / (1.0 + np.exp(m))  # ℓ'(m) = −1 / (1 + e^m)
        x = np.clip(x - lr * grad, 1e-6, B)
        traj.append(x.copy())
    return np.stack(traj)
