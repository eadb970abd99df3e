"""GAN losses as the two players' objectives, both to be *minimised*: L_D(critic) and L_G(generator).

EE-556 "Mathematics of Data", Lecture 11: the WGAN game (eq. 16)
    min_x max_y Φ(x, y) = E_{a~μ̂_n} d_y(a) − E_ω d_y(h_x(ω)),
with the Lipschitz constraint enforced by weight clipping (eq. 17), a gradient penalty (eq. 18,
Gulrajani et al. 2017) or spectral normalization (Miyato et al. 2018); the vanilla GAN (eq. 19,
Goodfellow et al. 2014) Φ = E log σ(d(a)) + E log(1 − σ(d(h(ω)))) with d a logit.

``kind``            critic loss L_D                                        generator loss L_G
``"wgan"``          E d(fake) − E d(real)                                  −E d(fake)
``"wgan_gp"``       E d(fake) − E d(real) + λ E (‖∇_â d(â)‖ − 1)²          −E d(fake)
``"hinge"``         E relu(1 − d(real)) + E relu(1 + d(fake))              −E d(fake)
``"vanilla"``       E softplus(−d(real)) + E softplus(d(fake)) (= −Φ)      −E softplus(d(fake)) = E log(1−σ)
``"nonsaturating"`` same as vanilla                                        E softplus(−d(fake)) = −E log σ(d)

For "wgan", "wgan_gp" (without the penalty) and "vanilla", L_G = Φ + const and L_D = −Φ: a zero-sum game
whose operator is V = [∇_x Φ, −∇_y Φ] = [∇_x L_G, ∇_y L_D]. All functions take any ``nn.Module`` critic and
tensors of any shape (B, ...) on any device/dtype.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate

GAN_LOSSES = ("wgan", "wgan_gp", "hinge", "vanilla", "nonsaturating")
LOSS_ALIASES = {"wgan-gp": "wgan_gp"}   # the spelling of earlier releases, still accepted


def loss_kind(kind: str, name: str = "kind") -> str:
    """``kind`` checked against :data:`GAN_LOSSES` (an error names the parameter ``name``), older
    spellings (:data:`LOSS_ALIASES`) mapped."""
    return str(_validate.one_of(name, LOSS_ALIASES.get(kind, kind), GAN_LOSSES))


def _critic_output(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    out = critic(x)       # under bf16 autocast: bf16 (3 digits); the means are taken in fp32 (or fp64)
    return out.to(torch.promote_types(out.dtype, torch.float32)).reshape(len(x))


def interpolate(real: torch.Tensor, fake: torch.Tensor, t: torch.Tensor | None = None) -> torch.Tensor:
    """â = t·real + (1 − t)·fake with t ~ U(0, 1) per sample: the slide's "a ~ Uniform(a_i, h_x(ω_i))"."""
    if real.shape != fake.shape:
        raise ValueError(f"'fake' must have the same shape as 'real', "
                         f"got {tuple(fake.shape)} vs {tuple(real.shape)}")
    if t is None:
        t = torch.rand(len(real), device=real.device, dtype=real.dtype)
    t = t.reshape((len(real),) + (1,) * (real.ndim - 1))
    return t * real + (1 - t) * fake


def gradient_penalty(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor,
                     t: torch.Tensor | None = None) -> torch.Tensor:
    """E_â (‖∇_â d(â)‖_2 − 1)² on random interpolates (Gulrajani et al. (2017); EE-556 Lecture 11 eq. 18);
    differentiable w.r.t. the critic
    (double backward). ``fake`` is detached: the penalty regularises the critic only."""
    a_hat = interpolate(real.detach(), fake.detach(), t).requires_grad_(True)
    (grad,) = torch.autograd.grad(_critic_output(critic, a_hat).sum(), a_hat, create_graph=True)
    return ((grad.flatten(1).norm(dim=1) - 1) ** 2).mean()


def critic_loss(kind: str, critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, *,
                gp_weight: float = 10.0) -> torch.Tensor:
    """The critic's loss L_D (to minimise) for ``kind`` in :data:`GAN_LOSSES`; ``gp_weight`` is λ of
    "wgan_gp"."""
    kind = loss_kind(kind)
    gp_weight = _validate.nonnegative("gp_weight", gp_weight)
    d_real, d_fake = _critic_output(critic, real), _critic_output(critic, fake)
    if kind in ("wgan", "wgan_gp"):
        loss = d_fake.mean() - d_real.mean()
        return loss + gp_weight * gradient_penalty(critic, real, fake) if kind == "wgan_gp" else loss
    if kind == "hinge":
        return F.relu(1 - d_real).mean() + F.relu(1 + d_fake).mean()
    return F.softplus(-d_real).mean() + F.softplus(d_fake).mean()


def generator_loss(kind: str, critic: nn.Module, fake: torch.Tensor) -> torch.Tensor:
    """The generator's loss L_G (to minimise) for ``kind`` in :data:`GAN_LOSSES`."""
    kind = loss_kind(kind)
    d_fake = _critic_output(critic, fake)
    if kind == "vanilla":
        return -F.softplus(d_fake).mean()
    if kind == "nonsaturating":
        return F.softplus(-d_fake).mean()
    return -d_fake.mean()


@torch.no_grad()
def clip_weights_(critic: nn.Module, c: float) -> nn.Module:
    """Project the critic's parameters onto the box [−c, c], in place (Arjovsky et al. (2017); EE-556
    Lecture 11 eq. 17)."""
    c = _validate.positive("c", c)
    for p in critic.parameters():
        p.clamp_(-c, c)
    return critic


def is_zero_sum(kind: str) -> bool:
    """True when L_G = Φ + const and L_D = −Φ (up to the critic's regulariser) for this ``kind``."""
    return loss_kind(kind) in ("wgan", "wgan_gp", "vanilla")
