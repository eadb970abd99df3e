"""Checkers of lecture 07's exercises: right answers pass, typical wrong answers are named, bad input is
one line."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercises import l07_minimax_dynamics as ex

from .feedback import assert_named, assert_prediction_feedback, verdict

# ---------------------------------------------------------------- EG


def eg_right(V, z, alpha):
    return z - alpha * V(z - alpha * V(z))


def eg_gda_twice(V, z, alpha):
    z_bar = z - alpha * V(z)  # noqa: F841 - computed, then the old point is used again
    return z - alpha * V(z)


def eg_two_gda(V, z, alpha):
    z_bar = z - alpha * V(z)
    return z_bar - alpha * V(z_bar)


def eg_sign(V, z, alpha):
    return z + alpha * V(z - alpha * V(z))


def eg_inplace(V, z, alpha):
    z -= alpha * V(z - alpha * V(z))
    return z


def eg_half(V, z, alpha):
    return z - 0.5 * alpha * V(z - alpha * V(z))


def eg_tuple(V, z, alpha):
    return eg_right(V, z, alpha), None


def eg_none(V, z, alpha):
    z - alpha * V(z - alpha * V(z))


def eg_raises(V, z, alpha):
    return z - alpha * V(z) @ np.ones((3, 2))  # shapes do not match: raises


def eg_wrong_axis(V, z, alpha):
    return (z - alpha * V(z - alpha * V(z))).sum(axis=0)


EG_WRONG = [
    (eg_gda_twice, "uses V at the old point twice: that is GDA, not EG"),
    (eg_two_gda, "two GDA steps"),
    (eg_sign, "moves along +V"),
    (eg_inplace, "in place"),
    (eg_half, "EG+ with relaxation"),
    (eg_tuple, "returned a tuple"),
    (eg_none, "is None"),
    (eg_raises, "eg raised"),
    (eg_wrong_axis, "has shape (2,)"),
]


def test_eg_right(capsys):
    assert verdict(ex.check_eg, eg_right, capsys) == (True, "✓ solved: the extragradient step\n")


@pytest.mark.parametrize(("answer", "phrase"), EG_WRONG, ids=[f.__name__ for f, _ in EG_WRONG])
def test_eg_wrong(answer, phrase, capsys):
    assert_named(ex.check_eg, answer, phrase, capsys)


# ---------------------------------------------------------------- OGDA


def ogda_right(V, z, z_prev, alpha):
    return z - alpha * (2 * V(z) - V(z_prev))


OGDA_WRONG = [
    (lambda V, z, z_prev, alpha: z - alpha * V(z), "ignores z_prev: that is GDA"),
    (lambda V, z, z_prev, alpha: z - alpha * (2 * V(z_prev) - V(z)), "weights the old value V(z_prev) twice"),
    (lambda V, z, z_prev, alpha: z - alpha * (V(z) - V(z_prev)), "the factor 2 is missing"),
    (lambda V, z, z_prev, alpha: z - alpha * V(2 * z - z_prev), "that is RFBS"),
    (lambda V, z, z_prev, alpha: z + alpha * (2 * V(z) - V(z_prev)), "moves along +V"),
    (lambda V, z, z_prev, alpha: z - alpha * V(z - alpha * V(z)), "is EG"),
    (lambda V, z, z_prev, alpha: z_prev - alpha * (2 * V(z) - V(z_prev)), "starts from z_prev"),
    (lambda V, z, z_prev, alpha: z - 2 * alpha * (2 * V(z) - V(z_prev)), "differs from the OGDA step"),
]


def ogda_inplace(V, z, z_prev, alpha):
    z -= alpha * (2 * V(z) - V(z_prev))
    return z


OGDA_WRONG.append((ogda_inplace, "in place"))


def test_ogda_right(capsys):
    assert verdict(ex.check_ogda, ogda_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), OGDA_WRONG, ids=[p for _, p in OGDA_WRONG])
def test_ogda_wrong(answer, phrase, capsys):
    assert_named(ex.check_ogda, answer, phrase, capsys)


# ---------------------------------------------------------------- EG factor

FACTOR_WRONG = [
    (lambda a: np.sqrt(1 + a**2), "GDA's factor"),
    (lambda a: 1 / np.sqrt(1 + a**2), "PPM's factor"),
    (lambda a: 1 - a**2 + a**4, "squared modulus"),
    (lambda a: abs(1 - a + a**2), "real eigenvalue"),
    (lambda a: np.sqrt(1 + a**2 + a**4), "expected the modulus"),
    (lambda a: None, "returned None"),
    (lambda a: [a, a], "should be a number"),
]


def test_eg_factor_right(capsys):
    assert verdict(ex.check_eg_factor, lambda alpha: abs(1 - 1j * alpha - alpha**2), capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), FACTOR_WRONG, ids=[p for _, p in FACTOR_WRONG])
def test_eg_factor_wrong(answer, phrase, capsys):
    def eg_factor(alpha):
        return answer(alpha)

    assert_named(ex.check_eg_factor, eg_factor, phrase, capsys)


# ---------------------------------------------------------------- predictions and explorations


@pytest.mark.parametrize(("check", "right", "wrong"), [
    (ex.check_eg_threshold, 1.0, [(1 / np.sqrt(3), "OGDA's threshold"), (0.0, "that is GDA"), (2.0, "2/L"),
                                  (0.8, "too low"), (1.3, "too high")]),
    (ex.check_ogda_threshold, 0.5774, [(1.0, "EG's threshold"), (0.5, "too low"), (0.7, "too high")]),
    (ex.check_cycle_radius, 1.15, [(0.0, "critical point"), (2.0, "too high"), (1 / np.sqrt(3), "too low")]),
])
def test_predictions(check, right, wrong, capsys):
    assert_prediction_feedback(check, right, wrong, capsys, not_a_number="one")


# ---------------------------------------------------------------- local Nash


def lne_right(J):
    return bool(J[0, 0] > 0 and -J[1, 1] < 0)


LNE_WRONG = [
    (lambda J: bool(np.all(np.linalg.eigvals(J).real > 0)), "whether the flow attracts"),
    (lambda J: bool(J[0, 0] > 0 and J[1, 1] < 0), "Φ_yy = J[1, 1]"),
    (lambda J: bool(J[0, 0] > 0), "min player only"),
    (lambda J: bool(-J[1, 1] < 0), "max player only"),
    (lambda J: "yes", "expected True or False"),
    (lambda J: None, "returned None"),
    (lambda J: bool(J[0, 0] >= 0 and J[1, 1] >= 0), "strict local Nash"),
]


def test_lne_right(capsys):
    assert verdict(ex.check_strict_lne, lne_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), LNE_WRONG, ids=[p for _, p in LNE_WRONG])
def test_lne_wrong(answer, phrase, capsys):
    def is_strict_lne(J):
        return answer(J)

    assert_named(ex.check_strict_lne, is_strict_lne, phrase, capsys)


# ---------------------------------------------------------------- bad input and not yet


@pytest.mark.parametrize("check", [ex.check_eg, ex.check_ogda, ex.check_eg_factor, ex.check_strict_lne])
def test_bad_input(check, capsys):
    for bad, phrase in [(3.0, "expected a function"), ("eg", "expected a function"),
                        (lambda a, b, c, d, e: 0, "expected a function")]:
        ok, out = verdict(check, bad, capsys)
        assert not ok and phrase in out, out


@pytest.mark.parametrize("check", [ex.check_eg, ex.check_ogda, ex.check_eg_factor, ex.check_strict_lne])
def test_not_implemented(check, capsys):
    def stub(*args):
        raise NotImplementedError

    ok, out = verdict(check, stub, capsys)
    assert not ok and "not solved yet" in out
