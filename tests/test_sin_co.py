"""The sin toy model of catastrophic overfitting: closed forms and their verified numbers
(ε_c derived in the lecture)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.toys import sin_co


def test_critical_eps_is_pi_over_8_for_B_8_and_pi_over_4_for_B_4():
    assert abs(sin_co.critical_eps(B=8.0) - math.pi / 8) < 1e-3
    assert abs(sin_co.critical_eps(B=4.0) - math.pi / 4) < 1e-3


def test_robust_margin_matches_brute_force_and_is_maximised_at_one():
    rng = np.random.default_rng(0)
    x, eps = rng.uniform(0.01, 9, 200), rng.uniform(0, 1.5, 200)
    delta = np.linspace(-1, 1, 20_001)[None, :] * eps[:, None]
    brute = np.sin(x[:, None] * (np.pi / 2 + delta)).min(axis=1)
    exact = np.array([sin_co.robust_margin(xi, ei) for xi, ei in zip(x, eps)])
    assert np.allclose(exact, brute, atol=1e-6)
    grid = sin_co.x_grid(8.0, dx=1e-3)
    for e in (0.1, 0.5, 1.2):
        assert abs(grid[np.argmax(sin_co.robust_margin(grid, e))] - 1.0) <= 1.5e-3
        assert abs(float(sin_co.robust_margin(1.0, e)) - math.cos(e)) < 1e-12


def test_fgsm_is_the_sign_step_and_matches_the_limit_at_7():
    x = np.array([0.3, 1.5, 2.5, 3.5, 6.9])
    eps = 0.3
    assert np.allclose(sin_co.attack_delta(x, eps), -eps * np.sign(np.cos(x * np.pi / 2)))
    # as x → 7⁻ the FGSM margin tends to −cos(7ε), the value that beats cos ε for ε > π/8
    assert abs(float(sin_co.margin(7 - 1e-9, sin_co.attack_delta(7 - 1e-9, eps))) + math.cos(7 * eps)) < 1e-6


@settings(max_examples=50, deadline=None)
@given(x=st.floats(0.01, 12), eps=st.floats(0, 1.5), steps=st.integers(1, 10))
def test_attack_never_beats_the_exact_inner_max(x, eps, steps):
    m_attack = sin_co.margin(x, sin_co.attack_delta(x, eps, steps))
    assert m_attack >= sin_co.robust_margin(x, eps) - 1e-12


def test_collapse_of_fgsm_at_but_not_pgd_at():
    eps = np.array([0.1, 0.1249, 0.1251, 0.2, 0.3]) * np.pi
    fgsm = sin_co.eps_sweep(eps, B=8.0)
    pgd = sin_co.eps_sweep(eps, B=8.0, steps=10, alpha_over_eps=0.25)
    assert fgsm["robust_acc"].tolist() == [1, 1, 0, 0, 0]
    assert np.allclose(fgsm["robust_loss"][2:], math.log(1 + math.e))      # robust margin −1
    assert abs(fgsm["x_star"][2] - 7.0) < 0.01 and abs(fgsm["x_star"][3] - 6.429) < 0.01
    assert pgd["robust_acc"].tolist() == [1] * 5 and np.allclose(pgd["x_star"], 1.0, atol=1e-3)


@pytest.mark.parametrize("B, eps_over_pi, steps, alpha_over_eps, x_star", [
    (15, 0.1, 2, 0.5, 1.0), (15, 0.2, 2, 0.5, 13.0), (15, 0.2, 3, 1 / 3, 15.0), (15, 0.2, 10, 0.25, 1.0),
    (25, 0.1, 3, 1 / 3, 1.0), (25, 0.1, 2, 0.5, 21.0)])
def test_more_steps_push_co_to_larger_norms(B, eps_over_pi, steps, alpha_over_eps, x_star):
    eps = eps_over_pi * np.pi
    x = sin_co.global_argmin(eps, B, steps, alpha_over_eps * eps, dx=1e-3)
    assert abs(x - x_star) < 0.05
    assert (sin_co.robust_margin(x, eps) > 0) == (x_star == 1.0)


@pytest.mark.parametrize("B, eps_over_pi", [(15, 0.1), (40, 0.05), (9, 0.2)])
def test_fgsm_effective_margin_reaches_one_at_a_non_robust_point(B, eps_over_pi):
    """For ε ≥ π/(4m+3) the FGSM margin reaches its maximum 1 at x = (4m+5)π/(π+2ε) (and at other
    tied points), where the exact robust margin is −1."""
    eps = eps_over_pi * np.pi
    x = sin_co.global_argmin(eps, B, dx=1e-4)
    assert abs(float(sin_co.margin(x, sin_co.attack_delta(x, eps))) - 1.0) < 1e-6
    assert float(sin_co.robust_margin(x, eps)) == -1.0
    m = int(np.ceil((np.pi / eps - 3) / 4))           # first m with 4m+3 ≥ π/ε
    x_peak = (4 * m + 5) * np.pi / (np.pi + 2 * eps)
    assert sin_co.attack_delta(x_peak, eps) == pytest.approx(eps)
    assert sin_co.margin(x_peak, eps) == pytest.approx(1.0) and x_peak <= B


def test_gradient_descent_started_near_one_stays_there():
    traj = sin_co.train(np.array([0.9, 1.1]), eps=0.2 * np.pi, lr=0.05, n_iter=300)
    assert traj.shape == (301, 2) and np.allclose(traj[100:], 1.0, atol=0.05)


@pytest.mark.parametrize("call, name", [
    (lambda: sin_co.robust_margin(1.0, -0.1), "eps"),
    (lambda: sin_co.attack_delta(1.0, 0.1, steps=0), "steps"),
    (lambda: sin_co.x_grid(-1.0), "B"), (lambda: sin_co.train([1.0], 0.1, lr=0), "lr")])
def test_bad_arguments(call, name):
    with pytest.raises(ValueError, match=name):
        call()
