"""Benchmark of the lectures' interactive panels: run with `python benchmarks/widgets.py`.

For each panel of the library (built as the lecture builds it), a control is set to alternating values
``REPEATS`` times; each set runs the panel's observer synchronously (server-side recompute + the
FigureWidget update), which is what is timed. One line per panel with its median and its limit
(≤ 100 ms; ≤ 50 ms for the 2-D dynamics panels of lectures 00 and 07/08); the last line is
machine-readable: ``widgets=N worst_widget_ms=X``. Exits with status 1 if a panel is over its limit or
counted a callback error.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import numpy as np

from course_lib.danskin.widgets import counterexample2_demo, landscape_demo
from course_lib.minimax.games import bilinear
from course_lib.minimax.widgets import build_game_explorer, build_trajectory_widget
from course_lib.robust.widgets import linear_worst_case_demo
from course_lib.toys.widgets import sin_toy_demo
from course_lib.viz.demos import gd_step_size_demo
from course_lib.viz.panel import Panel

REPEATS = 20

# (name, builder as in the lecture, control to move, two values to alternate, limit in ms)
PANELS: list[tuple[str, Callable[[], Panel], str, tuple, float]] = [
    ("00 gd_step_size_demo", lambda: gd_step_size_demo(np.diag([3.0, 1.0]), z0=(1.5, 2.0), eta=0.3, steps=30),
     "eta", (0.30, 0.62), 50.0),
    ("01 linear_worst_case_demo", linear_worst_case_demo, "theta", (0.5, 1.2), 100.0),
    ("02 counterexample2_demo", lambda: counterexample2_demo(angle=135.0), "angle", (135.0, 60.0), 100.0),
    ("02 landscape_demo", lambda: landscape_demo(eps=0.6), "eps", (0.6, 1.2), 100.0),
    ("03 sin_toy_demo", sin_toy_demo, "eps", (0.35, 0.5), 100.0),
    ("07 build_trajectory_widget", lambda: build_trajectory_widget(
        bilinear(), [[1.0, 0.0], [0.0, 0.5], [-0.7, -0.7]], method="GDA", step=0.2, steps=60),
     "step", (0.2, 0.3), 50.0),
    ("07 build_game_explorer", lambda: build_game_explorer(
        "x*y + 0.1*(y^2/2 - y^4/4)", method="EG", step=0.05, steps=600), "step", (0.05, 0.06), 50.0),
]


def median_update_ms(panel: Panel, control: str, values: tuple) -> float:
    widget = getattr(panel, control)
    times = []
    for i in range(REPEATS):
        value = values[(i + 1) % 2]
        t0 = time.perf_counter()
        widget.value = value
        times.append(time.perf_counter() - t0)
    return 1e3 * float(np.median(times))


def main() -> int:
    worst, failed = 0.0, []
    for name, build, control, values, limit in PANELS:
        panel = build()
        ms = median_update_ms(panel, control, values)
        worst = max(worst, ms)
        ok = ms <= limit and panel.errors == 0
        if not ok:
            failed.append(name)
        print(f"{name:30s} control {control:6s} median update {ms:7.2f} ms (limit {limit:.0f} ms)"
              f"{'' if panel.errors == 0 else f', {panel.errors} callback errors'}{'' if ok else '  OVER'}")
    print(f"widgets={len(PANELS)} worst_widget_ms={worst:.2f}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
