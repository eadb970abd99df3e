"""Run an algorithm from many starts at once: trajectories of shape (T+1, N, 2) and a status per start.

    run = simulate(bilinear(), "eg", z0, steps=100, step=0.2)
    run.z.shape, run.status            # (101, N, 2), array of "ok" / "diverged"

A start whose iterate leaves the ball of radius ``bound`` (or becomes non-finite) is frozen at its last
good point and marked "diverged": no NaN or inf ever leaves ``simulate`` (docs/ARCHITECTURE.md: bad input
gets a clear error, nothing is lost).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from course_lib import _validate
from course_lib.minimax.algorithms import ALIASES, RELAXED, STEPS
from course_lib.minimax.games import Game
from course_lib.seeding import effective_seed

Decay = Callable[[int], float]


def constant() -> Decay:
    """The constant schedule: factor 1 at every step."""
    return lambda k: 1.0


def power_decay(p: float = 0.6, k0: float = 1000.0) -> Decay:
    """Robbins–Monro schedule factor 1/(1 + k/k₀)^p (p ∈ (½, 1] gives Σα = ∞, Σα² < ∞)."""
    p = _validate.number("p", p, lo=0.0, hi=2.0)
    k0 = _validate.positive("k0", k0)
    return lambda k: (1.0 + k / k0) ** -p


@dataclass(frozen=True)
class Run:
    """Result of :func:`simulate`: recorded iterates ``z`` (F, N, d) at steps ``k`` (F,), per-start
    ``status`` ("ok" or "diverged") and ``stopped_at`` (the step a diverged start was frozen at, else
    the horizon), and the last CEG+-type extrapolated points ``z_bar`` (N, d) when the method has them."""

    z: np.ndarray
    k: np.ndarray
    status: np.ndarray
    stopped_at: np.ndarray
    algorithm: str
    z_bar: np.ndarray | None = None

    @property
    def final(self) -> np.ndarray:
        """The last iterate of every start, shape (N, d)."""
        return self.z[-1]

    @property
    def diverged(self) -> np.ndarray:
        return self.status == "diverged"


def resolve(algorithm: str) -> str:
    """The canonical algorithm name ("SEG" → "eg"); unknown names raise ``ValueError``."""
    if not isinstance(algorithm, str):
        raise TypeError(f"'algorithm' must be a string, got {algorithm!r}")
    name = ALIASES.get(algorithm.lower(), algorithm.lower())
    _validate.one_of("algorithm", name, list(STEPS) + list(ALIASES))
    return name


def simulate(game: Game | Callable[[np.ndarray], np.ndarray], algorithm: str, z0: object, steps: int, *,
             step: float = 0.1, alpha: float = 0.5, decay: Decay | None = None, sigma: float = 0.0,
             seed: int = 0, box: float | None = None, bound: float = 1e6, every: int = 1,
             **options: object) -> Run:
    """Run ``algorithm`` (a name of ``algorithms.STEPS``) on ``game`` from the rows of ``z0`` (N, d).

    ``step``: α (γ for the EG+ family); ``alpha``: relaxation of the EG+ family; ``decay(k)``: schedule
    factor multiplying α (EG+ family: the relaxation, as in SEG+/BC-SEG+); ``sigma``: standard
    deviation of additive Gaussian noise on every evaluation of V (seeded by ``seed``); ``box``: clip
    every iterate to [−box, box]^d (and use it as the CEG+ projection); ``bound``: divergence radius;
    ``every``: keep one frame in ``every`` (the last step is always kept). ``options`` go to the step.
    """
    name = resolve(algorithm)
    z = _validate.array("z0", z0)
    if z.ndim == 1:
        z = z[None, :]
    if z.ndim != 2 or z.shape[0] < 1:
        raise ValueError(f"'z0' must have shape (N, d) with N ≥ 1, got {np.shape(z0)}")
    steps = _validate.integer("steps", steps, lo=0, hi=10**8)
    step = _validate.positive("step", step)
    alpha = _validate.positive("alpha", alpha)
    sigma = _validate.nonnegative("sigma", sigma)
    seed = effective_seed(seed)
    bound = _validate.positive("bound", bound)
    every = _validate.integer("every", every, lo=1)
    if sigma > 0 and name == "ppm":
        raise ValueError("'sigma' must be 0 for 'ppm': the implicit step needs an exact operator")
    decay = constant() if decay is None else decay
    if not callable(decay):
        raise TypeError("'decay' must be a function k -> factor, e.g. power_decay(0.6, 1000)")

    V0 = game.V if isinstance(game, Game) else game
    if not callable(V0):
        raise TypeError("'game' must be a Game or a function V mapping (N, d) arrays to (N, d) arrays")
    if isinstance(game, Game) and name in ("ppm", "curvature-eg+"):
        options.setdefault("jac", game.jacobian)
    clip = None
    if box is not None:
        box = _validate.positive("box", box)
        clip = lambda w: np.clip(w, -box, box)  # noqa: E731
        if name in ("ceg+", "adaptive-eg+", "curvature-eg+"):
            options.setdefault("project", clip)
    rng = np.random.default_rng(seed)
    noise = (lambda w: sigma * rng.standard_normal(w.shape)) if sigma > 0 else None  # noqa: E731
    V = V0 if noise is None or name == "bc-seg+" else (lambda w: V0(w) + noise(w))  # noqa: E731
    if name == "bc-seg+":
        options["noise"] = noise
    fn, relaxed = STEPS[name], name in RELAXED

    keep = np.unique(np.r_[np.arange(0, steps + 1, every), steps])
    frames = np.empty((len(keep), *z.shape))
    frames[0] = z
    alive = np.ones(z.shape[0], dtype=bool)
    stopped_at = np.full(z.shape[0], steps)
    state, f = None, 1
    with np.errstate(all="ignore"):
        for k in range(steps):
            factor = float(decay(k))
            if relaxed:
                z_new, state = fn(V, z, step, state, alpha=alpha * factor, **options)
            else:
                z_new, state = fn(V, z, step * factor, state, **options)
            if clip is not None:
                z_new = clip(z_new)
            ok = np.einsum("nd,nd->n", z_new, z_new) <= bound * bound  # False for NaN and inf
            if not ok.all():
                stopped_at[alive & ~ok] = k
                alive &= ok
                z_new = np.where(alive[:, None], z_new, z)
            z = z_new
            if f < len(keep) and keep[f] == k + 1:
                frames[f] = z
                f += 1
    z_bar = state[1] if name == "bc-seg+" else (state if name in ("ceg+", "adaptive-eg+", "curvature-eg+")
                                                  else None)
    if z_bar is not None:
        z_bar = np.where(alive[:, None] & np.isfinite(z_bar), z_bar, z)
    return Run(frames, keep, np.where(alive, "ok", "diverged"), stopped_at, name, z_bar)
