"""PGD-AT vs Danskin's Descent Direction on the synthetic example (Latorre et al. (2023);
``LIONS-EPFL/ddi_at``, ``acat/toy.py``).

Each iteration: m inner maximisers by projected gradient ascent from independent random starts
δ₀ ~ U[0, 1]; G = [∇_θ g(θ, δ_i)]; γ* = −w/‖w‖ with w the min-norm point of conv{rows of G};
θ ← θ + step·γ*. With m = 1 this is exactly PGD-AT with a normalised step, θ ← θ − step·g/‖g‖.
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate
from course_lib.danskin.examples import MaxExample
from course_lib.danskin.hull import danskin_descent_direction
from course_lib.seeding import effective_seed


def descent_trajectories(example: MaxExample, theta0: np.ndarray = (1.0, 0.0), *, m: int = 10,
                         iters: int = 49, step: float = 0.1, inner_steps: int = 10, inner_lr: float = 1.0,
                         n_runs: int = 20, seed: int = 0) -> np.ndarray:
    """Run ``n_runs`` seeded runs of DDD with m maximisers (m = 1: PGD-AT); θ has shape (iters+1, n_runs, d).

    Defaults are the authors' toy: θ₀ = (1, 0), 49 iterations, normalised step 0.1, 10 inner ascent
    steps of size 1, m = 10.
    """
    theta = _validate.array("theta0", theta0, shape=(example.dim,))
    m = _validate.integer("m", m, lo=1)
    iters = _validate.integer("iters", iters, lo=0)
    step = _validate.positive("step", step)
    n_runs = _validate.integer("n_runs", n_runs, lo=1)
    rng = np.random.default_rng(effective_seed(seed))
    theta = np.tile(theta, (n_runs, 1))
    path = [theta]
    for _ in range(iters):
        delta0 = rng.uniform(*example.delta_range, size=(n_runs, m))
        delta = example.ascend(theta[:, None, :], delta0, inner_steps, inner_lr)
        G = example.grad_theta(theta[:, None, :], delta)  # (n_runs, m, d)
        theta = theta + step * danskin_descent_direction(G)
        path.append(theta)
    return np.stack(path)
