"""A small residual network for the 8×8 digits (lecture 09: transfer attacks and the skip gradient method).

Each block is z_{i+1} = z_i + f_{i+1}(z_i) with the residual branch f = conv3×3 → act → conv3×3 after a
pre-activation (He et al. 2016), so that the skip path is the exact identity: the form in which Wu et
al. (2020) write the skip gradient method, ∇ₓℓ = ∂ℓ/∂z_L Π_i (γ ∂f_{i+1}/∂z_i + 1) ∂z_0/∂x. No
normalisation layer, as in :mod:`course_lib.models.small` (lab 1's :class:`PreActResNet` is built for
3-channel CIFAR-10 with its normalisation inside).
"""

from __future__ import annotations

import torch
from torch import nn

from course_lib import _validate
from course_lib.models.small import _activation


class ResidualBlock(nn.Module):
    """z ↦ z + branch(z), with branch = act → conv3×3 → act → conv3×3 (channels preserved)."""

    def __init__(self, channels: int, activation: str = "relu") -> None:
        super().__init__()
        channels = _validate.integer("channels", channels, lo=1)
        self.branch = nn.Sequential(
            _activation(activation), nn.Conv2d(channels, channels, 3, padding=1),
            _activation(activation), nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return z + self.branch(z)


class ResNet(nn.Module):
    """conv3×3 stem (width) → ``blocks`` residual blocks → act → flatten → linear to ``num_classes`` logits.

    ``image_size`` is the input's height = width (8 for digits). Width 16 with 3 blocks: 24k weights.
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16, blocks: int = 3,
                 activation: str = "relu", image_size: int = 8) -> None:
        super().__init__()
        in_channels = _validate.integer("in_channels", in_channels, lo=1)
        num_classes = _validate.integer("num_classes", num_classes, lo=2)
        width = _validate.integer("width", width, lo=1)
        blocks = _validate.integer("blocks", blocks, lo=1)
        image_size = _validate.integer("image_size", image_size, lo=1)
        self.stem = nn.Conv2d(in_channels, width, 3, padding=1)
        self.blocks = nn.Sequential(*(ResidualBlock(width, activation) for _ in range(blocks)))
        self.head = nn.Sequential(_activation(activation), nn.Flatten(),
                                  nn.Linear(width * image_size * image_size, num_classes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.blocks(self.stem(x)))
