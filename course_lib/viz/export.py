"""Static export of the lectures (``make html``): plotly figures become offline HTML files.

When ``COURSE_EXPORT_DIR`` is set (by ``tools/export_html.py``), :func:`course_lib.setup` makes this
the default plotly renderer: every figure a notebook displays is written with
``fig.write_html(..., include_plotlyjs="directory")`` next to one shared ``plotly.min.js``, and the
notebook output becomes an ``<iframe>`` to it. Animations then play from ``file://`` with no kernel
and no network. Live widgets (sliders) need a kernel: a panel's :meth:`~course_lib.viz.panel.Panel.show`
exports its figure in its first render, with a one-line note, instead of the widgets.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import plotly.io as pio
from plotly.io._base_renderers import MimetypeRenderer

ENV = "COURSE_EXPORT_DIR"
DASHBOARD_ENV = "COURSE_DASHBOARD"
_FIGURES = itertools.count(1)  # module-level: plotly copies renderer objects, so instances cannot count


class ExportRenderer(MimetypeRenderer):
    """Write each figure to ``<directory>/<prefix>figure_<n>.html`` and show it in an iframe."""

    def __init__(self, directory: str | Path, prefix: str = "") -> None:
        self.directory = Path(directory)
        self.prefix = prefix

    def to_mimebundle(self, fig_dict: dict) -> dict:
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{self.prefix}figure_{next(_FIGURES)}.html"
        pio.write_html(fig_dict, self.directory / name, include_plotlyjs="directory", auto_play=False,
                       full_html=True)
        height = int(fig_dict.get("layout", {}).get("height") or 500) + 60
        src = f"{self.directory.name}/{name}"
        return {"text/html": f'<iframe src="{src}" width="100%" height="{height}" '
                             f'style="border:none" title="{name}"></iframe>'}


class DashboardRenderer(MimetypeRenderer):
    """Figures as plain HTML for a Voila dashboard (``make present`` sets ``COURSE_DASHBOARD=1``):
    plotly.js is inlined once per kernel, with the first figure, and no MathJax is loaded from a CDN.
    (In Voila, JupyterLab's plotly mime renderer renders but then fails on a method Voila's output model
    lacks: "r.setData is not a function"; the dashboard leaves that extension out.)"""

    def to_mimebundle(self, fig_dict: dict) -> dict:
        first = not _DASHBOARD_JS_SENT
        _DASHBOARD_JS_SENT.append(True)
        return {"text/html": pio.to_html(fig_dict, include_plotlyjs=first, include_mathjax=False,
                                         full_html=False, auto_play=False)}


_DASHBOARD_JS_SENT: list[bool] = []  # module-level, like _FIGURES: whether plotly.js was sent already


def active() -> bool:
    """Whether this kernel is exporting a static page (``make html``): figures go to files, live
    controls have no kernel to talk to."""
    return pio.renderers.default == "course_export"


def activate_from_env() -> bool:
    """Use :class:`ExportRenderer` when ``COURSE_EXPORT_DIR`` is set (return True), or
    :class:`DashboardRenderer` when ``COURSE_DASHBOARD=1`` (return False: the page is live)."""
    directory = os.environ.get(ENV)
    if not directory:
        if os.environ.get(DASHBOARD_ENV) == "1":
            pio.renderers["course_dashboard"] = DashboardRenderer()
            pio.renderers.default = "course_dashboard"
        return False
    pio.renderers["course_export"] = ExportRenderer(directory, os.environ.get("COURSE_EXPORT_PREFIX", ""))
    pio.renderers.default = "course_export"
    return True
