"""Every panel of the library, driven headlessly: every control at its min, a middle value and its max (each
option of a menu) changes the figure or the readout without a callback error; a callback error is shown in
the readout, counted, logged once, and the panel still updates afterwards; a global ``fig`` cannot reach a
panel; the figure holds plain lists, so the front end's trace deltas cannot trip plotly's widget code."""

from __future__ import annotations

import inspect
import json
import logging
import warnings

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import pytest

from course_lib.danskin import widgets as danskin_widgets
from course_lib.danskin.widgets import counterexample2_demo, landscape_demo
from course_lib.minimax.games import bilinear
from course_lib.minimax.widgets import build_game_explorer, build_trajectory_widget
from course_lib.robust.widgets import linear_worst_case_demo
from course_lib.toys.widgets import sin_toy_demo
from course_lib.viz import widgets as w
from course_lib.viz.demos import gd_step_size_demo
from course_lib.viz.panel import Panel, plain

BUILDERS = {
    "gd_step_size_demo": lambda: gd_step_size_demo(steps=20),
    "linear_worst_case_demo": linear_worst_case_demo,
    "counterexample2_demo": counterexample2_demo,
    "landscape_demo": landscape_demo,
    "sin_toy_demo": lambda: sin_toy_demo(dx=1e-2),
    "build_trajectory_widget": lambda: build_trajectory_widget(bilinear(), [[1.0, 0.0], [0.0, 0.5]],
                                                               steps=40),
    "build_game_explorer": lambda: build_game_explorer(steps=100),
}
FORMULAS = ["x^2/2 - y^2/2 + x*y", "x*y"]  # values for a text control (the game explorer's Φ)


def snapshot(panel: Panel) -> str:
    return json.dumps([panel.fig.to_dict()["data"], panel.readout.value], sort_keys=True, default=str)


def targets(widget: W.Widget) -> list:
    if isinstance(widget, W.Dropdown):
        return list(widget.options)
    if isinstance(widget, W.Text):
        return FORMULAS
    lo, hi = widget.min, widget.max
    mid = lo + round((hi - lo) / 2 / widget.step) * widget.step
    return [lo, int(mid) if isinstance(widget, W.IntSlider) else mid, hi]


def arrays_in(value, path=()) -> list[tuple]:
    """Paths of numpy arrays inside a trace's stored properties."""
    if isinstance(value, np.ndarray):
        return [path]
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in arrays_in(v, path + (k,))]
    return []


@pytest.mark.parametrize("name", BUILDERS)
def test_every_control_at_min_middle_max_updates_without_error(name):
    panel = BUILDERS[name]()
    assert isinstance(panel, Panel) and isinstance(panel.fig, go.FigureWidget) and panel.widgets
    assert panel.errors == 0 and panel.readout.value
    moved = 0
    for control, widget in panel.widgets.items():
        for value in targets(widget):
            if widget.value == value:
                continue
            before = snapshot(panel)
            widget.value = value
            assert panel.errors == 0, f"{name}.{control} = {value!r}: {panel.last_error}"
            assert snapshot(panel) != before, f"{name}: setting {control} = {value!r} changed nothing"
            moved += 1
    assert moved >= len(panel.widgets)
    for trace in panel.fig.data:  # plain lists only (see test_front_end_trace_deltas_cannot_raise)
        assert arrays_in(trace._props) == [], (name, trace.name)


@pytest.mark.parametrize("name", BUILDERS)
def test_equal_aspect_figures_keep_a_width(name):
    """A figure with equal axis scales (``scaleanchor``) and no width fills a wide dashboard with white:
    in a 1410 px Voila page its data sat in the middle third. Such a figure sets its width."""
    layout = BUILDERS[name]().fig.layout
    if layout.yaxis.scaleanchor or layout.xaxis.scaleanchor:
        assert layout.width is not None and layout.width <= 800, (name, layout.width)


class StrictComm:
    """Stands in for the kernel's comm: records every widget message that is not valid JSON (NaN or ±inf:
    the kernel would send it only after a "Message serialization failed" warning on stderr, which
    JupyterLab shows in its log console)."""

    def __init__(self) -> None:
        self.bad: list[str] = []

    def install(self, monkeypatch) -> None:
        import comm
        from comm.base_comm import BaseComm

        strict = self

        class Recording(BaseComm):
            def publish_msg(self, msg_type, data=None, metadata=None, buffers=None, **keys):
                try:
                    json.dumps(data, allow_nan=False)
                except ValueError as err:
                    strict.bad.append(f"{msg_type}: {err}: {str(data)[:120]}")

        monkeypatch.setattr(comm, "create_comm", lambda *a, **k: Recording(*a, **k))


@pytest.mark.parametrize("name", BUILDERS)
def test_every_message_to_the_front_end_is_valid_json(name, monkeypatch):
    """Level lines and diverged paths hold NaN gaps; what the widgets send must still be JSON (NaN → null),
    when the panel is built and after every control move (a case seen in lecture 07's explorer: plotly's
    base64 arrays were decoded after the NaN clean-up)."""
    strict = StrictComm()
    strict.install(monkeypatch)
    panel = BUILDERS[name]()
    assert strict.bad == [], strict.bad[:1]
    for control, widget in panel.widgets.items():
        for value in targets(widget):
            widget.value = value
            assert strict.bad == [], (control, value, strict.bad[:1])


def typed_arrays(value) -> int:
    """How many typed-array buffers plotly's serializer would send to the front end."""
    if isinstance(value, dict):
        return ("buffer" in value and "dtype" in value) + sum(typed_arrays(v) for v in value.values())
    if isinstance(value, list):
        return sum(typed_arrays(v) for v in value)
    return 0


@pytest.mark.parametrize("name", BUILDERS)
def test_front_end_holds_plain_arrays_and_its_trace_deltas_cannot_raise(name):
    """The front end diffs plotly.js's full data against the widget's data and sends the differences back
    (``_js2py_traceDeltas``). It recurses into a typed array (what a numpy array becomes there) as into an
    object, so such a property can come back as a dict, and plotly then evaluates ``not value`` on the
    Python side's numpy copy (basewidget.py, ``_remove_overlapping_props``): "The truth value of an array
    … is ambiguous" (lecture 02). The panels send plain lists: no typed array reaches the front end, and
    the deltas it sends for lists (lists) are absorbed."""
    from plotly.serializers import _py_to_js

    panel = BUILDERS[name]()
    control, widget = next(iter(panel.widgets.items()))
    widget.value = targets(widget)[-1]
    fig = panel.fig
    assert typed_arrays(_py_to_js(fig._widget_data, None)) == 0
    deltas = []
    for trace in fig.data:
        delta = {"uid": trace.uid}
        for key, value in trace._props.items():
            if key != "uid" and isinstance(value, list | tuple) and value and not isinstance(value[0], dict):
                delta[key] = list(value)                     # what the front end sends for a plain array
        deltas.append(delta)
    fig._js2py_traceDeltas = {"trace_deltas": deltas, "trace_edit_id": fig._last_trace_edit_id}
    widget.value = targets(widget)[0]
    assert panel.errors == 0


def test_the_old_numpy_properties_did_raise_on_such_a_delta():
    """The mechanism behind lecture 02's ValueError, on a bare FigureWidget holding a numpy array: an
    object-valued delta for that property (the front end's diff of a typed array)."""
    fig = go.FigureWidget([go.Scatterpolar(r=np.ones(5), theta=np.arange(5.0))])
    delta = {"uid": fig.data[0].uid, "r": {"0": 2.0}}
    with pytest.raises(ValueError, match="truth value of an array"):
        fig._js2py_traceDeltas = {"trace_deltas": [delta], "trace_edit_id": fig._last_trace_edit_id}
    ok = go.FigureWidget([go.Scatterpolar(r=plain(np.ones(5)), theta=plain(np.arange(5.0)))])
    ok._js2py_traceDeltas = {"trace_deltas": [{"uid": ok.data[0].uid, "r": [1.0] * 5}],
                             "trace_edit_id": ok._last_trace_edit_id}


def test_callback_error_is_shown_counted_logged_once_and_the_panel_recovers(monkeypatch, caplog):
    demo = landscape_demo(0.6)
    y_before = list(demo.fig.data[1].y)

    def broken(theta, eps):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(danskin_widgets, "adversarial_logistic_1d", broken)
    with caplog.at_level(logging.WARNING, logger="course_lib.viz.panel"):
        demo.eps.value = 1.0
        demo.eps.value = 1.1
    assert demo.errors == 2
    assert demo.info.value.count("could not update: RuntimeError: boom;") == 1
    assert "move the control back or rerun the cell" in demo.info.value
    assert "second line" not in demo.info.value
    assert len([r for r in caplog.records if "boom" in r.getMessage()]) == 1  # logged once
    assert list(demo.fig.data[1].y) == y_before
    monkeypatch.undo()
    demo.eps.value = 1.2                                   # the panel still works
    assert demo.errors == 2 and "jumps by 1.200" in demo.info.value
    assert np.array(demo.fig.data[1].y).max() == pytest.approx(np.log1p(np.exp(6.0)))


def test_generic_panel_guards_errors_and_keeps_warnings_from_the_student():
    slider = w.float_slider("a", 0.5, 0.0, 1.0, 0.1)
    panel = Panel(go.Figure(go.Scatter(x=[0, 1], y=[0, 0])), {"a": slider})

    def update(change):
        a = panel.a.value
        if a > 0.85:
            raise ValueError(f"a = {a:.1f} is too large")
        warnings.warn("overflow somewhere", RuntimeWarning, stacklevel=1)
        panel.restyle({0: {"y": np.array([a, np.nan])}})
        panel.readout.value = f"a = {a:.1f}"

    panel.observe(update)
    with warnings.catch_warnings(record=True) as escaped:
        warnings.simplefilter("always")
        slider.value = 0.9
        assert panel.errors == 1 and "a = 0.9 is too large" in panel.readout.value
        slider.value = 0.3
    assert escaped == []                                  # nothing reaches the notebook's stderr
    assert panel.errors == 1 and panel.readout.value == "a = 0.3"
    assert list(panel.fig.data[0].y) == [0.3, None]       # NaN becomes a gap that JSON can carry
    assert panel.warnings == ["RuntimeWarning: overflow somewhere"]
    assert [h.__wrapped__ for h in panel.handlers()] == [update]


@pytest.mark.parametrize("name", BUILDERS)
def test_callbacks_reference_the_panel_not_a_global_fig(name):
    panel = BUILDERS[name]()
    handlers = panel.handlers()
    assert len(handlers) >= len(panel.widgets)
    for handler in handlers:
        refs = inspect.getclosurevars(handler.__wrapped__)
        assert "fig" not in refs.globals and "fig" not in refs.nonlocals, handler.__wrapped__
        figures = [v for v in refs.nonlocals.values() if isinstance(v, go.FigureWidget)]
        assert all(f is panel.fig for f in figures)


def test_rebinding_a_global_fig_cannot_break_a_panel():
    """What "Run All" does in lecture 01: the panel's cell, then a matplotlib cell rebinding ``fig``."""
    import matplotlib

    matplotlib.use("Agg")
    notebook: dict = {}
    exec("from course_lib.robust.widgets import linear_worst_case_demo\n"
         "demo = linear_worst_case_demo()\nfig = demo.fig\n"
         "import matplotlib.pyplot as plt\nfig, ax = plt.subplots()\n", notebook)
    demo = notebook["demo"]
    before = snapshot(demo)
    demo.eps.value = 0.3
    demo.norm.value = "l1"
    assert demo.errors == 0 and snapshot(demo) != before
    import matplotlib.pyplot as plt

    plt.close(notebook["fig"])


# -- the two lecture panels reproduce the inline widgets they replace (lectures 01 and 03) -------------

def inline_linear_worst_case(norm, eps, theta):
    """The inline code of lecture 01 ("Try it"), verbatim but for the control values."""
    import torch

    from course_lib.robust.attacks import linear_worst_case
    from course_lib.viz.style import color

    a2 = np.array([0.5, 0.5])
    fig = go.Figure(layout=dict(width=520, height=480, xaxis=dict(range=[0, 1], title="a₁"),
                                yaxis=dict(range=[0, 1], title="a₂", scaleanchor="x"),
                                title="Worst case of ⟨x, a + η⟩"))
    for name, role in [("ε-ball", "blue"), ("level line", "gray"), ("a", "black"), ("a + η*", "orange"),
                       ("x", "green")]:
        fig.add_scatter(name=name, mode="lines" if name in ("ε-ball", "level line", "x") else "markers",
                        marker=dict(size=12, color=color(role)), line=dict(color=color(role)))
    w_ = np.array([np.cos(theta), np.sin(theta)])
    t = np.linspace(0, 2 * np.pi, 2000)
    u = np.stack([np.cos(t), np.sin(t)], 1)
    ring = a2 + eps * u / np.linalg.norm(u, ord={"linf": np.inf, "l2": 2, "l1": 1}[norm], axis=1,
                                         keepdims=True)
    eta, value = linear_worst_case(torch.tensor(w_[None]), torch.tensor(a2[None]), eps, norm)
    top = a2 + eta[0].numpy()
    line = top + np.outer([-1, 1], [-w_[1], w_[0]])
    for trace, (xs, ys) in zip(fig.data, [ring.T, line.T, ([a2[0]], [a2[1]]), ([top[0]], [top[1]]),
                                          ([a2[0], a2[0] + 0.25 * w_[0]], [a2[1], a2[1] + 0.25 * w_[1]])]):
        trace.x, trace.y = xs, ys
    info = (f"closed form ⟨x,a⟩ + ε‖x‖_* = {float(value[0]):.4f}; "
            f"best boundary point = {float((ring @ w_).max()):.4f}")
    return fig, info


def inline_sin_toy(eps):
    """The inline code of lecture 03 ("Try it"), verbatim but for the control value."""
    from course_lib.toys import sin_co
    from course_lib.viz.style import color

    xs = sin_co.x_grid(8.0, dx=2e-3)
    fig = go.Figure(layout=dict(title="Effective losses of the sin toy model, x ∈ (0, 8]", height=420,
                                xaxis=dict(title="parameter x"), yaxis=dict(title="loss", range=[0, 1.5])))
    curves = [("true robust loss", "black"), ("FGSM effective loss", "fgsm"),
              ("PGD-10 effective loss", "pgd")]
    for name, role in curves:
        fig.add_scatter(x=xs, name=name, mode="lines", line=dict(color=color(role)))
    for name, role in curves[1:]:
        fig.add_scatter(name=f"arg-min ({name.split()[0]})", mode="markers",
                        marker=dict(size=12, color=color(role)))
    losses = [sin_co.robust_loss(xs, eps), sin_co.effective_loss(xs, eps),
              sin_co.effective_loss(xs, eps, 10, eps / 4)]
    stars = [xs[np.argmin(v)] for v in losses[1:]]
    for trace, v in zip(fig.data[:3], losses):
        trace.y = v
    for trace, v, s in zip(fig.data[3:], losses[1:], stars):
        trace.x, trace.y = [s], [v.min()]
    info = f"ε/π = {eps / np.pi:.3f}: FGSM arg-min x* = {stars[0]:.2f}, PGD-10 arg-min x* = {stars[1]:.2f}"
    return fig, info


def same_figure(panel_fig, reference):
    from course_lib.viz.panel import figure_widget

    got, want = panel_fig.to_dict(), figure_widget(reference).to_dict()
    for trace_got, trace_want in zip(got["data"], want["data"], strict=True):
        assert set(trace_got) - {"uid"} == set(trace_want) - {"uid"}
        for key in set(trace_want) - {"uid"}:
            a, b = trace_got.get(key), trace_want.get(key)
            if isinstance(b, list) and b and isinstance(b[0], float):
                np.testing.assert_allclose(np.array(a, dtype=float), np.array(b, dtype=float),
                                           rtol=0, atol=1e-12)
            else:
                assert a == b, key
    assert got["layout"] == want["layout"]


@pytest.mark.parametrize(("norm", "eps", "theta"), [("linf", 0.2, 0.5), ("l2", 0.4, -3.1), ("l1", 0.02, 3.1),
                                                     ("l1", 0.3, 1.0)])
def test_linear_worst_case_demo_draws_what_the_inline_widget_drew(norm, eps, theta):
    demo = linear_worst_case_demo()
    demo.norm.value, demo.eps.value, demo.theta.value = norm, eps, theta
    fig, info = inline_linear_worst_case(norm, eps, theta)
    same_figure(demo.fig, fig)
    assert demo.info.value == info and demo.errors == 0
    assert [c.description for c in demo.controls.children[:3]] == ["norm", "ε", "weight angle θ"]
    ranges = [(c.min, c.max, c.step) for c in demo.controls.children[1:3]]
    assert ranges == [(0.02, 0.4, 0.02), (-3.1, 3.1, 0.05)]


@pytest.mark.parametrize("eps", [0.35, 0.05, 0.6, 1.2])
def test_sin_toy_demo_draws_what_the_inline_widget_drew(eps):
    demo = sin_toy_demo()
    demo.eps.value = eps
    fig, info = inline_sin_toy(eps)
    same_figure(demo.fig, fig)
    assert demo.info.value == info and demo.errors == 0
    assert (demo.eps.description, demo.eps.min, demo.eps.max, demo.eps.step) == ("ε", 0.05, 1.2, 0.01)


def test_sin_toy_demo_shows_the_collapse_at_pi_over_8():
    demo = sin_toy_demo(dx=1e-3)
    demo.eps.value = 0.35                                  # below π/8 ≈ 0.393: both arg-mins at x = 1
    assert "FGSM arg-min x* = 1.00" in demo.info.value
    demo.eps.value = 0.45                                  # above: FGSM's jumps to a high frequency
    assert float(demo.info.value.split("FGSM arg-min x* = ")[1].split(",")[0]) > 6.5
    assert "PGD-10 arg-min x* = 1.00" in demo.info.value
