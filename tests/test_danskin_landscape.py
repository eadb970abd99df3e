"""The non-smooth adversarial loss landscape of Liu et al. (2020)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.danskin.landscape import (
    DOUBLE_WELL,
    adversarial_logistic_1d,
    adversarial_logistic_1d_bruteforce,
    adversarial_logistic_1d_slope,
    adversarial_logistic_linear,
    adversarial_polynomial_1d,
    adversarial_polynomial_1d_slope,
    gradient_jump_1d,
    polynomial_lipschitz,
    worst_perturbation_1d,
    worst_perturbation_linear,
)


@pytest.mark.parametrize("eps", [0.0, 0.6, 1.2])
def test_closed_form_equals_brute_force(eps):
    theta = np.linspace(-5, 5, 201)
    np.testing.assert_allclose(adversarial_logistic_1d(theta, eps),
                               adversarial_logistic_1d_bruteforce(theta, eps), atol=1e-12)


def test_worst_perturbation_attains_the_max_and_jumps_at_zero():
    theta, eps = np.linspace(-3, 3, 61), 0.6
    Delta = worst_perturbation_1d(theta, eps)
    np.testing.assert_allclose(np.logaddexp(0, theta * Delta), adversarial_logistic_1d(theta, eps))
    assert worst_perturbation_1d(np.array([0.0]), eps)[0] == -eps  # Δ = −ε for θ ≤ 0


@settings(max_examples=40, deadline=None)
@given(st.floats(-4, 4, allow_nan=False).filter(lambda t: abs(t) > 1e-3), st.floats(0.05, 2.0))
def test_slope_matches_finite_differences(theta, eps):
    h = 1e-6
    L = lambda t: adversarial_logistic_1d(np.array(t), eps)  # noqa: E731
    fd = (L(theta + h) - L(theta - h)) / (2 * h)
    assert adversarial_logistic_1d_slope(np.array(theta), eps) == pytest.approx(fd, abs=1e-6)


@pytest.mark.parametrize("eps", [0.6, 1.2, 0.05])
def test_gradient_jump_at_zero_is_eps(eps):
    assert gradient_jump_1d(eps) == pytest.approx(eps)
    h = 1e-7
    L = lambda t: adversarial_logistic_1d(np.array(t), eps)  # noqa: E731
    right, left = (L(h) - L(0.0)) / h, (L(0.0) - L(-h)) / h
    assert right - left == pytest.approx(eps, abs=1e-5)


@pytest.mark.parametrize("norm", ["linf", "l2", "l1"])
def test_linear_model_dual_norm_formula_matches_worst_perturbation(norm):
    rng = np.random.default_rng(3)
    X, w, eps = rng.normal(size=(20, 4)), rng.normal(size=4), 0.3
    y = np.where(rng.random(20) < 0.5, -1.0, 1.0)
    eta = worst_perturbation_linear(w, y, eps, norm)
    ord_ = {"linf": np.inf, "l2": 2, "l1": 1}[norm]
    assert np.all(np.linalg.norm(eta, ord=ord_, axis=1) <= eps + 1e-12)
    at_eta = np.mean(np.logaddexp(0, -y * ((X + eta) @ w)))
    assert adversarial_logistic_linear(w, X, y, eps, norm) == pytest.approx(at_eta)
    # no random perturbation in the ball does better
    for _ in range(5):
        r = rng.uniform(-1, 1, size=(20, 4))
        r = eps * r / np.linalg.norm(r, ord=ord_, axis=1, keepdims=True)
        assert np.mean(np.logaddexp(0, -y * ((X + r) @ w))) <= at_eta + 1e-12


def test_linear_model_is_nonsmooth_at_zero():
    X, y, eps, h = np.array([[1.0, 2.0]]), np.array([1.0]), 0.5, 1e-7
    e = np.array([1.0, 0.0])
    L = lambda w: adversarial_logistic_linear(w, X, y, eps)  # noqa: E731
    right, left = (L(h * e) - L(0 * e)) / h, (L(0 * e) - L(-h * e)) / h
    assert right - left == pytest.approx(eps, abs=1e-5)  # jump = 2 · ε · σ(0) for one point


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="'eps'"):
        adversarial_logistic_1d(np.zeros(2), -0.1)
    with pytest.raises(ValueError, match="'theta'"):
        adversarial_logistic_1d(np.array([np.inf]), 0.1)
    with pytest.raises(ValueError, match="'norm'"):
        adversarial_logistic_linear(np.ones(2), np.ones((1, 2)), np.ones(1), 0.1, norm="l3")
    with pytest.raises(ValueError, match="'y'"):
        adversarial_logistic_linear(np.ones(2), np.ones((1, 2)), np.array([0.5]), 0.1)
    with pytest.raises(ValueError, match="'side'"):
        adversarial_logistic_1d_slope(np.zeros(1), 0.1, side="up")


# ------------------------------------------------------------------ the polynomial loss
def _p(r):
    return (r**2 - 1) ** 2 / 4


@pytest.mark.parametrize("eps", [0.0, 0.1, 0.8])
def test_polynomial_closed_form_equals_brute_force_and_attains_it(eps):
    theta = np.linspace(-2, 2, 401)
    value, delta = adversarial_polynomial_1d(theta, eps)
    grid = np.linspace(-eps, eps, 20001)
    brute = _p(theta[:, None] - grid).max(axis=1)
    assert np.all(value >= brute - 1e-12)                     # exact max ≥ any grid point
    np.testing.assert_allclose(value, brute, atol=1e-7)   # interior maxima: grid error ≈ p″·spacing²/2 < 1e-7
    np.testing.assert_allclose(_p(theta - delta), value, atol=1e-15)
    assert np.all(np.abs(delta) <= eps + 1e-15)
    if eps == 0:
        np.testing.assert_allclose(value, _p(theta), atol=1e-15)


def test_polynomial_slope_is_danskin_and_matches_finite_differences_off_the_kinks():
    theta, eps, h = np.linspace(-1.4, 1.4, 57), 0.1, 1e-7
    slope = adversarial_polynomial_1d_slope(theta, eps)
    loss = lambda t: adversarial_polynomial_1d(t, eps)[0]  # noqa: E731
    fd = (loss(theta + h) - loss(theta - h)) / (2 * h)
    kinks = np.array([-np.sqrt(1 - eps**2), 0.0, np.sqrt(1 - eps**2)])   # p(θ − ε) = p(θ + ε)
    smooth = np.abs(theta[:, None] - kinks).min(axis=1) > 1e-3
    np.testing.assert_allclose(slope[smooth], fd[smooth], atol=1e-6)


def test_polynomial_gradient_bound_and_tight_jump():
    """|L′(θ₁) − L′(θ₂)| ≤ L_θθ|θ₁ − θ₂| + 2εL_θx (Liu et al. 2020); at the kink θ* = √(1 − ε²) the jump is
    p′(θ* + ε) − p′(θ* − ε) = ∫ p″ over the ball, close to 2ε·p″(1) = 4ε for small ε."""
    theta = np.linspace(-1.5, 1.5, 301)
    for eps in (0.05, 0.3, 0.8):
        slope = adversarial_polynomial_1d_slope(theta, eps)
        L = polynomial_lipschitz(DOUBLE_WELL, radius=1.5 + eps)
        gap = np.abs(slope[:, None] - slope[None, :]) - L * np.abs(theta[:, None] - theta[None, :])
        assert gap.max() <= 2 * eps * L
    eps = 0.05
    kink = np.sqrt(1 - eps**2)
    left, right = adversarial_polynomial_1d_slope(np.array([kink - 1e-9, kink + 1e-9]), eps)
    dp = lambda r: r**3 - r  # noqa: E731  p′
    assert right - left == pytest.approx(dp(kink + eps) - dp(kink - eps), abs=1e-6)
    assert right - left == pytest.approx(4 * eps, rel=0.01)


def test_polynomial_lipschitz_is_the_sup_of_the_second_derivative():
    assert polynomial_lipschitz(DOUBLE_WELL, radius=1.0) == pytest.approx(2.0)     # p″ = 3r² − 1
    assert polynomial_lipschitz(DOUBLE_WELL, radius=3.0) == pytest.approx(26.0)
    with pytest.raises(ValueError, match="radius"):
        polynomial_lipschitz(DOUBLE_WELL, radius=0.0)
    with pytest.raises(ValueError, match="coef"):
        adversarial_polynomial_1d(np.zeros(3), 0.1, coef=(1.0,))
