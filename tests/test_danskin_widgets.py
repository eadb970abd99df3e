"""The lecture-02 widgets, driven headlessly: moving a slider updates the figure in place."""

import numpy as np
import pytest

from course_lib.danskin.widgets import (
    counterexample2_demo,
    counterexample2_numbers,
    landscape_demo,
)


def test_counterexample2_numbers_match_the_slide():
    nums = counterexample2_numbers(135.0)
    assert nums["df_minus_u"] == pytest.approx(7.07e-4, abs=1e-6)
    assert nums["df_minus_v"] == pytest.approx(7.07e-4, abs=1e-6)
    assert nums["df_direction"] == pytest.approx(-3.83e-4, abs=1e-6)


def test_angle_slider_updates_vectors_polar_curve_and_readout():
    demo = counterexample2_demo(135.0)
    v_before = np.array(demo.fig.data[2].x)
    r_before = np.array(demo.fig.data[7].r)
    assert "+7.071e-04" in demo.info.value and "-3.827e-04" in demo.info.value
    # the polar markers of −u and −v lie outside the unit circle (ascent), γ* inside (descent)
    r_marks = np.array(demo.fig.data[8].r)
    assert r_marks[0] > 1 and r_marks[1] > 1 and r_marks[2] < 1
    demo.angle.value = 60.0  # acute: −u and −v are descent directions again
    assert not np.allclose(demo.fig.data[2].x, v_before)
    assert not np.allclose(demo.fig.data[7].r, r_before)
    assert np.all(np.array(demo.fig.data[8].r) < 1)
    assert "-5.000e-04" in demo.info.value


def test_angle_slider_clamps_to_its_range_and_bad_angle_is_rejected():
    demo = counterexample2_demo()
    demo.angle.value = 500.0
    assert demo.angle.value == 180.0
    with pytest.raises(ValueError, match="'angle'"):
        counterexample2_demo(-5.0)


def test_eps_slider_moves_the_kink_and_the_gradient_jump():
    demo = landscape_demo(0.6)
    assert "jumps by 0.600" in demo.info.value
    jump = np.diff(np.array(demo.fig.data[4].y))[0]
    assert jump == pytest.approx(0.6)
    demo.eps.value = 1.2
    assert np.diff(np.array(demo.fig.data[4].y))[0] == pytest.approx(1.2)
    assert np.array(demo.fig.data[1].y).max() == pytest.approx(np.log1p(np.exp(6.0)))
    with pytest.raises(ValueError, match="'eps'"):
        landscape_demo(-1.0)


