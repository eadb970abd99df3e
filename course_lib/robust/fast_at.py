"""Single-step adversarial training and its fixes for catastrophic overfitting (seed 000, "ELLE/LLR/CURE/
GradAlign" table; seed 004, "CO"; research adversarial.md §4.2).

Each method is a :class:`~course_lib.robust.base.Method` whose ``loss(model, x, y)`` is the scalar
training loss on a batch; the base class turns it into an SGD step. ε is in pixel units ([0, 1] images).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import ascend, check_inputs, input_gradient
from course_lib.robust.base import Method
from course_lib.robust.metrics import linearity_error


def _ce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.float(), y, reduction="none")


def _grad_ce(model: nn.Module, x: torch.Tensor, y: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
    """∇_δ Σ_i ℓ(model(x_i + δ_i), y_i), with respect to δ only (one forward-backward)."""
    return input_gradient(model, x + delta, lambda logits: _ce(logits, y))


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
        delta0 = (x + (torch.rand_like(x) * 2 - 1) * self.eps).clamp(0, 1) - x
        g = _grad_ce(model, x, y, delta0)
        delta = (delta0 + self.alpha * g.sign()).clamp(-self.eps, self.eps)
        return _ce(model((x + delta).clamp(0, 1)), y).mean()


class NFGSM(Method):
    """N-FGSM (de Jorge et al. 2022): η ~ U(−kε, kε), δ = η + α·sign ∇ℓ(x + η) with **no** projection
    onto the ε-ball (‖δ‖∞ ≤ (k+1)ε); k = 2, α = ε by default."""

    name = "N-FGSM"

    def __init__(self, eps: float, k: float = 2.0, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.k = _validate.nonnegative("k", k)
        self.alpha = self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        eta = (x + (torch.rand_like(x) * 2 - 1) * self.k * self.eps).clamp(0, 1) - x
        g = _grad_ce(model, x, y, eta)
        return _ce(model((x + eta + self.alpha * g.sign()).clamp(0, 1)), y).mean()


class GradAlign(Method):
    """GradAlign (Andriushchenko & Flammarion 2020): ℓ(x_FGSM) + λ·E_η[1 − cos(∇_xℓ(x), ∇_xℓ(x + η))],
    η ~ U(−ε, ε)^d; double backprop through the second gradient only. λ = 0.2 at ε = 8/255."""

    name = "GradAlign"

    def __init__(self, eps: float, lam: float = 0.2) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        g1 = _grad_ce(model, x, y, torch.zeros_like(x))
        eta = ((torch.rand_like(x) * 2 - 1) * self.eps).requires_grad_(True)
        g2 = torch.autograd.grad(_ce(model(x + eta), y).sum(), eta, create_graph=True)[0]
        cos = F.cosine_similarity(g1.flatten(1), g2.flatten(1), dim=1, eps=1e-12)
        x_adv = (x + self.eps * g1.sign()).clamp(0, 1)
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
        g = _grad_ce(model, x, y, torch.zeros_like(x))
        e_lin = linearity_error(model, x, y, self.eps)
        lam = self.regulariser_weight(float(e_lin.detach()))
        return _ce(model((x + self.eps * g.sign()).clamp(0, 1)), y).mean() + lam * e_lin


class ELLEA(ELLE):
    """ELLE-A: λ = 0 until E_lin spikes above μ + 2σ of all past values (after ≥ 3 of them), then
    λ ← λ_max (4000), decaying by 0.99 per batch otherwise (LIONS-EPFL/ELLE)."""

    name = "ELLE-A"

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
