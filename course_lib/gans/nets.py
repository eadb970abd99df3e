"""Small MLP generator h_x and critic d_y for 2-D GANs; spectral normalization; Lipschitz bounds.

EE-556 "Mathematics of Data", Lecture 11 ("Neural network distances"): for the one-hidden-layer network
h(a) = X_2ᵀ σ(X_1 a) with a 1-Lipschitz activation, L ≤ ‖X_1‖_2 ‖X_2‖_2 (eq. 14). Spectral normalization
(Miyato et al. 2018) divides each weight by its top singular value, so the product bound is 1.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm as _spectral_norm

from course_lib import _validate
from course_lib.seeding import torch_generator

ACTIVATIONS = {"relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "tanh": nn.Tanh, "elu": nn.ELU}


def mlp(in_dim: int, out_dim: int, *, hidden: int = 64, depth: int = 2,
        activation: str = "relu") -> nn.Sequential:
    """Linear → act → … → Linear with ``depth`` hidden layers of width ``hidden``."""
    in_dim = _validate.integer("in_dim", in_dim, lo=1)
    out_dim = _validate.integer("out_dim", out_dim, lo=1)
    hidden = _validate.integer("hidden", hidden, lo=1)
    depth = _validate.integer("depth", depth, lo=0)
    act = ACTIVATIONS[_validate.one_of("activation", activation, ACTIVATIONS)]
    widths = [in_dim] + [hidden] * depth
    layers: list[nn.Module] = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Linear(a, b), act()]
    layers.append(nn.Linear(widths[-1], out_dim))
    return nn.Sequential(*layers)


def make_generator(noise_dim: int = 2, *, hidden: int = 64, depth: int = 2,
                   out_dim: int = 2) -> nn.Sequential:
    """Generator h_x: R^noise_dim → R^out_dim (the push-forward map of N(0, I))."""
    return mlp(noise_dim, out_dim, hidden=hidden, depth=depth, activation="relu")


def make_critic(in_dim: int = 2, *, hidden: int = 64, depth: int = 2,
                spectral: bool = False) -> nn.Sequential:
    """Critic ("dual variable") d_y: R^in_dim → R; ``spectral=True`` spectrally normalizes every layer."""
    net = mlp(in_dim, 1, hidden=hidden, depth=depth, activation="relu")
    return apply_spectral_norm(net) if spectral else net


def apply_spectral_norm(module: nn.Module, n_power_iterations: int = 1) -> nn.Module:
    """Register torch's ``spectral_norm`` parametrization on every Linear/Conv layer of ``module``, in place.

    W ← W / σ_max(W), with σ_max estimated by power iteration (one step per forward in training mode).
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"'module' must be a torch.nn.Module, got {type(module).__name__}")
    n_power_iterations = _validate.integer("n_power_iterations", n_power_iterations, lo=1)
    kinds = (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)
    layers = [m for m in module.modules() if isinstance(m, kinds)]
    for layer in layers:
        _spectral_norm(layer, n_power_iterations=n_power_iterations)
    return module


def weight_matrices(module: nn.Module) -> list[torch.Tensor]:
    """The (effective) weight matrices of the Linear layers of ``module`` in order."""
    return [m.weight for m in module.modules() if isinstance(m, nn.Linear)]


def lipschitz_upper_bound(module: nn.Module) -> float:
    """Π_l ‖W_l‖_2 over the Linear layers: an upper bound on the ℓ2 Lipschitz constant of an MLP
    with 1-Lipschitz activations (EE-556 Lecture 11, eq. 14, for one hidden layer)."""
    with torch.no_grad():
        norms = [torch.linalg.matrix_norm(w, ord=2) for w in weight_matrices(module)]
    return float(torch.stack(norms).prod())


def one_hidden_layer(X1: torch.Tensor, X2: torch.Tensor, activation: str = "relu") -> nn.Sequential:
    """The slide's h_{X1,X2}(a) = X_2ᵀ σ(X_1 a) as a bias-free torch network (X1: (k, p), X2: (k,))."""
    if X1.ndim != 2 or X2.shape != (X1.shape[0],):
        raise ValueError(f"'X2' must have shape (k,) and 'X1' shape (k, p), "
                         f"got X1 {tuple(X1.shape)}, X2 {tuple(X2.shape)}")
    act = ACTIVATIONS[_validate.one_of("activation", activation, ACTIVATIONS)]
    net = nn.Sequential(nn.Linear(X1.shape[1], X1.shape[0], bias=False), act(),
                        nn.Linear(X1.shape[0], 1, bias=False))
    with torch.no_grad():
        net[0].weight.copy_(X1)
        net[2].weight.copy_(X2[None, :])
    return net


def lipschitz_lower_estimate(f: nn.Module, points: torch.Tensor) -> float:
    """max_i ‖∇_a f(a_i)‖_2 over ``points`` (n, p): a lower bound on the Lipschitz constant of f."""
    a = points.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(a).sum(), a)
    return float(grad.norm(dim=1).max())


def neural_distance(x: torch.Tensor, y: torch.Tensor, *, hidden: int = 32, steps: int = 300, lr: float = 0.05,
                    seed: int = 0) -> float:
    """Neural-network distance (Arora et al. (2017); EE-556 Lecture 11 eq. 15) between two samples,
    estimated from below:
    max E_x h(a) − E_y h(a) over h = X_2ᵀ relu(X_1 a) with ‖X_1‖_2 ≤ 1, ‖X_2‖_2 ≤ 1, by projected
    gradient ascent (Adam steps, then each matrix is divided by max(1, its spectral norm)).

    Every such h is 1-Lipschitz (eq. 14), so the value is ≤ W_1(x, y): a neural distance is a weaker IPM.
    """
    steps = _validate.integer("steps", steps, lo=1)
    lr = _validate.positive("lr", lr)
    if x.ndim != 2 or y.ndim != 2 or x.shape[1] != y.shape[1]:
        raise ValueError(f"'y' must be (m, p) like 'x' (n, p), got {tuple(y.shape)} and {tuple(x.shape)}")
    gen = torch_generator(seed)
    X1 = (torch.randn(hidden, x.shape[1], generator=gen, dtype=x.dtype) / hidden).requires_grad_(True)
    X2 = (torch.randn(hidden, generator=gen, dtype=x.dtype) / hidden).requires_grad_(True)
    opt = torch.optim.Adam([X1, X2], lr=lr)

    def gap() -> torch.Tensor:
        return torch.relu(x @ X1.T).mean(0) @ X2 - torch.relu(y @ X1.T).mean(0) @ X2

    for _ in range(steps):
        opt.zero_grad()
        (-gap()).backward()
        opt.step()
        with torch.no_grad():
            X1 /= torch.clamp(torch.linalg.matrix_norm(X1, ord=2), min=1.0)
            X2 /= torch.clamp(X2.norm(), min=1.0)
    with torch.no_grad():
        return float(gap())
