"""Pictures of lecture 05 (certified robustness): robustness maps of the plane, the polyhedral envelope,
certified-accuracy curves. The numbers come from :mod:`course_lib.robust` (``robustness_status``,
``envelope_map``, ``certified_accuracy``); these functions only draw them on a matplotlib axis."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from matplotlib.patches import Patch, Rectangle

from course_lib.robust.certify_bounds import ROBUSTNESS_LEVELS, EnvelopeMap
from course_lib.viz.style import COLORS

LEVEL_COLORS = (COLORS["red"], COLORS["purple"], COLORS["yellow"], COLORS["sky"], COLORS["blue"])


def plot_status_map(ax: plt.Axes, status: np.ndarray, extent: tuple[float, float, float, float],
                    title: str = "") -> None:
    """Draw a (n, n) map of ``robust.robustness_status`` levels over the plane with a legend."""
    ax.imshow(status, origin="lower", extent=extent, cmap=ListedColormap(LEVEL_COLORS), vmin=-0.5,
              vmax=len(ROBUSTNESS_LEVELS) - 0.5, interpolation="nearest", alpha=0.85)
    ax.legend(handles=[Patch(color=c, label=s) for c, s in zip(LEVEL_COLORS, ROBUSTNESS_LEVELS)],
              loc="center left", bbox_to_anchor=(1.02, 0.5), fontsize="small", frameon=False)
    ax.set(title=title, xlabel="$x_1$", ylabel="$x_2$", aspect="equal")
    ax.grid(False)


def plot_envelope(ax: plt.Axes, envelope: EnvelopeMap) -> None:
    """Decision regions around x₀, the ball B∞(x₀, ε) and CROWN's polyhedral envelope inside it, from
    ``robust.envelope_map`` (CS8695 by Chen Liu, geometric interpretation of model linearization)."""
    e, (a, b), eps = envelope, envelope.x0, envelope.eps
    ax.contourf(e.x1, e.x2, e.in_envelope, levels=[0.5, 1.5], colors=[COLORS["blue"]], alpha=0.45)
    ax.contourf(e.x1, e.x2, e.same_class, levels=[-0.5, 0.5], colors=[COLORS["orange"]], alpha=0.6)
    ax.contour(e.x1, e.x2, e.same_class.astype(float), levels=[0.5], colors=[COLORS["black"]], linewidths=1.2)
    ax.add_patch(Rectangle((a - eps, b - eps), 2 * eps, 2 * eps, fill=False, color=COLORS["black"], lw=1.5,
                           ls="--"))
    ax.plot(a, b, "k*", ms=10)
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
