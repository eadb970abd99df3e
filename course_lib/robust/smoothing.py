"""Randomized smoothing (Cohen et al. (2019), code ``locuslab/smoothing``; CS8695 by Chen Liu).

The smoothed classifier g(x) = argmax_c P(f(x + δ) = c), δ ~ N(0, σ²I), is constant on the ℓ₂ ball of
radius R = σ/2 (Φ⁻¹(p̲_A) − Φ⁻¹(p̄_B)) around x whenever P(f(x + δ) = c_A) ≥ p̲_A ≥ p̄_B ≥ max_{c≠c_A}
P(f(x + δ) = c). With p̄_B = 1 − p̲_A this is R = σ Φ⁻¹(p̲_A). The probabilities are estimated by
Monte Carlo, so the certificate holds with probability ≥ 1 − α over the noise.

CERTIFY: n₀ noisy samples pick ĉ_A; n more give n_A; p̲_A = one-sided Clopper–Pearson lower bound
Beta.ppf(α; n_A, n − n_A + 1); abstain if p̲_A < 1/2, else return (ĉ_A, σ Φ⁻¹(p̲_A)).
WHY (Neyman–Pearson): moving the centre by Δ, the class-c_A mass can drop at most to
Φ(Φ⁻¹(p̲_A) − ‖Δ‖/σ), attained by a half-space (:func:`neyman_pearson_bounds`).
PREDICT: the top two counts n₁ ≥ n₂ of n samples; abstain if the two-sided binomial test of
n₁ out of n₁ + n₂ against p = 1/2 has p-value > α.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from scipy import stats
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Method

ABSTAIN = -1


def noise_counts(model: nn.Module, x: torch.Tensor, sigma: float, n: int, *, batch_size: int = 1000,
                 generator: torch.Generator | None = None) -> torch.Tensor:
    """Counts (N, K): how often f(x_i + δ) = c over n draws δ ~ N(0, σ²I) for each x_i.

    All N·n noisy copies are drawn and classified in batches of ``batch_size`` rows (one forward pass
    per batch, no loop over points).
    """
    sigma = _validate.positive("sigma", sigma)
    n = _validate.integer("n", n, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    if not isinstance(x, torch.Tensor) or x.ndim < 2 or len(x) == 0:
        raise ValueError("'x' must be a non-empty torch tensor of shape (N, ...) with a batch axis")
    with torch.no_grad():
        K = model(x[:1]).shape[1]
        counts = torch.zeros(len(x) * K, dtype=torch.long)
        for start in range(0, len(x) * n, batch_size):
            rows = torch.arange(start, min(start + batch_size, len(x) * n)) // n
            noise = torch.randn(len(rows), *x.shape[1:], generator=generator, dtype=x.dtype)
            pred = model(x[rows] + sigma * noise.to(x.device)).argmax(dim=1).cpu()
            counts.index_add_(0, rows * K + pred, torch.ones_like(pred))
    return counts.reshape(len(x), K)


def clopper_pearson_lower(n_a: object, n: int, alpha: float) -> np.ndarray | float:
    """One-sided (1 − α) lower confidence bound of a binomial proportion: Beta.ppf(α; n_A, n − n_A + 1)
    (0 when n_A = 0). Equals ``proportion_confint(n_A, n, 2α, method="beta")[0]``; α^{1/n} at n_A = n."""
    n = _validate.integer("n", n, lo=1)
    alpha = _validate.number("alpha", alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    n_a = _validate.array("n_a", n_a)
    if np.any(n_a < 0) or np.any(n_a > n) or np.any(n_a != np.round(n_a)):
        raise ValueError(f"'n_a' must hold integer counts in [0, n={n}]")
    p = np.where(n_a > 0, stats.beta.ppf(alpha, np.maximum(n_a, 1), n - n_a + 1), 0.0)
    return _scalar_or_array(p)


def _scalar_or_array(value: np.ndarray) -> np.ndarray | float:
    """A float for a scalar input, an array otherwise."""
    return float(value) if np.ndim(value) == 0 else value


def smoothing_radius(p_a: object, p_b: object | None = None, *, sigma: float = 1.0) -> np.ndarray | float:
    """The certified ℓ₂ radius R = σ/2 (Φ⁻¹(p_A) − Φ⁻¹(p_B)); p_B defaults to 1 − p_A (R = σΦ⁻¹(p_A))."""
    sigma = _validate.positive("sigma", sigma)
    p_a = _validate.array("p_a", p_a)
    if np.any((p_a < 0) | (p_a > 1)):
        raise ValueError("'p_a' must hold probabilities in [0, 1]")
    p_b = 1 - p_a if p_b is None else _validate.array("p_b", p_b)
    if np.any((p_b < 0) | (p_b > 1)) or np.any(p_b > p_a):
        raise ValueError("'p_b' must hold probabilities in [0, 1] with p_b <= p_a")
    return _scalar_or_array(sigma / 2 * (stats.norm.ppf(p_a) - stats.norm.ppf(p_b)))


def neyman_pearson_bounds(p_a: object, p_b: object, shift: object, *,
                          sigma: float = 1.0) -> tuple[np.ndarray | float, np.ndarray | float]:
    """P(f(x+Δ+δ) = c_A) ≥ Φ(Φ⁻¹(p̲_A) − ‖Δ‖/σ) and P(f(x+Δ+δ) = c_B) ≤ Φ(Φ⁻¹(p̄_B) + ‖Δ‖/σ)
    (Neyman–Pearson; Cohen et al. (2019), proof of Theorem 1).

    Among all sets of Gaussian mass p̲_A under N(x, σ²I), the half-space {z : Δᵀ(z − x) ≤ σ‖Δ‖Φ⁻¹(p̲_A)}
    loses the most mass when the centre moves by Δ, so both bounds are attained by half-spaces orthogonal
    to Δ. They cross at ‖Δ‖ = σ/2 (Φ⁻¹(p̲_A) − Φ⁻¹(p̄_B)), the certified radius. ``shift`` is ‖Δ‖₂ (≥ 0).
    Returns (lower bound for c_A, upper bound for c_B).
    """
    sigma = _validate.positive("sigma", sigma)
    p_a, p_b, shift = (_validate.array(name, v) for name, v in (("p_a", p_a), ("p_b", p_b), ("shift", shift)))
    if np.any((p_a < 0) | (p_a > 1)) or np.any((p_b < 0) | (p_b > 1)):
        raise ValueError("'p_a' and 'p_b' must hold probabilities in [0, 1]")
    if np.any(shift < 0):
        raise ValueError("'shift' must hold norms ‖Δ‖ >= 0")
    lower_a = stats.norm.cdf(stats.norm.ppf(p_a) - shift / sigma)
    upper_b = stats.norm.cdf(stats.norm.ppf(p_b) + shift / sigma)
    return _scalar_or_array(lower_a), _scalar_or_array(upper_b)


def _check_alpha(alpha: float) -> float:
    return _validate.number("alpha", alpha, lo=0.0, hi=1.0, lo_open=True, hi_open=True)


def smoothed_predict(model: nn.Module, x: torch.Tensor, sigma: float, *, n: int = 100,
                     alpha: float = 0.001, batch_size: int = 1000,
                     generator: torch.Generator | None = None) -> torch.Tensor:
    """PREDICT of Cohen et al.: the top class of n noisy samples, or ``ABSTAIN`` (−1) when the
    two-sided binomial test of n₁ vs n₁ + n₂ at p = 1/2 has p-value > α. Shape (N,)."""
    alpha = _check_alpha(alpha)
    counts = noise_counts(model, x, sigma, n, batch_size=batch_size, generator=generator)
    top = counts.topk(min(2, counts.shape[1]), dim=1)
    n1 = top.values[:, 0].numpy()
    n2 = top.values[:, 1].numpy() if counts.shape[1] > 1 else np.zeros_like(n1)
    p_value = binomial_two_sided_p(n1, n1 + n2)
    pred = top.indices[:, 0].clone()
    pred[torch.from_numpy(p_value > alpha)] = ABSTAIN
    return pred


def binomial_two_sided_p(k: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Vectorised ``scipy.stats.binomtest(k, m, 0.5).pvalue`` for k ≥ m/2: min(1, 2 P(X ≥ k))."""
    k, m = np.asarray(k), np.asarray(m)
    return np.minimum(1.0, 2 * stats.binom.sf(k - 1, m, 0.5))


def smoothed_certify(model: nn.Module, x: torch.Tensor, sigma: float, *, n0: int = 100,
                     n: int = 10_000, alpha: float = 0.001, batch_size: int = 1000,
                     generator: torch.Generator | None = None) -> tuple[torch.Tensor, np.ndarray]:
    """CERTIFY of Cohen et al.: (class ĉ_A or ``ABSTAIN``, ℓ₂ radius σΦ⁻¹(p̲_A), 0 on abstain).

    ĉ_A is the top class of n₀ samples; p̲_A the Clopper–Pearson lower bound from n fresh samples.
    """
    n0 = _validate.integer("n0", n0, lo=1)
    n = _validate.integer("n", n, lo=1)
    alpha = _check_alpha(alpha)
    c_a = noise_counts(model, x, sigma, n0, batch_size=batch_size, generator=generator).argmax(dim=1)
    counts = noise_counts(model, x, sigma, n, batch_size=batch_size, generator=generator)
    n_a = counts.gather(1, c_a[:, None]).squeeze(1).numpy()
    p_a = clopper_pearson_lower(n_a, n, alpha)
    ok = p_a >= 0.5
    radius = np.where(ok, sigma * stats.norm.ppf(np.where(ok, p_a, 0.5)), 0.0)
    pred = torch.where(torch.from_numpy(ok), c_a, torch.full_like(c_a, ABSTAIN))
    return pred, radius


def certified_accuracy_curve(pred: torch.Tensor, radius: np.ndarray, y: torch.Tensor,
                             radii: object) -> np.ndarray:
    """Certified accuracy at each radius r: the fraction with ĉ_A = y and R ≥ r (abstentions count as
    errors)."""
    radii = _validate.array("radii", radii)
    radius = _validate.array("radius", radius, shape=(len(pred),))
    correct = (torch.as_tensor(pred) == torch.as_tensor(y)).numpy()
    return ((radius[None, :] >= radii.reshape(-1, 1)) & correct[None, :]).mean(axis=1)


class GaussianNoiseTraining(Method):
    """Train the base classifier on x + δ, δ ~ N(0, σ²I) (Cohen et al. 2019, §4: the base classifier must
    classify noisy inputs well for the smoothed one to be accurate)."""

    name = "Gaussian noise"

    def __init__(self, sigma: float) -> None:
        self.sigma = _validate.positive("sigma", sigma)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return F.cross_entropy(model(x + self.sigma * torch.randn_like(x)), y)
