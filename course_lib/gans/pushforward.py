"""Push-forward measures h#p_Ω: the distribution of h(ω) for ω ~ p_Ω.

EE-556 "Mathematics of Data", Lecture 11 ("A way to model complex distributions: The push-forward
measure"): with ω ~ N(0, 1) and h_x(ω) = ω^x, x = 2, the push-forward h_x#p_Ω is the chi-square law with
one degree of freedom. A generator network is the same construction with a learned h.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy import stats

from course_lib import _validate
from course_lib.seeding import effective_seed


def pushforward(h: Callable[[np.ndarray], np.ndarray], n: int, *, dim: int = 1,
                rng: np.random.Generator | None = None) -> np.ndarray:
    """n samples of h#N(0, I_dim): draw ω_1..ω_n ~ N(0, I_dim) and return h(ω) (vectorised h)."""
    n = _validate.integer("n", n, lo=1)
    dim = _validate.integer("dim", dim, lo=1)
    if not callable(h):
        raise TypeError(f"'h' must be a callable mapping noise arrays to samples, got {type(h).__name__}")
    rng = np.random.default_rng(effective_seed(0)) if rng is None else rng
    omega = rng.standard_normal(n) if dim == 1 else rng.standard_normal((n, dim))
    return np.asarray(h(omega))


def power_map(x: float) -> Callable[[np.ndarray], np.ndarray]:
    """The slide's h_x(ω) = ω^x (x = 2 gives the chi-square example)."""
    x = _validate.number("x", x)
    return lambda omega: omega ** x


@dataclass
class KSResult:
    """Kolmogorov–Smirnov test of samples against a reference law."""

    statistic: float   # sup_t |F_n(t) − F(t)|
    pvalue: float

    def passes(self, level: float = 0.01) -> bool:
        """True when the test does not reject at ``level``."""
        return self.pvalue > _validate.number("level", level, lo=0.0, hi=1.0, lo_open=True, hi_open=True)


def chi2_pushforward_test(n: int = 2000, *, seed: int = 0) -> tuple[np.ndarray, KSResult]:
    """Samples of h_2#N(0, 1) and the KS test against χ²(1); returns ``(samples, KSResult)``."""
    samples = pushforward(power_map(2.0), n, rng=np.random.default_rng(effective_seed(seed)))
    res = stats.kstest(samples, stats.chi2(df=1).cdf)
    return samples, KSResult(float(res.statistic), float(res.pvalue))


def change_of_variables_density(y: object) -> np.ndarray:
    """Density of ω² for ω ~ N(0,1) from the change of variables: p_Y(y) = 2 φ(√y) / (2√y), y > 0.

    (h(ω) = ω² is two-to-one, so the slide's formula for a monotone h is summed over both branches ±√y.)
    """
    y = _validate.array("y", y)
    if np.any(y <= 0):
        raise ValueError("'y' must be > 0 (the chi-square density lives on (0, ∞))")
    root = np.sqrt(y)
    return 2 * stats.norm.pdf(root) / (2 * root)
