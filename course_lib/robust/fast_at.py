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
from course_lib.robust.attacks import _check, _gradient, frozen
from course_lib.robust.base import Method


def _ce(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits.float(), y, reduction="none")


def _input_gradient(model: nn.Module, x: torch.Tensor, y: torch.Tensor, delta: torch.Tensor) -> torch.Tensor:
    """∇_δ Σ_i ℓ(model(x_i + δ_i), y_i), with respect to δ only (one forward-backward)."""
    with frozen(model):
        return _gradient(model, x + delta, lambda logits: _ce(logits, y))


class FGSMAT(Method):
    """FGSM-AT (Goodfellow et al. 2015): train on x + α·sign ∇_x ℓ(x, y), zero init, α = ε by default.
    Catastrophically overfits at large ε."""

    name = "FGSM"

    def __init__(self, eps: float, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.alpha = self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        _check(x, y, self.eps)
        g = _input_gradient(model, x, y, torch.zeros_like(x))
        delta = (self.alpha * g.sign()).clamp(-self.eps, self.eps)
        return _ce(model((x + delta).clamp(0, 1)), y).mean()


class FGSMRS(Method):
    """FGSM-RS (Wong, Rice, Kolter 2020): δ₀ ~ U(−ε, ε), δ = clip_[−ε,ε](δ₀ + α·sign ∇ℓ(x + δ₀)),
    α = 1.25·ε by default; train on clip_[0,1](x + δ)."""

    name = "FGSM-RS"

    def __init__(self, eps: float, alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.alpha = 1.25 * self.eps if alpha is None else _validate.positive("alpha", alpha)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        _check(x, y, self.eps)
        delta0 = (x + (torch.rand_like(x) * 2 - 1) * self.eps).clamp(0, 1) - x
        g = _input_gradient(model, x, y, delta0)
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
        _check(x, y, self.eps)
        eta = (x + (torch.rand_like(x) * 2 - 1) * self.k * self.eps).clamp(0, 1) - x
        g = _input_gradient(model, x, y, eta)
        return _ce(model((x + eta + self.alpha * g.sign()).clamp(0, 1)), y).mean()


class GradAlign(Method):
    """GradAlign (Andriushchenko & Flammarion 2020): ℓ(x_FGSM) + λ·E_η[1 − cos(∇_xℓ(x), ∇_xℓ(x + η))],
    η ~ U(−ε, ε)^d; double backprop through the second gradient only. λ = 0.2 at ε = 8/255."""

    name = "GradAlign"

    def __init__(self, eps: float, lam: float = 0.2) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        _check(x, y, self.eps)
        g1 = _input_gradient(model, x, y, torch.zeros_like(x))
        eta = ((torch.rand_like(x) * 2 - 1) * self.eps).requires_grad_(True)
        g2 = torch.autograd.grad(_ce(model(x + eta), y).sum(), eta, create_graph=True)[0]
        cos = F.cosine_similarity(g1.flatten(1), g2.flatten(1), dim=1, eps=1e-12)
        x_adv = (x + self.eps * g1.sign()).clamp(0, 1)
        return _ce(model(x_adv), y).mean() + self.lam * (1 - cos).mean()


def local_linearity_error(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float) -> torch.Tensor:
    """ELLE's E_lin = mean_i (ℓ(x_c) − (1−a)ℓ(x_a) − a·ℓ(x_b))², x_a, x_b ~ U(B∞(x, ε)), a ~ U[0, 1],
    x_c = (1−a)x_a + a·x_b (zero for a loss that is linear in the input; three points in one forward)."""
    x_a = x + (torch.rand_like(x) * 2 - 1) * eps
    x_b = x + (torch.rand_like(x) * 2 - 1) * eps
    a = torch.rand(x.shape[0], device=x.device, dtype=x.dtype).view(-1, *([1] * (x.dim() - 1)))
    x_c = (1 - a) * x_a + a * x_b
    l_a, l_b, l_c = _ce(model(torch.cat([x_a, x_b, x_c])), y.repeat(3)).chunk(3)
    a = a.flatten()
    return ((l_c - (1 - a) * l_a - a * l_b) ** 2).mean()


class ELLE(Method):
    """ELLE (Abad Rocamora et al. 2024): ℓ(x_FGSM) + λ·E_lin (see :func:`local_linearity_error`);
    FGSM with zero init and α = ε. The paper uses λ = 1000 for ε ≤ 8/255 on CIFAR-10."""

    name = "ELLE"

    def __init__(self, eps: float, lam: float = 1000.0) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)

    def regulariser_weight(self, e_lin: float) -> float:
        """λ used on this batch (constant for ELLE; adaptive for ELLE-A)."""
        return self.lam

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        _check(x, y, self.eps)
        g = _input_gradient(model, x, y, torch.zeros_like(x))
        e_lin = local_linearity_error(model, x, y, self.eps)
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


# ---------------------------------------------------------------- the CO detector for lecture 03
def fgsm_pgd_evaluator(eps: float, pgd_steps: int = 10):
    """An ``eval_fn`` for :func:`course_lib.robust.training.fit` returning the test accuracy ``clean``,
    under FGSM (``fgsm``) and under PGD (``pgd``: ``pgd_steps`` steps, α = ε/4, random start) at radius ε.

    Catastrophic overfitting shows as FGSM accuracy staying high (even above clean) while PGD accuracy
    collapses (seed 000, "100% robust to FGSM, 0% robust to PGD-20").
    """
    from course_lib.robust.attacks import fgsm, pgd

    eps = _validate.nonnegative("eps", eps)
    pgd_steps = _validate.integer("pgd_steps", pgd_steps, lo=1)

    def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict:
        def accuracy(z: torch.Tensor) -> float:
            with torch.no_grad():
                return float((model(z).argmax(1) == y).float().mean())

        return {"clean": accuracy(x), "fgsm": accuracy(fgsm(model, x, y, eps)),
                "pgd": accuracy(pgd(model, x, y, eps, alpha=eps / 4, steps=pgd_steps))}

    return evaluate
