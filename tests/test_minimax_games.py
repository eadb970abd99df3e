"""Games: symbolic V against finite differences, closed-form critical points and spectra."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.minimax.games import (
    Game,
    X,
    Y,
    almost_bilinear,
    bilinear,
    forsaken,
    global_forsaken,
    linear,
    linear_weak_mvi,
)


def finite_difference_V(game, z, h=1e-6):
    e = np.eye(2) * h
    dx = (game.phi(z[:, 0] + h, z[:, 1]) - game.phi(z[:, 0] - h, z[:, 1])) / (2 * h)
    dy = (game.phi(z[:, 0], z[:, 1] + h) - game.phi(z[:, 0], z[:, 1] - h)) / (2 * h)
    jac = np.stack([(game.V(z + e[i]) - game.V(z - e[i])) / (2 * h) for i in range(2)], axis=-1)
    return np.stack([dx, -dy], axis=1), jac


coef = st.floats(-2, 2, allow_nan=False)


@settings(max_examples=25, deadline=None)
@given(coef, coef, coef, coef, coef)
def test_symbolic_V_matches_finite_differences_on_random_games(a, b, c, d, e):
    game = Game("random", a * X * Y + b * X**2 + c * Y**3 + d * X * Y**2 + e * X**4 * Y)
    z = np.random.default_rng(0).uniform(-1, 1, size=(10, 2))
    V_fd, J_fd = finite_difference_V(game, z)
    np.testing.assert_allclose(game.V(z), V_fd, atol=1e-7)
    np.testing.assert_allclose(game.jacobian(z), J_fd, atol=1e-7)


@pytest.mark.parametrize("game", [bilinear(), linear(2.0, -1.0), almost_bilinear(0.3), forsaken(),
                                  forsaken(0.5, swap=True),
                                  global_forsaken()], ids=lambda g: g.name)
def test_solutions_are_zeros_of_V(game):
    assert np.abs(game.V(game.solutions)).max() < 1e-12
    z = np.random.default_rng(1).uniform(-1, 1, size=(7, 2))
    V_fd, _ = finite_difference_V(game, z)
    np.testing.assert_allclose(game.V(z), V_fd, atol=1e-7)


def test_research_numbers():
    f = forsaken()
    np.testing.assert_allclose(f.solutions[0], [0.0780266687, 0.4119338514], atol=1e-10)
    eig = np.linalg.eigvals(f.jacobian(f.solutions)[0])
    np.testing.assert_allclose(sorted(eig.imag), [-0.908028, 0.908028], atol=1e-6)
    np.testing.assert_allclose(eig.real, 0.044746, atol=1e-6)
    slide = forsaken(0.5, swap=True)
    np.testing.assert_allclose(slide.solutions[0], [0.477185, 0.046019], atol=1e-6)
    for player, sign in [("y", -1), ("x", 1)]:
        eig = np.linalg.eigvals(almost_bilinear(0.1, player).jacobian(np.zeros(2)))
        np.testing.assert_allclose(eig.real, sign * 0.05, atol=1e-14)
    eig = np.linalg.eigvals(global_forsaken().jacobian(np.zeros(2)))
    np.testing.assert_allclose(eig.real, 2 / 3, atol=1e-14)
    g = linear_weak_mvi(-1 / 3, L=3.0)  # the paper's "invc = 3" example: a = 2√2, b = −1
    a = 2 * np.sqrt(2)
    np.testing.assert_allclose(g.jacobian(np.zeros(2)), [[-1, a], [-a, -1]], atol=1e-12)
    assert g.linear and bilinear().linear and not forsaken().linear


def test_bad_arguments():
    with pytest.raises(ValueError, match="eps"):
        almost_bilinear(-0.1)
    with pytest.raises(ValueError, match="player"):
        almost_bilinear(0.1, player="z")
    with pytest.raises(ValueError, match="rho_L"):
        linear_weak_mvi(0.5)
    with pytest.raises(ValueError, match="'a' and 'b'"):
        linear(0.0, 0.0)
