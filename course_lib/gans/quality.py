"""Quality of 2-D generated samples: W2 to the target, modes covered, fraction of high-quality samples.

The mode counts follow the toy-GAN convention (Srivastava et al. 2017 "VEEGAN"; Metz et al. 2017):
a sample is *high quality* when it lies within ``k`` standard deviations (default 3) of its nearest mode
centre, and a mode is *covered* when at least ``min_fraction`` of the samples are high-quality samples of
that mode.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from scipy.spatial.distance import cdist

from course_lib import _validate
from course_lib.gans.distances import wasserstein_p
from course_lib.gans.targets import Target


def _as_numpy(name: str, x: object) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().numpy()
    return _validate.array(name, x, shape=(None, 2))


@dataclass
class ModeStats:
    """Mode statistics of a sample against a mixture target."""

    modes_covered: int          # modes with ≥ min_fraction of the samples within k·std
    n_modes: int
    high_quality: float         # fraction of samples within k·std of some centre
    counts: np.ndarray          # (n_modes,) high-quality samples per mode


def mode_stats(samples: object, target: Target, *, k: float = 3.0, min_fraction: float = 0.01) -> ModeStats:
    """Count covered modes and the high-quality fraction of ``samples`` (n, 2) for a mixture ``target``."""
    x = _as_numpy("samples", samples)
    if target.centers is None:
        raise ValueError(f"'target' must be a Gaussian mixture with centres, got {target.name!r}")
    k = _validate.positive("k", k)
    min_fraction = _validate.number("min_fraction", min_fraction, lo=0.0, hi=1.0)
    dist = cdist(x, target.centers)
    nearest = dist.argmin(axis=1)
    good = dist[np.arange(len(x)), nearest] <= k * target.std
    counts = np.bincount(nearest[good], minlength=len(target.centers))
    covered = int(np.sum(counts >= max(1, min_fraction * len(x))))
    return ModeStats(modes_covered=covered, n_modes=len(target.centers),
                     high_quality=float(good.mean()), counts=counts)


def w2_to_target(samples: object, target: Target, *, seed: int = 0) -> float:
    """W_2 between ``samples`` (n, 2) and n fresh target samples (exact matching, keep n ≲ 2000).

    The reference sample is stratified (each mode gets exactly its share), so the floor of a perfect
    generator comes only from its own sampling noise: compare with :func:`w2_floor`.
    """
    x = _as_numpy("samples", samples)
    return wasserstein_p(x, target.sample_numpy(len(x), seed=seed, stratified=True), p=2.0)


def w2_floor(target: Target, n: int, *, seed: int = 0) -> float:
    """:func:`w2_to_target` of n i.i.d. samples of the target itself: the best a generator can score."""
    n = _validate.integer("n", n, lo=1)
    return w2_to_target(target.sample_numpy(n, seed=seed + 1), target, seed=seed)
