"""The max-functions f(θ) = max_{δ∈[lo,hi]} g(θ, δ) of Latorre et al. (2023) and EE-556 Lecture 11: two
counterexamples to Madry et al.'s Corollary C.2 and the synthetic example of Latorre et al. (2023).

Arrays are batched: ``theta`` has shape (..., d) and ``delta`` shape (...), broadcast against each
other (pass ``theta[..., None, :]`` with ``delta`` of shape (..., m) for m maximisers per point).
In all three examples g is convex (or linear) in δ, so the maximum over [lo, hi] sits at an endpoint and
the extreme points of S*(θ) are the endpoints that attain it; since ∇_θ g is affine in δ, they are all
that Danskin's formula needs.
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate


class MaxExample:
    """f(θ) = max_{δ∈[lo, hi]} g(θ, δ) with closed-form f, ∇_θ g and ∂_δ g (subclasses fill them in)."""

    name = "max-example"
    dim = 1
    delta_range = (0.0, 1.0)

    def g(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def grad_theta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """∇_θ g(θ, δ), shape (..., d)."""
        raise NotImplementedError

    def grad_delta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        """∂g/∂δ (θ, δ), shape (...)."""
        raise NotImplementedError

    def robust_loss(self, theta: np.ndarray) -> np.ndarray:
        """f(θ) = max over δ of g(θ, δ) (the larger endpoint value, since g is convex in δ)."""
        theta = np.asarray(theta, dtype=float)
        lo, hi = self.delta_range
        return np.maximum(self.g(theta, np.asarray(lo)), self.g(theta, np.asarray(hi)))

    def maximizers(self, theta: np.ndarray, tol: float = 1e-12) -> np.ndarray:
        """Extreme points of S*(θ) = argmax_δ g(θ, δ) for one point θ (shape (d,)): the endpoints within
        ``tol`` of the maximum."""
        theta = _validate.array("theta", theta, shape=(self.dim,))
        tol = _validate.nonnegative("tol", tol)
        ends = np.asarray(self.delta_range, dtype=float)
        values = self.g(theta, ends)
        return ends[values >= values.max() - tol]

    def active_gradients(self, theta: np.ndarray, tol: float = 1e-12) -> np.ndarray:
        """The gradients ∇_θ g(θ, δ*) at the maximisers δ* ∈ S*(θ), shape (k, d)."""
        theta = _validate.array("theta", theta, shape=(self.dim,))
        return self.grad_theta(theta, self.maximizers(theta, tol))

    def ascend(self, theta: np.ndarray, delta0: np.ndarray, steps: int = 10, lr: float = 1.0) -> np.ndarray:
        """Inner maximisation by projected gradient ascent: δ ← clip(δ + lr·∂_δ g(θ, δ), lo, hi).

        From a random start it returns a *local* maximiser (``LIONS-EPFL/ddi_at``, ``acat/toy.py``: 10 steps
        of size 1)."""
        steps = _validate.integer("steps", steps, lo=0)
        lr = _validate.positive("lr", lr)
        delta = np.asarray(delta0, dtype=float)
        for _ in range(steps):
            delta = np.clip(delta + lr * self.grad_delta(theta, delta), *self.delta_range)
        return delta


class AbsExample(MaxExample):
    """Counterexample 1: g(θ, δ) = θδ on δ ∈ [−1, 1], so f(θ) = |θ| (Latorre et al. (2023); the non-zero-sum
    talk (Cevher, 2024))."""

    name = "counterexample 1: f(θ) = max_{δ∈[−1,1]} θδ = |θ|"
    dim = 1
    delta_range = (-1.0, 1.0)

    def g(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        return np.asarray(theta)[..., 0] * delta

    def grad_theta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta, delta = np.broadcast_arrays(np.asarray(theta)[..., 0], np.asarray(delta, dtype=float))
        return delta[..., None] + 0.0 * theta[..., None]

    def grad_delta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        return np.asarray(theta)[..., 0] + 0.0 * np.asarray(delta)


class ObtuseExample(MaxExample):
    """Counterexample 2: g(θ, δ) = δ⟨θ,u⟩ + (1−δ)⟨θ,v⟩ + δ(δ−1) on δ ∈ [0, 1] (Latorre et al. (2023)).

    g is convex in δ, so f(θ) = max(⟨θ,u⟩, ⟨θ,v⟩) and S*(0) = {0, 1} with gradients v and u.
    Default u = (1, 0), v = (−1, −1)/√2 (``LIONS-EPFL/ddi_at``, ``acat/toy.py``), at 135°.
    """

    dim = 2
    delta_range = (0.0, 1.0)

    def __init__(self, u: np.ndarray = (1.0, 0.0), v: np.ndarray = (-(0.5**0.5), -(0.5**0.5))) -> None:
        self.u = _validate.array("u", u, shape=(2,))
        self.v = _validate.array("v", v, shape=(2,))
        for name, vec in (("u", self.u), ("v", self.v)):
            if abs(np.linalg.norm(vec) - 1.0) > 1e-9:
                raise ValueError(f"'{name}' must be a unit vector, got norm {np.linalg.norm(vec):.6g}")
        self.name = f"counterexample 2: u = {np.round(self.u, 3)}, v = {np.round(self.v, 3)}"

    @classmethod
    def from_angle(cls, angle: float) -> ObtuseExample:
        """u = (1, 0) and v = (cos a, −sin a) at angle a (degrees, in [0, 180]) from u."""
        a = np.deg2rad(_validate.number("angle", angle, lo=0.0, hi=180.0))
        return cls((1.0, 0.0), (np.cos(a), -np.sin(a)))

    def g(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        return delta * (theta @ self.u) + (1 - delta) * (theta @ self.v) + delta * (delta - 1)

    def grad_theta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        delta = np.asarray(delta, dtype=float) + 0.0 * np.asarray(theta)[..., 0]
        return delta[..., None] * self.u + (1 - delta[..., None]) * self.v

    def grad_delta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        return theta @ self.u - theta @ self.v + 2 * np.asarray(delta) - 1


class SyntheticExample(MaxExample):
    """The synthetic example of Latorre et al. (2023): g(θ, δ) = δ(θ₁² + (θ₂+1)²) + (1−δ)(θ₁² + (θ₂−1)²)
    − c·δ(1−δ).

    ``c = 0`` is the slide's formula (g linear in δ); ``c = 1`` is the authors' code (``LIONS-EPFL/ddi_at``,
    ``acat/toy.py``), where g is convex in δ so that both endpoints are *local* maximisers that gradient
    ascent from a random start can land on. Both give f(θ) = θ₁² + (|θ₂| + 1)², minimal (= 1) at θ = 0.
    """

    dim = 2
    delta_range = (0.0, 1.0)

    def __init__(self, c: float = 0.0) -> None:
        self.c = _validate.nonnegative("c", c)
        self.name = "synthetic example" + (" (slide, c = 0)" if self.c == 0 else f" (code, c = {self.c:g})")

    @classmethod
    def variant(cls, which: str = "slide") -> SyntheticExample:
        """``"slide"`` (c = 0, the slide) or ``"code"`` (c = 1, ``acat/toy.py`` of ``LIONS-EPFL/ddi_at``)."""
        return cls(c={"slide": 0.0, "code": 1.0}[_validate.one_of("which", which, ("slide", "code"))])

    def g(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        a = theta[..., 0] ** 2 + (theta[..., 1] + 1) ** 2
        b = theta[..., 0] ** 2 + (theta[..., 1] - 1) ** 2
        return delta * a + (1 - delta) * b - self.c * delta * (1 - delta)

    def grad_theta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        delta = np.asarray(delta, dtype=float)
        g1 = 2 * theta[..., 0] + 0.0 * delta
        g2 = 2 * theta[..., 1] + 4 * delta - 2
        return np.stack(np.broadcast_arrays(g1, g2), axis=-1)

    def grad_delta(self, theta: np.ndarray, delta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta)
        return 4 * theta[..., 1] - self.c * (1 - 2 * np.asarray(delta))
