"""The DCGAN generator and critic for 32×32 images (CIFAR-10), and ``build_gan``, lab 2's choice of pair.

The generator is h_x(ω) and the critic is d_y(a) of EE-556 "Mathematics of Data", Lecture 11
("Wasserstein GANs formulation", eq. 16). Images live in [-1, 1] (``tanh`` output); the data pipeline
maps uint8 pixels with ``a = x / 127.5 - 1``.

- ``DCGANGenerator`` / ``DCGANCritic``: the DCGAN-like pair of the WGAN-GP paper (Gulrajani et al.
  2017, ``gan_cifar.py``: width ``DIM = 128``, no batch norm in the critic when the gradient penalty is
  used, batch norm in the critic in the weight-clipping mode).
- ``build_gan("resnet")``: the SN-GAN ResNets of :mod:`course_lib.models.sngan`.
- ``spectral_norm=True`` wraps every conv/linear layer of a critic with
  ``torch.nn.utils.parametrizations.spectral_norm`` (:func:`~course_lib.models.sngan.maybe_spectral_norm`).
"""

from __future__ import annotations

import torch
from torch import nn

from course_lib import _validate
from course_lib.models.sngan import ResNetCritic, ResNetGenerator, maybe_spectral_norm

ARCHS = ("dcgan", "resnet")
CRITIC_NORMS = ("none", "batch", "layer")


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
            layers += [maybe_spectral_norm(nn.Conv2d(c_in, c_out, 4, 2, 1), spectral_norm),
                       _critic_norm(norm if c_in != 3 else "none", c_out, size), nn.LeakyReLU(0.2)]
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.head = maybe_spectral_norm(nn.Linear(4 * 4 * 4 * w, 1), spectral_norm)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(a)).squeeze(1)


def build_gan(arch: str = "dcgan", *, z_dim: int = 128, width: int = 128, critic_norm: str = "none",
              spectral_norm: bool = False) -> tuple[nn.Module, nn.Module]:
    """Return ``(generator, critic)`` for 32×32×3 images; ``arch`` is "dcgan" or "resnet" (SN-ResNet)."""
    _validate.one_of("arch", arch, ARCHS)
    if arch == "dcgan":
        return (DCGANGenerator(z_dim, width),
                DCGANCritic(width, norm=critic_norm, spectral_norm=spectral_norm))
    _validate.one_of("critic_norm", critic_norm, ("none",))  # the SN-GAN critic has no normalisation layers
    return ResNetGenerator(z_dim, 2 * width), ResNetCritic(width, spectral_norm=spectral_norm)
