"""Plotly animations of 2-D trajectories: frames, a play button and a slider, no kernel needed.

    traj = simulate(...)                      # shape (T+1, N, 2)
    fig = animate({"GDA": traj_gda, "EG": traj_eg},
                  background=[contour(phi, (-2, 2), (-2, 2))], title="min_x max_y xy")  # → minₓ maxᵧ xy

The figure plays in JupyterLab, in Voila and in an exported HTML file (``fig.write_html``).
Frames store the trails up to each frame time, so a few dozen frames are plenty (``n_frames``).

Readability is built in: every method gets its own colour (:func:`~course_lib.viz.style.distinct_colors`),
line style and marker symbol, and markers graded in size, the first method's largest and drawn
underneath, so starts that coincide (trajectories from the same points, generators from the same
initialisation) stay visible at frame 0; the legend shows each method's line and marker. The play /
pause buttons sit left of the frame slider whose "step k = …" label is at its right end, and the title,
axis titles and legend names go through :func:`~course_lib.viz.style.math_text` (``min_x`` → ``minₓ``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import contourpy
import numpy as np
import plotly.graph_objects as go

from course_lib import _validate
from course_lib.viz.style import COLORS, distinct_colors, math_text

Limits = tuple[float, float]

_SLIDER_X = 0.22  # paper x where the frame slider starts; the play / pause buttons end there
_SYMBOLS = ["circle", "diamond", "square", "triangle-up", "triangle-down", "pentagon", "hexagon", "star"]
_DASHES = ["solid", "dash", "dot", "dashdot", "longdash", "longdashdot"]
_SIZE = (6.0, 17.0)  # marker size of the last and of the first method (the first is drawn underneath)
_CLOUD_SIZE = (5.0, 11.0)  # the same without trails (clouds of samples): smaller, still nested


def _limits(name: str, lim: Sequence[float]) -> Limits:
    lo, hi = (float(v) for v in lim)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"'{name}' must be a pair (lo, hi) of finite numbers with lo < hi, got {lim!r}")
    return lo, hi


def contour(f: Callable[[np.ndarray, np.ndarray], np.ndarray], xlim: Sequence[float],
            ylim: Sequence[float], *, n: int = 81, ncontours: int = 15, color: str = COLORS["gray"],
            name: str = "level lines of Φ", opacity: float = 0.7, dash: str = "dot") -> go.Scatter:
    """Level lines of ``f(X, Y)`` (vectorised over grids) on ``xlim × ylim``, as one plotly line trace.

    The lines come from contourpy (matplotlib's engine). A line trace, unlike ``go.Contour``, stays on
    screen while a plotly animation plays (plotly.js drops a contour background once frames play).
    The lines are dotted (``dash``) so that they differ from the solid arrows of :func:`vector_field`.
    """
    (x0, x1), (y0, y1) = _limits("xlim", xlim), _limits("ylim", ylim)
    n = _validate.integer("n", n, lo=2, hi=1000)
    ncontours = _validate.integer("ncontours", ncontours, lo=1, hi=200)
    xs, ys = np.linspace(x0, x1, n), np.linspace(y0, y1, n)
    X, Y = np.meshgrid(xs, ys)
    Z = np.asarray(f(X, Y), dtype=float)
    if Z.shape != X.shape:
        raise ValueError(f"'f' must map grids of shape {X.shape} to the same shape, got {Z.shape}")
    Z = np.where(np.isfinite(Z), Z, np.nan)
    generator = contourpy.contour_generator(xs, ys, Z)
    segments = [seg for level in np.linspace(np.nanmin(Z), np.nanmax(Z), ncontours + 2)[1:-1]
                for seg in generator.lines(level)]
    gap = np.full((1, 2), np.nan)
    pts = np.concatenate([part for seg in segments for part in (seg, gap)]) if segments else gap
    return go.Scatter(x=pts[:, 0], y=pts[:, 1], mode="lines", name=name, hoverinfo="skip",
                      line={"color": color, "width": 1, "dash": dash}, opacity=opacity)


def vector_field(V: Callable[[np.ndarray], np.ndarray], xlim: Sequence[float], ylim: Sequence[float],
                 *, n: int = 15, scale: float = 0.8, sign: float = -1.0, color: str = COLORS["gray"],
                 name: str = "−V(z)") -> go.Scatter:
    """Arrows of ``sign · V(z)`` on an ``n × n`` grid (default −V: the direction the dynamics move).

    ``V`` maps an array of points of shape (M, 2) to (M, 2). Arrows are normalised to a common
    length so that the field's direction is readable everywhere (its size is in the hover text). The
    arrows are solid, the level lines of :func:`contour` dotted: both can share a figure.
    """
    (x0, x1), (y0, y1) = _limits("xlim", xlim), _limits("ylim", ylim)
    n = _validate.integer("n", n, lo=2, hi=60)
    X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
    Z = np.stack([X.ravel(), Y.ravel()], axis=1)
    F = sign * np.asarray(V(Z), dtype=float)
    if F.shape != Z.shape:
        raise ValueError(f"'V' must map points of shape {Z.shape} to the same shape, got {F.shape}")
    norm = np.linalg.norm(F, axis=1, keepdims=True)
    ok = np.isfinite(norm[:, 0]) & (norm[:, 0] > 0)
    F = np.where(ok[:, None], F / np.where(ok, norm[:, 0], 1.0)[:, None], 0.0)
    cell = min(x1 - x0, y1 - y0) / (n - 1)
    import plotly.figure_factory as ff  # imported here: it costs ~1 s at import (see viz/__init__)

    quiver = ff.create_quiver(Z[:, 0], Z[:, 1], F[:, 0], F[:, 1], scale=scale * cell, arrow_scale=0.3)
    trace = quiver.data[0]
    trace.update(line={"color": color, "width": 1}, name=name, hoverinfo="skip", showlegend=True)
    return trace


def _groups(traj: np.ndarray | Mapping[str, np.ndarray], names: Sequence[str] | None) -> dict:
    if isinstance(traj, Mapping):
        groups = dict(traj)
    else:
        groups = {(names[0] if names else "trajectory"): traj}
    if not groups:
        raise ValueError("'traj' must hold at least one array of trajectories")
    out, T = {}, None
    for key, value in groups.items():
        arr = _validate.array(f"traj[{key!r}]", value)
        if arr.ndim == 2:
            arr = arr[:, None, :]
        if arr.ndim != 3 or arr.shape[2] != 2 or arr.shape[0] < 1:
            raise ValueError(f"'traj[{key!r}]' must have shape (T+1, N, 2), got {arr.shape}")
        if T is not None and arr.shape[0] != T:
            raise ValueError(f"every trajectory must have the same length T+1, got {arr.shape[0]} and {T}")
        T = arr.shape[0]
        out[str(key)] = arr
    return out


def _paths(arr: np.ndarray, upto: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """All N paths through the time indices ``upto``, separated by NaN gaps (one plotly trace)."""
    pts = arr[upto]  # (k, N, 2)
    gap = np.full((1, pts.shape[1], 2), np.nan)
    seq = np.concatenate([pts, gap], axis=0).transpose(1, 0, 2).reshape(-1, 2).astype(np.float32)
    return seq[:, 0], seq[:, 1]


def animate(traj: np.ndarray | Mapping[str, np.ndarray], *, background: Sequence[go.BaseTraceType] = (),
            names: Sequence[str] | None = None, colors: Sequence[str] | None = None,
            status: np.ndarray | Mapping[str, np.ndarray] | None = None, title: str = "",
            xlabel: str = "x", ylabel: str = "y", n_frames: int = 60, trail: bool = True,
            xlim: Sequence[float] | None = None, ylim: Sequence[float] | None = None,
            markers: Sequence[Mapping] = (), frame_ms: int = 80, height: int = 520) -> go.Figure:
    """Animate trajectories of shape (T+1, N, 2) (or a dict name → such array, one colour each).

    ``status`` (same keys, arrays of N strings such as "diverged") marks stopped starts with a cross.
    ``markers`` are static points, e.g. ``{"x": [0], "y": [0], "name": "z*", "symbol": "star"}``.
    Without ``colors`` each method gets its role colour (``"GDA"`` → ``color("gda")``) or a palette colour
    that no other method of the figure has.
    """
    groups = _groups(traj, names)
    n_frames = _validate.integer("n_frames", n_frames, lo=1, hi=500)
    _validate.integer("frame_ms", frame_ms, lo=1, hi=5000)
    T1 = next(iter(groups.values())).shape[0]
    times = np.unique(np.linspace(0, T1 - 1, min(n_frames, T1)).round().astype(int))
    if colors is None:
        colors = distinct_colors(list(groups))
    elif len(colors) < len(groups):
        raise ValueError(f"'colors' must give one colour per trajectory ({len(groups)}), got {len(colors)}")
    statuses = status if isinstance(status, Mapping) else ({next(iter(groups)): status} if status is not None
                                                          else {})

    fig = go.Figure()
    for trace in background:
        fig.add_trace(trace)
    for m in markers:
        fig.add_trace(go.Scatter(x=list(m["x"]), y=list(m["y"]), mode="markers",
                                 name=math_text(m.get("name", "")),
                                 marker={"symbol": m.get("symbol", "star"), "size": m.get("size", 16),
                                         "color": m.get("color", "#000000")}))
    first = len(fig.data)
    # the methods often start at the same points (one initialisation for all): graded sizes, the first
    # method's largest and drawn underneath, keep every one visible at frame 0
    low, high = _SIZE if trail else _CLOUD_SIZE
    sizes = np.linspace(high, low, len(groups)) if len(groups) > 1 else [7.0]
    legend = []
    for i, ((key, arr), col) in enumerate(zip(groups.items(), colors)):
        line = {"color": col, "width": 1.5, "dash": _DASHES[i % len(_DASHES)]}
        # a white rim separates nested markers; in a dense cloud of samples it would hide the ones beneath
        marker = {"color": col, "size": float(sizes[i]), "symbol": _SYMBOLS[i % len(_SYMBOLS)],
                  "line": {"color": "#FFFFFF", "width": 1 if trail else 0}}
        fig.add_trace(go.Scatter(x=[], y=[], mode="lines", name=math_text(key), legendgroup=key,
                                 showlegend=False, line=line, opacity=0.8))
        symbols = np.where(np.asarray(statuses.get(key, ["ok"] * arr.shape[1])) == "diverged",
                           "x", marker["symbol"])
        fig.add_trace(go.Scatter(x=arr[0, :, 0], y=arr[0, :, 1], mode="markers", legendgroup=key,
                                 showlegend=False, name=math_text(key), marker={**marker, "symbol": symbols}))
        # the legend entry: a static trace with no points, showing the method's line and marker
        legend.append(go.Scatter(x=[None], y=[None], mode="lines+markers" if trail else "markers",
                                 name=math_text(key), legendgroup=key, hoverinfo="skip", line=line,
                                 marker={**marker, "size": 10.0}))

    def frame_data(t: int) -> list[go.Scatter]:
        data = []
        for arr in groups.values():
            upto = times[times <= t] if trail else np.array([t])
            px, py = _paths(arr, upto)
            data += [go.Scatter(x=px, y=py), go.Scatter(x=arr[t, :, 0], y=arr[t, :, 1])]
        return data

    indices = list(range(first, first + 2 * len(groups)))
    fig.frames = [go.Frame(data=frame_data(t), traces=indices, name=str(t)) for t in times]
    for trace, data in zip(fig.data[first:], frame_data(int(times[0]))):
        trace.x, trace.y = data.x, data.y
    fig.add_traces(legend)  # after the animated traces, whose indices the frames name

    allpts = np.concatenate([a.reshape(-1, 2) for a in groups.values()], axis=0)
    pad = lambda lo, hi: (lo - 0.05 * (hi - lo + 1e-9), hi + 0.05 * (hi - lo + 1e-9))  # noqa: E731
    xr = _limits("xlim", xlim) if xlim is not None else pad(allpts[:, 0].min(), allpts[:, 0].max())
    yr = _limits("ylim", ylim) if ylim is not None else pad(allpts[:, 1].min(), allpts[:, 1].max())
    play = {"args": [None, {"frame": {"duration": frame_ms, "redraw": False}, "fromcurrent": True,
                            "transition": {"duration": 0}}], "label": "▶ play", "method": "animate"}
    pause = {"args": [[None], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
             "label": "❚❚ pause", "method": "animate"}
    steps = [{"args": [[str(t)], {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}],
              "label": str(t), "method": "animate"} for t in times]
    fig.update_layout(
        title=math_text(title), xaxis={"title": math_text(xlabel), "range": list(xr)},
        yaxis={"title": math_text(ylabel), "range": list(yr)},
        height=height, legend={"x": 1.02, "y": 1.0, "xanchor": "left"},
        # the buttons end where the slider starts (xanchor "right" at the slider's x), level with its rail;
        # the slider's "step k = …" label sits at its right end, so nothing covers it
        updatemenus=[{"type": "buttons", "buttons": [play, pause], "x": _SLIDER_X, "y": 0.0,
                      "xanchor": "right", "yanchor": "top", "direction": "left", "showactive": False,
                      "pad": {"r": 10, "t": 87}}],
        sliders=[{"steps": steps, "currentvalue": {"prefix": "step k = ", "xanchor": "right"},
                  "x": _SLIDER_X, "len": 1.0 - _SLIDER_X, "xanchor": "left", "y": 0.0, "yanchor": "top",
                  "pad": {"b": 10, "t": 50}}],
    )
    return fig
