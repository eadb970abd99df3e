"""A live figure of a training run: one curve per metric over the epochs, updated from a callback.

    fig, update = live_training_figure("pgd: test accuracy during training", ("clean", "fgsm", "pgd"))
    display(fig)
    at.train(cfg, out=out, on_epoch=update)      # update(record) after every epoch

The callback reads only the record it is given (never notebook globals); a record of an epoch already
drawn replaces it, so a resumed run that repeats an epoch redraws it instead of adding a point.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import plotly.graph_objects as go

from course_lib import _validate
from course_lib.viz.style import color as role_color


def live_training_figure(title: str, keys: Sequence[str] = ("clean", "fgsm", "pgd"), *,
                         records: Iterable[dict] = (), x_key: str = "epoch", yaxis_title: str = "accuracy",
                         y_range: tuple[float, float] | None = (0.0, 1.0),
                         height: int = 300) -> tuple[go.FigureWidget, Callable[[dict], None]]:
    """A ``go.FigureWidget`` with one line per metric in ``keys`` (role colours, e.g. ``color("pgd")``)
    against ``record[x_key]``, and ``update(record)`` that adds or replaces the point of that record.
    ``records`` are drawn at once (e.g. the log of a run being resumed)."""
    keys = tuple(keys)
    if not keys or not all(isinstance(k, str) for k in keys):
        raise ValueError(f"'keys' must be a non-empty sequence of metric names, got {keys!r}")
    _validate.integer("height", height, lo=100)
    layout = dict(title=title, height=height, xaxis_title=x_key, yaxis_title=yaxis_title)
    if y_range is not None:
        layout["yaxis_range"] = list(y_range)
    fig = go.FigureWidget(layout=layout)
    for key in keys:
        try:
            line = role_color(key)
        except ValueError:
            line = None
        fig.add_scatter(x=[], y=[], name=key, mode="lines+markers", line_color=line)
    points: dict[float, dict] = {}

    def update(record: dict) -> None:
        """Draw ``record`` (a dict holding ``x_key`` and the metrics; others are ignored)."""
        if x_key not in record:
            return
        points[record[x_key]] = {k: record.get(k) for k in keys}
        xs = sorted(points)
        with fig.batch_update():
            for trace in fig.data:
                trace.x = xs
                trace.y = [points[x][trace.name] for x in xs]

    for record in records:
        update(record)
    return fig, update
