"""Train a small GAN on a 2-D target with a pluggable game optimizer; keep snapshots for animations.

EE-556 Lecture 11 ("Stochastic training of Wasserstein GANs"): draw K real samples and K noise samples,
update the critic (n_critic times, then project for weight clipping), then the generator. Here each
closure call draws a fresh batch, i.e. a stochastic oracle V̂(z, ξ) as in the Robbins–Monro template of
the non-zero-sum talk (Cevher, 2024).

The per-iteration code is shared with lab 2 (``course_lib.labs.wgan``): :func:`game_oracle` builds the
closure (real batch, noise, the two players' losses) and :func:`game_step` makes one game step with it;
the lab adds devices, precision, EMA, checkpoints and logging around them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn.utils import parametrize
from tqdm.auto import tqdm

from course_lib import _validate
from course_lib.gans.losses import critic_loss, generator_loss, loss_kind
from course_lib.gans.nets import make_critic, make_generator
from course_lib.gans.optim import GAME_METHODS, Closure, GameOptimizer
from course_lib.gans.targets import Target
from course_lib.seeding import effective_seed, torch_generator


@dataclass
class GanRun:
    """Result of :func:`train_gan`: the nets, generated samples over training and the loss history.

    A run whose parameters or losses stop being finite ends there: ``diverged_at`` is set and the
    snapshots stop at the last finite one.
    """

    generator: nn.Module
    critic: nn.Module
    snapshots: np.ndarray          # (S, n_vis, 2): G(fixed noise) at ``snapshot_steps``
    snapshot_steps: np.ndarray     # (S,)
    losses: np.ndarray             # (steps, 2): (loss_g, loss_d) at the start of each step
    grad_evals: int                # closure calls (gradient computations of both players)
    config: dict = field(default_factory=dict)
    diverged_at: int | None = None  # first step whose losses or parameters were not finite (then stopped)

    @property
    def snapshot_evals(self) -> np.ndarray:
        """Gradient evaluations spent before each snapshot (the x-axis for comparing optimizers)."""
        return self.snapshot_steps * self.grad_evals // max(len(self.losses), 1)

    def snapshot_at(self, evals: int) -> np.ndarray:
        """The first snapshot taken after at least ``evals`` gradient evaluations (or the last one)."""
        evals = _validate.integer("evals", evals, lo=0)
        return self.snapshots[min(int(np.searchsorted(self.snapshot_evals, evals)), len(self.snapshots) - 1)]

    def sample(self, n: int, *, seed: int = 1) -> np.ndarray:
        """n fresh generator samples as a numpy array (seeded noise)."""
        gen = torch_generator(seed)
        with torch.no_grad():
            return self.generator(torch.randn(n, self.config["noise_dim"], generator=gen)).numpy()


def game_oracle(generator: nn.Module, critic: nn.Module, loss: str, real: Callable[[], torch.Tensor],
                noise: Callable[[], torch.Tensor], *, gp_weight: float = 10.0,
                autocast: Callable[[], contextlib.AbstractContextManager] | None = None,
                cache_weights: bool = False) -> Closure:
    """The stochastic oracle V̂(z, ξ) of the GAN game as a closure for :class:`GameOptimizer`: each call
    draws a real batch ``real()`` and noise ``noise()``, runs G once and returns ``(L_G, L_D)`` in fp32
    (``loss`` in :data:`~course_lib.gans.losses.GAN_LOSSES`). ``autocast`` wraps the
    forward passes (bf16 on a GPU); ``cache_weights`` computes parametrized weights (spectral norm) once
    per call instead of once per critic forward.

    ``closure(player)`` computes only what that player's update needs: ``"d"`` (a critic step of the
    alternating schedule) runs G without a graph and returns ``(None, L_D)``; ``"g"`` skips the critic's
    loss (and its gradient penalty) and returns ``(L_G, None)``; ``"both"`` (the default) returns both."""
    loss = loss_kind(loss, "loss")

    def closure(player: str = "both") -> tuple[torch.Tensor | None, torch.Tensor | None]:
        r, z = real(), noise()
        loss_g = loss_d = None
        with autocast() if autocast is not None else contextlib.nullcontext(), \
                parametrize.cached() if cache_weights else contextlib.nullcontext():
            with torch.no_grad() if player == "d" else contextlib.nullcontext():
                fake = generator(z)
            if player != "g":
                loss_d = critic_loss(loss, critic, r, fake, gp_weight=gp_weight).float()
            if player != "d":
                loss_g = generator_loss(loss, critic, fake).float()
        return loss_g, loss_d

    closure.takes_player = True
    return closure


def game_step(opt: GameOptimizer, closure: Closure) -> tuple[torch.Tensor, torch.Tensor]:
    """One iteration of GAN training: one step of the game optimizer on the oracle; returns the losses
    (L_G, L_D) at the start of the step as 0-d tensors (no host synchronisation)."""
    loss_g, loss_d = opt.step(closure)
    return loss_g, loss_d


def train_gan(target: Target, *, loss: str = "wgan_gp", method: str = "adam", steps: int = 1000,
              batch_size: int = 128, lr_g: float = 1e-3, lr_d: float = 1e-3, n_critic: int = 1,
              alternating: bool | None = None, clip: float | None = None, spectral: bool = False,
              gp_weight: float = 10.0, hidden: int = 64, depth: int = 2, noise_dim: int = 2,
              betas: tuple[float, float] = (0.5, 0.9), seg_alpha0: float = 1.0, seg_k0: float = 100.0,
              seed: int = 0, n_snapshots: int = 20, n_vis: int = 512, progress: bool = False) -> GanRun:
    """Train an MLP generator/critic pair on ``target`` and return a :class:`GanRun`.

    ``loss`` in :data:`~course_lib.gans.losses.GAN_LOSSES`; ``method`` in
    :data:`~course_lib.gans.optim.GAME_METHODS`; ``alternating`` defaults to ``n_critic > 1``; ``clip`` is the
    weight-clipping radius c; ``spectral`` spectrally normalizes the critic. Deterministic under ``seed``.
    """
    if not isinstance(target, Target):
        raise TypeError(f"'target' must be a Target (see make_target), got {type(target).__name__}")
    kind = loss_kind(loss, "loss")
    _validate.one_of("method", method, GAME_METHODS)
    steps = _validate.integer("steps", steps, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    n_snapshots = _validate.integer("n_snapshots", n_snapshots, lo=2)
    n_vis = _validate.integer("n_vis", n_vis, lo=1)
    gp_weight = _validate.nonnegative("gp_weight", gp_weight)
    alternating = n_critic > 1 if alternating is None else alternating
    torch.manual_seed(effective_seed(seed))
    G = make_generator(noise_dim, hidden=hidden, depth=depth)
    D = make_critic(2, hidden=hidden, depth=depth, spectral=spectral)
    opt = GameOptimizer(G, D, method, lr_g=lr_g, lr_d=lr_d, betas=betas, alternating=alternating,
                        n_critic=n_critic, clip=clip, seg_alpha0=seg_alpha0, seg_k0=seg_k0)
    data_gen = torch_generator(seed + 1)
    vis_noise = torch.randn(n_vis, noise_dim, generator=torch_generator(seed + 2))

    closure = game_oracle(G, D, kind, lambda: target.sample(batch_size, generator=data_gen),
                          lambda: torch.randn(batch_size, noise_dim, generator=data_gen), gp_weight=gp_weight,
                          cache_weights=True)   # spectral norm: one power iteration per closure

    snap_at = set(np.linspace(0, steps, n_snapshots).round().astype(int).tolist())
    snapshots, snap_steps, losses, diverged_at = [], [], [], None
    for k in tqdm(range(steps + 1), disable=not progress, desc=f"{loss}/{method}"):
        if not torch.isfinite(opt.get_z()).all() or not np.all(np.isfinite(losses[-1:])):
            diverged_at = k - 1                   # stop: never plot NaN (the run is marked instead)
            break
        if k in snap_at:
            with torch.no_grad():
                snapshots.append(G(vis_noise).numpy().copy())
            snap_steps.append(k)
        if k < steps:
            losses.append([float(v) for v in game_step(opt, closure)])
    config = dict(loss=loss, method=method, steps=steps, batch_size=batch_size, lr_g=lr_g, lr_d=lr_d,
                  n_critic=n_critic, alternating=alternating, clip=clip, spectral=spectral,
                  noise_dim=noise_dim, seed=seed)
    return GanRun(G, D, np.stack(snapshots), np.array(snap_steps), np.array(losses).reshape(-1, 2),
                  opt.grad_evals, config, diverged_at)
