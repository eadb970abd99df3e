"""A small CIFAR classifier whose penultimate layer gives the features of lab 2's Fréchet distance."""

from __future__ import annotations

import torch
from torch import nn

from course_lib import _validate


class SmallClassifier(nn.Module):
    """A small CIFAR CNN (3 conv blocks, 128-d penultimate layer); ``features`` gives the FD features.

    Input: images in [0, 1]; the per-channel normalisation is inside the model.
    """

    def __init__(self, width: int = 32, num_classes: int = 10) -> None:
        super().__init__()
        w = _validate.integer("width", width, lo=1)
        _validate.integer("num_classes", num_classes, lo=2)
        blocks: list[nn.Module] = []
        for c_in, c_out in ((3, w), (w, 2 * w), (2 * w, 4 * w)):
            blocks += [nn.Conv2d(c_in, c_out, 3, 1, 1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
        self.body = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(4 * w, 128), nn.ReLU())
        self.head = nn.Linear(128, num_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - 0.5) / 0.25)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))
