"""Live widgets for the min-max lectures: a trajectory explorer and a "try your own game" panel.

Each builder returns a :class:`Panel` (a :class:`course_lib.viz.panel.Panel`) with the ``controls`` (an
ipywidgets box) and the ``fig`` (a plotly ``FigureWidget``); the controls' observers recompute with
:func:`simulate` and update the figure in place; an error in a callback is shown in ``panel.message``
and counted in ``panel.errors``. In a notebook: ``display(panel.controls); display(panel.fig)``. Tests
drive them headlessly: set ``panel.step.value = 0.3`` and read ``panel.fig.data``.
"""

from __future__ import annotations

import ipywidgets as w
import numpy as np
import plotly.graph_objects as go

from course_lib import _validate
from course_lib.minimax.analysis import critical_points, local_nash
from course_lib.minimax.games import Game
from course_lib.minimax.parser import FormulaError, custom_game
from course_lib.minimax.simulate import Run, simulate
from course_lib.viz import panel as _panel
from course_lib.viz.animate import contour, vector_field
from course_lib.viz.style import PALETTE, color, role_color

ALGORITHM_MENU = {"GDA": "gda", "AltGDA": "agda", "PPM": "ppm", "EG": "eg", "OGDA": "ogda", "RFBS": "rfbs",
                  "Popov": "popov", "EG+ (α = ½)": "eg+", "CurvatureEG+": "curvature-eg+"}


class Panel(_panel.Panel):
    """The controls and figure of a widget, plus the last :class:`Run` (``run``) and its ``game``; the
    readout is ``message``."""

    def __init__(self, controls: w.Box, fig: go.Figure, game: Game, message: w.HTML, run: Run | None = None,
                 widgets: dict | None = None) -> None:
        super().__init__(fig, widgets, message, controls=controls)
        self.game = game
        self.run = run


def _color(method: str) -> str:
    """The course colour of a method (its role colour, :data:`course_lib.viz.style.ROLE_COLORS`)."""
    return role_color(method, PALETTE[4])


def _paths(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All paths of z (T+1, N, 2) in one trace, separated by NaN gaps (plotly draws no line there)."""
    gap = np.full((1, z.shape[1], 2), np.nan)
    seq = np.concatenate([z, gap]).transpose(1, 0, 2).reshape(-1, 2)
    return seq[:, 0], seq[:, 1]


def _base_figure(game: Game, title: str) -> go.Figure:
    lim = (-game.box, game.box)
    fig = go.Figure()
    fig.add_trace(contour(lambda x, y: game.phi(x, y), lim, lim, n=61))
    fig.add_trace(vector_field(game.V, lim, lim, n=15))
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="critical points",
                             marker={"symbol": "star", "size": 15, "color": color("solution")}))
    fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name="trajectories", line={"width": 1.6}))
    fig.add_trace(go.Scatter(x=[], y=[], mode="markers", name="last iterate", marker={"size": 7}))
    fig.update_layout(title=title, xaxis={"title": "x (min player)", "range": list(lim)},
                      yaxis={"title": "y (max player)", "range": list(lim), "scaleanchor": "x"},
                      width=640, height=560, legend={"orientation": "h", "y": -0.2})
    return fig


def _draw(panel: Panel, run: Run, method: str, label: str) -> None:
    """Draw ``run`` in the colour of ``method`` (a role key), named by its menu ``label``."""
    px, py = _paths(run.z)
    symbols = np.where(run.diverged, "x", "circle")
    panel.restyle({3: {"x": px, "y": py, "line": {"color": _color(method)}, "name": f"{label} trajectories"},
                   4: {"x": run.final[:, 0], "y": run.final[:, 1],
                       "marker": {"color": _color(method), "symbol": symbols}}})


def build_trajectory_widget(game: Game, starts: object, *, method: str = "GDA", step: float = 0.2,
                            steps: int = 60, max_step: float = 1.2) -> Panel:
    """Trajectories of one algorithm from the rows of ``starts`` (N, 2), with an algorithm menu and
    step-size / horizon sliders; the message reports the measured per-step factor ‖z_k‖^(1/k) about
    the first critical point (for xy, compare with the closed forms)."""
    starts = _validate.array("starts", starts)
    starts = starts.reshape(-1, 2)
    _validate.one_of("method", method, ALGORITHM_MENU)
    fig = _base_figure(game, f"{game.name}: trajectories")
    sol = game.solutions
    fig.data[2].update(x=sol[:, 0].tolist(), y=sol[:, 1].tolist())
    ws = {"method": w.Dropdown(options=list(ALGORITHM_MENU)[:7], value=method, description="algorithm"),
          "step": w.FloatSlider(value=step, min=0.01, max=max_step, step=0.01, description="step α",
                                continuous_update=False),
          "steps": w.IntSlider(value=steps, min=1, max=400, description="steps k", continuous_update=False)}
    message = w.HTML()
    panel = Panel(w.VBox([w.HBox(list(ws.values())), message]), fig, game, message, widgets=ws)
    center = sol[0] if len(sol) else np.zeros(2)

    def update(_: object = None) -> None:
        name = ALGORITHM_MENU[panel.method.value]
        panel.run = run = simulate(game, name, starts, ws["steps"].value, step=ws["step"].value, bound=1e3)
        _draw(panel, run, name, panel.method.value)
        r0, rk = (np.linalg.norm(run.z[[0, -1]] - center, axis=-1))
        ok = ~run.diverged & (r0 > 0)
        factor = np.median((rk[ok] / r0[ok]) ** (1 / run.k[-1])) if ok.any() else np.inf
        n_div = int(run.diverged.sum())
        message.value = (f"<b>{ws['method'].value}</b>, α = {ws['step'].value:.2f}: measured factor per step "
                         f"(‖z_k − z*‖/‖z_0 − z*‖)^(1/k) = <b>{factor:.4f}</b>"
                         + (f"; {n_div} start(s) diverged (×)" if n_div else ""))

    panel.observe(update)
    panel.draw(update)
    return panel


def build_game_explorer(formula: str = "x*y + 0.1*(y^2/2 - y^4/4)", *, box: float = 2.0, method: str = "EG",
                        step: float = 0.05, steps: int = 300) -> Panel:
    """"Try your own game": a text box for Φ(x, y), an algorithm menu, step, horizon and start
    sliders; shows −V, the critical points with their local-Nash verdict, and the trajectory from the
    start and from 8 points around it. A refused formula is reported and leaves the figure as it was."""
    box = _validate.positive("box", box)
    game = custom_game(formula, box=box)
    fig = _base_figure(game, "your game")
    ws = {"formula": w.Text(value=formula, description="Φ(x, y) =", continuous_update=False,
                            layout=w.Layout(width="60%")),
          "method": w.Dropdown(options=list(ALGORITHM_MENU), value=method, description="algorithm"),
          "step": w.FloatSlider(value=step, min=0.005, max=1.0, step=0.005, description="step α",
                                readout_format=".3f", continuous_update=False),
          "steps": w.IntSlider(value=steps, min=10, max=2000, step=10, description="steps k",
                               continuous_update=False),
          **{k: w.FloatSlider(value=0.5, min=-box, max=box, step=0.05, description=k[0] + "₀",
                              continuous_update=False) for k in ("x0", "y0")}}
    message = w.HTML()
    controls = w.VBox([ws["formula"], w.HBox([ws["method"], ws["step"], ws["steps"]]),
                       w.HBox([ws["x0"], ws["y0"]]), message])
    panel = Panel(controls, fig, game, message, widgets=ws)
    ring = 0.1 * np.stack([np.cos(np.arange(8) * np.pi / 4), np.sin(np.arange(8) * np.pi / 4)], axis=1)
    verdicts: list[str] = []

    def set_game(_: object = None) -> bool:
        try:
            game = custom_game(ws["formula"].value, box=box)
        except FormulaError as err:
            message.value = f"<span style='color:{color('diverged')}'>{err}</span>"
            return False
        lim = (-box, box)
        pts = critical_points(game, box, n=15)
        verdicts[:] = [f"z* = ({p[0]:.3f}, {p[1]:.3f}): {local_nash(game, p).verdict}" for p in pts[:6]]
        bg = contour(lambda x, y: game.phi(x, y), lim, lim, n=61)
        field_ = vector_field(game.V, lim, lim, n=15)
        panel.restyle({0: {"x": bg.x, "y": bg.y}, 1: {"x": field_.x, "y": field_.y},
                       2: {"x": pts[:, 0], "y": pts[:, 1], "text": verdicts, "hoverinfo": "text"}})
        panel.game = game
        return True

    def run_dynamics(_: object = None) -> None:
        name = ALGORITHM_MENU[ws["method"].value]
        z0 = np.array([ws["x0"].value, ws["y0"].value]) + np.vstack([np.zeros((1, 2)), ring])
        panel.run = run = simulate(panel.game, name, z0, ws["steps"].value, step=ws["step"].value,
                                   bound=10 * box, box=None, every=max(1, ws["steps"].value // 300))
        _draw(panel, run, name, ws["method"].value)
        n_div = int(run.diverged.sum())
        status = f"{n_div} of 9 starts diverged (×)" if n_div else "all 9 starts stayed bounded"
        message.value = "<br>".join(verdicts or ["no critical point in the box"]) + f"<br>{status}"

    def on_formula(change: object) -> None:
        if set_game():
            run_dynamics()

    panel.observe(on_formula, ["formula"])
    panel.observe(run_dynamics, ["method", "step", "steps", "x0", "y0"])
    panel.draw(set_game)
    panel.draw(run_dynamics)
    return panel
