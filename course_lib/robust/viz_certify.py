"""Pictures for lecture 05 (certified robustness): robustness maps of the plane, the polyhedral envelope,
certified-accuracy curves. Numbers come from :mod:`course_lib.robust`; these only draw them."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle
from torch import nn

from course_lib.robust.certify_bounds import margin_envelope
from course_lib.viz.style import COLORS

STATUS = ("attack found by PGD", "attack found by grid search only", "robust, not verified",
          "verified by CROWN only", "verified by IBP")
STATUS_COLORS = (COLORS["red"], COLORS["purple"], COLORS["yellow"], COLORS["sky"], COLORS["blue"])


def robustness_status(ibp: torch.Tensor, crown: torch.Tensor, true: torch.Tensor,
                      empirical: torch.Tensor) -> np.ndarray:
    """One level per point, the strongest statement that holds (index into ``STATUS``)."""
    levels = [torch.as_tensor(t).numpy().astype(bool) for t in (ibp, crown, true, empirical)]
    return np.select(levels, [4, 3, 2, 1], default=0)


def plot_status_map(ax: plt.Axes, status: np.ndarray, extent: tuple[float, float, float, float],
                    title: str = "") -> None:
    """Draw a (n, n) map of ``robustness_status`` levels over the plane with a legend."""
    ax.imshow(status, origin="lower", extent=extent, cmap=ListedColormap(STATUS_COLORS), vmin=-0.5,
              vmax=len(STATUS) - 0.5, interpolation="nearest", alpha=0.85)
    ax.legend(handles=[Patch(color=c, label=s) for c, s in zip(STATUS_COLORS, STATUS)], loc="center left",
              bbox_to_anchor=(1.02, 0.5), fontsize="small", frameon=False)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.grid(False)


def plot_envelope(ax: plt.Axes, model: nn.Module, x0: torch.Tensor, eps: float, *, n: int = 201,
                  margin: float = 1.0) -> None:
    """Decision regions around x₀ (2-D), the ball B∞(x₀, ε) and CROWN's polyhedral envelope
    {x′ : A_j·x′ + c_j ≥ 0 ∀j} inside it (seed 004, geometric interpretation of model linearization)."""
    x0 = x0.reshape(1, 2)
    with torch.no_grad():
        y0 = model(x0).argmax(1)
    A, c = margin_envelope(model, x0, y0, eps, domain=None)
    half = (1 + margin) * eps
    g = np.linspace(-half, half, n)
    X1, X2 = np.meshgrid(x0[0, 0].item() + g, x0[0, 1].item() + g)
    P = torch.tensor(np.stack([X1.ravel(), X2.ravel()], axis=1), dtype=torch.float64)
    with torch.no_grad():
        same = (model(P.float()).argmax(1) == y0).numpy().reshape(X1.shape)
    inside = ((P @ A[0].T + c[0]) >= 0).all(dim=1).numpy().reshape(X1.shape)
    inside &= (np.abs(X1 - x0[0, 0].item()) <= eps) & (np.abs(X2 - x0[0, 1].item()) <= eps)
    ax.contourf(X1, X2, inside, levels=[0.5, 1.5], colors=[COLORS["blue"]], alpha=0.45)
    ax.contourf(X1, X2, same, levels=[-0.5, 0.5], colors=[COLORS["orange"]], alpha=0.6)
    ax.contour(X1, X2, same.astype(float), levels=[0.5], colors=[COLORS["black"]], linewidths=1.2)
    ax.add_patch(Rectangle((x0[0, 0].item() - eps, x0[0, 1].item() - eps), 2 * eps, 2 * eps, fill=False,
                           color=COLORS["black"], lw=1.5, ls="--"))
    ax.plot(*x0[0].tolist(), "k*", ms=10)
    ax.legend(handles=[Patch(color=COLORS["orange"], alpha=0.6, label="another class than $f(x_0)$"),
                       Patch(color=COLORS["blue"], alpha=0.45, label="envelope ∩ ball"),
                       Patch(fill=False, color=COLORS["black"], ls="--", label="ball $B_\\infty(x_0, ε)$")],
              loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=2, fontsize="small", frameon=False)
    ax.set(title=f"ε = {eps:g}", xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.grid(False)


def plot_accuracy_curves(ax: plt.Axes, eps: np.ndarray, curves: dict[str, np.ndarray], title: str = "",
                         xlabel: str = "ε (ℓ∞, pixel scale [0, 1])") -> None:
    """Accuracy-vs-radius curves; names containing "PGD" are dashed (empirical, an upper bound)."""
    for name, values in curves.items():
        ax.plot(eps, values, "--" if "PGD" in name else "-o", label=name, ms=4)
    ax.set(title=title, xlabel=xlabel, ylabel="accuracy", ylim=(-0.02, 1.02))
    ax.legend(fontsize="small")
