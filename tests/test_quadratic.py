import numpy as np
import pytest

from course_lib.toys import quadratic as q


def test_gd_is_the_linear_map_and_contracts_at_rho():
    A = np.array([[2.0, 0.5], [0.5, 1.0]])
    z0 = np.array([[1.0, -2.0], [0.3, 0.4]])
    traj, status = q.gradient_descent(A, z0, 0.4, steps=5)
    M = np.linalg.matrix_power(np.eye(2) - 0.4 * A, 5)
    np.testing.assert_allclose(traj[-1], z0 @ M.T, rtol=1e-12)
    lam = np.linalg.eigvalsh(A)
    assert q.contraction_factor(A, 0.4) == pytest.approx(np.max(np.abs(1 - 0.4 * lam)), abs=1e-15)
    assert list(status) == ["ok", "ok"]


def test_divergence_stops_at_the_bound_and_is_marked():
    traj, status = q.gradient_descent(np.diag([3.0, 1.0]), [[1.0, 1.0]], eta=1.0, steps=200, bound=1e3)
    assert status[0] == "diverged"
    assert np.all(np.isfinite(traj)) and np.linalg.norm(traj[-1]) <= 1e3


@pytest.mark.parametrize(("args", "message"), [
    ((np.diag([1.0, -1.0]), [[1, 1]], 0.1, 3), "positive definite"),
    ((np.array([[1.0, 2.0], [0.0, 1.0]]), [[1, 1]], 0.1, 3), "symmetric"),
    ((np.eye(2), [[1, 1]], -0.1, 3), "'eta'"),
    ((np.eye(2), [[1, 1]], 0.1, 0), "'steps'"),
    ((np.eye(2), [1, 1, 1], 0.1, 3), "'z0'"),
])
def test_bad_arguments_name_the_parameter(args, message):
    with pytest.raises(ValueError, match=message):
        q.gradient_descent(*args)
