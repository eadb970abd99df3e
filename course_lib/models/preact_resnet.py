"""PreActResNet-18 for CIFAR-10 (He et al. 2016, "Identity mappings in deep residual networks"; the model
of Wong et al. 2020 and Rice et al. 2020), with the input normalisation inside the model so that attacks
work in [0, 1] pixel space (ε = 8/255 in pixel units).

``activation="celu", norm="gn"`` gives the variant used for DDi (Latorre et al. 2023, "Experiments on
CIFAR10": ReLU → CELU for differentiability, BatchNorm → GroupNorm to remove intra-batch dependencies).
``width`` scales every layer (64 is the published model; 8 is a CPU smoke-test size).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn
from torch.nn import functional as F

from course_lib import _validate
from course_lib.data.cifar10 import MEAN, STD

ACTIVATIONS = ("relu", "celu")
NORMS = ("bn", "gn")


class Normalize(nn.Module):
    """(x − mean) / std per channel, with mean and std as buffers (saved in the state dict)."""

    def __init__(self, mean: Sequence[float] = MEAN, std: Sequence[float] = STD) -> None:
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std).view(1, -1, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


def make_norm(kind: str, channels: int) -> nn.Module:
    """BatchNorm2d, or GroupNorm with gcd(32, channels) groups."""
    return nn.BatchNorm2d(channels) if kind == "bn" else nn.GroupNorm(math.gcd(32, channels), channels)


def make_activation(kind: str) -> nn.Module:
    return nn.ReLU(inplace=False) if kind == "relu" else nn.CELU()


class PreActBlock(nn.Module):
    """out = conv(act(norm(conv(act(norm(x)))))) + shortcut, with the shortcut taken after the first act."""

    def __init__(self, c_in: int, c_out: int, stride: int = 1, *, activation: str = "relu",
                 norm: str = "bn") -> None:
        super().__init__()
        self.norm1, self.act1 = make_norm(norm, c_in), make_activation(activation)
        self.conv1 = nn.Conv2d(c_in, c_out, 3, stride, 1, bias=False)
        self.norm2, self.act2 = make_norm(norm, c_out), make_activation(activation)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False)
        self.shortcut = (nn.Conv2d(c_in, c_out, 1, stride, bias=False)
                         if stride != 1 or c_in != c_out else None)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.act1(self.norm1(x))
        skip = x if self.shortcut is None else self.shortcut(out)
        out = self.conv1(out)
        out = self.conv2(self.act2(self.norm2(out)))
        return out + skip


class PreActResNet(nn.Module):
    """normalise → conv3×3 → 4 stages of pre-activation blocks → norm, act → global average pool → linear."""

    def __init__(self, blocks: Sequence[int] = (2, 2, 2, 2), *, width: int = 64,
                 channels: Sequence[int] | None = None, num_classes: int = 10, activation: str = "relu",
                 norm: str = "bn", normalize: bool = True) -> None:
        """``width``: channels of the stem conv; ``channels``: of each stage (default width · 2^i)."""
        super().__init__()
        _validate.integer("width", width, lo=1)
        _validate.integer("num_classes", num_classes, lo=2)
        _validate.one_of("activation", activation, ACTIVATIONS)
        _validate.one_of("norm", norm, NORMS)
        channels = [width * 2**i for i in range(len(blocks))] if channels is None else list(channels)
        if len(channels) != len(blocks):
            raise ValueError(f"'channels' must give one width per stage ({len(blocks)}), got {channels}")
        self.normalize = Normalize() if normalize else nn.Identity()
        self.conv1 = nn.Conv2d(3, width, 3, 1, 1, bias=False)
        stages, c_in = [], width
        for i, (n, c_out) in enumerate(zip(blocks, channels)):
            stride = 1 if i == 0 else 2
            for j in range(n):
                stages.append(PreActBlock(c_in, c_out, stride if j == 0 else 1, activation=activation,
                                          norm=norm))
                c_in = c_out
        self.layers = nn.Sequential(*stages)
        self.norm, self.act = make_norm(norm, c_in), make_activation(activation)
        self.linear = nn.Linear(c_in, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(self.conv1(self.normalize(x)))
        out = F.adaptive_avg_pool2d(self.act(self.norm(out)), 1).flatten(1)
        return self.linear(out)


def preact_resnet18(*, width: int = 64, num_classes: int = 10, activation: str = "relu",
                    norm: str = "bn") -> PreActResNet:
    """PreActResNet-18 (11.2M parameters at width 64)."""
    return PreActResNet((2, 2, 2, 2), width=width, num_classes=num_classes, activation=activation, norm=norm)
