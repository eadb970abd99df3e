"""Game optimizers for GANs: one step of a min-max algorithm on z = (generator params, critic params).

The talk "Adversarial training should be cast as a non-zero sum game" (Cevher, LIONS; "Basic algorithms
for minimax", "GANs with SEG+"): the GAN is the game min_x max_y Φ(x, y); every first-order method is a
rule for the operator
    V(z) = [∇_x L_G(x, y), ∇_y L_D(x, y)]          (zero-sum: L_G = Φ, L_D = −Φ, so V = [∇_x Φ, −∇_y Φ]).
:class:`GameOptimizer` flattens both networks' parameters into one vector z, builds V from a closure that
returns the two losses, and calls the step rules of :mod:`course_lib.minimax.algorithms` (GDA, EG, OGDA,
SEG+) on torch vectors; Adam is ``torch.optim.Adam`` on both players. Different step sizes for the players
(lr_g ≠ lr_d) are the same rules applied to the preconditioned operator diag(lr_g, lr_d)·V with γ = 1.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from course_lib import _validate
from course_lib.gans.losses import clip_weights_
from course_lib.minimax.algorithms import eg_plus_step, eg_step, gda_step, ogda_step

GAME_METHODS = ("adam", "gda", "eg", "ogda", "seg_plus")
_MINIMAX_STEPS = {"gda": gda_step, "eg": eg_step, "ogda": ogda_step}
Closure = Callable[..., tuple[torch.Tensor | None, torch.Tensor | None]]


class GameOptimizer:
    """One optimizer for both players; ``step(closure)`` makes one game step and returns the losses.

    ``closure()`` must run a fresh forward pass at the *current* parameters and return
    ``(loss_g, loss_d)`` (e.g. ``generator_loss(kind, D, G(w))``, ``critic_loss(kind, D, real, G(w))``);
    extragradient-type methods call it twice per step. A closure with the attribute ``takes_player =
    True`` (:func:`~course_lib.gans.training.game_oracle`'s) is called as ``closure(player)``: for the
    alternating steps of one player ("g" or "d") it may return None for the other player's loss and skip
    its computation. ``method``:

    * ``"adam"``: torch Adam on each player (``betas``); ``"gda"``: z⁺ = z − γV(z);
    * ``"eg"``: z̄ = z − γV(z), z⁺ = z − γV(z̄) (Korpelevich); ``"ogda"``: z⁺ = z − γ(2V(z_k) − V(z_{k−1}));
    * ``"seg_plus"``: z̄ = z − γV(z), z⁺ = z − α_k γV(z̄), α_k = α₀/√(1 + k/k₀) (Pethick et al. ICLR 2023).

    ``alternating=True`` (adam and gda only) makes ``n_critic`` critic updates, then one generator update,
    each at the latest parameters (EE-556 Lecture 11, "Stochastic training of Wasserstein GANs"). ``clip=c``
    projects
    the critic's parameters onto [−c, c] after every update (WGAN weight clipping).
    """

    def __init__(self, generator: nn.Module, critic: nn.Module, method: str = "adam", *,
                 lr_g: float = 1e-3, lr_d: float = 1e-3, betas: tuple[float, float] = (0.5, 0.9),
                 alternating: bool = False, n_critic: int = 1, clip: float | None = None,
                 seg_alpha0: float = 1.0, seg_k0: float = 100.0) -> None:
        if not isinstance(generator, nn.Module) or not isinstance(critic, nn.Module):
            raise TypeError("'generator' and 'critic' must be torch.nn.Module instances")
        self.method = _validate.one_of("method", method, GAME_METHODS)
        self.lr_g = _validate.positive("lr_g", lr_g)
        self.lr_d = _validate.positive("lr_d", lr_d)
        self.n_critic = _validate.integer("n_critic", n_critic, lo=1)
        if alternating and method not in ("adam", "gda"):
            raise ValueError(f"'alternating' is available for method 'adam' or 'gda', got method {method!r}")
        if n_critic > 1 and not alternating:
            raise ValueError("'n_critic' > 1 needs alternating=True (simultaneous steps update both players)")
        self.alternating = bool(alternating)
        self.clip = None if clip is None else _validate.positive("clip", clip)
        self.seg_alpha0 = _validate.number("seg_alpha0", seg_alpha0, lo=0.0, hi=1.0, lo_open=True)
        self.seg_k0 = _validate.positive("seg_k0", seg_k0)
        self.generator, self.critic = generator, critic
        self.params_g = [p for p in generator.parameters() if p.requires_grad]
        self.params_d = [p for p in critic.parameters() if p.requires_grad]
        self.state: object = None
        self.k = 0                 # game steps made
        self.grad_evals = 0        # closure calls (the cost measure of the non-zero-sum talk's GAN figure)
        self.last_losses: tuple[torch.Tensor, torch.Tensor] | None = None
        self.last_grad_norm: torch.Tensor | None = None   # max over the step's closure calls of ‖V‖ (no sync)
        self._grad_norms: list[torch.Tensor] = []
        self._losses: list[tuple[torch.Tensor, torch.Tensor]] = []
        if method == "adam":
            self._torch_g = torch.optim.Adam(self.params_g, lr=self.lr_g, betas=betas)
            self._torch_d = torch.optim.Adam(self.params_d, lr=self.lr_d, betas=betas)
        elif method == "gda" and alternating:
            self._torch_g = torch.optim.SGD(self.params_g, lr=self.lr_g)
            self._torch_d = torch.optim.SGD(self.params_d, lr=self.lr_d)

    # --- z and V(z) -------------------------------------------------------------------------
    def get_z(self) -> torch.Tensor:
        """The concatenated parameter vector z = (x, y) (a copy)."""
        return _flat(p.detach() for p in self.params_g + self.params_d)

    @torch.no_grad()
    def set_z(self, z: torch.Tensor) -> None:
        """Write the vector ``z`` back into the two networks' parameters."""
        offset = 0
        for p in self.params_g + self.params_d:
            p.copy_(z[offset:offset + p.numel()].view_as(p))
            offset += p.numel()

    def _grads(self, closure: Closure, player: str = "both") -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """(∇_x L_G, ∇_y L_D) at the current parameters (only one block when ``player`` is "g" or "d")."""
        loss_g, loss_d = closure(player) if getattr(closure, "takes_player", False) else closure()
        self.grad_evals += 1
        self._losses.append((loss_g if loss_g is None else loss_g.detach(),
                             loss_d if loss_d is None else loss_d.detach()))
        grad_g = grad_d = []
        if player in ("both", "g"):
            grad_g = torch.autograd.grad(loss_g, self.params_g, retain_graph=player == "both",
                                         allow_unused=True)
            grad_g = [torch.zeros_like(p) if g is None else g for g, p in zip(grad_g, self.params_g)]
        if player in ("both", "d"):
            grad_d = torch.autograd.grad(loss_d, self.params_d, allow_unused=True)
            grad_d = [torch.zeros_like(p) if g is None else g for g, p in zip(grad_d, self.params_d)]
        norms = [g.detach().float().norm() for g in grad_g + grad_d]   # NaN/inf propagate into the max
        if norms:
            self._grad_norms.append(torch.linalg.vector_norm(torch.stack(norms)))
        return grad_g, grad_d

    def operator(self, closure: Closure) -> Callable[[torch.Tensor], torch.Tensor]:
        """V as a function of the flat vector z, preconditioned: generator block × lr_g, critic × lr_d."""
        def V(z: torch.Tensor) -> torch.Tensor:
            self.set_z(z)
            grad_g, grad_d = self._grads(closure)
            return torch.cat([self.lr_g * _flat(grad_g), self.lr_d * _flat(grad_d)])
        return V

    # --- steps ------------------------------------------------------------------------------
    def step(self, closure: Closure) -> tuple[torch.Tensor, torch.Tensor]:
        """One game step; returns the detached ``(loss_g, loss_d)``, each from the step's first closure
        call that computed it (0-d tensors on the losses' device: no host sync until you convert them)."""
        if not callable(closure):
            raise TypeError("'closure' must be a callable returning (loss_g, loss_d)")
        self._losses, self._grad_norms = [], []
        if self.alternating:
            for _ in range(self.n_critic):
                self._torch_step(closure, "d")
            self._torch_step(closure, "g")
        elif self.method == "adam":
            self._torch_step(closure, "both")
        else:
            self._minimax_step(closure)
        self.k += 1
        self.last_losses = tuple(next(pair[i] for pair in self._losses if pair[i] is not None)
                                 for i in (0, 1))
        self.last_grad_norm = torch.stack(self._grad_norms).max() if self._grad_norms else None
        return self.last_losses

    def _minimax_step(self, closure: Closure) -> None:
        """z⁺ from the minimax step rule on the preconditioned operator, with γ = 1."""
        V, z = self.operator(closure), self.get_z()
        if self.method == "seg_plus":
            alpha = self.seg_alpha0 / (1 + self.k / self.seg_k0) ** 0.5
            z_next, self.state = eg_plus_step(V, z, 1.0, self.state, alpha=alpha)
        else:
            z_next, self.state = _MINIMAX_STEPS[self.method](V, z, 1.0, self.state)
        self.set_z(z_next)
        self._project()

    def _torch_step(self, closure: Closure, player: str) -> None:
        """A torch-optimizer update of one player ("g", "d") or both, from gradients at the current point."""
        grad_g, grad_d = self._grads(closure, player)
        params = {"both": self.params_g + self.params_d, "g": self.params_g, "d": self.params_d}[player]
        for p, g in zip(params, grad_g + grad_d):
            p.grad = g
        if player in ("both", "d"):
            self._torch_d.step()
            self._project()
        if player in ("both", "g"):
            self._torch_g.step()

    # --- checkpoints ------------------------------------------------------------------------
    def state_dict(self) -> dict:
        """Everything an exact resume needs: step counters, the method's memory, Adam/SGD moments."""
        state = {"k": self.k, "grad_evals": self.grad_evals, "memory": self.state}
        for name in ("_torch_g", "_torch_d"):
            if hasattr(self, name):
                state[name] = getattr(self, name).state_dict()
        return state

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        self.k, self.grad_evals, self.state = state["k"], state["grad_evals"], state["memory"]
        for name in ("_torch_g", "_torch_d"):
            if name in state:
                getattr(self, name).load_state_dict(state[name])

    def _project(self) -> None:
        if self.clip is not None:
            clip_weights_(self.critic, self.clip)


def _flat(tensors) -> torch.Tensor:
    """Concatenate tensors into one vector. ``reshape``, not ``view``: the gradient penalty's gradients
    (double backward through convolutions) and channels_last weights are not contiguous."""
    return torch.cat([t.reshape(-1) for t in tensors])
