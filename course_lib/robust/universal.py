"""Universal adversarial perturbations (Moosavi-Dezfooli et al. 2017; CS8695 by Chen Liu, "Adversarial
perturbations can be universal!"): one δ for all inputs,

    max_{‖δ‖∞ ≤ ε} E_{(x, y)} ℓ(f(clip_[0,1](x + δ)), y),

fitted here by projected stochastic gradient ascent on training images (the paper iterates DeepFool over
the images; the ascent on the mean loss is the same problem with the loss as a smooth stand-in for
"fooled"). Each image is clipped to [0, 1] after adding δ.
"""

from __future__ import annotations

import torch
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import check_inputs, input_gradient
from course_lib.robust.losses import attack_objective
from course_lib.robust.metrics import predict
from course_lib.seeding import torch_generator


def apply_universal(x: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
    """clip_[0,1](x + δ) for every example of x (δ has the shape of one example)."""
    if delta.shape != x.shape[1:]:
        raise ValueError(f"'delta' must have the shape of one example {tuple(x.shape[1:])}, got "
                         f"{tuple(delta.shape)}")
    return (x + delta).clamp(0.0, 1.0)


def universal_perturbation(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
                           alpha: float | None = None, epochs: int = 5, batch_size: int = 64,
                           seed: int = 0) -> torch.Tensor:
    """δ ← clip_[−ε, ε](δ + α·sign Σ_{i∈B} ∇ₓ ℓ(f(clip(x_i + δ)), y_i)) over mini-batches B of the training
    set, from δ = 0 (projected stochastic sign-gradient ascent on the mean loss; Moosavi-Dezfooli et al.
    2017 for the problem). One forward-backward of a batch per step, under ``frozen`` (no weight
    gradients); ``alpha`` defaults to ε/4. Returns δ (the shape of one example), detached.
    """
    eps = check_inputs(x, y, eps)
    alpha = eps / 4 if alpha is None else _validate.positive("alpha", alpha)
    epochs = _validate.integer("epochs", epochs, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    generator = torch_generator(seed)
    delta = torch.zeros_like(x[0])
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=generator).to(x.device).split(batch_size):
            xb, yb = x[idx], y[idx]
            g = input_gradient(model, apply_universal(xb, delta),
                               lambda logits, yb=yb: attack_objective(logits, yb, "ce"))
            delta = (delta + alpha * g.sum(dim=0).sign()).clamp(-eps, eps)
    return delta.detach()


def fooling_rate(model: nn.Module, x: torch.Tensor, delta: torch.Tensor) -> float:
    """Fooling rate (Moosavi-Dezfooli et al. 2017): the fraction of inputs whose predicted label changes,
    P_x[k̂(clip(x + δ)) ≠ k̂(x)] (labels are not needed)."""
    return float((predict(model, apply_universal(x, delta)) != predict(model, x)).float().mean())
