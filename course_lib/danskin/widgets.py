"""Interactive figures of lecture 02: counterexample 2 with an angle slider, and the non-smooth landscape
L_ε(θ) with an ε slider. Each builder returns a :class:`~course_lib.viz.panel.Panel` (its controls and a
``go.FigureWidget`` updated in place, with plain lists: see :mod:`course_lib.viz.panel`)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from course_lib import _validate
from course_lib.danskin.directional import change_along, directional_derivative, unit_directions
from course_lib.danskin.examples import ObtuseExample
from course_lib.danskin.hull import danskin_descent_direction
from course_lib.danskin.landscape import adversarial_logistic_1d, adversarial_logistic_1d_slope
from course_lib.viz import widgets
from course_lib.viz.panel import Panel
from course_lib.viz.style import COLORS, SEQUENTIAL, math_text

_ARROWS = [("u", COLORS["blue"], "solid"), ("v", COLORS["orange"], "solid"),
           ("−u (ascent!)", COLORS["blue"], "dash"), ("−v (ascent!)", COLORS["orange"], "dash"),
           ("γ* = −w/‖w‖", COLORS["green"], "solid")]


class Counterexample2Demo(Panel):
    """``angle`` slider (degrees between u and v), ``info`` readout, ``fig`` (θ-plane | polar D_γ f(0))."""


def counterexample2_numbers(angle: float, t: float = 1e-3) -> dict[str, float | np.ndarray]:
    """At θ = 0 of counterexample 2 with u, v at ``angle``: the min-norm direction γ* and the measured
    changes f(θ + tγ) − f(θ) along −u, −v and γ*."""
    ex, zero = ObtuseExample.from_angle(angle), np.zeros(2)
    d = danskin_descent_direction(ex.active_gradients(zero))
    return {"u": ex.u, "v": ex.v, "uv": float(ex.u @ ex.v), "direction": d,
            "df_minus_u": float(change_along(ex.robust_loss, zero, -ex.u, t)),
            "df_minus_v": float(change_along(ex.robust_loss, zero, -ex.v, t)),
            "df_direction": float(change_along(ex.robust_loss, zero, d, t))}


def _segment(vec: np.ndarray) -> tuple[list[float], list[float]]:
    return [0.0, float(vec[0])], [0.0, float(vec[1])]


def counterexample2_demo(angle: float = 135.0, t: float = 1e-3) -> Counterexample2Demo:
    """Counterexample 2 (Latorre et al. (2023)) at θ = 0: u, v, −u, −v and γ*, with
    D_γ f(0) = max(⟨γ,u⟩, ⟨γ,v⟩) as
    a polar curve of radius 1 + D_γ f(0), so directions inside the dashed unit circle descend."""
    angle = _validate.number("angle", angle, lo=0.0, hi=180.0)
    t = _validate.positive("t", t)
    slider = widgets.float_slider("angle(u, v) in °", angle, 0.0, 180.0, 1.0, readout_format=".0f")
    info = widgets.readout()
    gammas, phi = unit_directions(361)
    xs = np.linspace(-1.2, 1.2, 61)
    X, Y = np.meshgrid(xs, xs)
    base = make_subplots(rows=1, cols=2, specs=[[{"type": "xy"}, {"type": "polar"}]],
                         # two-line titles: on one line each they collide in a narrow notebook column
                         subplot_titles=("f(θ) = max(⟨θ,u⟩, ⟨θ,v⟩)<br>near θ = 0",
                                         math_text("1 + D_γ f(0) over unit γ<br>"
                                                   "(inside the circle: descent)")))
    base.add_trace(go.Contour(x=xs, y=xs, z=0 * X, colorscale=SEQUENTIAL, showscale=False, ncontours=16,
                              contours={"coloring": "lines"}, hoverinfo="skip", name="f"), 1, 1)
    for name, col, dash in _ARROWS:
        base.add_trace(go.Scatter(x=[], y=[], mode="lines+markers", name=name,
                                  line={"color": col, "dash": dash},
                                  marker={"symbol": "arrow", "angleref": "previous", "size": [0, 12]}), 1, 1)
    base.add_trace(go.Scatterpolar(r=np.ones_like(phi), theta=phi, mode="lines",
                                   name=math_text("D_γ f(0) = 0"),
                                   line={"color": COLORS["gray"], "dash": "dot"}), 1, 2)
    base.add_trace(go.Scatterpolar(r=[], theta=phi, mode="lines", name=math_text("1 + D_γ f(0)"),
                                   line={"color": COLORS["black"]}), 1, 2)
    base.add_trace(go.Scatterpolar(r=[], theta=[], mode="markers", name="−u, −v, γ*", marker={
        "size": 11, "color": [COLORS["blue"], COLORS["orange"], COLORS["green"]]}), 1, 2)
    base.update_xaxes(title_text="θ₁", range=[-1.2, 1.2], row=1, col=1)
    base.update_yaxes(title_text="θ₂", range=[-1.2, 1.2], row=1, col=1)
    base.layout.annotations[1].update(y=1.06)  # lift the polar panel's title above its angular labels
    base.update_layout(height=500, legend={"orientation": "h", "y": -0.2}, margin={"t": 160}, title_y=0.98,
                       polar={"radialaxis": {"range": [0, 2], "tickvals": [0, 1, 2],
                                             "ticktext": ["D = −1", "D = 0", "D = +1"]}},
                       title="Counterexample 2: −∇ at either maximiser ascends; the min-norm direction "
                             "descends")
    panel = Counterexample2Demo(base, {"angle": slider}, info)

    def redraw(change: object = None) -> None:
        nums = counterexample2_numbers(float(panel.angle.value), t)
        u, v, d = nums["u"], nums["v"], nums["direction"]
        D = directional_derivative(np.stack([u, v]), gammas)
        marks = np.stack([-u, -v, d])
        updates = {0: {"z": np.maximum(X * u[0] + Y * u[1], X * v[0] + Y * v[1])}}
        for index, vec in enumerate((u, v, -u, -v, d), start=1):
            xs_, ys_ = _segment(vec)
            updates[index] = {"x": xs_, "y": ys_}
        updates[7] = {"r": 1 + D}
        updates[8] = {"r": 1 + directional_derivative(np.stack([u, v]), marks),
                      "theta": np.degrees(np.arctan2(marks[:, 1], marks[:, 0]))}
        panel.restyle(updates)
        panel.readout.value = (f"⟨u, v⟩ = {nums['uv']:+.3f}; change of f after a step t = {t:g}: "
                               f"along −u {nums['df_minus_u']:+.3e}, along −v {nums['df_minus_v']:+.3e}, "
                               f"along γ* {nums['df_direction']:+.3e}")

    panel.observe(redraw)
    panel.draw(redraw)
    return panel


class LandscapeDemo(Panel):
    """``eps`` slider, ``info`` readout, ``fig`` (L_ε(θ) | its slope with the jump at 0)."""


def landscape_demo(eps: float = 0.6, theta_max: float = 5.0) -> LandscapeDemo:
    """L_ε(θ) = log(1 + e^{ε|θ|}) (Liu et al. (2020)) and its one-sided slopes; the slope
    jumps by ε at θ = 0."""
    eps = _validate.number("eps", eps, lo=0.0, hi=2.0)
    theta_max = _validate.positive("theta_max", theta_max)
    slider = widgets.float_slider("budget ε", eps, 0.0, 2.0, 0.05, readout_format=".2f")
    info = widgets.readout()
    left, right = np.linspace(-theta_max, 0, 201), np.linspace(0, theta_max, 201)
    base = make_subplots(rows=1, cols=2,
                         subplot_titles=(math_text("adversarial loss L_ε(θ)"), math_text("slope dL_ε/dθ")))
    base.add_trace(go.Scatter(x=np.r_[left, right], y=np.full(402, np.log(2)), mode="lines", name="ε = 0",
                              line={"color": COLORS["gray"], "dash": "dash"}), 1, 1)
    base.add_trace(go.Scatter(x=[], y=[], mode="lines", name=math_text("L_ε"), line={"color": COLORS["red"]}),
                   1, 1)
    for side in ("θ < 0", "θ > 0"):
        base.add_trace(go.Scatter(x=[], y=[], mode="lines", name=f"slope, {side}", showlegend=False,
                                  line={"color": COLORS["blue"]}), 1, 2)
    base.add_trace(go.Scatter(x=[0, 0], y=[], mode="lines+markers", name="jump at θ = 0",
                              line={"color": COLORS["orange"], "dash": "dot"}), 1, 2)
    base.update_xaxes(title_text="parameter θ")
    base.update_yaxes(title_text="loss (nats)", row=1, col=1)
    base.update_yaxes(title_text="slope (nats per unit θ)", range=[-2.1, 2.1], row=1, col=2)
    base.update_layout(height=400, legend={"orientation": "h", "y": -0.25},
                       title=math_text("L_ε(θ) = max over |Δ| ≤ ε of log(1 + exp(θΔ)) = log(1 + exp(ε|θ|)) "
                                       "(Liu et al. 2020)"))
    panel = LandscapeDemo(base, {"eps": slider}, info)

    def redraw(change: object = None) -> None:
        e = float(panel.eps.value)
        theta = np.r_[left, right]
        slope_left = adversarial_logistic_1d_slope(left, e, "left")
        slope_right = adversarial_logistic_1d_slope(right, e, "right")
        panel.restyle({1: {"x": theta, "y": adversarial_logistic_1d(theta, e)},
                       2: {"x": left, "y": slope_left},
                       3: {"x": right, "y": slope_right},
                       4: {"y": [slope_left[-1], slope_right[0]]}})
        jump = slope_right[0] - slope_left[-1]
        panel.readout.value = (f"ε = {e:.2f}: slopes at θ = 0 are {slope_left[-1]:+.3f} (left) and "
                               f"{slope_right[0]:+.3f} (right); the gradient jumps by {jump:.3f} = ε")

    panel.observe(redraw)
    panel.draw(redraw)
    return panel
