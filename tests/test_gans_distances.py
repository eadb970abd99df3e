"""Wasserstein distances (1-D, sliced, matching), KR duality, the Fréchet distance and push-forward measures
(course_lib.gans.distances / pushforward)."""

import numpy as np
import pytest
import scipy.linalg
import torch
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


def _gaussian_features(n: int = 400, d: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d))


def test_frechet_identical_sets_is_zero():
    f = _gaussian_features()
    assert dist.frechet_distance(f, f) == pytest.approx(0.0, abs=1e-8)


def test_frechet_shift_adds_squared_norm_of_shift():
    f = _gaussian_features()
    shift = np.linspace(-1, 2, f.shape[1])
    assert dist.frechet_distance(f, f + shift) == pytest.approx(float(shift @ shift), rel=1e-8)


def test_frechet_matches_matrix_square_root_formula():
    fa, fb = _gaussian_features(seed=1), 1.5 * _gaussian_features(seed=2) + 0.3
    mu_a, s_a = fa.mean(0), np.cov(fa, rowvar=False)
    mu_b, s_b = fb.mean(0), np.cov(fb, rowvar=False)
    ref = np.sum((mu_a - mu_b) ** 2) + np.trace(s_a + s_b - 2 * scipy.linalg.sqrtm(s_a @ s_b).real)
    assert dist.frechet_distance(fa, fb) == pytest.approx(ref, rel=1e-7)


def test_frechet_grows_with_the_shift():
    f = _gaussian_features()
    d = [dist.frechet_distance(f, f + c) for c in (0.0, 0.5, 1.0, 2.0)]
    assert d == sorted(d) and d[0] < 1e-8 < d[1]


def test_sliced_wasserstein_identical_is_zero_and_shift_is_larger():
    x = torch.rand(64, 3, 8, 8)
    assert dist.sliced_wasserstein(x, x) == pytest.approx(0.0, abs=1e-12)
    d = [dist.sliced_wasserstein(x, x + c) for c in (0.05, 0.1, 0.3)]
    assert 0 < d[0] < d[1] < d[2]


def test_sliced_wasserstein_of_a_translation_is_exact():
    """A translation by s moves each projection by ⟨θ, s⟩, so SW_2² = mean_θ ⟨θ, s⟩² ≈ ‖s‖² / d."""
    x = np.random.default_rng(0).normal(size=(50, 20))
    s = np.full(20, 0.5)
    sw = dist.sliced_wasserstein(x, x + s, n_projections=2000, p=2)
    assert sw == pytest.approx(np.linalg.norm(s) / np.sqrt(20), rel=0.05)


def test_sliced_wasserstein_in_one_dimension_is_scipy_w1_for_unequal_sizes():
    rng = np.random.default_rng(3)
    u, v = rng.normal(size=(37, 1)), rng.exponential(size=(23, 1))
    ref = stats.wasserstein_distance(u[:, 0], v[:, 0])
    assert dist.sliced_wasserstein(u, v, n_projections=3, p=1) == pytest.approx(ref, rel=1e-10)


def test_quality_distances_name_the_parameter():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="n_projections"):
        dist.sliced_wasserstein(x, x, n_projections=0)
    with pytest.raises(ValueError, match="'y'"):
        dist.sliced_wasserstein(x, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features_b"):
        dist.frechet_distance(x, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features_a"):
        dist.frechet_distance(np.zeros((1, 3)), x)


def test_one_dimension_kernel_serves_wasserstein_1d_and_sliced_on_tensors():
    """SW on a line is W_p on that line (every unit θ is ±1), for numpy arrays and torch tensors alike."""
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=(30, 1)), rng.normal(size=(41, 1)) + 0.5
    w2 = dist.wasserstein_1d(u[:, 0], v[:, 0], p=2)
    assert dist.sliced_wasserstein(u, v, n_projections=5, p=2) == pytest.approx(w2, rel=1e-12)
    assert dist.sliced_wasserstein(torch.from_numpy(u), torch.from_numpy(v), n_projections=5,
                                   p=2) == pytest.approx(w2, rel=1e-12)


def test_w1_between_normals_closed_form():
    """W_1(N(m1, s1²), N(m2, s2²)) = ∫|F1 − F2| (numerical quadrature); a pure shift gives |m1 − m2|."""
    from scipy import integrate

    for m1, s1, m2, s2 in [(0.3, 1.0, -0.5, 0.4), (0.0, 1.0, 1.0, 0.5), (2.0, 0.7, 2.0, 1.9)]:
        gap = lambda t, m1=m1, s1=s1, m2=m2, s2=s2: abs(stats.norm.cdf(t, m1, s1) - stats.norm.cdf(t, m2, s2))  # noqa: E731
        w = dist.w1_normals_1d(m1, s1, m2, s2)
        assert w == pytest.approx(integrate.quad(gap, -30, 30, limit=400)[0], abs=1e-8)
        assert dist.w1_normals_1d(m2, s2, m1, s1) == pytest.approx(w, rel=1e-12)
    assert dist.w1_normals_1d(1.5, 0.3, -1.0, 0.3) == pytest.approx(2.5, abs=1e-15)


def test_w1_to_normal_is_exact_and_bounds_the_plug_in_error():
    """W_1(μ̂_n, N(m, s²)) = ∫|F_n − F| dt exactly; the plug-in error obeys the triangle inequality."""
    from scipy import integrate

    rng = np.random.default_rng(0)
    u = 0.4 + 1.3 * rng.standard_normal(7)
    F_n = lambda t: np.searchsorted(np.sort(u), t, side="right") / u.size  # noqa: E731
    exact = integrate.quad(lambda t: abs(F_n(t) - stats.norm.cdf(t, 0.2, 0.8)), -15, 15, limit=400,
                           points=sorted(u))[0]
    assert dist.w1_to_normal_1d(u, 0.2, 0.8) == pytest.approx(exact, abs=1e-8)
    assert dist.w1_to_normal_1d([0.0]) == pytest.approx(np.sqrt(2 / np.pi), abs=1e-12)   # E|Z|
    w = dist.w1_normals_1d(0.0, 1.0, 1.0, 0.5)
    for n in (5, 50, 500):
        a, b = rng.standard_normal(n), 1.0 + 0.5 * rng.standard_normal(n)
        error = abs(dist.wasserstein_1d(a, b) - w)
        assert error <= dist.w1_to_normal_1d(a) + dist.w1_to_normal_1d(b, 1.0, 0.5) + 1e-12
    with pytest.raises(ValueError, match="std"):
        dist.w1_to_normal_1d(u, 0.0, 0.0)
    with pytest.raises(ValueError, match="s2"):
        dist.w1_normals_1d(0.0, 1.0, 0.0, -1.0)
