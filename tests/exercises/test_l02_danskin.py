"""Lecture 02's exercise checkers: the right answers pass, typical wrong answers are named, bad input is
reported in one line."""

import numpy as np
import pytest

from course_lib.danskin import hull
from course_lib.exercises import l02_danskin as ex


def one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a checker prints exactly one line: {out!r}"
    return out


def right_derivative(grads, gamma):
    return float(np.max(grads @ gamma))


def mutating_derivative(grads, gamma):
    grads *= gamma
    return float(np.max(grads.sum(1)))


DERIVATIVE_WRONG = {
    "min instead of max": (lambda G, c: float(np.min(G @ c)), "smallest one"),
    "mean (two-sided)": (lambda G, c: float(np.mean(G @ c)), "two-sided"),
    "one maximiser only": (lambda G, c: float(G[0] @ c), "first one only"),
    "wrong sign": (lambda G, c: -float(np.max(G @ c)), "sign is flipped"),
    "wrong axis (max over coordinates)": (lambda G, c: float(np.max(G * c, axis=1).sum()),
                                          "one row of grads"),
    "in-place mutation": (mutating_derivative, "in place"),
    "returns None": (lambda G, c: None, "forget to return"),
    "returns an array": (lambda G, c: G @ c, "should be a number"),
    "raises": (lambda G, c: G @ c[:1], "raised ValueError"),
}


@pytest.mark.parametrize("name", DERIVATIVE_WRONG)
def test_danskin_derivative_wrong_answers_are_named(name, capsys):
    fn, phrase = DERIVATIVE_WRONG[name]
    assert ex.check_danskin_derivative(fn) is False
    assert phrase in one_line(capsys)


def right_simplex(v):
    return hull.project_simplex(v)


def mutating_simplex(v):
    v[:] = hull.project_simplex(v)
    return v


def all_coordinates_tau(v):
    return np.maximum(v - (v.sum() - 1) / len(v), 0)


SIMPLEX_WRONG = {
    "softmax": (lambda v: np.exp(v - v.max()) / np.exp(v - v.max()).sum(), "softmax"),
    "clip and renormalise": (lambda v: np.maximum(v, 0) / np.maximum(v, 0).sum(), "clip and renormalise"),
    "shift without clipping": (lambda v: v - (v.sum() - 1) / len(v), "negative entry"),
    "τ from all coordinates": (all_coordinates_tau, "sums to"),
    "forgets the sum": (lambda v: np.maximum(v, 0), "sums to"),
    "in-place mutation": (mutating_simplex, "in place"),
    "returns None": (lambda v: None, "is None"),
    "raises": (lambda v: v.reshape(2, -1), "raised ValueError"),
}


@pytest.mark.parametrize("name", SIMPLEX_WRONG)
def test_project_simplex_wrong_answers_are_named(name, capsys):
    fn, phrase = SIMPLEX_WRONG[name]
    assert ex.check_project_simplex(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def right_min_norm(G):
    return hull.min_norm_point(G).w


def affine_min_norm(G):
    """The min-norm point of the affine hull: weights may go negative."""
    m = len(G)
    K = np.block([[G @ G.T, np.ones((m, 1))], [np.ones((1, m)), np.zeros((1, 1))]])
    lam = np.linalg.lstsq(K, np.r_[np.zeros(m), 1.0], rcond=None)[0][:m]
    return G.T @ lam


def few_iterations(G):
    Q = G @ G.T
    alpha = np.full(len(G), 1 / len(G))
    for _ in range(3):
        alpha = hull.project_simplex(alpha - Q @ alpha / np.linalg.eigvalsh(Q)[-1])
    return G.T @ alpha


MIN_NORM_WRONG = {
    "mean of the rows": (lambda G: G.mean(0), "mean of the rows"),
    "shortest row": (lambda G: G[np.argmin(np.linalg.norm(G, axis=1))], "shortest row"),
    "affine hull (negative weights)": (affine_min_norm, "outside the convex hull"),
    "returns the weights": (lambda G: hull.min_norm_point(G).weights, "weights"),
    "too few iterations": (few_iterations, "more iterations"),
    "returns None": (lambda G: None, "is None"),
    "raises": (lambda G: np.linalg.cholesky(-G @ G.T), "raised LinAlgError"),
    "zero vector": (lambda G: np.zeros(G.shape[1]), "not in the hull"),
}


@pytest.mark.parametrize("name", MIN_NORM_WRONG)
def test_min_norm_point_wrong_answers_are_named(name, capsys):
    fn, phrase = MIN_NORM_WRONG[name]
    assert ex.check_min_norm_point(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def test_right_answers_pass(capsys):
    assert ex.check_danskin_derivative(right_derivative)
    assert ex.check_sign(-1)
    assert ex.check_project_simplex(right_simplex)
    assert ex.check_min_norm_point(right_min_norm)
    assert ex.check_min_norm_point(lambda G: hull.min_norm_point(G))  # the HullPoint itself is accepted
    assert ex.check_ascent_angle(90.0)
    assert ex.check_gradient_jump(0.8)
    assert capsys.readouterr().out.count("✓ solved") == 7


@pytest.mark.parametrize("check, value, phrase", [
    (ex.check_sign, 1, "cos 60°"), (ex.check_sign, 0, "cos 60°"), (ex.check_sign, 0.5, "−1, 0 or +1"),
    (ex.check_sign, "down", "should be a number"), (ex.check_sign, ..., "not solved yet"),
    (ex.check_ascent_angle, np.pi / 2, "radians"), (ex.check_ascent_angle, 135.0, "too high"),
    (ex.check_ascent_angle, 45.0, "too low"),
    (ex.check_gradient_jump, 0.4, "one-sided slope"), (ex.check_gradient_jump, 1.6, "too high")])
def test_predict_and_explore_feedback(check, value, phrase, capsys):
    assert check(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("check, params", [(ex.check_danskin_derivative, "danskin_derivative(grads, gamma)"),
                                           (ex.check_project_simplex, "project_simplex(v)"),
                                           (ex.check_min_norm_point, "min_norm_point(G)")])
def test_bad_input_names_what_was_expected(check, params, capsys):
    assert check(np.zeros(3)) is False
    assert f"expected a function {params}" in one_line(capsys)
    assert check(lambda a, b, c: a) is False
    assert f"expected a function {params}" in one_line(capsys)
    assert check("f") is False
    assert "got str" in one_line(capsys)
