"""Synthetic 2-D classification sets for pictures (decision boundaries, ε-balls around points), and
images with an injected class feature (catastrophic overfitting, lecture 03).

``make_2d`` returns ``x`` (float32, shape (n, 2)) and ``y`` (int64, shape (n,)) as torch tensors; ``x`` is
scaled into [0, 1]² so that the attacks' box constraint applies unchanged.
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import _validate
from course_lib.seeding import effective_seed

KINDS = ("moons", "circles", "blobs", "linear")


def _to_unit_square(x: np.ndarray) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    return 0.05 + 0.9 * (x - lo) / np.maximum(hi - lo, 1e-12)


def make_2d(kind: str = "moons", n: int = 400, noise: float = 0.1, seed: int = 0,
            device: str | torch.device = "cpu") -> tuple[torch.Tensor, torch.Tensor]:
    """Two-class 2-D data: ``moons`` / ``circles`` (scikit-learn), ``blobs`` (two Gaussians),
    ``linear`` (uniform points labelled by the sign of ⟨w, x − c⟩ with a fixed w), in [0.05, 0.95]²."""
    from sklearn.datasets import make_blobs, make_circles, make_moons

    _validate.one_of("kind", kind, KINDS)
    n = _validate.integer("n", n, lo=2)
    noise = _validate.nonnegative("noise", noise)
    seed = effective_seed(seed)
    if kind == "moons":
        x, y = make_moons(n, noise=noise, random_state=seed)
    elif kind == "circles":
        x, y = make_circles(n, noise=noise, factor=0.5, random_state=seed)
    elif kind == "blobs":
        x, y = make_blobs(n, centers=[(-1.0, -1.0), (1.0, 1.0)], cluster_std=0.5 + 5 * noise,
                          random_state=seed)
    else:
        rng = np.random.default_rng(seed)
        x = rng.uniform(-1, 1, size=(n, 2))
        y = (x @ np.array([1.0, -0.6]) + noise * rng.standard_normal(n) > 0).astype(int)
    x = torch.tensor(_to_unit_square(x), dtype=torch.float32, device=device)
    return x, torch.tensor(y, dtype=torch.int64, device=device)


def inject_features(x: torch.Tensor, y: torch.Tensor, beta: float, num_classes: int = 10,
                    seed: int = 0) -> torch.Tensor:
    """x̃ = β + (1 − 2β)·x + β·u_y: one fixed random sign pattern u_y ∈ {−1, +1}^d per class (‖u_y‖∞ = 1),
    added with strength β after shrinking x so that x̃ stays in [0, 1] (Ortiz-Jiménez et al. 2023,
    "Catastrophic overfitting can be induced with discriminative non-robust features").

    The feature is perfectly discriminative and an ℓ∞ attack of radius ε ≥ β can erase it.
    """
    beta = _validate.number("beta", beta, lo=0.0, hi=0.5)
    num_classes = _validate.integer("num_classes", num_classes, lo=2)
    seed = effective_seed(seed)
    if not (isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and len(x) == len(y)):
        raise ValueError("'x' and 'y' must be tensors with as many labels as inputs")
    if len(y) and not (0 <= int(y.min()) and int(y.max()) < num_classes):
        raise ValueError(f"'y' must hold class indices in [0, {num_classes}); "
                         f"got [{int(y.min())}, {int(y.max())}]")
    generator = torch.Generator().manual_seed(seed)
    u = torch.randint(0, 2, (num_classes, x[0].numel()), generator=generator).to(x) * 2 - 1
    return beta + (1 - 2 * beta) * x + beta * u.view(num_classes, *x.shape[1:])[y.cpu()].to(x.device)
