"""Adversarial attacks as (projected) gradient *ascent* on the loss over the ε-ball (EE-556 Lecture 11,
"FGSM", "proximal gradient ascent"; Madry et al. 2018).

Every attack is batch-native, takes inputs in [0, 1], returns a detached ``x_adv`` with
‖x_adv − x‖ ≤ ε and x_adv ∈ [0, 1], and costs one forward-backward per step. It runs the model in the
mode it finds it in and never touches parameters or their ``.grad`` (it differentiates with respect to
δ only). Works on any device and under ``torch.autocast``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import torch
from torch import nn

from course_lib import _validate
from course_lib.robust.losses import ATTACK_LOSSES, attack_objective

NORMS = ("linf", "l2", "l1")
L1_QUANTILE = 0.99  # SLIDE (Tramèr & Boneh 2019): step only along the top 1 % gradient coordinates

Objective = Callable[[torch.Tensor], torch.Tensor]  # logits -> per-example value to maximise


# ---------------------------------------------------------------- geometry of the ε-ball
def _per_example(v: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
    """Reshape a per-example vector (n,) to broadcast against ``like`` (n, ...)."""
    return v.view(-1, *([1] * (like.dim() - 1)))


def project_l1_ball(delta: torch.Tensor, eps: float) -> torch.Tensor:
    """Euclidean projection of each example onto {‖δ‖₁ ≤ ε} (sort-based, Duchi et al. 2008)."""
    v = delta.flatten(1)
    a = v.abs()
    u = a.sort(dim=1, descending=True).values
    css = u.cumsum(dim=1)
    j = torch.arange(1, v.shape[1] + 1, device=v.device, dtype=v.dtype)
    rho = (u - (css - eps) / j > 0).sum(dim=1, keepdim=True).clamp_min(1)
    theta = (css.gather(1, rho - 1) - eps) / rho
    w = torch.where(a.sum(dim=1, keepdim=True) <= eps, v, v.sign() * (a - theta).clamp_min(0))
    return w.view_as(delta)


def project(delta: torch.Tensor, x: torch.Tensor, eps: float, norm: str) -> torch.Tensor:
    """Π: onto the ε-ball of ``norm``, then onto the box x + δ ∈ [0, 1] (which keeps δ in the ball)."""
    if norm == "linf":
        delta = delta.clamp(-eps, eps)
    elif norm == "l2":
        n2 = delta.flatten(1).norm(dim=1).clamp_min(1e-12)
        delta = delta * _per_example((eps / n2).clamp(max=1.0), delta)
    else:
        delta = project_l1_ball(delta, eps)
    return (x + delta).clamp(0.0, 1.0) - x


def random_delta(x: torch.Tensor, eps: float, norm: str) -> torch.Tensor:
    """Random start: U(−ε, ε)^d for ℓ∞; a random direction times radius ε·U(0, 1) for ℓ2 / ℓ1."""
    if norm == "linf":
        return (torch.rand_like(x) * 2 - 1) * eps
    if norm == "l2":
        d = torch.randn_like(x)
    else:  # Laplace noise, as in SLIDE
        d = torch.distributions.Laplace(0.0, 1.0).sample(x.shape).to(device=x.device, dtype=x.dtype)
    p = 2 if norm == "l2" else 1
    r = torch.rand(x.shape[0], device=x.device, dtype=x.dtype) * eps
    return d * _per_example(r / d.flatten(1).norm(p=p, dim=1).clamp_min(1e-12), x)


def steepest_direction(g: torch.Tensor, norm: str, x_adv: torch.Tensor) -> torch.Tensor:
    """argmax_{‖d‖≤1} ⟨g, d⟩: sign(g) (ℓ∞), g/‖g‖₂ (ℓ2), sparse sign (ℓ1, SLIDE: top 1 % of |g|,
    ignoring coordinates already at the box boundary that push outward, normalised to ‖d‖₁ = 1)."""
    if norm == "linf":
        return g.sign()
    if norm == "l2":
        return g / _per_example(g.flatten(1).norm(dim=1).clamp_min(1e-12), g)
    g = g.masked_fill(((x_adv <= 0) & (g < 0)) | ((x_adv >= 1) & (g > 0)), 0.0)
    a = g.abs().flatten(1)
    k = max(1, int(L1_QUANTILE * a.shape[1] + 0.999999))
    top = a >= a.kthvalue(k, dim=1, keepdim=True).values
    e = g.sign().flatten(1) * top
    return (e / e.abs().sum(dim=1, keepdim=True).clamp_min(1)).view_as(g)


# ---------------------------------------------------------------- shared machinery
def check_inputs(x: torch.Tensor, y: torch.Tensor, eps: float, norm: str = "linf") -> float:
    """Validate an attack's batch (x in [0, 1], y of shape (n,)) and norm; return ε as a float.

    The range of x is checked on the CPU only: on a GPU that check would make the host wait for the
    device at every training step (the labs' loaders produce [0, 1] images by construction)."""
    if not isinstance(x, torch.Tensor) or not x.is_floating_point():
        raise TypeError("'x' must be a floating-point torch.Tensor of shape (n, ...)")
    if not isinstance(y, torch.Tensor) or y.shape != x.shape[:1]:
        raise ValueError(f"'y' must be a tensor of shape ({x.shape[0]},) with class indices")
    if x.device.type == "cpu" and bool(((x < 0) | (x > 1)).any()):
        raise ValueError("'x' must have all values in [0, 1] (attacks work in pixel space)")
    _validate.one_of("norm", norm, NORMS)
    return _validate.nonnegative("eps", eps)


@contextmanager
def frozen(model: nn.Module) -> Iterator[nn.Module]:
    """Switch off ``requires_grad`` of the parameters while attacking (the backward then skips the weight
    gradients, a few % faster) and restore every flag afterwards, also on error."""
    params = [p for p in model.parameters() if p.requires_grad]
    for p in params:
        p.requires_grad_(False)
    try:
        yield model
    finally:
        for p in params:
            p.requires_grad_(True)


def input_gradient(model: nn.Module, x_adv: torch.Tensor, objective: Objective) -> torch.Tensor:
    """g = ∇ₓ Σ_i objective_i(model(x)) at x = x_adv: one forward and one backward, with respect to the input
    only (under :func:`frozen`: no weight gradients are computed). ``objective`` maps the logits to
    per-example values (or to their sum)."""
    with torch.enable_grad(), frozen(model):
        x_adv = x_adv.detach().requires_grad_(True)
        return torch.autograd.grad(objective(model(x_adv)).sum(), x_adv)[0]


StepSize = float | Callable[[int, torch.Tensor, torch.Tensor], torch.Tensor]


def ascend(model: nn.Module, x: torch.Tensor, x_adv: torch.Tensor, objective: Objective, eps: float,
           alpha: StepSize, steps: int = 1, norm: str = "linf", *, steepest: bool = True,
           project_start: bool = False) -> torch.Tensor:
    """x_adv ← x + Π(x_adv − x + α·d(∇ₓ objective(model(x_adv)))), ``steps`` times (Π: :func:`project`).

    d is the steepest-ascent direction of the gradient in ``norm`` (``steepest=False``: the raw gradient, as
    in PGA). ``alpha`` is a number, or a rule ``alpha(k, g, x_adv)`` giving per-example step sizes (n,) at
    step k from the gradient g there (adaptive steps, or 0 to stop an example). The start ``x_adv`` must be
    feasible, or is projected first with ``project_start=True``. One forward-backward per step, under
    :func:`frozen`; returns the detached end point.

    For ℓ∞ the ball ∩ box is the box [max(x − ε, 0), min(x + ε, 1)], so Π is a single clamp in x-space.
    """
    lo, hi = (x - eps).clamp(min=0.0), (x + eps).clamp(max=1.0)

    def clip(z: torch.Tensor) -> torch.Tensor:
        return torch.clamp(z, lo, hi) if norm == "linf" else x + project(z - x, x, eps, norm)

    if project_start:
        x_adv = clip(x_adv)
    with frozen(model):
        for k in range(steps):
            g = input_gradient(model, x_adv, objective)
            d = steepest_direction(g, norm, x_adv) if steepest else g
            a = alpha(k, g, x_adv) if callable(alpha) else alpha
            if isinstance(a, torch.Tensor):
                a = _per_example(a, x_adv)
            x_adv = clip(x_adv + a * d)
    return x_adv.detach()


def _objective(y: torch.Tensor, loss: str, targeted: bool, y_target: torch.Tensor | None) -> Objective:
    _validate.one_of("loss", loss, ATTACK_LOSSES)
    if targeted and (not isinstance(y_target, torch.Tensor) or y_target.shape != y.shape):
        raise ValueError(f"'y_target' must be a tensor of shape {tuple(y.shape)} when targeted=True")
    return lambda logits: attack_objective(logits, y, loss, targeted=targeted, y_target=y_target)


# ---------------------------------------------------------------- attacks
def fgsm(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *, loss: str = "ce",
         targeted: bool = False, y_target: torch.Tensor | None = None) -> torch.Tensor:
    """FGSM (Goodfellow et al. 2015; EE-556 Lecture 11): x_adv = clip_[0,1](x + ε · sign ∇_x ℓ(x, y)).

    The exact maximiser of the linearised loss over the ℓ∞ ball; one forward-backward.
    """
    eps = check_inputs(x, y, eps)
    g = input_gradient(model, x, _objective(y, loss, targeted, y_target))
    return (x + eps * g.sign()).clamp(0.0, 1.0).detach()


def pga(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float, steps: int = 1, *,
        norm: str = "linf", loss: str = "ce") -> torch.Tensor:
    """Proximal gradient ascent (EE-556 Lecture 11, "PGA"): η⁰ = 0, η^{k+1} = π_N(η^k + α ∇f(η^k)) with
    the raw gradient of f(η) = ℓ(x + η, y) and π_N the projection onto the ε-ball (and the box).

    With one step and α|∇f(0)|_i > ε for every i with ∇f(0)_i ≠ 0 it is FGSM (EE-556 Lecture 11, "FGSM
    as one step of PGA").
    """
    eps = check_inputs(x, y, eps, norm)
    steps = _validate.integer("steps", steps, lo=1)
    alpha = _validate.positive("alpha", alpha)
    objective = _objective(y, loss, False, None)
    return ascend(model, x, x, objective, eps, alpha, steps, norm, steepest=False)


def pgd(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float | None = None,
        steps: int = 10, *, norm: str = "linf", random_start: bool = True, restarts: int = 1,
        loss: str = "ce", targeted: bool = False, y_target: torch.Tensor | None = None) -> torch.Tensor:
    """PGD, i.e. multi-step FGSM (Madry et al. 2018; the non-zero-sum talk, "PGD: a misnomer"; EE-556
    Lecture 11):
    δ_{t+1} = Π_{B_p(ε) ∩ box}(δ_t + α · argmax_{‖d‖_p≤1} ⟨∇_δ ℓ(x + δ_t, y), d⟩).

    ``alpha`` defaults to 2.5·ε/steps. With ``restarts > 1`` each example keeps the restart that
    misclassifies it (ties: the larger loss), which costs one extra forward per restart.
    """
    eps = check_inputs(x, y, eps, norm)
    steps = _validate.integer("steps", steps, lo=1)
    restarts = _validate.integer("restarts", restarts, lo=1)
    alpha = 2.5 * eps / steps if alpha is None else _validate.positive("alpha", alpha)
    objective = _objective(y, loss, targeted, y_target)
    best, best_wrong, best_value = x, None, None
    for _ in range(restarts):
        delta = project(random_delta(x, eps, norm), x, eps, norm) if random_start else torch.zeros_like(x)
        x_adv = ascend(model, x, x + delta, objective, eps, alpha, steps, norm)
        if restarts == 1:
            return x_adv.detach()
        with torch.no_grad():
            logits = model(x_adv)
            wrong = logits.argmax(1) == y_target if targeted else logits.argmax(1) != y
            value = objective(logits)
        if best_wrong is None:
            best, best_wrong, best_value = x_adv, wrong, value
            continue
        better = (wrong & ~best_wrong) | ((wrong == best_wrong) & (value > best_value))
        best = torch.where(_per_example(better, x), x_adv, best)
        best_wrong, best_value = best_wrong | wrong, torch.where(better, value, best_value)
    return best.detach()


def beta_attack(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, alpha: float | None = None,
                steps: int = 10, norm: str = "linf", *, num_classes: int | None = None) -> torch.Tensor:
    """BETA, best targeted attack (Robey et al. 2024; the non-zero-sum talk): for every class j ≠ y run PGD
    on the margin M_j(x + δ) = z_j − z_y, then keep the class with the largest margin, j* = argmax_j M_j.

    Maximising max_j M_j maximises the 0-1 loss (M > 0 ⇔ misclassified), unlike cross-entropy. The
    K−1 targets run as one batch of (K−1)·n examples: one forward-backward of that batch per step, plus
    one forward to pick j* (and one to read K when ``num_classes`` is not given).
    """
    eps = check_inputs(x, y, eps, norm)
    steps = _validate.integer("steps", steps, lo=1)
    alpha = 2.5 * eps / steps if alpha is None else _validate.positive("alpha", alpha)
    if num_classes is None:
        with torch.no_grad():
            num_classes = model(x[:1]).shape[1]
    K = _validate.integer("num_classes", num_classes, lo=2)
    n = x.shape[0]
    others = (y[None, :] + torch.arange(1, K, device=y.device)[:, None]) % K   # (K−1, n): all j ≠ y
    xs, ys, js = x.repeat(K - 1, *([1] * (x.dim() - 1))), y.repeat(K - 1), others.reshape(-1)

    def margin_j(logits: torch.Tensor) -> torch.Tensor:
        z = logits.float()
        return z.gather(1, js[:, None]).squeeze(1) - z.gather(1, ys[:, None]).squeeze(1)

    x_adv = ascend(model, xs, xs, margin_j, eps, alpha, steps, norm)
    with torch.no_grad():
        best_j = margin_j(model(x_adv)).view(K - 1, n).argmax(dim=0)
    return x_adv.view(K - 1, n, *x.shape[1:])[best_j, torch.arange(n, device=x.device)].detach()


# ---------------------------------------------------------------- the linear model (closed form)
DUAL = {"linf": 1.0, "l2": 2.0, "l1": float("inf")}


def linear_worst_case(w: torch.Tensor, a: torch.Tensor, eps: float, norm: str = "linf"
                      ) -> tuple[torch.Tensor, torch.Tensor]:
    """max_{‖η‖_p≤ε} ⟨w, a + η⟩ = ⟨w, a⟩ + ε‖w‖_q with 1/p + 1/q = 1 (EE-556 Lecture 11, dual norms).

    Returns the maximiser η* (ε·sign w for ℓ∞, ε·w/‖w‖₂ for ℓ2, ε·sign(w_i*)e_i* at i* = argmax|w_i| for
    ℓ1) and the value, for a batch: w and a of shape (n, d).
    """
    _validate.one_of("norm", norm, NORMS)
    eps = _validate.nonnegative("eps", eps)
    if norm == "linf":
        eta = eps * w.sign()
    elif norm == "l2":
        eta = eps * w / w.norm(dim=1, keepdim=True).clamp_min(1e-12)
    else:
        i_star = w.abs().argmax(dim=1, keepdim=True)
        eta = torch.zeros_like(w).scatter(1, i_star, eps * w.gather(1, i_star).sign())
    value = (w * a).sum(dim=1) + eps * w.norm(p=DUAL[norm], dim=1)
    return eta, value
