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

    def regulariser_weight(self, e_lin: torch.Tensor) -> float | torch.Tensor:
        """λ used on this batch (constant for ELLE; adaptive for ELLE-A, from the detached E_lin)."""
        return self.lam

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        x_adv = ascend(model, x, x, lambda logits: _ce(logits, y), self.eps, self.eps)
        e_lin = linearity_error(model, x, y, self.eps)
        lam = self.regulariser_weight(e_lin.detach())     # a tensor: no wait for the device
        return _ce(model(x_adv), y).mean() + lam * e_lin


class ELLEA(ELLE):
    """ELLE-A: λ = 0 until E_lin spikes above μ + 2σ of all past values (after ≥ 3 of them), then
    λ ← λ_max (4000), decaying by 0.99 per batch otherwise (LIONS-EPFL/ELLE)."""

    name = "ELLE-A"
    STATE = ("lam", "_moments")

    def __init__(self, eps: float, lam_max: float = 4000.0, decay: float = 0.99,
                 n_sigma: float = 2.0) -> None:
        super().__init__(eps, lam=0.0)
        self.lam_max = _validate.nonnegative("lam_max", lam_max)
        self.decay = _validate.number("decay", decay, lo=0.0, hi=1.0)
        self.n_sigma = _validate.nonnegative("n_sigma", n_sigma)
        self._moments: torch.Tensor | None = None    # (count, Σ E_lin, Σ E_lin²) of the past batches

    def regulariser_weight(self, e_lin: torch.Tensor | float) -> torch.Tensor:
        """λ ← λ_max if E_lin > μ + n_σ·σ of the past values (≥ 3 of them), else decay·λ; then E_lin joins
        the past. Computed on E_lin's device (λ is a 0-d tensor), so a training step never waits for it."""
        e = torch.as_tensor(e_lin).detach().to(torch.float64)
        past = e.new_zeros(3) if self._moments is None else self._moments.to(e.device)
        n, total, squares = past
        mu = total / n.clamp_min(1)
        sigma = ((squares - n * mu ** 2) / (n - 1).clamp_min(1)).clamp_min(0).sqrt()   # sample std
        lam = torch.as_tensor(self.lam, dtype=torch.float64, device=e.device)
        spike = e > mu + self.n_sigma * sigma
        updated = torch.where(spike, torch.full_like(lam, self.lam_max), self.decay * lam)
        self.lam = torch.where(n >= 3, updated, lam).float()
        self._moments = past + torch.stack([torch.ones_like(e), e, e * e])
        return self.lam


def _dot(delta: torch.Tensor, g: torch.Tensor) -> torch.Tensor:
    """Per-example ⟨δ, g⟩ over all input dimensions."""
    return (delta * g).flatten(1).sum(dim=1)


def _loss_and_gradient(model: nn.Module, x: torch.Tensor,
                       y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """ℓ(x) per example and ∇ₓℓ(x), the gradient kept differentiable in the weights (double backprop)."""
    with torch.enable_grad():
        x = x.detach().requires_grad_(True)
        ell = _ce(model(x), y)
        return ell, torch.autograd.grad(ell.sum(), x, create_graph=True)[0]


class _LinearisationGap(nn.Module):
    """x' ↦ g(x' − x; x) = |ℓ(x') − ℓ(x) − ⟨x' − x, ∇ₓℓ(x)⟩| per example (ℓ(x), ∇ₓℓ(x) held fixed): LLR's
    inner objective as a "model" whose output the attack kernel maximises."""

    def __init__(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor, ell: torch.Tensor,
                 grad: torch.Tensor) -> None:
        super().__init__()
        self.model, self.x, self.y, self.ell, self.grad = model, x, y, ell.detach(), grad.detach()

    def forward(self, x_adv: torch.Tensor) -> torch.Tensor:
        return (_ce(self.model(x_adv), self.y) - self.ell - _dot(x_adv - self.x, self.grad)).abs()


class LLR(Method):
    """LLR (Qin et al. 2019): ℓ(x) + λ·γ(ε, x) + μ·|⟨δ_LL, ∇ₓℓ(x)⟩|, with
    γ(ε, x) = max_{δ ∈ B∞(ε)} |ℓ(x + δ) − ℓ(x) − ⟨δ, ∇ₓℓ(x)⟩| and δ_LL its maximiser (``steps`` PGD steps of
    size α = ε/2 from a random start, on the attack kernel). ∇ₓℓ(x) is kept differentiable (double backprop).

    Since ℓ(x + δ) ≤ ℓ(x) + |⟨δ, ∇ₓℓ(x)⟩| + γ(ε, x) for every δ in the ball, with λ, μ ≥ 1 the loss bounds the
    adversarial loss at δ_LL from above; the paper trains on it instead of the adversarial loss (CIFAR-10,
    ε = 8/255: λ = 4, μ = 3). Cost: 2 + ``steps`` forwards, the last backward through a double graph."""

    name = "LLR"

    def __init__(self, eps: float, lam: float = 4.0, mu: float = 3.0, steps: int = 2,
                 alpha: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)
        self.mu = _validate.nonnegative("mu", mu)
        self.steps = _validate.integer("steps", steps, lo=1)
        self.alpha = self.eps / 2 if alpha is None else _validate.positive("alpha", alpha)

    def terms(self, model: nn.Module, x: torch.Tensor,
              y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Per-example (ℓ(x), γ(ε, x), |⟨δ_LL, ∇ₓℓ(x)⟩|), differentiable in the weights."""
        check_inputs(x, y, self.eps)
        ell, grad = _loss_and_gradient(model, x, y)
        gap = _LinearisationGap(model, x, y, ell, grad)
        x_ll = ascend(gap, x, _random_start(x, self.eps), lambda v: v, self.eps, self.alpha, self.steps)
        delta = x_ll - x
        gamma = (_ce(model(x_ll), y) - ell - _dot(delta, grad)).abs()
        return ell, gamma, _dot(delta, grad).abs()

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        ell, gamma, first_order = self.terms(model, x, y)
        return (ell + self.lam * gamma + self.mu * first_order).mean()


class CURE(Method):
    """CURE (Moosavi-Dezfooli et al. 2019): ℓ(x_adv) + λ·‖∇ₓℓ(x + h·z) − ∇ₓℓ(x)‖₂², z = sign ∇ₓℓ(x) /
    ‖sign ∇ₓℓ(x)‖₂ (a finite difference of the gradient along z: ≈ h²‖H z‖² for the input Hessian H).

    Single-step variant, as in the comparison of Abad Rocamora et al. (2024): x_adv is the FGSM point (zero
    init, α = ε) and h = ε·√d by default, so that x + h·z = x + ε·sign ∇ₓℓ(x) is the FGSM point before the
    box clip (when no gradient coordinate is 0); one input gradient serves the step and z, and only the
    second gradient is double-backpropagated.
    The paper trains ℓ(x) (not ℓ(x_adv)) + λ·(regulariser), with λ = 4 in the authors' code and its own
    schedule of h."""

    name = "CURE"

    def __init__(self, eps: float, lam: float = 4.0, h: float | None = None) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.lam = _validate.nonnegative("lam", lam)
        self.h = None if h is None else _validate.nonnegative("h", h)

    def curvature(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
                  g0: torch.Tensor | None = None) -> torch.Tensor:
        """Per-example ‖∇ₓℓ(x + h·z) − ∇ₓℓ(x)‖₂², differentiable in the weights through ∇ₓℓ(x + h·z)."""
        if g0 is None:
            g0 = input_gradient(model, x, lambda logits: _ce(logits, y))
        s = g0.sign()
        norm = s.flatten(1).norm(dim=1).clamp_min(1e-12).view(-1, *([1] * (x.dim() - 1)))
        h = self.eps * math.sqrt(x[0].numel()) if self.h is None else self.h
        with torch.enable_grad():
            x_h = (x + h * s / norm).detach().requires_grad_(True)
            g_h = torch.autograd.grad(_ce(model(x_h), y).sum(), x_h, create_graph=True)[0]
        return (g_h - g0).flatten(1).pow(2).sum(dim=1)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        check_inputs(x, y, self.eps)
        g0 = input_gradient(model, x, lambda logits: _ce(logits, y))    # reused: FGSM step and z
        x_adv = x + project(self.eps * g0.sign(), x, self.eps, "linf")
        return _ce(model(x_adv), y).mean() + self.lam * self.curvature(model, x, y, g0).mean()
