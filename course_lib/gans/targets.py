"""2-D toy target distributions μ♮ for GANs: 8 Gaussians on a ring, a 25-Gaussian grid, a ring, a swiss roll.

The mixtures follow the standard toy setups (Metz et al. 2017 "Unrolled GANs"; Gulrajani et al. 2017
"WGAN-GP"): equal-weight Gaussians with a small standard deviation around known centres, so that the
number of modes a generator covers can be counted exactly (:mod:`course_lib.gans.quality`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from course_lib import _validate
from course_lib.seeding import torch_generator

TARGETS = ("8gaussians", "25gaussians", "ring", "swissroll")


@dataclass(frozen=True)
class Target:
    """A 2-D distribution to sample from; ``centers`` (k, 2) for mixtures, ``None`` for continuous shapes."""

    name: str
    centers: np.ndarray | None
    std: float
    scale: float

    def sample(self, n: int, *, generator: torch.Generator | None = None, dtype: torch.dtype = torch.float32,
               stratified: bool = False) -> torch.Tensor:
        """n i.i.d. samples as an (n, 2) tensor (reproducible with a seeded ``torch.Generator``).

        ``stratified=True`` (mixtures): component i % k for sample i instead of a random component, so that
        every mode gets its exact share (a low-noise reference for ``quality.w2_to_target``).
        """
        n = _validate.integer("n", n, lo=1)
        noise = torch.randn(n, 2, generator=generator, dtype=torch.float64)
        if self.centers is not None:
            idx = (torch.arange(n) % len(self.centers) if stratified
                   else torch.randint(len(self.centers), (n,), generator=generator))
            out = torch.as_tensor(self.centers)[idx] + self.std * noise
        elif self.name == "ring":
            angle = 2 * math.pi * torch.rand(n, generator=generator, dtype=torch.float64)
            radius = self.scale + self.std * noise[:, 0]
            out = torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)
        else:  # swiss roll: t ∈ [1.5π, 4.5π], point t(cos t, sin t), rescaled to radius ≈ scale
            t = 1.5 * math.pi * (1 + 2 * torch.rand(n, generator=generator, dtype=torch.float64))
            roll = torch.stack([t * torch.cos(t), t * torch.sin(t)], dim=1) / (4.5 * math.pi)
            out = self.scale * roll + self.std * noise
        return out.to(dtype)

    def sample_numpy(self, n: int, *, seed: int = 0, stratified: bool = False) -> np.ndarray:
        """n samples as a float64 numpy array (seeded)."""
        gen = torch_generator(seed)
        return self.sample(n, generator=gen, dtype=torch.float64, stratified=stratified).numpy()


def make_target(name: str = "8gaussians", *, scale: float = 2.0, std: float = 0.05) -> Target:
    """A named target: ``"8gaussians"`` (centres on the circle of radius ``scale``), ``"25gaussians"``
    (5 × 5 grid on [−scale, scale]²), ``"ring"`` (radius ``scale``), ``"swissroll"``; ``std`` is the
    standard deviation of each component (radial / additive noise for the continuous shapes)."""
    _validate.one_of("name", name, TARGETS)
    scale = _validate.positive("scale", scale)
    std = _validate.positive("std", std)
    centers = None
    if name == "8gaussians":
        angle = 2 * np.pi * np.arange(8) / 8
        centers = scale * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    elif name == "25gaussians":
        grid = np.linspace(-scale, scale, 5)
        centers = np.stack(np.meshgrid(grid, grid, indexing="ij"), axis=-1).reshape(-1, 2)
    return Target(name=name, centers=centers, std=std, scale=scale)
