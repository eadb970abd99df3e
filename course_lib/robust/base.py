"""The one interface every training method plugs into (seed 001: adversarial training as stochastic
subgradient descent on min_θ E max_δ ℓ(θ; x + δ, y)).

A method turns a batch into a parameter update. Most methods only change the loss (PGD-AT, TRADES,
MART, FGSM-RS, ...): they override :meth:`Method.loss`. Methods that also change the update itself
(AWP, SAM: perturb the weights, take the gradient there, restore them) override :meth:`Method.step`.
"""

from __future__ import annotations

import torch
from torch import nn


class Method:
    """Base class: ``step`` = zero_grad → ``loss`` → backward → optimizer step."""

    name = "method"

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The scalar training loss on the batch (x in [0, 1], y class indices)."""
        raise NotImplementedError

    def step(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             optimizer: torch.optim.Optimizer) -> float:
        """One parameter update on the batch; returns the loss value."""
        optimizer.zero_grad(set_to_none=True)
        loss = self.loss(model, x, y)
        loss.backward()
        optimizer.step()
        return float(loss.detach())

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"
