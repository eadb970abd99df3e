"""WideResNet-34-10 (Zagoruyko and Komodakis 2016), the model of the TRADES, MART and AWP tables
(seed 002), with the input normalisation inside (attacks work in [0, 1]).

Depth 6n + 4 with n pre-activation blocks per stage and stage widths 16k, 32k, 64k: WRN-34-10 has n = 5,
k = 10 (46.2M parameters). It reuses the pre-activation block of PreActResNet.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from course_lib import _validate
from course_lib.models.preact_resnet import (
    ACTIVATIONS,
    NORMS,
    Normalize,
    PreActBlock,
    make_activation,
    make_norm,
)


class WideResNet(nn.Module):
    """normalise → conv3×3 (16) → 3 stages of ``(depth − 4) / 6`` blocks → norm, act → pool → linear."""

    def __init__(self, depth: int = 34, widen: int = 10, *, num_classes: int = 10, activation: str = "relu",
                 norm: str = "bn") -> None:
        super().__init__()
        _validate.integer("depth", depth, lo=10)
        if (depth - 4) % 6:
            raise ValueError(f"'depth' must be 6n + 4 (e.g. 16, 28, 34), got {depth}")
        _validate.integer("widen", widen, lo=1)
        _validate.one_of("activation", activation, ACTIVATIONS)
        _validate.one_of("norm", norm, NORMS)
        n = (depth - 4) // 6
        self.normalize = Normalize()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        blocks, c_in = [], 16
        for i, c_out in enumerate((16 * widen, 32 * widen, 64 * widen)):
            for j in range(n):
                blocks.append(PreActBlock(c_in, c_out, (1 if i == 0 else 2) if j == 0 else 1,
                                          activation=activation, norm=norm))
                c_in = c_out
        self.layers = nn.Sequential(*blocks)
        self.norm, self.act = make_norm(norm, c_in), make_activation(activation)
        self.linear = nn.Linear(c_in, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.layers(self.conv1(self.normalize(x)))
        out = F.adaptive_avg_pool2d(self.act(self.norm(out)), 1).flatten(1)
        return self.linear(out)


def wide_resnet34_10(*, num_classes: int = 10) -> WideResNet:
    """WRN-34-10 (46.2M parameters)."""
    return WideResNet(34, 10, num_classes=num_classes)
