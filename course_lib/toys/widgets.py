"""Interactive figure of lecture 03: the effective losses of the sin toy model (:mod:`course_lib.toys.sin_co`)
with an ε slider; the FGSM loss's global minimum jumps from x = 1 to x ≈ 7 as ε crosses π/8.

The builder returns a :class:`~course_lib.viz.panel.Panel` that owns its controls, readout and figure
(see :mod:`course_lib.viz.panel`).
"""

from __future__ import annotations

import numpy as np

from course_lib import _validate
from course_lib.toys import sin_co
from course_lib.viz import widgets
from course_lib.viz.panel import Panel
from course_lib.viz.style import color

_CURVES = [("true robust loss", "black"), ("FGSM effective loss", "fgsm"), ("PGD-10 effective loss", "pgd")]


class SinToyDemo(Panel):
    """``eps`` slider, ``info`` readout, ``fig`` (robust, FGSM and PGD-10 effective losses over x and the
    arg-min of the two effective losses)."""


def sin_toy_demo(eps: float = 0.35, B: float = 8.0, dx: float = 2e-3) -> SinToyDemo:
    """ℓ(m(x, δ_S(x))) with m(x, δ) = sin(x(π/2 + δ)) over x ∈ (0, B], for FGSM (S = 1, α = ε) and PGD-10
    (α = ε/4), against the true robust loss ℓ(min_{|δ|≤ε} m(x, δ)); the readout gives both arg-mins."""
    B = _validate.positive("B", B)
    xs = sin_co.x_grid(B, dx=dx)
    slider = widgets.float_slider("ε", eps, 0.05, 1.2, 0.01)
    info = widgets.readout()
    data = [{"type": "scatter", "x": xs, "name": name, "mode": "lines", "line": {"color": color(role)}}
            for name, role in _CURVES]
    data += [{"type": "scatter", "name": f"arg-min ({name.split()[0]})", "mode": "markers",
              "marker": {"size": 12, "color": color(role)}} for name, role in _CURVES[1:]]
    panel = SinToyDemo({"data": data, "layout": {
        "title": {"text": f"Effective losses of the sin toy model, x ∈ (0, {B:g}]"}, "height": 420,
        "xaxis": {"title": {"text": "parameter x"}},
        "yaxis": {"title": {"text": "loss"}, "range": [0, 1.5]}}},
        {"eps": slider}, info)

    def draw(change: object = None) -> None:
        e = float(panel.eps.value)
        losses = [sin_co.robust_loss(xs, e), sin_co.effective_loss(xs, e),
                  sin_co.effective_loss(xs, e, 10, e / 4)]
        stars = [float(xs[np.argmin(v)]) for v in losses[1:]]
        updates = {i: {"y": v} for i, v in enumerate(losses)}
        for i, (v, s) in enumerate(zip(losses[1:], stars)):
            updates[3 + i] = {"x": [s], "y": [float(v.min())]}
        panel.restyle(updates)
        panel.readout.value = (f"ε/π = {e / np.pi:.3f}: FGSM arg-min x* = {stars[0]:.2f}, "
                               f"PGD-10 arg-min x* = {stars[1]:.2f}")

    panel.observe(draw)
    panel.draw(draw)
    return panel
