"""Danskin's Descent Direction for a torch model, and DDi as a training method (Latorre,
Krawczuk, Dadi, Pethick, Cevher, ICLR 2023; code ``LIONS-EPFL/ddi_at``, ``acat/danskinattack.py``).

One DDD step on a batch: m perturbations δ⁽¹⁾…δ⁽ᵐ⁾ by PGD from independent random starts (one batched
attack on the m-times replicated batch); the m parameter gradients g_i = ∇_θ mean_batch ℓ(θ; x + δ⁽ⁱ⁾, y);
the min-norm point w = Σ_i y*_i g_i of their convex hull (y* ∈ Δ_m, accelerated projected gradient);
the update direction γ* = −w/‖w‖. Cost: about m times a PGD-AT step. With m = 1 it *is* PGD-AT
(with a normalised step when ``normalize=True``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.danskin.hull import min_norm_weights
from course_lib.models.counting import ForwardCounter
from course_lib.robust.attacks import NORMS, pgd
from course_lib.robust.base import Method
from course_lib.seeding import effective_seed, torch_generator


@dataclass
class DDDResult:
    """Diagnostics of one DDD step (all detached).

    ``direction`` γ* = −w/‖w‖ (flattened, unit), ``weights`` y* ∈ Δ_m, ``losses`` the m batch losses
    ℓ(θ; x + δ⁽ⁱ⁾), ``inner`` ⟨γ*, g_i⟩ (≤ −‖w‖ < 0 at the optimum: γ* descends on every g_i),
    ``w_norm`` ‖w‖, ``gap`` the QP's Frank–Wolfe gap, ``grads`` the matrix M of the g_i (m, p).
    """

    direction: torch.Tensor
    weights: torch.Tensor
    losses: torch.Tensor
    inner: torch.Tensor
    w_norm: float
    gap: float
    grads: torch.Tensor


def _check_batch(x: torch.Tensor, y: torch.Tensor) -> None:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() < 2:
        raise TypeError("'x' must be a floating-point torch.Tensor of shape (n, ...)")
    if not bool(torch.isfinite(x).all()):
        raise ValueError("'x' must contain only finite values (no NaN or inf)")
    if not isinstance(y, torch.Tensor) or y.shape != x.shape[:1]:
        raise ValueError(f"'y' must be a tensor of shape ({x.shape[0]},) with class indices")


def parameter_gradients(model: nn.Module, x_adv: torch.Tensor,
                        y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """M = [∇_θ CE(f_θ(x_adv[i]), y)]_i for a stack ``x_adv`` of m perturbed batches (m, n, ...):
    m forward-backward passes; returns (M of shape (m, p), the m losses)."""
    params = [p for p in model.parameters() if p.requires_grad]
    rows, losses = [], []
    with torch.enable_grad():
        for x_i in x_adv:
            loss = F.cross_entropy(model(x_i), y)
            grads = torch.autograd.grad(loss, params, allow_unused=True)
            rows.append(torch.cat([(torch.zeros_like(p) if g is None else g).reshape(-1)
                                   for p, g in zip(params, grads)]))
            losses.append(loss.detach())
    return torch.stack(rows), torch.stack(losses)


def ddd_direction(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float | None = None,
                  steps: int = 7, m: int = 10, *, norm: str = "linf", normalize: bool = True,
                  tol: float = 1e-3, max_iter: int = 500) -> DDDResult:
    """Write Danskin's descent direction into the parameters' ``.grad`` (overwriting it); return diagnostics.

    ``.grad`` receives w/‖w‖ (``normalize=True``, as in the authors' code) or w, so that the usual
    ``optimizer.step()`` moves along γ* = −w/‖w‖. The attack is :func:`course_lib.robust.attacks.pgd`
    (``alpha`` defaults to 2.5ε/steps); the QP runs in float64 on the CPU (it is m × m) until its gap is
    ≤ ``tol``·‖w‖², which certifies ⟨γ*, g_i⟩ ≤ −(1 − tol)‖w‖ < 0 for every i.
    """
    _check_batch(x, y)
    m = _validate.integer("m", m, lo=1)
    steps = _validate.integer("steps", steps, lo=1)
    x_rep = x.repeat(m, *([1] * (x.dim() - 1)))
    x_adv = pgd(model, x_rep, y.repeat(m), eps, alpha, steps, norm=norm, random_start=True)
    M, losses = parameter_gradients(model, x_adv.view(m, *x.shape), y)
    Q = (M.double() @ M.double().T).cpu().numpy()
    weights, gap, _ = min_norm_weights(Q, tol=_validate.positive("tol", tol), max_iter=max_iter)
    weights = torch.as_tensor(weights, dtype=M.dtype, device=M.device)
    w = weights @ M
    w_norm = float(w.norm())
    unit = w / w_norm if w_norm > 0 else w
    grad = unit if normalize else w
    params = [p for p in model.parameters() if p.requires_grad]
    for p, chunk in zip(params, torch.split(grad, [p.numel() for p in params])):
        p.grad = chunk.view_as(p).clone()
    return DDDResult(direction=-unit, weights=weights, losses=losses, inner=M @ -unit, w_norm=w_norm,
                     gap=float(gap), grads=M)


class DDi(Method):
    """DDi / DDD training (Latorre et al. 2023): each step writes γ* = −w/‖w‖ into ``.grad`` and steps.

    The authors' CIFAR-10 setting (Latorre et al. 2023): m = 10, PGD-7 with ε = 8/255, α = 2/255, CELU,
    GroupNorm instead of BatchNorm, SGD without momentum. ``step`` returns the largest of the m batch
    losses, an estimate of the robust loss max_δ g(θ, δ) that DDi decreases.
    """

    name = "DDi"

    def __init__(self, eps: float, alpha: float | None = None, steps: int = 7, m: int = 10, *,
                 norm: str = "linf", normalize: bool = True) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.alpha = None if alpha is None else _validate.positive("alpha", alpha)
        self.steps = _validate.integer("steps", steps, lo=1)
        self.m = _validate.integer("m", m, lo=1)
        self.norm = _validate.one_of("norm", norm, NORMS)
        self.normalize = bool(normalize)
        self.last: DDDResult | None = None

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The largest batch loss over m PGD attacks (the ``max_ensemble`` baseline's loss)."""
        x_rep = x.repeat(self.m, *([1] * (x.dim() - 1)))
        x_adv = pgd(model, x_rep, y.repeat(self.m), self.eps, self.alpha, self.steps, norm=self.norm)
        per_attack = F.cross_entropy(model(x_adv), y.repeat(self.m), reduction="none").view(self.m, -1)
        return per_attack.mean(dim=1).max()

    def step(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             optimizer: torch.optim.Optimizer) -> torch.Tensor:
        optimizer.zero_grad(set_to_none=True)
        self.last = ddd_direction(model, x, y, self.eps, self.alpha, self.steps, self.m, norm=self.norm,
                                  normalize=self.normalize)
        optimizer.step()
        return self.last.losses.max().detach()


def compare_descent(model_fn: Callable[[], nn.Module], x: torch.Tensor, y: torch.Tensor, eps: float, *,
                    ms: tuple[int, ...] = (1, 10),
                    iters: int = 40, lr: float = 0.1, batch_size: int = 128, steps: int = 7,
                    eval_data: tuple[torch.Tensor, torch.Tensor] | None = None, eval_steps: int = 10,
                    seed: int = 0) -> dict[int, dict[str, np.ndarray | float | int]]:
    """Train a fresh ``model_fn()`` with DDD for each m in ``ms`` (m = 1: PGD-AT), same init and batches.

    SGD without momentum (as in Latorre et al.'s CIFAR-10 setting), normalised direction, ``iters`` steps.
    Records per step the robust loss on ``eval_data`` (PGD-``eval_steps``, fixed seed), and in total the
    seconds spent in training steps and the examples that went through the network
    (:class:`~course_lib.models.counting.ForwardCounter`).
    """
    iters = _validate.integer("iters", iters, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    lr = _validate.positive("lr", lr)
    ms = tuple(_validate.integer("ms", m, lo=1) for m in ms)
    x_eval, y_eval = (x, y) if eval_data is None else eval_data
    order = torch.randint(0, len(y), (iters, batch_size), generator=torch_generator(seed))
    results = {}
    for m in ms:
        torch.manual_seed(effective_seed(seed))
        model = model_fn()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.0)
        method = DDi(eps, steps=steps, m=m)
        robust, seconds, examples = [], 0.0, 0
        for idx in order:
            with ForwardCounter(model) as counter:
                start = time.perf_counter()
                method.step(model, x[idx], y[idx], opt)
                seconds += time.perf_counter() - start
            examples += counter.examples
            robust.append(robust_loss(model, x_eval, y_eval, eps, eval_steps, seed))
        results[m] = {"robust_loss": np.array(robust), "seconds": seconds, "examples": examples}
    return results


def robust_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, steps: int = 10,
                seed: int = 0) -> float:
    """Mean CE at PGD-``steps`` perturbations (random start drawn with ``seed``, so reruns agree)."""
    with torch.random.fork_rng():
        torch.manual_seed(effective_seed(seed))
        x_adv = pgd(model, x, y, eps, None, steps)
    with torch.no_grad():
        return float(F.cross_entropy(model(x_adv), y))
