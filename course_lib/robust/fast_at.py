"""Single-step adversarial training and its fixes for catastrophic overfitting (the non-zero-sum
talk, "ELLE/LLR/CURE/GradAlign" table; CS8695 by Chen Liu, "CO"; Wong et al. 2020, de Jorge et al. 2022,
Andriushchenko and Flammarion 2020, Abad Rocamora et al. 2024, and their code).

Each method is a :class:`~course_lib.robust.base.Method` whose ``loss(model, x, y)`` is the scalar
training loss on a batch; the base class turns it into an SGD step. ε is in pixel units ([0, 1] images).
Every single step goes through the attack kernel of :mod:`course_lib.robust.attacks` (``ascend``, or
``input_gradient`` + ``project`` where the method reuses the gradient): one forward-backward of the input
only, no weight gradients.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import ascend, check_inputs, input_gradient, project, random_delta
from course_lib.robust.base import Method
from course_lib.robust.metrics import linearity_error


def _ce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.float(), y, reduction="none")


def _random_start(x: torch.Tensor, radius: float) -> torch.Tensor:
    """x + δ₀, δ₀ ~ U(−r, r)^d, clipped to the box [0, 1]."""
    return (x + random_delta(x, radius, "linf")).clamp(0.0, 1.0)


class FGSMAT(Method):
    """FGSM-AT (Goodfellow et al. 2015): train on x + α·sign ∇_x ℓ(x, y), zero init, α = ε by default.
    Catastrophically overfits at large ε."""

    name = "FGSM"

    def __init__(self, eps: float, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.alpha = self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        x_adv = ascend(model, x, x, lambda logits: _ce(logits, y), self.eps, self.alpha)
        return _ce(model(x_adv), y).mean()


class FGSMRS(Method):
    """FGSM-RS (Wong, Rice, Kolter 2020): δ₀ ~ U(−ε, ε), δ = clip_[−ε,ε](δ₀ + α·sign ∇ℓ(x + δ₀)),
    α = 1.25·ε by default; train on clip_[0,1](x + δ)."""

    name = "FGSM-RS"

    def __init__(self, eps: float, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.alpha = 1.25 * self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        x_adv = ascend(model, x, _random_start(x, self.eps), lambda logits: _ce(logits, y), self.eps,
                       self.alpha)
        return _ce(model(x_adv), y).mean()


class NFGSM(Method):
    """N-FGSM (de Jorge et al. 2022): η ~ U(−kε, kε), δ = η + α·sign ∇ℓ(x + η) with **no** projection
    onto the ε-ball (‖δ‖∞ ≤ kε + α: the kernel's ball of that radius never binds); k = 2, α = ε by
    default."""

    name = "N-FGSM"

    def __init__(self, eps: float, k: float = 2.0, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.k = _validate.nonnegative("k", k)
        self.alpha = self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        x_adv = ascend(model, x, _random_start(x, self.k * self.eps), lambda logits: _ce(logits, y),
                       self.k * self.eps + self.alpha, self.alpha)
        return _ce(model(x_adv), y).mean()


class GradAlign(Method):
    """GradAlign (Andriushchenko & Flammarion 2020): ℓ(x_FGSM) + λ·E_η[1 − cos(∇_xℓ(x), ∇_xℓ(x + η))],
    η ~ U(−ε, ε)^d; double backprop through the second gradient only. λ = 0.2 at ε = 8/255."""

    name = "GradAlign"

    def __init__(self, eps: float, lam: float = 0.2) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        g1 = input_gradient(model, x, lambda logits: _ce(logits, y))      # reused: FGSM step and cosine
        eta = random_delta(x, self.eps, "linf").requires_grad_(True)
        g2 = torch.autograd.grad(_ce(model(x + eta), y).sum(), eta, create_graph=True)[0]
        cos = F.cosine_similarity(g1.flatten(1), g2.flatten(1), dim=1, eps=1e-12)
        x_adv = x + project(self.eps * g1.sign(), x, self.eps, "linf")
        return _ce(model(x_adv), y).mean() + self.lam * (1 - cos).mean()


class ELLE(Method):
    """ELLE (Abad Rocamora et al. 2024): ℓ(x_FGSM) + λ·E_lin (see
    :func:`course_lib.robust.metrics.linearity_error`); FGSM with zero init and α = ε. The paper uses
    λ = 1000 for ε ≤ 8/255 on CIFAR-10."""

    name = "ELLE"

    def __init__(self, eps: float, lam: float = 1000.0) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)

    def regulariser_weight(self, e_lin: float) -> float:
        """λ used on this batch (constant for ELLE; adaptive for ELLE-A)."""
        return self.lam

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        x_adv = ascend(model, x, x, lambda logits: _ce(logits, y), self.eps, self.eps)
        e_lin = linearity_error(model, x, y, self.eps)
        lam = self.regulariser_weight(float(e_lin.detach()))
        return _ce(model(x_adv), y).mean() + lam * e_lin


class ELLEA(ELLE):
    """ELLE-A: λ = 0 until E_lin spikes above μ + 2σ of all past values (after ≥ 3 of them), then
    λ ← λ_max (4000), decaying by 0.99 per batch otherwise (LIONS-EPFL/ELLE)."""

    name = "ELLE-A"
    STATE = ("lam", "_history")

    def __init__(self, eps: float, lam_max: float = 4000.0, decay: float = 0.99,
                 n_sigma: float = 2.0) -> None:
        super().__init__(eps, lam=0.0)
        self.lam_max = _validate.nonnegative("lam_max", lam_max)
        self.decay = _validate.number("decay", decay, lo=0.0, hi=1.0)
        self.n_sigma = _validate.nonnegative("n_sigma", n_sigma)
        self._history: list[float] = []

    def regulariser_weight(self, e_lin: float) -> float:
        h = self._history
        if len(h) >= 3:
            mu = sum(h) / len(h)
            sigma = math.sqrt(sum((v - mu) ** 2 for v in h) / (len(h) - 1))
            self.lam = self.lam_max if e_lin > mu + self.n_sigma * sigma else self.decay * self.lam
        h.append(e_lin)
        return self.lam
