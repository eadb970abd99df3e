"""Algorithms and simulate: closed forms on xy, scalar reference implementations, divergence safety."""

import numpy as np
import pytest
import torch

from course_lib.minimax import algorithms as A
from course_lib.minimax.games import Game, X, Y, bilinear, forsaken, global_forsaken, linear
from course_lib.minimax.simulate import power_decay, simulate

RATE = {  # spectral radius on xy (closed forms)
    "gda": lambda a: np.sqrt(1 + a * a), "ppm": lambda a: 1 / np.sqrt(1 + a * a),
    "eg": lambda a: np.sqrt(1 - a * a + a**4),
}


@pytest.mark.parametrize("method", ["gda", "ppm", "eg"])
@pytest.mark.parametrize("alpha", [0.05, 0.3, 0.7, 1.0, 1.6])
def test_exact_norm_factor_on_bilinear(method, alpha):
    z0 = np.random.default_rng(1).normal(size=(5, 2))
    run = simulate(bilinear(), method, z0, 40, step=alpha, bound=1e30)
    ratio = np.linalg.norm(run.z, axis=2) / np.linalg.norm(z0, axis=1)
    expected = RATE[method](alpha) ** np.arange(41)[:, None]
    np.testing.assert_allclose(ratio, np.broadcast_to(expected, ratio.shape), rtol=1e-12)


def ogda_rate(a):
    if a <= 0.5:
        return np.sqrt((1 + np.sqrt(1 - 4 * a * a)) / 2)
    return np.sqrt(1 + (2 * a + np.sqrt(4 * a * a - 1))**2) / 2


@pytest.mark.parametrize("alpha", [0.1, 0.3, 1 / np.sqrt(3), 0.6])
def test_ogda_rate_on_bilinear(alpha):
    run = simulate(bilinear(), "ogda", [[1.0, 0.0]], 600, step=alpha, bound=1e30)
    empirical = (np.linalg.norm(run.z[600]) / np.linalg.norm(run.z[500])) ** 0.01
    assert empirical == pytest.approx(ogda_rate(alpha), rel=1e-5)


def test_research_check_values():
    expect = {"gda": 1.282432, "agda": 0.988531, "ppm": 0.779768, "eg": 0.779788, "ogda": 0.783818,
              "rfbs": 0.783818}
    for method, norm50 in expect.items():
        run = simulate(bilinear(), method, [1.0, 0.0], 50, step=0.1)
        assert np.linalg.norm(run.z[50, 0]) == pytest.approx(norm50, abs=1e-6), method
    np.testing.assert_allclose(simulate(bilinear(), "eg", [1.0, 0.0], 2, step=0.1).z[:, 0],
                               [[1, 0], [0.99, 0.1], [0.9701, 0.198]], atol=1e-12)


def test_agda_conserves_quadratic_and_ogda_equals_rfbs():
    run = simulate(bilinear(), "agda", [[1.0, 0.0], [0.3, -2.0]], 1000, step=1.0)
    x, y = run.z[..., 0], run.z[..., 1]
    q = x**2 + y**2 - x * y
    np.testing.assert_allclose(q, np.broadcast_to(q[0], q.shape), rtol=1e-12)
    g = linear(0.7, -0.3)
    z0 = np.random.default_rng(0).normal(size=(20, 2))
    ogda, rfbs = (simulate(g, m, z0, 100, step=0.3).z for m in ("ogda", "rfbs"))
    np.testing.assert_allclose(ogda, rfbs, rtol=1e-10, atol=1e-10)


def reference(method, Amat, z, alpha, steps, gamma_alpha=0.5):
    """Plain scalar Python, one start, V(z) = A z."""
    (a, b), (c, d) = Amat.tolist()
    V = lambda x, y: (a * x + b * y, c * x + d * y)  # noqa: E731
    x, y = z
    out = [(x, y)]
    px, py = x, y  # z_{k-1}
    vbx, vby = V(x, y)  # V(z̄_{k-1}) for Popov
    for _ in range(steps):
        vx, vy = V(x, y)
        if method == "gda":
            nx, ny = x - alpha * vx, y - alpha * vy
        elif method == "agda":
            nx = x - alpha * vx
            ny = y - alpha * V(nx, y)[1]
        elif method == "ppm":  # solve (I + alpha A) w = z by Cramer's rule
            m11, m12, m21, m22 = 1 + alpha * a, alpha * b, alpha * c, 1 + alpha * d
            det = m11 * m22 - m12 * m21
            nx, ny = (m22 * x - m12 * y) / det, (m11 * y - m21 * x) / det
        elif method in ("eg", "eg+"):
            w = V(x - alpha * vx, y - alpha * vy)
            r = 1.0 if method == "eg" else gamma_alpha
            nx, ny = x - r * alpha * w[0], y - r * alpha * w[1]
        elif method == "ogda":
            qx, qy = V(px, py)
            nx, ny = x - alpha * (2 * vx - qx), y - alpha * (2 * vy - qy)
        elif method == "rfbs":
            w = V(2 * x - px, 2 * y - py)
            nx, ny = x - alpha * w[0], y - alpha * w[1]
        elif method == "popov":
            vbx, vby = V(x - alpha * vbx, y - alpha * vby)
            nx, ny = x - alpha * vbx, y - alpha * vby
        px, py, x, y = x, y, nx, ny
        out.append((x, y))
    return np.array(out)


@pytest.mark.parametrize("method", ["gda", "agda", "ppm", "eg", "eg+", "ogda", "rfbs", "popov"])
def test_against_scalar_reference_on_random_linear_games(method):
    rng = np.random.default_rng(7)
    for _ in range(3):
        M = rng.normal(size=(2, 2))
        expr = sum(0.5 * M[0, 0] * X**2 + M[0, 1] * X * Y - 0.5 * M[1, 1] * Y**2 for _ in [0])
        game = Game("random quadratic", expr)  # V = [[M00, M01], [-M01, M11]] z
        Amat = np.array([[M[0, 0], M[0, 1]], [-M[0, 1], M[1, 1]]])
        z0 = rng.normal(size=(4, 2))
        run = simulate(game, method, z0, 30, step=0.15, bound=1e30)
        for n in range(4):
            expected = reference(method, Amat, z0[n], 0.15, 30)
            np.testing.assert_allclose(run.z[:, n], expected, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", ["gda", "agda", "eg", "ogda", "popov", "rfbs", "eg+", "ceg+", "adaptive-eg+",
                                  "ppm", "bc-seg+"])
def test_steps_are_array_generic_torch(name):
    Amat = np.array([[0.2, 1.0], [-1.0, 0.3]])
    z = np.random.default_rng(0).normal(size=(6, 2))
    fn = A.STEPS[name]
    zn, sn = z, None
    zt, st = torch.tensor(z), None
    for _ in range(5):
        zn, sn = fn(lambda w: w @ Amat.T, zn, 0.2, sn)
        zt, st = fn(lambda w: w @ torch.tensor(Amat.T), zt, 0.2, st)
    np.testing.assert_allclose(zt.numpy(), zn, rtol=1e-12)


def test_divergence_is_frozen_and_marked():
    run = simulate(bilinear(), "gda", [[1.0, 0.0], [0.0, 0.0]], 200, step=0.5, bound=10.0)
    assert list(run.status) == ["diverged", "ok"]
    assert np.all(np.isfinite(run.z)) and np.linalg.norm(run.final[0]) <= 10.0
    k = run.stopped_at[0]
    assert (1 + 0.25) ** (k / 2) <= 10 < (1 + 0.25) ** ((k + 1) / 2)
    z0 = np.random.default_rng(0).uniform(-3, 3, size=(500, 2))  # φ' ~ u⁵ overflows without a box
    for method in ["gda", "eg", "ogda", "adaptive-eg+", "bc-seg+"]:
        with np.errstate(all="raise"):
            run = simulate(forsaken(), method, z0, 50, step=0.9, sigma=0.1)
        assert np.all(np.isfinite(run.z)), method
        assert run.diverged.any(), method
    for method in ["ppm", "curvature-eg+"]:  # implicit / line search: stable, still finite
        assert np.all(np.isfinite(simulate(forsaken(), method, z0[:50], 20, step=0.9).z))


def test_ceg_family_on_forsaken_matches_research():
    inits = np.array([(x, y) for x in (-1.2, -.45, .3, 1.05) for y in (-1.2, -.45, .3, 1.05)])
    game = forsaken()
    dist = lambda run: np.linalg.norm(run.z_bar - game.solutions[0], axis=1)  # noqa: E731
    stuck = simulate(game, "ceg+", inits, 500, step=1 / 12.402569, box=1.5)
    assert dist(stuck).min() > 0.9
    escape = simulate(game, "curvature-eg+", inits, 200, step=10.0, box=1.5, nu=0.8, tau=0.8)
    assert dist(escape).max() < 2e-3


def test_stochastic_runs_are_seeded_and_schedules_decay():
    kw = dict(steps=200, step=0.05, sigma=0.3, decay=power_decay(0.6, 100))
    a = simulate(bilinear(), "seg", np.ones((3, 2)), seed=1, **kw)
    b = simulate(bilinear(), "seg", np.ones((3, 2)), seed=1, **kw)
    c = simulate(bilinear(), "seg", np.ones((3, 2)), seed=2, **kw)
    np.testing.assert_array_equal(a.z, b.z)
    assert not np.allclose(a.z, c.z)
    assert power_decay(1.0, 10)(10) == pytest.approx(0.5)
    run = simulate(linear_game := linear(1.0, 0.0), "bc-seg+", np.ones((2, 2)), 300, step=0.5)  # σ = 0: EG+
    assert np.linalg.norm(run.final) < 1e-3 and linear_game.linear


def test_stochastic_contrast_on_global_forsaken():
    """Robbins–Monro SEG stays on the attracting cycle; BC-SEG+ converges (Pethick et al. (2023c))."""
    game, z0, decay = global_forsaken(), np.tile([1.0, 1.0], (5, 1)), power_decay(0.5, 100)
    seg = simulate(game, "seg", z0, 2000, step=0.055 * 0.33, decay=decay, sigma=0.1, seed=0)
    bc = simulate(game, "bc-seg+", z0, 2000, step=0.33, alpha=0.055, decay=decay, sigma=0.1, seed=0)
    assert np.linalg.norm(seg.final, axis=1).min() > 1.2
    assert np.linalg.norm(bc.final, axis=1).max() < 0.1


def test_every_keeps_frames_and_last():
    run = simulate(bilinear(), "eg", [[1.0, 0.0]], 10, step=0.1, every=4)
    assert list(run.k) == [0, 4, 8, 10] and run.z.shape == (4, 1, 2)


@pytest.mark.parametrize("kwargs, param", [
    (dict(step=-0.1), "step"), (dict(algorithm="adam"), "algorithm"), (dict(z0=np.ones((2, 3, 2))), "z0"),
    (dict(steps=-1), "steps"), (dict(sigma=-1.0), "sigma"), (dict(z0=[[np.nan, 0.0]]), "z0"),
    (dict(alpha=0.0), "alpha"), (dict(box=-1.0), "box"), (dict(algorithm="ppm", sigma=0.1), "sigma"),
])
def test_bad_arguments_name_the_parameter(kwargs, param):
    args = dict(game=bilinear(), algorithm="eg", z0=[[1.0, 0.0]], steps=5) | kwargs
    with pytest.raises(ValueError, match=param):
        simulate(**args)
