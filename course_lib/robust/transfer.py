"""Transfer attacks and the skip gradient method (Wang's guest lecture, "Skip connection matters",
"Skip Gradient Method (SGM)"; Wu et al. 2020).

An adversarial example crafted on a *source* model often fools a *target* model it never saw (a
black-box attack). SGM crafts it on a residual source with the gradient of every residual branch decayed
by γ ∈ [0, 1] on the way back, the skip paths keeping gradient 1:

    ∇ₓℓ = ∂ℓ/∂z_L · Π_{i=0}^{L−1} (γ ∂f_{i+1}/∂z_i + 1) · ∂z_0/∂x.

The forward pass is unchanged; γ = 1 is the true input gradient.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn

from course_lib import _validate
from course_lib.models.residual import ResidualBlock
from course_lib.robust.metrics import predict


class _ScaleGrad(torch.autograd.Function):
    """Identity forward; the backward multiplies the incoming gradient by γ."""

    @staticmethod
    def forward(ctx, z: torch.Tensor, gamma: float) -> torch.Tensor:
        ctx.gamma = gamma
        return z.view_as(z)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return grad * ctx.gamma, None


def scale_grad(z: torch.Tensor, gamma: float) -> torch.Tensor:
    """z in the forward pass, γ·(incoming gradient) in the backward pass."""
    return _ScaleGrad.apply(z, gamma)


@contextmanager
def sgm(model: nn.Module, gamma: float) -> Iterator[nn.Module]:
    """SGM (Wu et al. 2020): inside the block, the backward pass through every residual branch f of
    ``model``'s :class:`~course_lib.models.residual.ResidualBlock` s is multiplied by γ, so that
    ∂z_{i+1}/∂z_i = γ ∂f_{i+1}/∂z_i + 1; outputs and weights are unchanged.

    Any attack run inside (``with sgm(source, 0.2): x_adv = pgd(source, x, y, eps)``) ascends this
    skip-weighted gradient. γ = 1 is the plain gradient, γ = 0 keeps the skip paths only.
    """
    gamma = _validate.number("gamma", gamma, lo=0.0, hi=1.0)
    branches = [m.branch for m in model.modules() if isinstance(m, ResidualBlock)]
    if not branches:
        raise ValueError("'model' has no ResidualBlock: SGM needs a network made of residual blocks")
    hooks = [b.register_forward_hook(lambda module, args, out: scale_grad(out, gamma)) for b in branches]
    try:
        yield model
    finally:
        for h in hooks:
            h.remove()


def transfer_success_rate(target: nn.Module, x: torch.Tensor, x_adv: torch.Tensor, y: torch.Tensor) -> float:
    """Transfer success rate of x_adv on ``target`` (Wu et al. 2020): among the examples the target
    classifies correctly when clean, the fraction it misclassifies at x_adv (crafted on another model)."""
    if x_adv.shape != x.shape or y.shape != x.shape[:1]:
        raise ValueError(f"'x_adv' must have the shape of 'x' {tuple(x.shape)} and 'y' shape ({len(x)},)")
    correct = predict(target, x) == y
    if not bool(correct.any()):
        raise ValueError("the target model misclassifies every clean example: the rate is undefined")
    fooled = predict(target, x_adv) != y
    return float(fooled[correct].float().mean())
