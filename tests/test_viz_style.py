"""Figures that read well: every figure the library builds follows the conventions of :mod:`course_lib.viz`.

- one colour per method, one style per legend entry within a figure (its legend is shared by the subplots),
  and a legend clear of any colour bar;
- an animation gives each method its own colour, line style and marker, and at frame 0 (where the methods
  usually start at the same points) every method's marker stays visible;
- an animation's play / pause buttons do not cover its frame slider's "step k = …" label;
- every xy axis has a title;
- math in titles, axis titles and legend names is written with :func:`~course_lib.viz.style.math_text`.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from course_lib.viz import style
from course_lib.viz.animate import animate, contour, vector_field
from course_lib.viz.style import METHOD_GROUPS, ROLE_COLORS, color, distinct_colors, math_text, role_color
from tests.test_viz_panels import BUILDERS


def rotation(T=30, N=3):
    t = np.arange(T + 1)[:, None]
    r = np.linspace(0.5, 2.0, N)[None, :]
    return np.stack([r * np.cos(0.1 * t), r * np.sin(0.1 * t)], axis=-1)  # (T+1, N, 2)


# the comparisons the lectures animate (the same names), all from the same starts as in the lectures
COMPARISONS = {
    "lecture 00": ["η = 0.20", "η = 0.60", "η = 0.70"],
    "lecture 02": ["PGD", "DDD"],
    "lecture 06 Dirac": ["GDA", "EG", "OGDA"],
    "lecture 06 WGAN": ["clipping", "gradient penalty", "spectral norm"],
    "lecture 06 optimizers": ["Adam", "EG", "SEG+"],
    "lecture 07 xy": ["GDA", "PPM", "EG", "OGDA", "RFBS"],
    "lecture 08 CEG+": ["CEG+", "CurvatureEG+"],
    "lecture 08 SEG": ["SEG", "BC-SEG+"],
}


def sample_animation(names, trail=True):
    lim = (-2.5, 2.5)
    background = [contour(lambda X, Y: X * Y, lim, lim, n=21),
                  vector_field(lambda Z: np.stack([Z[:, 1], -Z[:, 0]], 1), lim, lim, n=5)]
    return animate({name: rotation() * (1 - 0.1 * i) ** np.arange(31)[:, None, None]
                    for i, name in enumerate(names)}, background=background, n_frames=10, trail=trail,
                   title="min_x max_y xy, α = 0.2", xlabel="x (min player)", ylabel="y (max player)",
                   markers=[{"x": [0], "y": [0], "name": "solution z* = 0"}])


ANIMATIONS = {name: (lambda names=names: sample_animation(names)) for name, names in COMPARISONS.items()}
ANIMATIONS["snapshots (trail=False)"] = lambda: sample_animation(COMPARISONS["lecture 06 optimizers"], False)


@pytest.fixture(scope="module")
def panels():
    built = {name: build() for name, build in BUILDERS.items()}
    yield built
    for panel in built.values():
        panel.close()


# -- helpers --------------------------------------------------------------------------------------------
def _key(value):
    if value is None or isinstance(value, str):
        return value
    return tuple(np.asarray(value).ravel().tolist())


def trace_color(trace):
    mode = getattr(trace, "mode", None) or ""
    line = getattr(trace, "line", None)
    if "lines" in mode and line is not None and line.color is not None:
        return _key(line.color)
    marker = getattr(trace, "marker", None)
    if marker is not None and marker.color is not None:
        return _key(marker.color)
    return _key(line.color) if line is not None else None


def legend_entries(fig):
    """Traces shown in the legend, with the subplot they belong to."""
    out = []
    for trace in fig.data:
        if trace.showlegend is False or not trace.name or trace.type not in ("scatter", "scatterpolar"):
            continue
        subplot = getattr(trace, "subplot", None) or (trace.xaxis or "x", trace.yaxis or "y")
        out.append((subplot, trace))
    return out


def style_key(trace):
    mode = trace.mode or ""
    dash = trace.line.dash if "lines" in mode else None
    symbol = _key(trace.marker.symbol) if "markers" in mode else None
    return trace_color(trace), dash, symbol, "lines" in mode


def texts(fig):
    """Every title, axis title and legend name of a figure."""
    layout = fig.layout
    out = [layout.title.text]
    out += [axis.title.text for axis in [*fig.select_xaxes(), *fig.select_yaxes()]]
    out += [a.text for a in layout.annotations]                  # make_subplots' subplot titles
    out += [trace.name for trace in fig.data]
    return [t for t in out if t]


def check_axes_titled(fig):
    for axis in [*fig.select_xaxes(), *fig.select_yaxes()]:
        assert axis.title.text, f"an xy axis without a title: {axis.to_plotly_json()}"


def check_legend_entries_distinct(fig, where=""):
    """One legend serves every subplot: no two entries may look alike, and two methods (names with a role
    colour, e.g. "GDA", "SAM") never share a colour."""
    entries = [(style_key(trace), trace.name) for _, trace in legend_entries(fig)]
    keys = [k for k, _ in entries]
    assert len(set(keys)) == len(keys), f"{where}: two legend entries look alike: {entries}"
    methods = [(k[0], name) for k, name in entries if role_color(name) is not None]
    colours = [c for c, _ in methods]
    assert len(set(colours)) == len(colours), f"{where}: two methods share a colour: {methods}"


def shows_colorbar(trace):
    if trace.type in ("heatmap", "contour", "histogram2d", "histogram2dcontour", "surface"):
        return trace.showscale is not False
    marker = getattr(trace, "marker", None)
    return bool(marker is not None and getattr(marker, "showscale", False))


def check_legend_clear_of_colorbar(fig, where=""):
    """plotly puts both the legend and a colour bar at x = 1.02 (right of the plot): they overlap unless one
    of them is moved (e.g. a horizontal legend above or below the plot, as in lecture 08)."""
    bars = [t for t in fig.data if shows_colorbar(t)]
    if not bars or not legend_entries(fig) or fig.layout.showlegend is False:
        return
    legend = fig.layout.legend
    moved = legend.orientation == "h" or (legend.x is not None and legend.x < 1)
    moved_bars = all((getattr(t, "colorbar", None) is not None and t.colorbar.x is not None
                      and legend.x is not None and abs(t.colorbar.x - legend.x) > 0.15) for t in bars)
    assert moved or moved_bars, f"{where}: the legend sits on the colour bar (both at x = 1.02)"


# -- style module ---------------------------------------------------------------------------------------
def test_every_method_group_has_distinct_role_colours():
    style.check_method_colors()
    for title, roles in METHOD_GROUPS.items():
        colours = [ROLE_COLORS[r] for r in roles]
        assert len(set(colours)) == len(colours), title
    assert color("adam") != color("eg") != color("seg+") != color("adam")
    with pytest.raises(ValueError, match="share the colour"):
        style.check_method_colors({"broken": ("eg", "pgd")})


def test_role_color_reads_display_names():
    assert role_color("GDA") == color("gda") and role_color("EG+ (α = ½)") == color("eg+")
    assert role_color("CurvatureEG+") == color("curvature-eg+") and role_color("BC-SEG+") == color("bc-seg+")
    assert role_color("spectral norm") is None and role_color("nope", "#000000") == "#000000"


@pytest.mark.parametrize("names", list(COMPARISONS.values()), ids=list(COMPARISONS))
def test_distinct_colors_keeps_roles_and_never_repeats(names):
    colours = distinct_colors(names)
    assert len(set(colours)) == len(names)
    for name, c in zip(names, colours):
        assert role_color(name) in (None, c) or role_color(name) in colours[:names.index(name)]


@pytest.mark.parametrize(("text", "expected"), [
    ("min_x max_y xy", "minₓ maxᵧ xy"),
    ("λ_max(A)", "λₘₐₓ(A)"),
    ("Re eig J_V", "Re eig J<sub>V</sub>"),
    ("ρ(η)^k ‖z_0‖", "ρ(η)ᵏ ‖z₀‖"),
    ("L_ε(θ)", "L<sub>ε</sub>(θ)"),
    ("D_γ f(0)", "Dᵧ f(0)"),
    ("e^{ε|θ|}", "e<sup>ε|θ|</sup>"),
    ("spectral_norm", "spectral_norm"),
    ("a + η*", "a + η*"),
])
def test_math_text(text, expected):
    assert math_text(text) == expected
    assert math_text(expected) == expected                       # idempotent


# -- animations -----------------------------------------------------------------------------------------
def animation_parts(fig):
    """(legend entries, trails, heads) of the methods of an animation, in method order."""
    grouped = [t for t in fig.data if t.legendgroup]
    legend = [t for t in grouped if t.showlegend is not False]
    trails = [t for t in grouped if t.showlegend is False and t.mode == "lines"]
    heads = [t for t in grouped if t.showlegend is False and t.mode == "markers"]
    return legend, trails, heads


@pytest.mark.parametrize("name", ANIMATIONS)
def test_animation_gives_each_method_its_own_colour_line_and_marker(name):
    fig = ANIMATIONS[name]()
    legend, trails, heads = animation_parts(fig)
    assert len(legend) == len(trails) == len(heads) >= 1
    colours = [t.line.color for t in legend]
    assert len(set(colours)) == len(colours), f"{name}: methods share a colour: {colours}"
    assert len({t.line.dash for t in trails}) == len(trails), f"{name}: methods share a line style"
    assert len({_key(t.marker.symbol) for t in heads}) == len(heads), f"{name}: methods share a marker"
    for entry, trail, head in zip(legend, trails, heads):
        role = role_color(entry.name)
        assert role is None or role == entry.line.color or role in colours, entry.name
        # the legend shows what the plot draws: the trail's line (with trails) and the head's marker
        assert entry.name == trail.name == head.name and entry.legendgroup == trail.legendgroup
        assert entry.line.color == trail.line.color == head.marker.color
        assert entry.marker.symbol == _key(head.marker.symbol)[0]
        assert ("lines" in entry.mode) == ("trail=False" not in name) and "markers" in entry.mode
        if "lines" in entry.mode:
            assert entry.line.dash == trail.line.dash
    check_legend_entries_distinct(fig, name)


@pytest.mark.parametrize("name", ANIMATIONS)
def test_animation_keeps_every_start_marker_visible_at_frame_0(name):
    """The methods start at the same points (the lectures' runs share their starts, GANs their
    initialisation): stacked in drawing order, each marker must be smaller than every marker under it and
    large enough to show a ring of it, else only the top one is seen."""
    fig = ANIMATIONS[name]()
    _, _, heads = animation_parts(fig)
    first = [np.column_stack([t.x, t.y]) for t in heads]
    assert all(np.allclose(a, first[0]) for a in first)       # the sample: coinciding starts
    sizes = [t.marker.size for t in heads]
    assert all(a - b >= 2.0 for a, b in zip(sizes, sizes[1:])), f"{name}: sizes {sizes}"
    assert min(sizes) >= 5.0 and all(t.marker.line.color == "#FFFFFF" for t in heads)
    if "trail=False" in name:                                     # clouds of samples: small markers
        assert max(sizes) <= 11.0
    # the head traces are animated by every frame, the legend entries never
    animated = set(fig.frames[0].traces)
    assert {fig.data.index(t) for t in heads} <= animated


@pytest.mark.parametrize("name", ANIMATIONS)
def test_animation_controls_do_not_cover_the_slider_label(name):
    layout = ANIMATIONS[name]().layout
    (slider,) = layout.sliders
    assert slider.xanchor in (None, "left") and slider.currentvalue.prefix == "step k = "
    start, end = slider.x, slider.x + slider.len
    assert 0 <= start < end <= 1 + 1e-9
    for menu in layout.updatemenus:
        # buttons anchored at their right end, which lies at or left of the slider's start (paper x)
        assert menu.xanchor == "right" and menu.x <= start + 1e-9, (menu.x, menu.xanchor, start)
        assert (menu.pad.r or 0) >= 0
        # below the plot like the slider, level with its rail (below the label row on top of the slider)
        assert menu.y <= 0 and slider.y <= 0 and menu.yanchor == slider.yanchor == "top"
        assert (menu.pad.t or 0) > (slider.pad.t or 0)
    # the "step k = …" label: at the slider's right end, or at its left end (x = start, never covered)
    assert slider.currentvalue.xanchor in ("right", "left", None)


@pytest.mark.parametrize("name", ANIMATIONS)
def test_animation_axes_are_titled_and_math_follows_the_convention(name):
    fig = ANIMATIONS[name]()
    check_axes_titled(fig)
    assert fig.layout.title.text == "minₓ maxᵧ xy, α = 0.2"
    for text in texts(fig):
        assert math_text(text) == text, text


def test_legend_check_catches_a_legend_on_the_colour_bar():
    lim = (-1.5, 1.5)
    fig = go.Figure(go.Heatmap(x=[-1, 1], y=[-1, 1], z=[[0, 1], [1, 0]], colorbar={"title": "ratio"}))
    fig.add_trace(vector_field(lambda Z: np.stack([Z[:, 1], -Z[:, 0]], 1), lim, lim, n=5))
    with pytest.raises(AssertionError, match="colour bar"):
        check_legend_clear_of_colorbar(fig)
    fig.update_layout(legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"})  # as in lecture 08
    check_legend_clear_of_colorbar(fig)


def test_legend_check_catches_look_alike_entries_across_subplots():
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers", name="GD iterates"),
                     go.Scatter(x=[0, 1], y=[1, 0], mode="lines+markers", name="measured ‖zₖ‖", xaxis="x2")])
    fig.update_traces(line_color=color("blue"), marker_color=color("blue"))
    with pytest.raises(AssertionError, match="look alike"):
        check_legend_entries_distinct(fig)
    fig.data[1].marker.symbol = "diamond"
    check_legend_entries_distinct(fig)
    fig = go.Figure([go.Scatter(x=[0], y=[0], mode="lines", name="SAM", line_color=color("eg")),
                     go.Scatter(x=[0], y=[0], mode="lines", name="PGD", line_color=color("pgd"),
                                line_dash="dash")])
    with pytest.raises(AssertionError, match="share a colour"):
        check_legend_entries_distinct(fig)


def test_background_arrows_and_level_lines_differ():
    fig = sample_animation(["GDA"])
    arrows, levels = fig.data[1], fig.data[0]
    assert (levels.line.color, levels.line.dash) != (arrows.line.color, arrows.line.dash)


# -- panels ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", BUILDERS)
def test_panel_legend_entries_are_distinct_and_clear_of_colorbars(name, panels):
    check_legend_entries_distinct(panels[name].fig, name)
    check_legend_clear_of_colorbar(panels[name].fig, name)


@pytest.mark.parametrize("name", BUILDERS)
def test_panel_legend_entries_are_distinct_within_each_subplot(name, panels):
    by_subplot: dict = {}
    for subplot, trace in legend_entries(panels[name].fig):
        by_subplot.setdefault(subplot, []).append((style_key(trace), trace.name))
    for subplot, entries in by_subplot.items():
        keys = [k for k, _ in entries]
        assert len(set(keys)) == len(keys), f"{name} {subplot}: two legend entries look alike: {entries}"


@pytest.mark.parametrize("name", BUILDERS)
def test_panel_axes_are_titled_and_math_follows_the_convention(name, panels):
    fig = panels[name].fig
    check_axes_titled(fig)
    for text in texts(fig):
        assert math_text(text) == text, f"{name}: {text!r} is not written with math_text"


def test_minimax_panels_colour_each_method_by_its_role(panels):
    panel = panels["build_trajectory_widget"]
    for label in list(panel.method.options):
        panel.method.value = label
        trajectories = panel.fig.data[3]
        assert trajectories.line.color == panel.fig.data[4].marker.color
        assert trajectories.name == f"{label} trajectories"
        assert trajectories.line.color != panel.fig.data[2].marker.color or label == "PPM"
    assert isinstance(panel.fig, go.FigureWidget)
