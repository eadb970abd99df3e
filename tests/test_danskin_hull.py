"""Simplex projection (Duchi et al. 2008) and the min-norm point of a convex hull vs scipy's SLSQP."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize

from course_lib.danskin.hull import (
    danskin_descent_direction,
    min_norm_point,
    min_norm_weights,
    project_simplex,
)

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


def slsqp_simplex_qp(Q: np.ndarray, c: np.ndarray | None = None) -> np.ndarray:
    """Generic solver: min ½yᵀQy − cᵀy over the simplex."""
    m = Q.shape[0]
    c = np.zeros(m) if c is None else c
    res = minimize(lambda y: 0.5 * y @ Q @ y - c @ y, np.full(m, 1 / m), jac=lambda y: Q @ y - c,
                   bounds=[(0, None)] * m, constraints=[{"type": "eq", "fun": lambda y: y.sum() - 1}],
                   method="SLSQP", options={"ftol": 1e-15, "maxiter": 500})
    return res.x


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(1, 12), elements=finite))
def test_projection_lands_on_simplex_and_is_optimal(v):
    p = project_simplex(v)
    assert np.all(p >= 0) and p.sum() == pytest.approx(1.0, abs=1e-9)
    # KKT: p = max(v − τ, 0) for one τ: v_i − p_i = τ on the support and v_i ≤ τ off it
    tau = (v - p)[p > 0]
    assert np.ptp(tau) < 1e-9
    assert np.all(v[p == 0] <= tau[0] + 1e-9)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.integers(2, 8), elements=st.floats(-3, 3)))
def test_projection_matches_generic_solver(v):
    # Π(v) = argmin ½‖y‖² − vᵀy over the simplex
    expected = slsqp_simplex_qp(np.eye(len(v)), v)
    np.testing.assert_allclose(project_simplex(v), expected, atol=1e-6)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 7)),
              elements=finite))
def test_projection_batched_equals_looped(V):
    batched = project_simplex(V)
    looped = np.array([[project_simplex(row) for row in block] for block in V])
    np.testing.assert_allclose(batched, looped, atol=1e-12)


def test_projection_known_values_and_scaling():
    np.testing.assert_allclose(project_simplex([0.5, 0.5, 3.0]), [0, 0, 1])
    np.testing.assert_allclose(project_simplex([0.2, 0.3, 0.5]), [0.2, 0.3, 0.5])
    np.testing.assert_allclose(project_simplex([1.0, 1.0]), [0.5, 0.5])
    np.testing.assert_allclose(project_simplex([1.0, 3.0], z=2.0), [0.0, 2.0])


@pytest.mark.parametrize("m,p", [(2, 2), (3, 2), (10, 50), (5, 3), (20, 5)])
def test_min_norm_point_matches_slsqp(m, p):
    G = np.random.default_rng(m * 100 + p).normal(size=(m, p))
    hull = min_norm_point(G)
    y_ref = slsqp_simplex_qp(G @ G.T)
    assert np.linalg.norm(hull.w) == pytest.approx(np.linalg.norm(G.T @ y_ref), abs=1e-6)
    assert hull.weights.sum() == pytest.approx(1.0) and np.all(hull.weights >= 0)
    # optimality: ⟨w, g_i⟩ ≥ ‖w‖² for every i (optimality of the min-norm point), up to the gap
    assert np.min(G @ hull.w) - hull.w @ hull.w >= -hull.gap - 1e-12
    assert hull.gap <= 1e-10 * (hull.w @ hull.w) + 1e-12 * np.linalg.eigvalsh(G @ G.T)[-1]


def test_min_norm_point_two_vectors_closed_form():
    u, v = np.array([1.0, 0.0]), np.array([-1.0, -1.0]) / np.sqrt(2)
    hull = min_norm_point(np.stack([u, v]))
    np.testing.assert_allclose(hull.weights, [0.5, 0.5], atol=1e-6)
    np.testing.assert_allclose(hull.w, (u + v) / 2, atol=1e-6)
    np.testing.assert_allclose(hull.w, [0.146447, -0.353553], atol=1e-6)


def test_min_norm_point_batched_equals_looped():
    G = np.random.default_rng(1).normal(size=(4, 6, 3))
    batched = min_norm_point(G)
    for k in range(4):
        np.testing.assert_allclose(batched.w[k], min_norm_point(G[k]).w, atol=1e-5)


def test_descent_direction_is_zero_at_a_stationary_point_and_unit_otherwise():
    assert np.all(danskin_descent_direction(np.array([[1.0], [-1.0]])) == 0)
    d = danskin_descent_direction(np.array([[1.0, 0.0], [0.0, 1.0]]))
    np.testing.assert_allclose(d, -np.array([1.0, 1.0]) / np.sqrt(2), atol=1e-6)
    np.testing.assert_allclose(danskin_descent_direction(np.array([[3.0, 4.0]])), [-0.6, -0.8])


def test_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="'G'"):
        min_norm_point(np.zeros((0, 3)))
    with pytest.raises(ValueError, match="'v'"):
        project_simplex([1.0, np.nan])
    with pytest.raises(ValueError, match="'v'"):
        project_simplex(np.zeros(0))
    with pytest.raises(ValueError, match="'z'"):
        project_simplex([1.0], z=0.0)
    with pytest.raises(ValueError, match="'Q'"):
        min_norm_weights(np.zeros((2, 3)))
    with pytest.raises(ValueError, match="'G'"):
        min_norm_point([[np.inf, 0.0]])
    with pytest.raises(ValueError, match="'tol'"):
        min_norm_point(np.eye(2), tol=-1.0)
