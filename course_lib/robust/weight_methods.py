"""Weight-space perturbations: AWP and its random control RWP (Wu et al. 2020; Wang's guest lecture) and SAM
(Foret et al. 2021; EE-556 Lecture 11).

Both take the gradient at perturbed weights w + v, restore w *exactly* (a saved copy, not w + v − v,
which rounding would change) and let the optimizer step from w: w ← w − lr·∇L(w + v). They wrap an
input-space method (:class:`~course_lib.robust.methods.AdversarialMethod`), whose adversarial examples are
computed once, at w. The epoch loop's hooks (``start_epoch``, ``set_indices``) reach the inner method.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Wrapper
from course_lib.robust.methods import AdversarialMethod


def _check_inner(inner: object) -> AdversarialMethod:
    if not isinstance(inner, AdversarialMethod):
        raise TypeError(f"'inner' must be an AdversarialMethod (PGDAT, TRADES, ...), "
                        f"got {type(inner).__name__}")
    return inner


def _rank_average(grads: tuple[torch.Tensor, ...]) -> list[torch.Tensor]:
    """The gradients averaged over data-parallel ranks (one all-reduce), when torch.distributed is
    initialised; unchanged otherwise. DDP averages gradients only in ``.backward()`` (its hooks sit on
    the gradient accumulators); ``torch.autograd.grad`` bypasses them, so without this each rank would
    perturb its weights along its own batch's gradient and the replicas would take different steps."""
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() < 2:
        return list(grads)
    flat = torch.cat([g.reshape(-1) for g in grads])
    dist.all_reduce(flat, op=dist.ReduceOp.SUM)
    flat /= dist.get_world_size()
    return [f.view_as(g) for f, g in zip(flat.split([g.numel() for g in grads]), grads)]


def _perturbed_step(model: nn.Module, inner: AdversarialMethod, x: torch.Tensor, y: torch.Tensor,
                    optimizer: torch.optim.Optimizer, params: list[torch.Tensor], direction,
                    needs_grad: bool = True) -> torch.Tensor:
    """Shared update: v = direction(params, grads at w) (grads averaged over DDP ranks; ``needs_grad=False``:
    no gradient, direction(params, params)); grad at w + v; restore w exactly; optimizer step."""
    x_adv = inner.perturb(model, x, y)
    grads = (_rank_average(torch.autograd.grad(inner.objective(model, x, x_adv, y), params)) if needs_grad
             else params)
    saved = [p.detach().clone() for p in params]
    with torch.no_grad():
        for p, v in zip(params, direction(params, grads)):
            p.add_(v)
    optimizer.zero_grad(set_to_none=True)
    loss = inner.objective(model, x, x_adv, y)
    loss.backward()
    with torch.no_grad():
        for p, w in zip(params, saved):
            p.copy_(w)
    optimizer.step()
    return loss.detach()


class AWP(Wrapper):
    """AWP (Wu, Xia, Wang 2020): min_w max_{‖v_l‖ ≤ γ‖w_l‖} ρ(w + v). One ascent step of the inner
    objective gives v_l = γ‖w_l‖·g_l/‖g_l‖ on every weight tensor with ≥ 2 dimensions (no biases, no
    norm layers), then w ← w − lr·∇ρ(w + v) (`csdongxian/AWP`, AT_AWP/utils_awp.py; γ = 0.01 for AT-AWP,
    5e-3 for TRADES-AWP). γ = 0 is the inner method."""

    name = "AWP"
    _ascent = True                  # the direction is the gradient at w (one extra forward-backward)

    def __init__(self, inner: AdversarialMethod, gamma: float = 0.01) -> None:
        self.inner = _check_inner(inner)
        self.gamma = _validate.nonnegative("gamma", gamma)
        self.name = f"{inner.name}-AWP"

    def perturbation(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """v_l = γ‖w_l‖·g_l/‖g_l‖ (layer-wise relative size γ)."""
        return [self.gamma * p.norm() / (g.norm() + 1e-20) * g for p, g in zip(params, grads)]

    def direction(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> list[torch.Tensor]:
        """The v that :meth:`step` adds at the current weights on the batch (x, y), one tensor per parameter
        (zero on biases and norm layers), e.g. for :func:`~course_lib.robust.metrics.weight_landscape`."""
        params = list(model.parameters())
        mats = [p for p in params if p.requires_grad and p.dim() > 1]
        grads = list(torch.autograd.grad(self.inner.loss(model, x, y), mats)) if self._ascent else mats
        v = iter(self.perturbation(mats, grads))
        return [next(v).detach() if p.requires_grad and p.dim() > 1 else torch.zeros_like(p) for p in params]

    def step(self, model, x, y, optimizer):
        if self.gamma == 0:
            return self.inner.step(model, x, y, optimizer)
        params = [p for p in model.parameters() if p.requires_grad and p.dim() > 1]
        return _perturbed_step(model, self.inner, x, y, optimizer, params, self.perturbation,
                               needs_grad=self._ascent)


class RWP(AWP):
    """RWP, the control of Wu et al. (2020): AWP's update with a random direction of the same layer-wise
    size, v_l = γ‖w_l‖·u_l/‖u_l‖, u_l ~ N(0, I) drawn afresh at each step; w ← w − lr·∇ρ(w + v). No extra
    forward-backward (AWP's ascent step is skipped). γ = 0 is the inner method."""

    name = "RWP"
    _ascent = False                 # the direction needs no gradient

    def __init__(self, inner: AdversarialMethod, gamma: float = 0.01) -> None:
        super().__init__(inner, gamma)
        self.name = f"{inner.name}-RWP"

    def perturbation(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """v_l = γ‖w_l‖·u_l/‖u_l‖ with u_l ~ N(0, I) (``grads`` is ignored)."""
        return super().perturbation(params, [torch.randn_like(p) for p in params])


class SAM(Wrapper):
    """SAM (Foret et al. 2021; EE-556 Lecture 11): e = ρ·g/‖g‖₂ with g = ∇L(w) over all parameters, then
    w ← w − lr·∇L(w)|_{w+e} (two forward-backward passes; ρ = 0.05). ρ = 0 is the inner method."""

    name = "SAM"

    def __init__(self, inner: AdversarialMethod | None = None, rho: float = 0.05) -> None:
        self.inner = AdversarialMethod() if inner is None else _check_inner(inner)
        self.rho = _validate.nonnegative("rho", rho)
        self.name = "SAM" if inner is None else f"{inner.name}+SAM"

    def perturbation(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> list[torch.Tensor]:
        """e = ρ·g/‖g‖₂ (one global norm over all parameters)."""
        norm = torch.sqrt(sum(g.pow(2).sum() for g in grads))
        return [self.rho * g / (norm + 1e-12) for g in grads]

    def step(self, model, x, y, optimizer):
        if self.rho == 0:
            return self.inner.step(model, x, y, optimizer)
        params = [p for p in model.parameters() if p.requires_grad]
        return _perturbed_step(model, self.inner, x, y, optimizer, params, self.perturbation)
