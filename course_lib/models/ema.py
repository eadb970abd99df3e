"""An exponential moving average of a network's weights (Yazıcı et al. 2019), for lab 2's generator."""

from __future__ import annotations

import copy

import torch
from torch import nn

from course_lib import _validate


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
