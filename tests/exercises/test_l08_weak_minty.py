"""Checkers of lecture 08's exercises: right answers pass, typical wrong answers are named, bad input is
one line."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercises import l08_weak_minty as ex

from .feedback import assert_named, assert_prediction_feedback, verdict

# ---------------------------------------------------------------- weak-MVI ratio


def ratio_right(V, z, z_star):
    v = V(z)
    return np.sum(v * (z - z_star), axis=1) / np.sum(v * v, axis=1)


def ratio_inplace(V, z, z_star):
    z -= z_star
    v = V(z + z_star)
    return np.sum(v * z, axis=1) / np.sum(v * v, axis=1)


RATIO_WRONG = [
    (lambda V, z, s: np.sum(V(z) * (z - s), axis=1) / np.linalg.norm(V(z), axis=1), "not ‖V(z)‖²"),
    (lambda V, z, s: np.sum(V(z) * z, axis=1) / np.sum(V(z) ** 2, axis=1), "uses z instead of z − z*"),
    (lambda V, z, s: -np.sum(V(z) * (z - s), axis=1) / np.sum(V(z) ** 2, axis=1), "wrong sign"),
    (lambda V, z, s: np.sum(V(z) ** 2, axis=1) / np.sum(V(z) * (z - s), axis=1), "upside down"),
    (lambda V, z, s: np.sum(V(z) * (z - s), axis=1), "not normalised"),
    (lambda V, z, s: np.sum(V(z) * (z - s), axis=0) / np.sum(V(z) ** 2, axis=0), "has shape (2,)"),
    (lambda V, z, s: np.sum(V(z) * (z - s), axis=1) / np.sum((z - s) ** 2, axis=1), "divided by ‖z − z*‖²"),
    (lambda V, z, s: None, "is None"),
    (ratio_inplace, "in place"),
    (lambda V, z, s: 2 * np.sum(V(z) * (z - s), axis=1) / np.sum(V(z) ** 2, axis=1), "differs from"),
]


def test_ratio_right(capsys):
    assert verdict(ex.check_weak_mvi_ratio, ratio_right, capsys) == (True, "✓ solved: the weak-MVI ratio\n")


@pytest.mark.parametrize(("answer", "phrase"), RATIO_WRONG, ids=[p for _, p in RATIO_WRONG])
def test_ratio_wrong(answer, phrase, capsys):
    assert_named(ex.check_weak_mvi_ratio, answer, phrase, capsys, name="weak_mvi_ratio")


# ---------------------------------------------------------------- EG+


def eg_plus_right(V, z, gamma, alpha):
    return z - alpha * gamma * V(z - gamma * V(z))


def eg_plus_inplace(V, z, gamma, alpha):
    z -= alpha * gamma * V(z - gamma * V(z))
    return z


EG_PLUS_WRONG = [
    (lambda V, z, g, a: z - a * g * V(z), "uses V at the old point twice: that is GDA"),
    (lambda V, z, g, a: z - g * V(z - g * V(z)), "that is EG, not EG+"),
    (lambda V, z, g, a: z - a * g * V(z - a * g * V(z)), "shortened the extrapolation too"),
    (lambda V, z, g, a: z - g * V(z - a * g * V(z)), "roles are swapped"),
    (lambda V, z, g, a: (z - g * V(z)) - a * g * V(z - g * V(z)), "starts from z̄"),
    (lambda V, z, g, a: z + a * g * V(z - g * V(z)), "moves along +V"),
    (lambda V, z, g, a: z - a * V(z - g * V(z)), "update step is α, not αγ"),
    (lambda V, z, g, a: (z - a * g * V(z - g * V(z)), None), "returned a tuple"),
    (lambda V, z, g, a: (z - a * g * V(z - g * V(z)))[:, 0], "has shape (7,)"),
    (eg_plus_inplace, "in place"),
]


def test_eg_plus_right(capsys):
    assert verdict(ex.check_eg_plus, eg_plus_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), EG_PLUS_WRONG, ids=[p for _, p in EG_PLUS_WRONG])
def test_eg_plus_wrong(answer, phrase, capsys):
    assert_named(ex.check_eg_plus, answer, phrase, capsys, name="eg_plus")


# ---------------------------------------------------------------- AdaptiveEG+


def adaptive_right(V, z, gamma, sigma_ratio):
    z_bar = z - gamma * V(z)
    d = -gamma * V(z_bar)
    inner, dd = np.sum((z_bar - z) * d, axis=1, keepdims=True), np.sum(d * d, axis=1, keepdims=True)
    return z + (sigma_ratio + inner / dd) * d


def adaptive_variant(kind):
    def adaptive_eg_plus(V, z, gamma, sigma_ratio):
        z_bar = z - gamma * V(z)
        d = -gamma * V(z_bar)
        inner = np.sum((z_bar - z) * d, axis=1, keepdims=True)
        dd = np.sum(d * d, axis=1, keepdims=True)
        alpha = {"global": sigma_ratio + np.sum((z_bar - z) * d) / np.sum(d * d),
                 "norm": sigma_ratio + inner / np.sqrt(dd), "no sigma": inner / dd,
                 "sigma sign": -sigma_ratio + inner / dd, "fixed": 0.5,
                 "minus d": -(sigma_ratio + inner / dd),
                 "axis0": sigma_ratio + np.sum((z_bar - z) * d, axis=0) / np.sum(d * d, axis=0)}[kind]
        return z + alpha * d
    return adaptive_eg_plus


ADAPTIVE_WRONG = [
    ("global", "one number for the whole batch"),
    ("norm", "not ‖d‖²"),
    ("no sigma", "no σ/γ term"),
    ("sigma sign", "σ/γ term has the wrong sign"),
    ("fixed", "that is CEG+"),
    ("minus d", "moves along −d"),
    ("axis0", "differs from the AdaptiveEG+ step"),
]


def test_adaptive_right(capsys):
    assert verdict(ex.check_adaptive_eg_plus, adaptive_right, capsys)[0]


@pytest.mark.parametrize(("kind", "phrase"), ADAPTIVE_WRONG, ids=[k for k, _ in ADAPTIVE_WRONG])
def test_adaptive_wrong(kind, phrase, capsys):
    ok, out = verdict(ex.check_adaptive_eg_plus, adaptive_variant(kind), capsys)
    assert not ok and phrase in out, out


# ---------------------------------------------------------------- predictions, exploration, choice


@pytest.mark.parametrize(("check", "right", "wrong"), [
    (ex.check_rho_linear, -0.2, [(0.2, "> 0"), (-1.0, "is b"), (-1 / np.sqrt(5), "b/L"), (-0.3, "too low")]),
    (ex.check_eg_plus_threshold, 0.4, [(1.0, "α = 1 is EG"), (0.7, "1 + ρL"), (1.6, "sign slip"),
                                       (0.3, "too low")]),
    (ex.check_half_alpha_limit, -0.25, [(-0.125, "guarantee −1/(8L)"), (-0.5, "limit −1/(2L)"), (0.1, "> 0"),
                                        (-0.3, "too low")]),
])
def test_predictions(check, right, wrong, capsys):
    assert_prediction_feedback(check, right, wrong, capsys, not_a_number="half")


def test_seg_choice(capsys):
    assert verdict(ex.check_seg_choice, "BC-SEG+", capsys)[0]
    assert verdict(ex.check_seg_choice, " bc-seg+ ", capsys)[0]
    for value, phrase in [("SEG", "follows the flow"), ("both", "onto the attracting cycle"),
                          ("neither", "covers this game"), ("EG", "is not one of"), (1, "should be one of")]:
        ok, out = verdict(ex.check_seg_choice, value, capsys)
        assert not ok and phrase in out, out
    assert not ex.check_seg_choice(...) and "not solved yet" in capsys.readouterr().out


# ---------------------------------------------------------------- bad input and not yet

FUNCTION_CHECKS = [ex.check_weak_mvi_ratio, ex.check_eg_plus, ex.check_adaptive_eg_plus]


@pytest.mark.parametrize("check", FUNCTION_CHECKS)
def test_bad_input(check, capsys):
    for bad in (0.5, "eg_plus", lambda V: V):
        ok, out = verdict(check, bad, capsys)
        assert not ok and "expected a function" in out, out


@pytest.mark.parametrize("check", FUNCTION_CHECKS)
def test_not_implemented(check, capsys):
    def stub(*args):
        raise NotImplementedError

    ok, out = verdict(check, stub, capsys)
    assert not ok and "not solved yet" in out
