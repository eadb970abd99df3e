"""Widgets driven headlessly: changing a control changes the figure; a refused formula is reported."""

import numpy as np

from course_lib.minimax.games import bilinear
from course_lib.minimax.widgets import build_game_explorer, build_trajectory_widget


def test_trajectory_widget_updates_figure_and_reports_factor():
    panel = build_trajectory_widget(bilinear(), [[1.0, 0.0], [0.0, 0.5]], method="GDA", step=0.2, steps=50)
    before = np.array(panel.fig.data[3].x, dtype=float)
    assert "1.0198" in panel.message.value  # √(1 + 0.2²) = 1.019804
    panel.method.value = "EG"
    assert "0.9806" in panel.message.value  # √(1 − α² + α⁴) at α = 0.2: 0.980612
    after = np.array(panel.fig.data[3].x, dtype=float)
    assert not np.allclose(np.nan_to_num(before), np.nan_to_num(after))
    panel.step.value = 0.5
    assert panel.run.z.shape == (51, 2, 2) and "0.9014" in panel.message.value
    panel.method.value = "GDA"
    panel.step.value = 1.2
    panel.steps.value = 400
    assert "diverged" in panel.message.value and np.all(np.isfinite(panel.run.z))


def test_game_explorer_formula_and_refusal():
    panel = build_game_explorer("x*y + 0.1*(y^2/2 - y^4/4)", steps=100)
    assert "not a local Nash equilibrium" in panel.message.value
    x_before = np.array(panel.fig.data[3].x, dtype=float)
    levels_before = np.array(panel.fig.data[0].x, dtype=float)
    panel.formula.value = "x^2/2 - y^2/2 + x*y"
    levels_after = np.array(panel.fig.data[0].x, dtype=float)
    assert levels_after.shape != levels_before.shape or not np.allclose(
        np.nan_to_num(levels_after), np.nan_to_num(levels_before))  # the level lines follow the new Φ
    assert "strict local Nash equilibrium" in panel.message.value
    assert not np.allclose(np.nan_to_num(x_before), np.nan_to_num(np.array(panel.fig.data[3].x, dtype=float)))
    panel.formula.value = "__import__('os').system('ls')"
    assert "refused" in panel.message.value and panel.game.name == "Φ = x^2/2 - y^2/2 + x*y"
    panel.x0.value = -1.0
    assert panel.run.z[0, 0, 0] == -1.0
