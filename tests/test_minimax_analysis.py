"""Analysis: critical points, local-Nash verdicts, ρ and L on boxes, multipliers, flow cycles, basins."""

import numpy as np
import pytest

from course_lib.minimax.analysis import (
    classify,
    critical_points,
    flow,
    lipschitz,
    local_nash,
    multipliers,
    radius_range,
    spectral_radius,
    weak_mvi_rho,
)
from course_lib.minimax.games import (
    almost_bilinear,
    bilinear,
    forsaken,
    global_forsaken,
    linear,
    linear_weak_mvi,
)
from course_lib.minimax.parser import custom_game
from course_lib.minimax.simulate import simulate


def test_critical_points_symbolic_and_numeric():
    np.testing.assert_array_equal(critical_points(bilinear()), [[0.0, 0.0]])
    two = critical_points(custom_game("x^2/2 - y^2/2 + x*y^2 - x^3/3"), box=2.0)  # not just one point
    assert len(two) >= 2 and np.abs(custom_game("x^2/2 - y^2/2 + x*y^2 - x^3/3").V(two)).max() < 1e-10
    f = forsaken()
    np.testing.assert_allclose(critical_points(f), f.solutions, atol=1e-12)


def test_local_nash_verdicts_match_research_table():
    f = forsaken()
    test = local_nash(f, f.solutions[0])
    assert (test.phi_xx, test.phi_yy) == pytest.approx((0.46366, 0.37416), abs=1e-5)
    assert test.not_lne and not test.strict_local_minimax and test.flow_stable
    gf = local_nash(global_forsaken(), [0.0, 0.0])
    assert gf.strict_lne and gf.strict_local_minimax and gf.flow_stable
    ab = local_nash(almost_bilinear(0.1), [0.0, 0.0])
    assert ab.not_lne and not ab.flow_stable
    xy = local_nash(bilinear(), [0.0, 0.0])
    assert not xy.strict_lne and not xy.not_lne and "inconclusive" in xy.verdict


def test_weak_mvi_and_lipschitz_estimates():
    f = forsaken()
    rho, arg = weak_mvi_rho(f, f.solutions[0], 1.5)
    assert rho == pytest.approx(-1.52057, abs=1e-4) and arg == pytest.approx([-0.2581, 0.7917], abs=1e-3)
    assert lipschitz(f, 1.5)[0] == pytest.approx(12.402569, abs=1e-5)
    assert weak_mvi_rho(almost_bilinear(0.1), np.zeros(2), 1.5)[0] == pytest.approx(-0.1, abs=1e-6)
    assert lipschitz(almost_bilinear(0.1), 1.5)[0] == pytest.approx(1.3280, abs=1e-4)
    g = linear_weak_mvi(-0.3, L=2.0)  # ρ = b/L² exactly, L = √(a² + b²)
    assert weak_mvi_rho(g, np.zeros(2), 1.0, n=41)[0] == pytest.approx(-0.15, abs=1e-9)
    assert lipschitz(g, 1.0, n=11)[0] == pytest.approx(2.0, abs=1e-12)


def test_multipliers_closed_forms():
    for a in [0.1, 0.5, 0.9]:
        assert spectral_radius("gda", 1j, a) == pytest.approx(np.sqrt(1 + a * a), abs=1e-14)
        assert spectral_radius("ppm", 1j, a) == pytest.approx(1 / np.sqrt(1 + a * a), abs=1e-14)
        assert spectral_radius("eg", 1j, a) == pytest.approx(np.sqrt(1 - a * a + a**4), abs=1e-14)
    assert spectral_radius("ogda", 1j, 1 / np.sqrt(3)) == pytest.approx(1.0, abs=1e-12)
    mu = -1 + 2j * np.sqrt(2)  # L = 3, ρ = −1/9: EG+ with γ = 1/L converges iff α < 1 + 2ρL = 1/3
    got = [abs(multipliers("eg+", mu, 1 / 3, alpha=al)) for al in (1, 0.5, 1 / 3, 0.25)]
    np.testing.assert_allclose(got, [1.666667, 1.105542, 1.0, 0.971825], atol=1e-6)
    with pytest.raises(ValueError, match="method"):
        multipliers("adam", 1j, 0.1)


def test_flow_cycles_and_basins():
    path = flow(almost_bilinear(0.1), [[0.1, 0.0], [3.0, 0.0]], 300.0)
    assert radius_range(path, tail=0.1) == pytest.approx((1.1426, 1.1676), abs=2e-4)
    f = forsaken()
    inner = flow(f, [[0.2, 0.5]], 80.0, backward=True)
    assert radius_range(inner, f.solutions[0]) == pytest.approx((0.1210, 0.2989), abs=2e-4)
    z0 = np.array([[0.1, 0.45], [1.0, 1.0], [40.0, 0.0]])
    run = simulate(f, "eg", z0, 3000, step=0.05, bound=30.0)
    basins = classify(run, critical_points(f), tol=1e-3)
    assert list(basins.label) == ["converged", "cycle", "diverged"]
    assert basins.fraction("cycle") == pytest.approx(1 / 3)
    assert list(basins.nearest) == [0, -1, -1]


def test_bad_arguments():
    with pytest.raises(ValueError, match="box"):
        lipschitz(linear(1, 0), -1.0)
    with pytest.raises(ValueError, match="z_star"):
        weak_mvi_rho(linear(1, 0), np.zeros(3), 1.0)
