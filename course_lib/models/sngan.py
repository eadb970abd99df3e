"""The CIFAR ResNets of SN-GAN (Miyato et al. 2018, appendix B) for 32×32 images, and the spectral
normalization switch every lab-2 critic uses.

Images live in [-1, 1] (``tanh`` output), as in :mod:`course_lib.models.dcgan`.
``spectral_norm=True`` wraps every conv/linear layer of a critic with
``torch.nn.utils.parametrizations.spectral_norm`` ("divide each weight matrix by its spectral norm").
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _sn

from course_lib import _validate


def maybe_spectral_norm(layer: nn.Module, use_sn: bool) -> nn.Module:
    """``layer`` with torch's spectral-norm parametrization when ``use_sn``, else ``layer`` itself."""
    return _sn(layer) if use_sn else layer


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
            nn.Identity() if first else nn.ReLU(),
            maybe_spectral_norm(nn.Conv2d(c_in, c_out, 3, 1, 1), use_sn), nn.ReLU(),
            maybe_spectral_norm(nn.Conv2d(c_out, c_out, 3, 1, 1), use_sn), pool)
        resize = down or c_in != c_out
        skip = maybe_spectral_norm(nn.Conv2d(c_in, c_out, 1), use_sn) if resize else nn.Identity()
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
        self.head = maybe_spectral_norm(nn.Linear(w, 1), sn)

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(a).sum(dim=(2, 3))).squeeze(1)
