"""The base of every interactive figure of the course: a :class:`Panel` owns its controls, readout and figure.

A panel is a library object, so its callbacks reference only the panel (never a notebook's global
``fig``: rebinding that name in a later cell cannot break a slider). Every control observer goes
through one wrapper (:meth:`Panel.observe`) that

- catches any exception of the callback, shows a one-line message in the panel's readout
  ("could not update: …; move the control back or rerun the cell"), logs it once (``logging``,
  logger ``course_lib.viz.panel``) and counts it in ``panel.errors``; the panel stays usable;
- records warnings raised during an update (``panel.warnings``) and logs them instead of letting them
  reach the student as pink stderr boxes.

Figure updates go through :meth:`Panel.restyle`, which hands plotly plain lists, never numpy arrays:
plotly's widget code tests some trace properties for truth (``if not value`` in
``BaseFigureWidget._remove_overlapping_props``), which raises "The truth value of an array … is
ambiguous" when the front end reports a property that the Python side holds as an array.

Usage in a lecture::

    demo = linear_worst_case_demo()
    display(demo.controls, demo.fig)   # or simply: demo.show()
"""

from __future__ import annotations

import base64
import html
import logging
import math
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure

from course_lib.viz import widgets as _widgets

log = logging.getLogger(__name__)
logging.getLogger("course_lib").addHandler(logging.NullHandler())  # nothing on stderr unless configured

Callback = Callable[..., Any]
_ERROR_COLOR = "#D55E00"
_MAX_MESSAGE = 160


def plain(value: Any) -> Any:
    """``value`` with every numpy array / scalar replaced by Python lists / numbers (recursively in dicts,
    lists and tuples) and every NaN / ±inf by ``None`` (a gap, as NaN is for plotly): what a
    ``FigureWidget`` property should hold. (Plain JSON cannot carry NaN: the kernel would send the
    message only after a "Message serialization failed" warning.)"""
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "fc" and not np.isfinite(value).all():
            return np.where(np.isfinite(value), value, None).tolist()
        return value.tolist()
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _unpack(value: Any) -> Any:
    """Decode plotly's base64 array specs ({"dtype", "bdata", "shape"}) of ``Figure.to_dict()`` to lists."""
    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            if shape:
                arr = arr.reshape([int(s) for s in str(shape).split(",")])
            return arr.tolist()
        return {k: _unpack(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unpack(v) for v in value]
    return value


def figure_widget(fig: BaseFigure | dict) -> go.FigureWidget:
    """A ``go.FigureWidget`` of ``fig`` whose data are plain lists (no numpy arrays, see :func:`plain`)."""
    spec = fig.to_dict() if isinstance(fig, BaseFigure) else dict(fig)
    spec.pop("frames", None)
    return go.FigureWidget(plain(_unpack(spec)))


def _one_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    first = next((line.strip() for line in text if line.strip()), "")
    message = f"{type(err).__name__}: {first}" if first else type(err).__name__
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE - 1] + "…"


class Panel:
    """Controls (``widgets``, by name: ``panel.eps`` is ``panel.widgets["eps"]``), a ``readout`` line
    (alias ``info``) and a ``go.FigureWidget`` (``fig``); ``controls`` is the box to display above the
    figure. ``errors`` counts the callback errors caught so far, ``warnings`` the warnings recorded."""

    def __init__(self, fig: go.Figure | go.FigureWidget, widgets: Mapping[str, W.Widget] | None = None,
                 readout: W.HTML | None = None, *, controls: W.Box | None = None) -> None:
        self.__dict__["widgets"] = dict(widgets or {})
        self.fig = fig if isinstance(fig, go.FigureWidget) else figure_widget(fig)
        self.readout = readout if readout is not None else _widgets.readout()
        self.controls = controls if controls is not None else W.VBox([*self.widgets.values(), self.readout])
        self.errors = 0
        self.warnings: list[str] = []
        self.last_error: str | None = None
        self._logged: set[str] = set()
        self._handlers: list[tuple[W.Widget, Callback]] = []

    # -- attributes ---------------------------------------------------------------------------------
    def __getattr__(self, name: str) -> W.Widget:
        try:
            return self.__dict__["widgets"][name]
        except KeyError:
            raise AttributeError(f"{type(self).__name__!s} has no attribute or control {name!r}") from None

    @property
    def info(self) -> W.HTML:
        """The readout line under the controls (the older builders' name)."""
        return self.readout

    @property
    def message(self) -> W.HTML:
        """The readout line under the controls (the min-max widgets' name)."""
        return self.readout

    # -- callbacks ----------------------------------------------------------------------------------
    def call(self, callback: Callback, *args: Any) -> bool:
        """Call ``callback(*args)`` guarded: an exception is shown in the readout, logged once and counted;
        warnings are recorded and logged. Returns whether the call succeeded."""
        caught: list[warnings.WarningMessage] = []
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                callback(*args)
        except Exception as err:  # noqa: BLE001 - a widget callback must never die silently
            self._report(callback, err)
            return False
        finally:
            self._record(caught)
        return True

    def guard(self, callback: Callback) -> Callback:
        """``callback`` wrapped by :meth:`call`, for ``widget.observe``."""

        def guarded(change: object = None) -> None:
            self.call(callback, change)

        guarded.__name__ = f"guarded_{getattr(callback, '__name__', 'callback')}"
        guarded.__wrapped__ = callback  # type: ignore[attr-defined]
        return guarded

    def observe(self, callback: Callback, names: Iterable[str] | None = None) -> None:
        """Run ``callback(change)`` (guarded) whenever the value of the named controls (default: all)
        changes."""
        for name in (list(self.widgets) if names is None else names):
            widget, handler = self.widgets[name], self.guard(callback)
            widget.observe(handler, names="value")
            self._handlers.append((widget, handler))

    def draw(self, callback: Callback) -> None:
        """The first drawing, run while the cell executes: an error is raised (a normal traceback under the
        cell), warnings are recorded and logged like those of the callbacks."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            callback()
        self._record(caught)

    def _report(self, callback: Callback, err: Exception) -> None:
        self.errors += 1
        self.last_error = _one_line(err)
        self.readout.value = (f"<span style='color:{_ERROR_COLOR}'>could not update: "
                              f"{html.escape(self.last_error)}; move the control back or rerun the cell"
                              "</span>")
        key = f"{getattr(callback, '__qualname__', callback)}: {self.last_error}"
        if key not in self._logged:
            self._logged.add(key)
            log.warning("%s: callback %s failed: %s", type(self).__name__,
                        getattr(callback, "__qualname__", callback), self.last_error, exc_info=err)

    def _record(self, caught: list[warnings.WarningMessage]) -> None:
        for w in caught:
            text = f"{w.category.__name__}: {w.message}"
            if text not in self.warnings:
                self.warnings.append(text)
                log.info("%s: %s (%s:%s)", type(self).__name__, text, w.filename, w.lineno)

    # -- figure -------------------------------------------------------------------------------------
    def restyle(self, updates: Mapping[int, Mapping[str, Any]],
                layout: Mapping[str, Any] | None = None) -> None:
        """Set properties of traces (``{trace index: {property: value}}``) and of the layout in one batch,
        as plain lists."""
        with self.fig.batch_update():
            for index, props in updates.items():
                self.fig.data[index].update(plain(dict(props)))
            if layout:
                self.fig.layout.update(plain(dict(layout)))

    def show(self) -> None:
        """Display the controls, then the figure (a FigureWidget inside a box is empty in Voila).

        In a static export (``make html``) there is no kernel behind the controls: the figure is shown
        in its current (first) render, with the readout and a one-line note, instead of the widgets."""
        from IPython.display import HTML, display

        from course_lib.viz import export

        if not export.active():
            display(self.controls, self.fig)
            return
        names = ", ".join(getattr(w, "description", "") or key for key, w in self.widgets.items())
        display(HTML(f"<p><i>Interactive figure: its controls ({html.escape(names)}) need a running kernel "
                     f"(open the notebook in JupyterLab); shown here in its first state.</i><br>"
                     f"{self.readout.value}</p>"))
        go.Figure(self.fig).show()

    def handlers(self) -> list[Callback]:
        """The guarded observers this panel registered (for tests: they close over the panel only)."""
        return [handler for _, handler in self._handlers]

    def close(self) -> None:
        """Detach the observers and close the widgets."""
        for widget, handler in self._handlers:
            widget.unobserve(handler, names="value")
        self._handlers.clear()
        for widget in [*self.widgets.values(), self.readout, self.controls, self.fig]:
            widget.close()
