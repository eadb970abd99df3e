"""Interactive demos of the welcome lecture, built as :class:`~course_lib.viz.panel.Panel` objects.

Each builder returns a panel holding its controls and its ``go.FigureWidget``; moving a control
recomputes the numbers (``course_lib`` numerics) and updates the figure in place. Errors in a callback
are shown in the panel's readout (see :mod:`course_lib.viz.panel`).
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from course_lib import _validate
from course_lib.toys import quadratic as q
from course_lib.viz import widgets
from course_lib.viz.panel import Panel
from course_lib.viz.style import COLORS, SEQUENTIAL, math_text


class GDDemo(Panel):
    """The step-size demo: ``eta`` slider, ``info`` readout, ``fig`` (contour | log-norm curve)."""


def gd_step_size_demo(A: np.ndarray = ((3.0, 0.0), (0.0, 1.0)), z0: tuple[float, float] = (1.5, 2.0),
                      eta: float = 0.3, steps: int = 30) -> GDDemo:
    """Gradient descent on f(z) = ½ zᵀAz with a step-size slider that crosses the threshold 2/L."""
    A = q.quadratic(A)
    z0 = _validate.array("z0", z0, shape=(2,))
    L = float(np.linalg.eigvalsh(A).max())
    threshold = 2.0 / L
    eta_slider = widgets.float_slider("step size η", eta, 0.02 * threshold, 1.2 * threshold,
                                      0.01 * threshold)
    info = widgets.readout()
    lim = 1.6 * float(np.abs(z0).max())
    xs = np.linspace(-lim, lim, 81)
    X, Y = np.meshgrid(xs, xs)
    # wide spacing: the right panel's y-axis title (log scale) must not reach the left panel's contours
    base = make_subplots(rows=1, cols=2, column_widths=[0.5, 0.5], horizontal_spacing=0.2,
                         subplot_titles=("GD iterates on the contours of f", "distance to the minimiser"))
    base.add_trace(go.Contour(x=xs, y=xs, z=q.f(A, X, Y), colorscale=SEQUENTIAL, showscale=False,
                              contours={"coloring": "lines"}, ncontours=15, hoverinfo="skip", name="f"), 1, 1)
    base.add_trace(go.Scatter(x=[], y=[], mode="lines+markers", name="GD iterates",
                              line={"color": COLORS["blue"]}, marker={"size": 5}), 1, 1)
    base.add_trace(go.Scatter(x=[0], y=[0], mode="markers", name="minimiser z* = 0",
                              marker={"symbol": "star", "size": 14, "color": COLORS["black"]}), 1, 1)
    base.add_trace(go.Scatter(x=[], y=[], mode="lines+markers", name=math_text("measured ‖z_k‖"),
                              line={"color": COLORS["blue"]}, marker={"symbol": "diamond", "size": 6}), 1, 2)
    base.add_trace(go.Scatter(x=[], y=[], mode="lines", name=math_text("ρ(η)^k ‖z_0‖"),
                              line={"color": COLORS["orange"], "dash": "dash"}), 1, 2)
    base.update_xaxes(title_text="z₁", range=[-lim, lim], row=1, col=1)
    base.update_yaxes(title_text="z₂", range=[-lim, lim], row=1, col=1)
    base.update_xaxes(title_text="step k", row=1, col=2)
    base.update_yaxes(title_text=math_text("‖z_k − z*‖ (log scale)"), type="log", row=1, col=2)
    base.update_layout(height=420, legend={"orientation": "h", "y": -0.25},
                       title=math_text(f"Gradient descent, L = λ_max(A) = {L:g}, "
                                       f"threshold 2/L = {threshold:.3g}"))
    panel = GDDemo(base, {"eta": eta_slider}, info)

    def redraw(change: object = None) -> None:
        e = float(panel.eta.value)
        traj, status = q.gradient_descent(A, z0[None], e, steps)
        path = traj[:, 0]
        norms = np.maximum(np.linalg.norm(path, axis=1), 1e-300)
        rho = q.contraction_factor(A, e)
        k = np.arange(steps + 1)
        panel.restyle({1: {"x": np.clip(path[:, 0], -10 * lim, 10 * lim), "y": path[:, 1]},
                       3: {"x": k, "y": norms},
                       4: {"x": k, "y": np.maximum(norms[0] * rho ** k, 1e-300)}})
        verdict = "converges" if rho < 1 else "diverges"
        panel.readout.value = (f"η = {e:.3f} = {e / threshold:.2f} × (2/L); contraction factor ρ(η) = "
                               f"max|1 − ηλ| = {rho:.3f}: GD <b>{verdict}</b>")

    panel.observe(redraw)
    panel.draw(redraw)
    return panel
