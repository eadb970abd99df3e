"""Interactive figure of lecture 01: the worst case of a linear model in an ε-ball, in closed form.

The builder returns a :class:`~course_lib.viz.panel.Panel`: its controls, readout and ``go.FigureWidget``
belong to the panel, so a later cell that rebinds a global ``fig`` cannot break the sliders; a failing
update is shown in the readout (see :mod:`course_lib.viz.panel`).
"""

from __future__ import annotations

import numpy as np
import torch

from course_lib import _validate
from course_lib.robust.attacks import NORMS, linear_worst_case
from course_lib.viz import widgets
from course_lib.viz.panel import Panel
from course_lib.viz.style import color

_ORD = {"linf": np.inf, "l2": 2, "l1": 1}
_TRACES = [("ε-ball", "blue"), ("level line", "gray"), ("a", "black"), ("a + η*", "orange"), ("x", "green")]


class LinearWorstCaseDemo(Panel):
    """``norm`` menu, ``eps`` and ``theta`` sliders, ``info`` readout, ``fig`` (the ε-ball around a, the
    weights x, the maximiser a + η* and the level line of ⟨x, ·⟩ through it)."""


def linear_worst_case_demo(a: tuple[float, float] = (0.5, 0.5), norm: str = "linf", eps: float = 0.2,
                           theta: float = 0.5, n_boundary: int = 2000) -> LinearWorstCaseDemo:
    """max_{‖η‖_p ≤ ε} ⟨x, a + η⟩ = ⟨x, a⟩ + ε‖x‖_q (1/p + 1/q = 1) in 2-D, for x = (cos θ, sin θ): the
    closed form of :func:`~course_lib.robust.attacks.linear_worst_case` against the best of
    ``n_boundary`` points of the ball's boundary."""
    a2 = _validate.array("a", a, shape=(2,))
    norm = _validate.one_of("norm", norm, NORMS)
    n_boundary = _validate.integer("n_boundary", n_boundary, lo=8)
    norm_box = widgets.dropdown("norm", ["linf", "l2", "l1"], norm)
    eps_slider = widgets.float_slider("ε", eps, 0.02, 0.4, 0.02)
    theta_slider = widgets.float_slider("weight angle θ", theta, -3.1, 3.1, 0.05)
    info = widgets.readout()
    panel = LinearWorstCaseDemo({"layout": {
        "width": 520, "height": 480, "xaxis": {"range": [0, 1], "title": {"text": "a₁"}},
        "yaxis": {"range": [0, 1], "title": {"text": "a₂"}, "scaleanchor": "x"},
        "title": {"text": "Worst case of ⟨x, a + η⟩"}}, "data": [
        {"type": "scatter", "name": name,
         "mode": "lines" if name in ("ε-ball", "level line", "x") else "markers",
         "marker": {"size": 12, "color": color(role)}, "line": {"color": color(role)}}
        for name, role in _TRACES]},
        {"norm": norm_box, "eps": eps_slider, "theta": theta_slider}, info)
    t = np.linspace(0, 2 * np.pi, n_boundary)
    u = np.stack([np.cos(t), np.sin(t)], 1)

    def draw(change: object = None) -> None:
        p, e, th = panel.norm.value, float(panel.eps.value), float(panel.theta.value)
        w = np.array([np.cos(th), np.sin(th)])
        ring = a2 + e * u / np.linalg.norm(u, ord=_ORD[p], axis=1, keepdims=True)
        with torch.no_grad():
            eta, value = linear_worst_case(torch.tensor(w[None]), torch.tensor(a2[None]), e, p)
        top = a2 + eta[0].detach().numpy()
        line = top + np.outer([-1, 1], [-w[1], w[0]])
        tip = a2 + 0.25 * w
        panel.restyle({0: {"x": ring[:, 0], "y": ring[:, 1]}, 1: {"x": line[:, 0], "y": line[:, 1]},
                       2: {"x": [a2[0]], "y": [a2[1]]}, 3: {"x": [top[0]], "y": [top[1]]},
                       4: {"x": [a2[0], tip[0]], "y": [a2[1], tip[1]]}})
        panel.readout.value = (f"closed form ⟨x,a⟩ + ε‖x‖_* = {float(value[0].detach()):.4f}; "
                               f"best boundary point = {float((ring @ w).max()):.4f}")

    panel.observe(draw)
    panel.draw(draw)
    return panel
