"""Widget helpers: every builder returns its widgets, so tests can drive them without a browser.

Pattern used by the lectures::

    demo = gd_step_size_demo(...)     # returns an object with the controls and a go.FigureWidget
    display(demo.controls)            # a VBox of sliders and labels
    display(demo.fig)                 # displayed on its own: a FigureWidget inside a VBox is empty in Voila
    demo.eta.value = 0.3              # what a test does: observers run synchronously, the figure updates

Sliders clamp values to their range, so a widget can never be driven outside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as W

from course_lib import _validate

_LAYOUT = {"width": "480px"}
_STYLE = {"description_width": "140px"}


def _range(description: str, value: float, lo: float, hi: float, step: float) -> None:
    _validate.number("min", lo)
    _validate.number("max", hi)
    _validate.positive("step", step)
    if not lo < hi:
        raise ValueError(f"slider {description!r}: 'min' must be < 'max', got {lo} and {hi}")
    _validate.number("value", value, lo=lo, hi=hi)


def float_slider(description: str, value: float, min: float, max: float, step: float, *,
                 readout_format: str = ".3f", continuous_update: bool = True) -> W.FloatSlider:
    """A labelled float slider of the course's width; ``value`` must lie in [min, max]."""
    _range(description, value, min, max, step)
    return W.FloatSlider(value=value, min=min, max=max, step=step, description=description,
                         readout_format=readout_format, continuous_update=continuous_update,
                         layout=_LAYOUT, style=_STYLE)


def int_slider(description: str, value: int, min: int, max: int, step: int = 1, *,
               continuous_update: bool = True) -> W.IntSlider:
    """A labelled integer slider; ``value`` must lie in [min, max]."""
    _range(description, value, min, max, step)
    return W.IntSlider(value=value, min=min, max=max, step=step, description=description,
                       continuous_update=continuous_update, layout=_LAYOUT, style=_STYLE)


def dropdown(description: str, options: Sequence[str], value: str | None = None) -> W.Dropdown:
    """A labelled choice among ``options`` (``value`` defaults to the first)."""
    options = list(options)
    if not options:
        raise ValueError(f"dropdown {description!r}: 'options' must not be empty")
    value = options[0] if value is None else _validate.one_of("value", value, options)
    return W.Dropdown(options=options, value=value, description=description, layout=_LAYOUT, style=_STYLE)


def readout(value: str = "") -> W.HTML:
    """A line of text under the controls (e.g. the measured contraction factor)."""
    return W.HTML(value=value, layout={"min_height": "1.6em"})
