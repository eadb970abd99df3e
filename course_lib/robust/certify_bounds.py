"""Verified robustness of ReLU MLPs: interval bound propagation (IBP) and CROWN-style linear bounds.

CS8695 by Chen Liu ("Verified Robustness"): verified robust accuracy ≤ "true" robust accuracy ≤ empirical
robust accuracy. A point is *verified* when a sound lower bound of every margin f_y − f_j (j ≠ y) over the
ball S_ε(x) is > 0. Both bounds below are sound: no point of the ball can fall outside them.

Supported networks: any module whose leaf modules, in registration order, read
``[Flatten | Identity | Dropout]* Linear (ReLU Linear)*`` — an ``nn.Sequential`` of Flatten/Linear/ReLU
or a module that registers its Linear/ReLU layers in forward order (e.g. ``course_lib.models.MLP``).
Dropout is read as the identity (evaluation mode). Bounds are computed in float64, so rounding cannot
break them where a float32 forward pass would disagree by 1e-7.

The input set is the ℓ∞ ball B∞(x, ε) clipped to the input domain (``domain=(0, 1)`` for images,
``None`` for unbounded 2-D data): a box [l, u].
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Method

Layers = list[tuple[torch.Tensor, torch.Tensor]]
LOWER_SLOPES = ("adaptive", "zero")
CERTIFIERS = ("ibp", "crown")
ROBUSTNESS_LEVELS = ("attack found by PGD", "attack found by grid search only", "robust, not verified",
                     "verified by CROWN only", "verified by IBP")


def relu_mlp_layers(model: nn.Module) -> Layers:
    """The affine maps [(W₁, b₁), …, (W_L, b_L)] of a ReLU MLP, in float64 (autograd kept).

    Raises ``ValueError`` naming ``model`` when it is not ``Linear (ReLU Linear)*`` (see module doc).
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"'model' must be a torch.nn.Module, got {type(model).__name__}")
    leaves = [m for m in model.modules() if not list(m.children())]
    leaves = [m for m in leaves if not isinstance(m, (nn.Flatten, nn.Identity, nn.Dropout))]
    kinds = "".join("L" if isinstance(m, nn.Linear) else "R" if isinstance(m, nn.ReLU) else "?"
                    for m in leaves)
    if not re.fullmatch("L(RL)*", kinds):
        names = [type(m).__name__ for m in leaves]
        raise ValueError(f"'model' must be a ReLU MLP: Linear (ReLU Linear)* (Flatten/Dropout allowed), "
                         f"got layers {names}")
    layers = []
    for m in leaves[::2]:
        b = m.bias if m.bias is not None else torch.zeros(m.out_features, device=m.weight.device)
        layers.append((m.weight.double(), b.double()))
    return layers


def input_box(x: torch.Tensor, eps: float, *, domain: tuple[float, float] | None = (0.0, 1.0),
              n_features: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """The box [l, u] = B∞(x, ε) ∩ domain, flattened to shape (N, d), in float64."""
    eps = _validate.nonnegative("eps", eps)
    if not isinstance(x, torch.Tensor) or x.ndim < 2:
        raise ValueError("'x' must be a torch tensor of shape (N, ...) with a batch axis")
    x = x.detach().reshape(len(x), -1).double()
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(f"'x' has {x.shape[1]} features per example, the model expects {n_features}")
    lower, upper = x - eps, x + eps
    if domain is not None:
        lo, hi = (_validate.number("domain", v) for v in domain)
        if not lo < hi:
            raise ValueError(f"'domain' must be (lo, hi) with lo < hi, got {domain}")
        lower, upper = lower.clamp(lo, hi), upper.clamp(lo, hi)
    return lower, upper


def margin_spec(y: torch.Tensor, num_classes: int) -> torch.Tensor:
    """C of shape (N, K, K) with rows e_y − e_j, so that (C f)_j = f_y − f_j (row y is 0)."""
    y = torch.as_tensor(y).long()
    eye = torch.eye(num_classes, dtype=torch.float64)
    return eye[y][:, None, :] - eye[None, :, :]


def _labels(y: object, n: int) -> torch.Tensor:
    y = torch.as_tensor(y)
    if y.shape != (n,) or y.dtype.is_floating_point or (n and int(y.min()) < 0):
        raise ValueError(f"'y' must be {n} non-negative class indices, got shape {tuple(y.shape)}")
    return y.long()


def _affine_box(lower: torch.Tensor, upper: torch.Tensor, W: torch.Tensor,
                b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """IBP through z = Wa + b: centre c′ = Wc + b, radius r′ = |W| r (W may be batched (N, m, n))."""
    c, r = (upper + lower) / 2, (upper - lower) / 2
    if W.ndim == 2:
        c, r = c @ W.T + b, r @ W.abs().T
    else:
        c = torch.einsum("nmk,nk->nm", W, c) + b
        r = torch.einsum("nmk,nk->nm", W.abs(), r)
    return c - r, c + r


def _with_spec(layers: Layers, C: torch.Tensor | None) -> Layers:
    """Fold a specification matrix C (N, m, K) into the last layer: C·f = (C W_L) a + C b_L."""
    if C is None:
        return layers
    W, b = layers[-1]
    C = C.double()
    if C.ndim != 3 or C.shape[2] != W.shape[0]:
        raise ValueError(f"'C' must have shape (N, m, {W.shape[0]}), got {tuple(C.shape)}")
    return layers[:-1] + [(C @ W, C @ b)]


def ibp_bounds(model: nn.Module, x: torch.Tensor, eps: float, *,
               domain: tuple[float, float] | None = (0.0, 1.0),
               C: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Interval bounds l ≤ f(x′) ≤ u (or of C·f) for all x′ in B∞(x, ε) ∩ domain; shapes (N, K).

    Affine layer: c′ = Wc + b, r′ = |W|r; ReLU: clamp both bounds at 0 (Gowal et al. 2018).
    """
    layers = relu_mlp_layers(model)
    lower, upper = input_box(x, eps, domain=domain, n_features=layers[0][0].shape[1])
    layers = _with_spec(layers, C)
    for i, (W, b) in enumerate(layers):
        lower, upper = _affine_box(lower, upper, W, b)
        if i < len(layers) - 1:
            lower, upper = lower.clamp_min(0), upper.clamp_min(0)
    return lower, upper


def _relu_relaxation(lower: torch.Tensor, upper: torch.Tensor, lower_slope: str):
    """Linear bounds αz ≤ ReLU(z) ≤ s·z + t on [l, u] (CS8695: D x + m₁ ≤ σ(x) ≤ D x + m₂).

    Active (l ≥ 0): identity. Inactive (u ≤ 0): 0. Unstable: upper line u(z − l)/(u − l); lower
    slope α = 1[u > −l] ("adaptive", CROWN) or α = 0 ("zero").
    """
    active, unstable = lower >= 0, (lower < 0) & (upper > 0)
    one, zero = torch.ones_like(lower), torch.zeros_like(lower)
    s = torch.where(unstable, upper / torch.where(unstable, upper - lower, one), active.double())
    t = torch.where(unstable, -s * lower, zero)
    alpha = (upper > -lower).double() if lower_slope == "adaptive" else zero
    alpha = torch.where(unstable, alpha, active.double())
    return alpha, s, t


def _crown_linear(layers: Layers, pre: list, lower_slope: str) -> tuple[torch.Tensor, torch.Tensor]:
    """A linear lower bound z_L ≥ A·x + c (row by row) valid on the box, by back-substitution from the
    last layer z_L = W_L a + b_L (W_L may be batched (N, m, n)) down to the input.

    Positive coefficients take the lower relaxation of each ReLU, negative ones the upper.
    """
    Lam, const = layers[-1]
    for k in range(len(layers) - 2, -1, -1):
        alpha, s, t = _relu_relaxation(*pre[k], lower_slope)
        pos, neg = Lam.clamp(min=0), Lam.clamp(max=0)
        const = const + (neg * t[:, None, :]).sum(-1)
        Lam = pos * alpha[:, None, :] + neg * s[:, None, :]
        W, b = layers[k]
        const = const + Lam @ b
        Lam = Lam @ W
    return Lam, const


def _crown_lower(layers: Layers, pre: list, box, lower_slope: str) -> torch.Tensor:
    """Lower bound of z_L over the box: min of A·x + c over [l, u] is A·centre − |A|·radius + c."""
    A, const = _crown_linear(layers, pre, lower_slope)
    c, r = (box[1] + box[0]) / 2, (box[1] - box[0]) / 2
    return (A @ c[..., None]).squeeze(-1) - (A.abs() @ r[..., None]).squeeze(-1) + const


def _two_sided(layers: Layers, pre: list, box, lower_slope: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(lower, upper) of z_L: the upper bound is −(lower bound of −z_L), both in one pass."""
    W, b = layers[-1]
    m = W.shape[-2]
    last = (torch.cat([W, -W], dim=-2), torch.cat([b, -b], dim=-1))
    both = _crown_lower(layers[:-1] + [last], pre, box, lower_slope)
    return both[:, :m], -both[:, m:]


def crown_bounds(model: nn.Module, x: torch.Tensor, eps: float, *,
                 domain: tuple[float, float] | None = (0.0, 1.0), C: torch.Tensor | None = None,
                 lower_slope: str = "adaptive") -> tuple[torch.Tensor, torch.Tensor]:
    """CROWN linear bounds l ≤ f(x′) ≤ u (or of C·f) for all x′ in B∞(x, ε) ∩ domain; shapes (N, K).

    Each ReLU is sandwiched between two lines, the network becomes linear in x′ between a lower and an
    upper linear function, and these are minimised/maximised over the box (Zhang et al. 2018; CS8695,
    linear approximation). Intermediate pre-activation bounds come from the same back-substitution.
    With ``lower_slope="zero"`` the bounds are never looser than IBP's (a theorem); the adaptive slope
    is usually tighter but not always (one neuron, z ∈ [−1, 2]: CROWN gives ReLU ≥ −1, IBP ≥ 0).
    """
    layers, pre, box = _crown_setup(model, x, eps, domain, lower_slope)
    return _two_sided(_with_spec(layers, C), pre, box, lower_slope)


def _crown_setup(model: nn.Module, x: torch.Tensor, eps: float, domain, lower_slope: str):
    """The layers, the input box (l, u) and the bounds (l, u) of every hidden
    pre-activation: exact (IBP) for the first layer, back-substitution for the others."""
    _validate.one_of("lower_slope", lower_slope, LOWER_SLOPES)
    layers = relu_mlp_layers(model)
    box = input_box(x, eps, domain=domain, n_features=layers[0][0].shape[1])
    pre = [_affine_box(box[0], box[1], *layers[0])] if len(layers) > 1 else []
    for k in range(1, len(layers) - 1):
        pre.append(_two_sided(layers[:k + 1], pre, box, lower_slope))
    return layers, pre, box


def margin_envelope(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
                    domain: tuple[float, float] | None = (0.0, 1.0),
                    lower_slope: str = "adaptive") -> tuple[torch.Tensor, torch.Tensor]:
    """CROWN's linear lower bounds of the margins: f_y(x′) − f_j(x′) ≥ A_j·x′ + c_j on B∞(x, ε) ∩ domain.

    Returns A (N, K, d) and c (N, K) (row y is 0). The polyhedron {x′ : A_j·x′ + c_j ≥ 0 for all j} is
    an envelope inside the decision region of y: CS8695, "Geometric interpretation of model
    linearization" (Liu, Salzmann, Süsstrunk 2021), there written f − f_y ≤ WΔ + b.
    """
    y = _labels(y, len(x))
    with torch.no_grad():
        layers, pre, box = _crown_setup(model, x, eps, domain, lower_slope)
        A, c = _crown_linear(_with_spec(layers, margin_spec(y, layers[-1][0].shape[0])), pre, lower_slope)
    return A.expand(len(x), *A.shape[-2:]), c.expand(len(x), c.shape[-1])


@dataclass
class EnvelopeMap:
    """The square (1 + margin)·B∞(x₀, ε) around a 2-D point x₀ on an (n, n) grid (``meshgrid`` "xy")."""

    x0: np.ndarray            # (2,)
    eps: float
    x1: np.ndarray            # (n, n) first coordinates of the grid points
    x2: np.ndarray            # (n, n) second coordinates
    same_class: np.ndarray    # (n, n) bool: the network predicts f(x₀) there
    in_envelope: np.ndarray   # (n, n) bool: inside CROWN's envelope {A_j·x′ + c_j ≥ 0 ∀j} and the ball


def envelope_map(model: nn.Module, x0: torch.Tensor, eps: float, *, n: int = 201,
                 margin: float = 1.0) -> EnvelopeMap:
    """Decision region of f(x₀) and CROWN's polyhedral envelope (:func:`margin_envelope`, unbounded
    domain) inside B∞(x₀, ε), on a grid over the square of half-side (1 + margin)·ε around x₀ (2-D)."""
    eps = _validate.positive("eps", eps)
    n = _validate.integer("n", n, lo=2)
    margin = _validate.nonnegative("margin", margin)
    x0 = torch.as_tensor(x0).reshape(1, 2)
    with torch.no_grad():
        y0 = model(x0).argmax(1)
    A, c = margin_envelope(model, x0, y0, eps, domain=None)
    centre = x0[0].double().numpy()
    g = np.linspace(-(1 + margin) * eps, (1 + margin) * eps, n)
    x1, x2 = np.meshgrid(centre[0] + g, centre[1] + g)
    points = torch.tensor(np.stack([x1.ravel(), x2.ravel()], axis=1), dtype=torch.float64)
    with torch.no_grad():
        same = (model(points.to(x0.dtype)).argmax(1) == y0).numpy().reshape(x1.shape)
    inside = ((points @ A[0].T + c[0]) >= 0).all(dim=1).numpy().reshape(x1.shape)
    inside &= (np.abs(x1 - centre[0]) <= eps) & (np.abs(x2 - centre[1]) <= eps)
    return EnvelopeMap(x0=centre, eps=float(eps), x1=x1, x2=x2, same_class=same, in_envelope=inside)


def robustness_status(ibp: torch.Tensor, crown: torch.Tensor, true: torch.Tensor,
                      empirical: torch.Tensor) -> np.ndarray:
    """One level per point, the strongest statement that holds: an index into :data:`ROBUSTNESS_LEVELS`
    (4 verified by IBP, 3 by CROWN only, 2 robust on a grid search, 1 robust to PGD only, 0 not robust)."""
    levels = [torch.as_tensor(t).cpu().numpy().astype(bool) for t in (ibp, crown, true, empirical)]
    return np.select(levels, [4, 3, 2, 1], default=0)


def exhaustive_robust(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *, n_grid: int = 21,
                      domain: tuple[float, float] | None = (0.0, 1.0)) -> torch.Tensor:
    """Exhaustive search for the "true" robustness (low dimensions only): boolean (N,), True when every
    point of an n_grid^d grid of B∞(x, ε) ∩ domain (corners included) is classified y. It can miss an
    attack between grid points, becomes exact as n_grid grows, and every verified point passes it."""
    y = _labels(y, len(x))
    n_grid = _validate.integer("n_grid", n_grid, lo=2)
    lower, upper = input_box(x, eps, domain=domain)
    d = lower.shape[1]
    if n_grid ** d > 10**6:
        raise ValueError(f"'n_grid' ** d = {n_grid}^{d} grid points per example is too many (max 10^6)")
    u = torch.cartesian_prod(*[torch.linspace(0, 1, n_grid, dtype=torch.float64)] * d).reshape(-1, d)
    ok = torch.empty(len(x), dtype=torch.bool)
    chunk = max(1, 2**18 // len(u))
    with torch.no_grad():
        for s in range(0, len(x), chunk):
            pts = lower[s:s + chunk, None] + u * (upper - lower)[s:s + chunk, None]
            pred = model(pts.reshape(-1, *x.shape[1:]).to(x.dtype)).argmax(1)
            ok[s:s + chunk] = (pred.reshape(-1, len(u)) == y[s:s + chunk, None]).all(dim=1)
    return ok


def margin_lower_bounds(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
                        method: str = "crown", domain: tuple[float, float] | None = (0.0, 1.0),
                        lower_slope: str = "adaptive") -> torch.Tensor:
    """Sound lower bounds of the margins f_y − f_j over B∞(x, ε) ∩ domain; shape (N, K), +inf at j = y.

    The margin rows e_y − e_j are folded into the last layer (tighter than l_y − u_j).
    """
    _validate.one_of("method", method, CERTIFIERS)
    y = _labels(y, len(x))
    K = relu_mlp_layers(model)[-1][0].shape[0]
    if int(y.max()) >= K:
        raise ValueError(f"'y' must hold class indices in [0, {K - 1}], got {int(y.max())}")
    C = margin_spec(y, K)
    if method == "ibp":
        lower, _ = ibp_bounds(model, x, eps, domain=domain, C=C)
    else:
        lower, _ = crown_bounds(model, x, eps, domain=domain, C=C, lower_slope=lower_slope)
    return lower.masked_fill(F.one_hot(y, K).bool(), float("inf"))


def certified(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
              method: str = "crown", domain: tuple[float, float] | None = (0.0, 1.0),
              lower_slope: str = "adaptive") -> torch.Tensor:
    """Boolean (N,): the margin lower bound is > 0 for every j ≠ y, so every point of the ball is
    classified y (hence x itself is correct)."""
    with torch.no_grad():
        bounds = margin_lower_bounds(model, x, y, eps, method=method, domain=domain, lower_slope=lower_slope)
    return (bounds > 0).all(dim=1)


def certified_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
                       method: str = "crown", domain: tuple[float, float] | None = (0.0, 1.0),
                       lower_slope: str = "adaptive") -> float:
    """Verified robust accuracy: the fraction of points certified at radius ε."""
    ok = certified(model, x, y, eps, method=method, domain=domain, lower_slope=lower_slope)
    return float(ok.double().mean())


def ibp_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float, *,
             domain: tuple[float, float] | None = (0.0, 1.0)) -> torch.Tensor:
    """Certified training loss: cross-entropy of the worst-case logits −m̲ (m̲_j = IBP lower bound of
    f_y − f_j, 0 at j = y), an upper bound of the robust cross-entropy (Gowal et al. 2018)."""
    m = margin_lower_bounds(model, x, y, eps, method="ibp", domain=domain)
    m = m.masked_fill(torch.isinf(m), 0.0)
    return F.cross_entropy(-m, _labels(y, len(x))).float()


class IBPTraining(Method):
    """Certified training (Gowal et al. 2018): loss = κ·CE(f(x), y) + (1 − κ)·``ibp_loss`` at ε_t, with
    ε_t ramped linearly from 0 to ε over the first ``ramp`` epochs (a hook of ``robust.training.fit``)."""

    name = "IBP"

    def __init__(self, eps: float, kappa: float = 0.5, ramp: int = 1,
                 domain: tuple[float, float] | None = (0.0, 1.0)) -> None:
        self.eps = _validate.nonnegative("eps", eps)
        self.kappa = _validate.number("kappa", kappa, lo=0.0, hi=1.0)
        self.ramp = _validate.integer("ramp", ramp, lo=1)
        self.domain = domain
        self._eps_now = self.eps

    def start_epoch(self, epoch: int, epochs: int) -> None:
        self._eps_now = self.eps * min(1.0, epoch / self.ramp)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        clean = F.cross_entropy(model(x), y)
        if self.kappa == 1.0:
            return clean
        robust = ibp_loss(model, x, y, self._eps_now, domain=self.domain)
        return self.kappa * clean + (1 - self.kappa) * robust
