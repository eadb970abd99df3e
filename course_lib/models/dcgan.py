"""Generators and critics for 32×32 images (CIFAR-10), and an EMA of the generator weights.

The generator is h_x(ω) and the critic is d_y(a) of EE-556 "Mathematics of Data", Lecture 11
("Wasserstein GANs formulation", eq. 16). Images live in [-1, 1] (``tanh`` output); the data pipeline
maps uint8 pixels with ``a = x / 127.5 - 1``.

- ``DCGANGenerator`` / ``DCGANCritic``: the DCGAN-like pair of the WGAN-GP paper (Gulrajani et al.
  2017, ``gan_cifar.py``: width ``DIM = 128``, no batch norm in the critic when the gradient penalty is
  used, batch norm in the critic in the weight-clipping mode).
- ``ResNetGenerator`` / ``ResNetCritic``: the CIFAR ResNets of SN-GAN (Miyato et al. 2018, appendix B).
- ``spectral_norm=True`` wraps every conv/linear layer of a critic with
  ``torch.nn.utils.parametrizations.spectral_norm`` ("divide each weight matrix by its spectral norm").
- ``EMA``: y_ema ← β y_ema + (1 − β) y after each generator step (Yazıcı et al. 2019).
"""

from __future__ import annotations

import copy

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from course_lib import _validate

ARCHS = ("dcgan", "resnet")
CRITIC_NORMS = ("none", "batch", "layer")


def _maybe_sn(layer: nn.Module, use_sn: bool) -> nn.Module:
    return _sn(layer) if use_sn else layer


def _critic_norm(norm: str, channels: int, size: int) -> nn.Module:
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "layer":  # per-sample normalisation: compatible with the gradient penalty
        return nn.LayerNorm([channels, size, size])
    return nn.Identity()


class DCGANGenerator(nn.Module):
    """h_x(ω): ω ∈ R^z_dim → 4×4×4w → 8×8×2w → 16×16×w → 32×32×3 (transposed convs, BN, ReLU, tanh)."""

    def __init__(self, z_dim: int = 128, width: int = 128) -> None:
        super().__init__()
        self.z_dim = _validate.integer("z_dim", z_dim, lo=1)
        self.width = w = _validate.integer("width", width, lo=1)
        self.project = nn.Sequential(nn.Linear(z_dim, 4 * 4 * 4 * w), nn.BatchNorm1d(4 * 4 * 4 * w),
                                     nn.ReLU())
        self.body = nn.Sequential(
            nn.ConvTranspose2d(4 * w, 2 * w, 4, 2, 1), nn.BatchNorm2d(2 * w), nn.ReLU(),
            nn.ConvTranspose2d(2 * w, w, 4, 2, 1), nn.BatchNorm2d(w), nn.ReLU(),
            nn.ConvTranspose2d(w, 3, 4, 2, 1), nn.Tanh(),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.project(z).view(-1, 4 * self.width, 4, 4))


class DCGANCritic(nn.Module):
    """d_y(a): 32×32×3 → 16×16×w → 8×8×2w → 4×4×4w → R (strided convs, LeakyReLU(0.2), a linear head).

    ``norm``: "none" (WGAN-GP, SN), "batch" (weight clipping as in the WGAN paper) or "layer".
    """

    def __init__(self, width: int = 128, *, norm: str = "none", spectral_norm: bool = False) -> None:
        super().__init__()
        w = _validate.integer("width", width, lo=1)
        _validate.one_of("norm", norm, CRITIC_NORMS)
        layers: list[nn.Module] = []
        for c_in, c_out, size in ((3, w, 16), (w, 2 * w, 8), (2 * w, 4 * w, 4)):
            layers += [_maybe_sn(nn.Conv2d(c_in, c_out, 4, 2, 1), spectral_norm),
                       _critic_norm(norm if c_in != 3 else "none", c_out, size), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.head = _maybe_sn(nn.Linear(4 * 4 * 4 * w, 1), spectral_norm)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(a)).squeeze(1)


class _UpBlock(nn.Module):
    """SN-GAN generator block: x ↦ conv1(up(x)) + conv3(ReLU(BN(conv3(up(ReLU(BN(x))))))), ×2 upsampling."""

    def __init__(self, c_in: int, c_out: int) -> None:
        super().__init__()
        self.residual = nn.Sequential(
            nn.BatchNorm2d(c_in), nn.ReLU(), nn.Upsample(scale_factor=2), nn.Conv2d(c_in, c_out, 3, 1, 1),
            nn.BatchNorm2d(c_out), nn.ReLU(), nn.Conv2d(c_out, c_out, 3, 1, 1))
        self.shortcut = nn.Sequential(nn.Upsample(scale_factor=2), nn.Conv2d(c_in, c_out, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.residual(x)


class _DownBlock(nn.Module):
    """SN-GAN critic block: x ↦ skip(x) + pool(conv3(ReLU(conv3(ReLU(x))))); no input ReLU in the first."""

    def __init__(self, c_in: int, c_out: int, *, down: bool, first: bool, use_sn: bool) -> None:
        super().__init__()
        pool: nn.Module = nn.AvgPool2d(2) if down else nn.Identity()
        self.residual = nn.Sequential(
            nn.Identity() if first else nn.ReLU(), _maybe_sn(nn.Conv2d(c_in, c_out, 3, 1, 1), use_sn),
            nn.ReLU(), _maybe_sn(nn.Conv2d(c_out, c_out, 3, 1, 1), use_sn), pool)
        skip = _maybe_sn(nn.Conv2d(c_in, c_out, 1), use_sn) if (down or c_in != c_out) else nn.Identity()
        self.shortcut = nn.Sequential(pool, skip) if first else nn.Sequential(skip, pool)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.shortcut(x) + self.residual(x)


class ResNetGenerator(nn.Module):
    """SN-GAN CIFAR generator: ω → 4×4×w → three up-blocks → BN, ReLU, conv3 → tanh (32×32×3)."""

    def __init__(self, z_dim: int = 128, width: int = 256) -> None:
        super().__init__()
        self.z_dim = _validate.integer("z_dim", z_dim, lo=1)
        self.width = w = _validate.integer("width", width, lo=1)
        self.project = nn.Linear(z_dim, 4 * 4 * w)
        self.body = nn.Sequential(_UpBlock(w, w), _UpBlock(w, w), _UpBlock(w, w), nn.BatchNorm2d(w),
                                  nn.ReLU(), nn.Conv2d(w, 3, 3, 1, 1), nn.Tanh())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.body(self.project(z).view(-1, self.width, 4, 4))


class ResNetCritic(nn.Module):
    """SN-GAN CIFAR critic: two down-blocks, two plain blocks, ReLU, global sum pooling, linear head."""

    def __init__(self, width: int = 128, *, spectral_norm: bool = True) -> None:
        super().__init__()
        w = _validate.integer("width", width, lo=1)
        sn = bool(spectral_norm)
        self.body = nn.Sequential(
            _DownBlock(3, w, down=True, first=True, use_sn=sn),
            _DownBlock(w, w, down=True, first=False, use_sn=sn),
            _DownBlock(w, w, down=False, first=False, use_sn=sn),
            _DownBlock(w, w, down=False, first=False, use_sn=sn), nn.ReLU())
        self.head = _maybe_sn(nn.Linear(w, 1), sn)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(a).sum(dim=(2, 3))).squeeze(1)


def build_gan(arch: str = "dcgan", *, z_dim: int = 128, width: int = 128, critic_norm: str = "none",
              spectral_norm: bool = False) -> tuple[nn.Module, nn.Module]:
    """Return ``(generator, critic)`` for 32×32×3 images; ``arch`` is "dcgan" or "resnet" (SN-ResNet)."""
    _validate.one_of("arch", arch, ARCHS)
    if arch == "dcgan":
        return (DCGANGenerator(z_dim, width),
                DCGANCritic(width, norm=critic_norm, spectral_norm=spectral_norm))
    _validate.one_of("critic_norm", critic_norm, ("none",))  # the SN-GAN critic has no normalisation layers
    return ResNetGenerator(z_dim, 2 * width), ResNetCritic(width, spectral_norm=spectral_norm)


class EMA:
    """Exponential moving average of a model's weights: y_ema ← β·y_ema + (1 − β)·y (buffers copied).

    ``ema.model`` is a frozen copy in eval mode used for sampling and metrics (Yazıcı et al. 2019).
    """

    def __init__(self, model: nn.Module, beta: float = 0.999) -> None:
        self.beta = _validate.number("beta", beta, lo=0.0, hi=1.0, hi_open=True)
        self.model = copy.deepcopy(model).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """One averaging step towards the current weights of ``model``."""
        for p_ema, p in zip(self.model.parameters(), model.parameters(), strict=True):
            p_ema.lerp_(p.detach(), 1.0 - self.beta)
        for b_ema, b in zip(self.model.buffers(), model.buffers(), strict=True):
            b_ema.copy_(b)

    def state_dict(self) -> dict[str, torch.Tensor]:
        return self.model.state_dict()

    def load_state_dict(self, state: dict[str, torch.Tensor]) -> None:
        self.model.load_state_dict(state)
