"""Adversarial training methods that change the inner max or the outer loss (EE-556 Lecture 11,
Wang's guest lecture, the non-zero-sum talk).

Each method splits its loss into ``perturb`` (the inner max: find x′ in B∞(x, ε) ∩ [0, 1]^d) and
``objective`` (the outer loss at x′), so that weight-space methods (AWP, SAM in
:mod:`course_lib.robust.weight_methods`) and CFOL can wrap any of them. Formulas and defaults: the papers
and the authors' code cited per class; where the authors' CIFAR-10 defaults do not carry over to digits, the
constructor still defaults to them and the lecture passes its own values.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import ascend, beta_attack, pgd
from course_lib.robust.base import Method
from course_lib.robust.metrics import fosc_closed_form


class AdversarialMethod(Method):
    """loss(θ) = objective(θ; x, x′, y) at x′ = perturb(θ; x, y); the base case is plain ERM (x′ = x, CE)."""

    name = "ERM"

    def perturb(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The inner maximiser x′ (detached); ERM uses x itself."""
        return x

    def objective(self, model: nn.Module, x: torch.Tensor, x_adv: torch.Tensor,
                  y: torch.Tensor) -> torch.Tensor:
        """The outer loss; default CE(f(x′), y)."""
        return F.cross_entropy(model(x_adv), y)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.objective(model, x, self.perturb(model, x, y), y)


def _radius(eps: float, alpha: float | None, steps: int) -> tuple[float, float, int]:
    eps = _validate.nonnegative("eps", eps)
    steps = _validate.integer("steps", steps, lo=1)
    alpha = 2.5 * eps / steps if alpha is None else _validate.positive("alpha", alpha)
    return eps, alpha, steps


class PGDAT(AdversarialMethod):
    """PGD-AT (Madry et al. 2018): min_θ E max_{‖δ‖∞≤ε} CE(f_θ(x+δ), y), inner max by PGD-k with random
    start; α defaults to 2.5ε/k (the default of `LIONS-EPFL/ddi_at`, acat/config.py). ε = 0 is
    plain ERM."""

    name = "PGD-AT"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10) -> None:
        self.eps, self.alpha, self.steps = _radius(eps, alpha, steps)

    def perturb(self, model, x, y):
        if self.eps == 0:
            return x
        return pgd(model, x, y, self.eps, self.alpha, self.steps, random_start=True).detach()


class TRADES(AdversarialMethod):
    """TRADES (Zhang et al. 2019): CE(f(x), y) + β·KL(p(x) ‖ p(x′)), x′ = PGD on that KL from
    x + 0.001·N(0, I) (`yaodongyu/TRADES`, trades.py). β = 0 or ε = 0 is plain ERM."""

    name = "TRADES"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, beta: float = 6.0) -> None:
        self.eps, self.alpha, self.steps = _radius(eps, alpha, steps)
        self.beta = _validate.nonnegative("beta", beta)

    def perturb(self, model, x, y):
        if self.eps == 0 or self.beta == 0:
            return x
        with torch.no_grad():
            p_nat = F.softmax(model(x), dim=1)
        kl = lambda logits: F.kl_div(F.log_softmax(logits, dim=1), p_nat, reduction="sum")  # noqa: E731
        return ascend(model, x, x + 0.001 * torch.randn_like(x), kl, self.eps, self.alpha, self.steps,
                      project_start=True)

    def objective(self, model, x, x_adv, y):
        logits = model(x)
        if x_adv is x:
            return F.cross_entropy(logits, y)
        kl = F.kl_div(F.log_softmax(model(x_adv), dim=1), F.softmax(logits, dim=1), reduction="batchmean")
        return F.cross_entropy(logits, y) + self.beta * kl


class MART(PGDAT):
    """MART (Wang et al. 2020): BCE(p(x′), y) + β·KL(p(x) ‖ p(x′))·(1 − p_y(x)), with
    BCE = −log p_y(x′) − log(1 − max_{k≠y} p_k(x′)); x′ = PGD on CE (Wang's guest lecture;
    `YisenWang/MART`)."""

    name = "MART"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, beta: float = 6.0) -> None:
        super().__init__(eps, alpha, steps)
        self.beta = _validate.nonnegative("beta", beta)

    def objective(self, model, x, x_adv, y):
        logits, logits_adv = model(x), model(x_adv)
        p_adv, p_nat = F.softmax(logits_adv, dim=1), F.softmax(logits, dim=1)
        p_other = p_adv.scatter(1, y[:, None], 0.0).max(dim=1).values  # max_{k≠y} p_k(x′)
        bce = F.cross_entropy(logits_adv, y) - torch.log(1.0001 - p_other + 1e-12).mean()
        kl = (p_nat * (torch.log(p_nat + 1e-12) - torch.log(p_adv + 1e-12))).sum(dim=1)
        p_y = p_nat.gather(1, y[:, None]).squeeze(1)
        return bce + self.beta * (kl * (1.0000001 - p_y)).mean()


class BETAAT(AdversarialMethod):
    """BETA-AT (Robey et al. 2024; the non-zero-sum talk): the inner max is the best targeted attack, PGD
    ascent on each margin f_j − f_y, keep the j* with the largest margin; the outer loss is CE at that point.

    ``num_classes`` (the number of logits) is read once, from the first batch's clean forward in eval
    mode when not given, and cached: no extra forward per step."""

    name = "BETA-AT"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10,
                 num_classes: int | None = None) -> None:
        self.eps, self.alpha, self.steps = _radius(eps, alpha, steps)
        self.num_classes = (None if num_classes is None
                            else _validate.integer("num_classes", num_classes, lo=2))

    def _classes(self, model: nn.Module, x: torch.Tensor) -> int:
        if self.num_classes is None:
            was_training = model.training
            model.eval()                         # no batch-norm statistics from a side forward
            try:
                with torch.no_grad():
                    self.num_classes = int(model(x[:2]).shape[1])
            finally:
                model.train(was_training)
        return self.num_classes

    def perturb(self, model, x, y):
        if self.eps == 0:
            return x
        return beta_attack(model, x, y, self.eps, self.alpha, self.steps,
                           num_classes=self._classes(model, x)).detach()


class DynamicAT(AdversarialMethod):
    """Dynamic AT (Wang et al. 2019; Wang's guest lecture): PGD-k (α = ε/4) where, after the first step, an
    example moves only while its FOSC c(x^k) = ε‖∇ℓ‖₁ − ⟨x^k − x, ∇ℓ⟩ exceeds c_t = max(c_max(1 − t/T′), 0);
    T′ = ``decay_fraction``·epochs (authors: c_max = 0.5, T′ = 100 of 120 epochs, for CIFAR-10 scale).
    FOSC is taken over the set PGD searches, B∞(x, ε) ∩ [0, 1]^d (digits have many pixels at 0)."""

    name = "Dynamic AT"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 10, c_max: float = 0.5,
                 decay_fraction: float = 5 / 6) -> None:
        self.eps, self.alpha, self.steps = _radius(eps, alpha, steps)
        self.alpha = self.eps / 4 if alpha is None else self.alpha
        self.c_max = _validate.nonnegative("c_max", c_max)
        self.decay_fraction = _validate.number("decay_fraction", decay_fraction, lo=0.0, hi=1.0, lo_open=True)
        self.c_t = self.c_max

    def start_epoch(self, epoch: int, epochs: int) -> None:
        """c_t = max(c_max − c_max·t/T′, 0) with t = epoch − 1 (the first epoch uses c_max)."""
        self.c_t = max(self.c_max * (1 - (epoch - 1) / (self.decay_fraction * epochs)), 0.0)

    def perturb(self, model, x, y):
        if self.eps == 0:
            return x
        ce = lambda logits: F.cross_entropy(logits, y, reduction="sum")  # noqa: E731

        def alpha(k: int, g: torch.Tensor, x_adv: torch.Tensor) -> torch.Tensor:  # α·[k = 0 or c(x^k) > c_t]
            move = torch.ones_like(y, dtype=torch.bool) if k == 0 else \
                fosc_closed_form(g, x_adv, x, self.eps, box=(0.0, 1.0)) > self.c_t
            return self.alpha * move.to(x.dtype)

        x0 = x + torch.empty_like(x).uniform_(-self.eps, self.eps)
        return ascend(model, x, x0, ce, self.eps, alpha, self.steps, project_start=True)


class ATAS(AdversarialMethod):
    """ATAS (Huang et al. 2023; CS8695 by Chen Liu): one signed step from the example's previous perturbation
    with an adaptive step α_i = clamp(2ε·c/(c + √v_i), ε/2, 1.75ε), v_i ← (1−β)‖∇ₓℓ_i‖² + β·v_i.

    The authors' constants are for ε = 8/255: numerator 16/255 = 2ε, bounds 4/255 = ε/2 and 14/255 = 1.75ε,
    c = 0.01, β = 0.5; α = ε during ``warmup_epochs``; the stored perturbations reset to U(−ε, ε) every
    ``reset_every`` epochs. The loop passes the batch's dataset indices through ``set_indices``."""

    name = "ATAS"
    STATE = ("_delta", "_v")

    def __init__(self, eps: float, c: float = 0.01, beta: float = 0.5, warmup_epochs: int = 5,
                 reset_every: int = 10) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.c = _validate.positive("c", c)
        self.beta = _validate.number("beta", beta, lo=0.0, hi=1.0)
        self.warmup_epochs = _validate.integer("warmup_epochs", warmup_epochs, lo=0)
        self.reset_every = _validate.integer("reset_every", reset_every, lo=1)
        self._epoch, self._idx = 1, None
        self._delta: torch.Tensor | None = None  # stored perturbation per example
        self._v: torch.Tensor | None = None  # moving average of the squared input-gradient norm
        self.last_alpha: torch.Tensor | None = None  # the step sizes of the last batch (for plots)

    def start_epoch(self, epoch: int, epochs: int) -> None:
        self._epoch = epoch
        if (epoch - 1) % self.reset_every == 0:
            self._delta = None

    def set_indices(self, idx: torch.Tensor) -> None:
        self._idx = idx

    def _state(self, x: torch.Tensor, idx: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        n = int(idx.max()) + 1
        if self._v is None or len(self._v) < n:
            grow = n - (0 if self._v is None else len(self._v))
            self._v = torch.cat([t for t in (self._v, x.new_zeros(grow)) if t is not None])
        if self._delta is None or len(self._delta) < n:
            fresh = torch.empty((n, *x.shape[1:]), device=x.device, dtype=x.dtype)
            fresh.uniform_(-self.eps, self.eps)
            if self._delta is not None:
                fresh[: len(self._delta)] = self._delta
            self._delta = fresh
        return self._delta[idx], self._v[idx]

    def perturb(self, model, x, y):
        if self.eps == 0:
            return x
        idx = self._idx if self._idx is not None and len(self._idx) == len(y) else \
            torch.arange(len(y), device=x.device)
        delta, v = self._state(x, idx)

        def alpha(k: int, g: torch.Tensor, x_adv: torch.Tensor) -> torch.Tensor:  # updates v, α from g
            nonlocal v
            v = (1 - self.beta) * g.flatten(1).pow(2).sum(1) + self.beta * v
            if self._epoch <= self.warmup_epochs:
                self.last_alpha = torch.full_like(v, self.eps)
            else:
                step = 2 * self.eps * self.c / (self.c + v.sqrt())
                self.last_alpha = step.clamp(self.eps / 2, 1.75 * self.eps)
            return self.last_alpha

        ce = lambda logits: F.cross_entropy(logits, y, reduction="sum")  # noqa: E731
        x_adv = ascend(model, x, x + delta, ce, self.eps, alpha, 1, project_start=True)
        self._v[idx], self._delta[idx] = v.detach(), (x_adv - x)
        self._idx = None
        return x_adv
