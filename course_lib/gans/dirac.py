"""The Dirac-GAN (Mescheder et al. ICML 2018): the smallest GAN, and the bilinear game in disguise.

Data μ♮ = δ_0; generator h_θ#p_Ω = δ_θ (one parameter θ); linear critic d_ψ(a) = ψ·a (one parameter ψ).
For the WGAN loss Φ(θ, ψ) = E d(real) − E d(fake) = −ψθ, so with z = (θ, ψ)

    V(z) = [∇_θ Φ, −∇_ψ Φ] = [−ψ, θ]        (rotation; the equilibrium is z* = 0),

the game min_x max_y xy with y → −ψ: GDA spirals out by the factor √(1 + γ²) per step, EG converges for
γ < 1 (Mescheder, Geiger, Nowozin, ICML 2018). The vanilla loss gives V = σ(ψθ)·[−ψ, θ], the same
rotation near 0 at half the speed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from course_lib import _validate
from course_lib.gans.losses import GAN_LOSSES, critic_loss, generator_loss
from course_lib.gans.optim import GAME_METHODS, GameOptimizer


class DiracGenerator(nn.Module):
    """h_θ(ω) = θ for every noise ω: the push-forward of any p_Ω is the point mass δ_θ."""

    def __init__(self, theta: float = 1.0) -> None:
        super().__init__()
        self.theta = nn.Parameter(torch.tensor([[float(theta)]], dtype=torch.float64))

    def forward(self, omega: torch.Tensor) -> torch.Tensor:
        return self.theta.expand(len(omega), 1)


def dirac_critic(psi: float = 1.0) -> nn.Linear:
    """d_ψ(a) = ψ·a as a bias-free ``nn.Linear(1, 1)`` in float64."""
    critic = nn.Linear(1, 1, bias=False).double()
    with torch.no_grad():
        critic.weight.fill_(float(psi))
    return critic


def dirac_operator(kind: str = "wgan") -> Callable[[np.ndarray], np.ndarray]:
    """The Dirac-GAN operator V(z) = [∇_θ L_G, ∇_ψ L_D] as a numpy function of z = (θ, ψ), shape (..., 2)."""
    _validate.one_of("kind", kind, ("wgan", "vanilla", "nonsaturating"))

    def sigmoid(t: np.ndarray) -> np.ndarray:
        return 1 / (1 + np.exp(-t))

    def V(z: np.ndarray) -> np.ndarray:
        theta, psi = z[..., 0], z[..., 1]
        if kind == "wgan":
            return np.stack([-psi, theta], axis=-1)
        s = sigmoid(psi * theta)
        v_theta = -psi * (s if kind == "vanilla" else 1 - s)
        return np.stack([v_theta, theta * s], axis=-1)
    return V


def dirac_trajectory(method: str = "gda", z0: tuple[float, float] = (1.0, 0.0), *, lr: float = 0.1,
                     steps: int = 100, kind: str = "wgan", **kwargs: object) -> np.ndarray:
    """Train the Dirac-GAN with :class:`GameOptimizer` (the same code path as a real GAN).

    Returns the iterates z_k = (θ_k, ψ_k), shape (steps + 1, 2). Extra keyword arguments go to
    :class:`GameOptimizer` (e.g. ``alternating=True``, ``seg_alpha0``).
    """
    _validate.one_of("method", method, GAME_METHODS)
    _validate.one_of("kind", kind, GAN_LOSSES)
    lr = _validate.positive("lr", lr)
    steps = _validate.integer("steps", steps, lo=0)
    theta0, psi0 = (_validate.number("z0", v) for v in z0)
    G, D = DiracGenerator(theta0), dirac_critic(psi0)
    opt = GameOptimizer(G, D, method, lr_g=lr, lr_d=lr, **kwargs)
    real, omega = torch.zeros(1, 1, dtype=torch.float64), torch.zeros(1, 1, dtype=torch.float64)

    def closure() -> tuple[torch.Tensor, torch.Tensor]:
        fake = G(omega)
        return generator_loss(kind, D, fake), critic_loss(kind, D, real, fake)

    zs = [opt.get_z().numpy()]
    for _ in range(steps):
        opt.step(closure)
        zs.append(opt.get_z().numpy())
    return np.stack(zs)
