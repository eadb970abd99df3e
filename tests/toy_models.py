"""Tiny models with closed-form behaviour, shared by the tests of the attacks on them."""

from __future__ import annotations

import torch
from torch import nn


def threshold_model() -> nn.Module:
    """logits [x − ½, ½ − x]: class 0 iff x > ½ (inputs of shape (n, 1))."""
    model = nn.Linear(1, 2)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[1.0], [-1.0]]))
        model.bias.copy_(torch.tensor([-0.5, 0.5]))
    return model
