"""How robust is a model, and how well was the inner max solved (EE-556
Lecture 11, Wang's guest lecture, the non-zero-sum talk).

- accuracy and robust accuracy under PGD-k with restarts (CE or margin loss), BETA, or all of them;
- per-class robust accuracy and the worst class (the non-zero-sum talk, "Robustness of the
  worst-performing class");
- FOSC, the convergence score of the inner max (Wang et al. 2019), closed form for ℓ∞;
- the local linearity error of the loss inside the ball (ELLE, Abad Rocamora et al. 2024);
- the weight loss landscape ρ(w + αd) along a filter-normalised direction d, with the adversarial
  examples regenerated at every α (Wang's guest lecture, "the correct way");
- saliency maps ∇ₓ f_y(x) (EE-556 Lecture 11).

Everything is batch-first and stays on the model's device; only final results become numpy/float.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.attacks import beta_attack, pgd
from course_lib.robust.attacks import fgsm as fgsm_attack
from course_lib.seeding import torch_generator

ATTACKS = ("pgd", "pgd-margin", "beta", "ensemble")


def _chunks(n: int, batch_size: int) -> list[slice]:
    return [slice(i, min(i + batch_size, n)) for i in range(0, n, batch_size)]


def predict(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    """Predicted classes argmax_k f_k(x), computed in chunks without gradients."""
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    with torch.no_grad():
        return torch.cat([model(x[s]).argmax(dim=1) for s in _chunks(len(x), batch_size)])


def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, batch_size: int = 1024) -> float:
    """Fraction of correctly classified examples."""
    return float((predict(model, x, batch_size) == y).float().mean())


def robust_correct(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *, attack: str = "pgd",
                   steps: int = 20, restarts: int = 1, alpha: float | None = None, norm: str = "linf",
                   batch_size: int = 512) -> torch.Tensor:
    """Boolean (n,): still correct after the attack. ``attack``: ``"pgd"`` (CE loss, random start,
    ``restarts``), ``"pgd-margin"`` (the same on the margin max_{j≠y} z_j − z_y), ``"beta"`` (best
    targeted attack, Robey et al. 2024) or ``"ensemble"`` (correct under all three: the strongest)."""
    _validate.one_of("attack", attack, ATTACKS)
    eps = _validate.nonnegative("eps", eps)
    steps = _validate.integer("steps", steps, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    if eps == 0:
        return predict(model, x, batch_size) == y
    names = ("pgd", "pgd-margin", "beta") if attack == "ensemble" else (attack,)
    out = []
    for s in _chunks(len(x), batch_size):
        ok = predict(model, x[s], batch_size) == y[s]
        for name in names:
            if name == "beta":
                x_adv = beta_attack(model, x[s], y[s], eps, alpha, steps, norm)
            else:
                x_adv = pgd(model, x[s], y[s], eps, alpha, steps, norm=norm, restarts=restarts,
                            loss="ce" if name == "pgd" else "margin")
            ok &= predict(model, x_adv, batch_size) == y[s]
        out.append(ok)
    return torch.cat(out)


def robust_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, **attack_kw) -> float:
    """Fraction of examples still correct under the attack (see :func:`robust_correct` for the options)."""
    return float(robust_correct(model, x, y, eps, **attack_kw).float().mean())


def per_class_accuracy(correct: torch.Tensor, y: torch.Tensor, num_classes: int) -> torch.Tensor:
    """Accuracy within each class, shape (K,), from per-example correctness flags."""
    num_classes = _validate.integer("num_classes", num_classes, lo=1)
    hits = torch.bincount(y, weights=correct.float(), minlength=num_classes)
    counts = torch.bincount(y, minlength=num_classes).clamp_min(1)
    return hits / counts


def worst_class(per_class: torch.Tensor) -> tuple[int, float]:
    """(class, accuracy) of the worst class."""
    k = int(per_class.argmin())
    return k, float(per_class[k])


def robust_evaluator(eps: float, *, attack: str = "pgd", steps: int = 10, restarts: int = 1,
                     alpha: float | None = None, num_classes: int | None = None,
                     fgsm: bool = False) -> Callable:
    """An ``eval_fn`` for :func:`course_lib.robust.training.fit`: ``{"clean", "robust"}`` and, when
    ``num_classes`` is given, ``"worst"`` (the worst class's robust accuracy).

    ``fgsm=True`` makes it the catastrophic-overfitting detector of lecture 03 instead: ``{"clean", "fgsm",
    "pgd"}``, the plain accuracies at x, at the FGSM point and at the PGD point (``steps``, ``alpha``,
    random start). CO shows as FGSM accuracy staying high (even above clean) while PGD accuracy collapses
    (the non-zero-sum talk, "100% robust to FGSM, 0% robust to PGD-20").
    """
    eps = _validate.nonnegative("eps", eps)
    steps = _validate.integer("steps", steps, lo=1)
    _validate.one_of("attack", attack, ATTACKS)

    def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict:
        if fgsm:
            return {"clean": accuracy(model, x, y), "fgsm": accuracy(model, fgsm_attack(model, x, y, eps), y),
                    "pgd": accuracy(model, pgd(model, x, y, eps, alpha, steps, restarts=restarts), y)}
        ok = robust_correct(model, x, y, eps, attack=attack, steps=steps, restarts=restarts, alpha=alpha)
        out = {"clean": accuracy(model, x, y), "robust": float(ok.float().mean())}
        if num_classes is not None:
            out["worst"] = worst_class(per_class_accuracy(ok, y, num_classes))[1]
        return out

    return evaluate


def fosc_closed_form(g: torch.Tensor, x_k: torch.Tensor, x0: torch.Tensor, eps: float,
                     box: tuple[float, float] | None = None) -> torch.Tensor:
    """c(x^k) = max_{x∈χ} ⟨x − x^k, g⟩ per example (Wang et al. 2019; ≥ 0 on χ, 0 at a first-order stationary
    point). χ = B∞(x⁰, ε) gives the closed form ε‖g‖₁ − ⟨x^k − x⁰, g⟩; with ``box=(lo, hi)``,
    χ = B∞(x⁰, ε) ∩ [lo, hi]^d, the set PGD really searches (the maximiser is the corner picked by sign g)."""
    if box is None:
        return eps * g.flatten(1).abs().sum(1) - ((x_k - x0).flatten(1) * g.flatten(1)).sum(1)
    lo, hi = (x0 - eps).clamp(min=box[0]), (x0 + eps).clamp(max=box[1])
    return ((torch.where(g > 0, hi, lo) - x_k) * g).flatten(1).sum(1)


def fosc(model: nn.Module, x0: torch.Tensor, x_k: torch.Tensor, y: torch.Tensor, eps: float,
         box: tuple[float, float] | None = None) -> torch.Tensor:
    """FOSC of the adversarial examples ``x_k`` around ``x0`` for the CE loss, shape (n,)."""
    eps = _validate.nonnegative("eps", eps)
    x_k = x_k.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(F.cross_entropy(model(x_k), y, reduction="sum"), x_k)
    return fosc_closed_form(g, x_k.detach(), x0, eps, box).detach()


def linearity_error(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    """ELLE's local linearity error E_lin = mean_i (ℓ(x_c) − (1−a)ℓ(x_a) − a·ℓ(x_b))², x_a, x_b ~ U(B∞(x, ε)),
    a ~ U[0, 1], x_c = (1−a)x_a + a·x_b (0 when ℓ is affine in x inside the ball; Abad Rocamora et al. 2024).

    A differentiable scalar (ELLE trains on it; ``float(...)`` to report it); the three points go through
    the model in one forward. ``generator`` (on any device) makes the draws reproducible.
    """
    eps = _validate.nonnegative("eps", eps)

    def uniform(shape: tuple[int, ...]) -> torch.Tensor:
        device = x.device if generator is None else generator.device
        return torch.rand(shape, generator=generator, device=device, dtype=x.dtype).to(x.device)

    x_a = x + (uniform(x.shape) * 2 - 1) * eps
    x_b = x + (uniform(x.shape) * 2 - 1) * eps
    a = uniform((x.shape[0],)).view(-1, *([1] * (x.dim() - 1)))
    x_c = (1 - a) * x_a + a * x_b
    ce = F.cross_entropy(model(torch.cat([x_a, x_b, x_c])).float(), y.repeat(3), reduction="none")
    l_a, l_b, l_c = ce.chunk(3)
    a = a.flatten()
    return ((l_c - (1 - a) * l_a - a * l_b) ** 2).mean()


def filter_normalized_direction(model: nn.Module, seed: int = 0) -> list[torch.Tensor]:
    """A random direction d with every filter (row of a weight tensor) rescaled to the norm of the
    corresponding filter of w; biases and 1-D parameters get d = 0 (Li et al. 2018)."""
    gen = torch_generator(seed)
    out = []
    for p in model.parameters():
        if p.dim() <= 1:
            out.append(torch.zeros_like(p))
            continue
        d = torch.randn(p.shape, generator=gen).to(p)
        scale = p.detach().flatten(1).norm(dim=1) / d.flatten(1).norm(dim=1).clamp_min(1e-12)
        out.append(d * scale.view(-1, *([1] * (p.dim() - 1))))
    return out


def weight_landscape(model: nn.Module, x: torch.Tensor, y: torch.Tensor, alphas: Sequence[float],
                     eps: float, *,
                     direction: list[torch.Tensor] | None = None, steps: int = 10, alpha: float | None = None,
                     regenerate: bool = True, seed: int = 0) -> np.ndarray:
    """g(a) = ρ(w + a·d) = mean_i max_{‖x′_i − x_i‖∞ ≤ ε} CE(f_{w+a·d}(x′_i), y_i), the inner max by PGD
    ``steps`` re-run at every a (Wang's guest lecture, "the correct way"); ``regenerate=False`` reuses the
    examples made at w (the "failed" way). The weights are restored exactly afterwards."""
    alphas = _validate.array("alphas", alphas, shape=(None,))
    eps = _validate.nonnegative("eps", eps)
    params = list(model.parameters())
    d = filter_normalized_direction(model, seed) if direction is None else direction
    if len(d) != len(params) or any(a.shape != p.shape for a, p in zip(d, params)):
        raise ValueError("'direction' must have one tensor per model parameter, of the same shapes")
    saved = [p.detach().clone() for p in params]
    was_training = model.training
    model.eval()
    attack = lambda: x if eps == 0 else pgd(model, x, y, eps, alpha, steps)  # noqa: E731
    x_fixed = attack()
    losses = []
    try:
        for a in alphas:
            with torch.no_grad():
                for p, w, v in zip(params, saved, d):
                    p.copy_(w + float(a) * v)
            x_adv = attack() if regenerate else x_fixed
            with torch.no_grad():
                losses.append(F.cross_entropy(model(x_adv), y))
    finally:
        with torch.no_grad():
            for p, w in zip(params, saved):
                p.copy_(w)
        model.train(was_training)
    return torch.stack(losses).cpu().numpy()


def saliency(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The saliency map ∇ₓ f_y(x) of the true-class logit, same shape as x (EE-556 Lecture 11)."""
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        (g,) = torch.autograd.grad(model(x).gather(1, y[:, None]).sum(), x)
    return g.detach()
