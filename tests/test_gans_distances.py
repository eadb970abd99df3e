"""Wasserstein distances, KR duality and push-forward measures (course_lib.gans.distances / pushforward)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import stats

from course_lib.gans import distances as dist
from course_lib.gans import pushforward as pf

finite = st.floats(-100, 100, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(arrays(float, st.integers(1, 30), elements=finite), arrays(float, st.integers(1, 30), elements=finite))
def test_w1_1d_matches_scipy(u, v):
    assert dist.wasserstein_1d(u, v) == pytest.approx(stats.wasserstein_distance(u, v), rel=1e-9, abs=1e-9)


def test_w2_1d_sort_equals_assignment_and_scipy_p2():
    rng = np.random.default_rng(0)
    u, v = rng.normal(size=40), rng.exponential(size=40)
    assert dist.wasserstein_1d(u, v, p=2) == pytest.approx(dist.wasserstein_p(u, v, p=2), rel=1e-12)
    assert dist.wasserstein_1d(u, v, p=1) == pytest.approx(dist.wasserstein_p(u, v, p=1), rel=1e-12)
    # unequal sizes, p = 2: scipy >= 1.13 has wasserstein_distance_nd only for general p; compare to the LP
    u2 = rng.normal(size=7)
    w1_lp, _ = dist.w1_primal_lp(u2, v[:5])
    assert dist.wasserstein_1d(u2, v[:5]) == pytest.approx(w1_lp, rel=1e-8)


def test_w1_closed_form_translation():
    """Translating a sample by c moves it by exactly |c| in every W_p."""
    x = np.random.default_rng(1).normal(size=(50, 2))
    shift = np.array([3.0, 4.0])
    assert dist.wasserstein_p(x, x + shift, p=2) == pytest.approx(5.0, rel=1e-12)
    assert dist.wasserstein_p(x, x + shift, p=1) == pytest.approx(5.0, rel=1e-12)


def test_wp_2d_matches_lp_and_is_a_metric():
    rng = np.random.default_rng(2)
    x, y, w = rng.normal(size=(3, 25, 2))
    w1 = dist.wasserstein_p(x, y, p=1)
    assert w1 == pytest.approx(dist.w1_primal_lp(x, y)[0], rel=1e-8)
    assert dist.wasserstein_p(x, y) == pytest.approx(dist.wasserstein_p(y, x), rel=1e-12)
    assert dist.wasserstein_p(x, x) == 0.0
    assert dist.wasserstein_p(x, w) <= dist.wasserstein_p(x, y) + dist.wasserstein_p(y, w) + 1e-12
    assert dist.wasserstein_p(x, y, p=1) <= dist.wasserstein_p(x, y, p=2) + 1e-12   # Jensen


def test_kr_dual_equals_primal_with_weights():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(12, 2)), rng.normal(loc=1.0, size=(9, 2))
    a, b = rng.dirichlet(np.ones(12)), rng.dirichlet(np.ones(9))
    primal, plan = dist.w1_primal_lp(x, y, a, b)
    dual = dist.kr_dual_lp(x, y, a, b)
    assert dual.value == pytest.approx(primal, rel=1e-7)
    np.testing.assert_allclose(plan.sum(1), a, atol=1e-9)
    np.testing.assert_allclose(plan.sum(0), b, atol=1e-9)
    # the optimal critic is 1-Lipschitz on the support and attains the value
    d, pts = dual.d, dual.points
    lip = np.abs(d[:, None] - d[None, :]) - np.linalg.norm(pts[:, None] - pts[None, :], axis=-1)
    assert lip.max() <= 1e-8
    assert a @ d[:12] - b @ d[12:] == pytest.approx(primal, rel=1e-7)


def test_empirical_rate_is_slower_in_high_dimension():
    ns = [25, 100, 400]
    slope1 = dist.loglog_slope(ns, dist.empirical_w1_curve(1, ns, repeats=50))
    slope10 = dist.loglog_slope(ns, dist.empirical_w1_curve(10, ns, repeats=2))
    assert slope1 < -0.4            # ≈ n^{-1/2} in 1-D
    assert -0.25 < slope10 < 0      # ≈ n^{-1/10} in 10-D: much slower
    assert dist.loglog_slope([1, 10, 100], [1, 0.1, 0.01]) == pytest.approx(-1.0)


def test_chi2_pushforward_passes_ks_and_normal_fails():
    samples, ks = pf.chi2_pushforward_test(2000, seed=0)
    assert samples.min() >= 0 and ks.passes(0.01)
    normal = stats.kstest(pf.pushforward(pf.power_map(1.0), 2000), stats.chi2(df=1).cdf)
    assert normal.pvalue < 1e-6
    y = np.linspace(0.1, 5, 20)
    np.testing.assert_allclose(pf.change_of_variables_density(y), stats.chi2(df=1).pdf(y), rtol=1e-12)


@pytest.mark.parametrize("call, name", [
    (lambda: dist.wasserstein_1d([1.0], [2.0], p=0.5), "p"),
    (lambda: dist.wasserstein_1d([], [2.0]), "u"),
    (lambda: dist.wasserstein_p(np.zeros((3, 2)), np.zeros((4, 2))), "y"),
    (lambda: dist.w1_primal_lp(np.zeros((3, 2)), np.zeros((2, 2)), a=[0.5, 0.5, 0.5]), "a"),
    (lambda: dist.kr_dual_lp(np.zeros((3, 2)), np.zeros((2, 3))), "y"),
    (lambda: dist.empirical_w1(0, 10, rng=np.random.default_rng()), "dim"),
    (lambda: dist.loglog_slope([1, 2], [1, -1]), "values"),
    (lambda: pf.pushforward(lambda w: w, 0), "n"),
    (lambda: pf.change_of_variables_density([-1.0]), "y"),
    (lambda: pf.KSResult(0.1, 0.5).passes(1.5), "level"),
])
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_nan_input_rejected():
    with pytest.raises(ValueError, match="'u'"):
        dist.wasserstein_1d([np.nan], [1.0])
