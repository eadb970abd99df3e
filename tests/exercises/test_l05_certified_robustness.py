"""Lecture 05's exercise checkers: wrong answers are named, right ones pass, bad input is one line."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import stats

from course_lib import robust as C
from course_lib.exercises import l05_certified_robustness as ex

from .feedback import assert_named, verdict

# ---- IBP -----------------------------------------------------------------------------------------

def ibp_right(low, up, W, b):
    c, r = (up + low) / 2, (up - low) / 2
    return c @ W.T + b - r @ np.abs(W).T, c @ W.T + b + r @ np.abs(W).T


def ibp_mutating(low, up, W, b):
    lo, hi = ibp_right(low, up, W, b)
    up -= low
    return lo, hi


IBP_WRONG = {
    "ends mapped separately (negative weights)": (lambda low, up, W, b: (low @ W.T + b, up @ W.T + b),
                                                  "lower bound is above"),
    "W r instead of |W| r": (lambda low, up, W, b: ((up + low) / 2 @ W.T + b - (up - low) / 2 @ W.T,
                                                   (up + low) / 2 @ W.T + b + (up - low) / 2 @ W.T),
                             "negative weight"),
    "no bias": (lambda low, up, W, b: tuple(v - b for v in ibp_right(low, up, W, b)), "add the bias"),
    "loose (2 × radius)": (lambda low, up, W, b: (ibp_right(low, up, W, b)[0] - 1,
                                                 ibp_right(low, up, W, b)[1] + 1),
                           "looser than IBP"),
    "transposed W (wrong axis)": (lambda low, up, W, b: (low @ W + b, up @ W + b), "ValueError"),
    "swapped pair": (lambda low, up, W, b: ibp_right(low, up, W, b)[::-1], "above your upper bound"),
    "returns one array": (lambda low, up, W, b: ibp_right(low, up, W, b)[0], "pair (lower, upper)"),
    "returns None": (lambda low, up, W, b: None, "None"),
    "mutates u": (ibp_mutating, "changed one of its inputs"),
    "raises": (lambda low, up, W, b: W @ low, "ValueError"),
}


@pytest.mark.parametrize("name", IBP_WRONG)
def test_ibp_linear_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_ibp_linear, *IBP_WRONG[name], capsys)


def test_ibp_linear_right_matches_library(capsys):
    assert verdict(ex.check_ibp_linear, ibp_right, capsys)[0]
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(5, 4))
    layer = torch.nn.Linear(4, 3).double()
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(W)), layer.bias.copy_(torch.tensor(b))
    lo, hi = C.ibp_bounds(layer, torch.tensor(x), 0.3, domain=None)
    mine = ibp_right(x - 0.3, x + 0.3, W, b)
    assert np.allclose(lo.detach().numpy(), mine[0]) and np.allclose(hi.detach().numpy(), mine[1])


def test_ibp_linear_bad_input(capsys):
    for bad, phrase in [(None, "expected a function ibp_linear(l, u, W, b)"), (lambda low, up: low,
        "yours takes"),
                        ([1, 2], "got list")]:
        ok, out = verdict(ex.check_ibp_linear, bad, capsys)
        assert not ok and phrase in out, out


def relu_right(low, up, W, b):
    lo, hi = ibp_right(low, up, W, b)
    return np.maximum(lo, 0), np.maximum(hi, 0)


RELU_WRONG = {
    "no ReLU": (ibp_right, "before the ReLU"),
    "lower end only": (lambda low, up, W, b: (np.maximum(ibp_right(low, up, W, b)[0], 0), ibp_right(low, up,
        W, b)[1]),
                       "lower bound only"),
    "upper end only": (lambda low, up, W, b: (ibp_right(low, up, W, b)[0], np.maximum(ibp_right(low, up, W,
        b)[1], 0)),
                       "upper bound only"),
    "ReLU before the layer": (lambda low, up, W, b: ibp_right(np.maximum(low, 0), np.maximum(up, 0), W, b),
                              "negative"),
    "ends mapped separately": (lambda low, up, W, b: (np.maximum(low @ W.T + b, 0), np.maximum(up @ W.T + b,
        0)),
                               "above your upper bound"),
    "returns None": (lambda low, up, W, b: None, "None"),
}


@pytest.mark.parametrize("name", RELU_WRONG)
def test_ibp_relu_layer_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_ibp_relu_layer, *RELU_WRONG[name], capsys)


def test_ibp_relu_layer_right_matches_library(capsys):
    assert verdict(ex.check_ibp_relu_layer, relu_right, capsys)[0]
    # the library's IBP on a point box of radius ε agrees with the solution
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(5, 4))
    net = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 3)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor(W)), net[0].bias.copy_(torch.tensor(b))
        net[2].weight.copy_(torch.eye(3, dtype=torch.float64)), net[2].bias.zero_()
    lo, hi = C.ibp_bounds(net, torch.tensor(x), 0.3, domain=None)
    mine = relu_right(x - 0.3, x + 0.3, W, b)
    assert np.allclose(lo.detach().numpy(), mine[0]) and np.allclose(hi.detach().numpy(), mine[1])


@pytest.mark.parametrize("value, phrase", [(0.0, "IBP's (exact) lower bound"), (-2.0, "too low"),
                                           (-0.5, "too high"), ("minus one", "should be a number"),
                                           (..., "not solved yet")])
def test_crown_lower_prediction(value, phrase, capsys):
    assert_named(ex.check_crown_lower_prediction, value, phrase, capsys)


def test_crown_lower_prediction_right(capsys):
    assert verdict(ex.check_crown_lower_prediction, -1, capsys)[0]


# ---- CROWN relaxation ----------------------------------------------------------------------------

def relax_right(low, up):
    unstable, active = (low < 0) & (up > 0), low >= 0
    s = np.where(unstable, up / np.where(unstable, up - low, 1.0), active * 1.0)
    return np.where(unstable, (up > -low) * 1.0, active * 1.0), s, np.where(unstable, -s * low, 0.0)


def relax_zero(low, up):
    a, s, t = relax_right(low, up)
    return np.where((low < 0) & (up > 0), 0.0, a), s, t


def relax_same_slope(low, up):
    a, s, t = relax_right(low, up)
    return np.where((low < 0) & (up > 0), s, a), s, t


def relax_chord_wrong(low, up):
    a, s, t = relax_right(low, up)
    return a, s, np.where((low < 0) & (up > 0), -s * up, t)


def relax_unstable_formula_everywhere(low, up):
    s = up / (up - low)
    return (up > -low) * 1.0, s, -s * low


def relax_loose_upper(low, up):
    a, s, t = relax_right(low, up)
    return a, s, t + 0.1


def relax_alpha_one(low, up):
    a, s, t = relax_right(low, up)
    return np.where((low < 0) & (up > 0), 1.0, a), s, t


RELAX_WRONG = {
    "lower slope 0 (the 'zero' variant)": (relax_zero, "'zero' variant"),
    "lower slope = upper slope": (relax_same_slope, "equals the upper slope"),
    "intercept −s·u (wrong chord)": (relax_chord_wrong, "falls below ReLU"),
    "unstable formula on stable neurons": (relax_unstable_formula_everywhere, "stable neuron"),
    "loose upper line": (relax_loose_upper, "not the tightest"),
    "α = 1 always": (relax_alpha_one, "adaptive α = 1[u > −l]"),
    "returns a pair": (lambda low, up: relax_right(low, up)[:2], "triple"),
    "returns None": (lambda low, up: None, "None"),
}


@pytest.mark.parametrize("name", RELAX_WRONG)
def test_relu_relaxation_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_relu_relaxation, *RELAX_WRONG[name], capsys)


def test_relu_relaxation_right_matches_library(capsys):
    from course_lib.robust.certify_bounds import _relu_relaxation

    assert verdict(ex.check_relu_relaxation, relax_right, capsys)[0]
    lib = lambda low, up: tuple(v.numpy() for v in _relu_relaxation(torch.tensor(low), torch.tensor(up),  # noqa: E731
                                                                  "adaptive"))
    assert verdict(ex.check_relu_relaxation, lib, capsys)[0]


# ---- smoothing -----------------------------------------------------------------------------------

ppf = stats.norm.ppf


def radius_right(p_a, p_b, sigma):
    return sigma / 2 * (ppf(p_a) - ppf(p_b))


def radius_mutating(p_a, p_b, sigma):
    r = radius_right(p_a, p_b, sigma)
    p_a.sort()
    return r


RADIUS_WRONG = {
    "no 1/2": (lambda pa, pb, s: s * (ppf(pa) - ppf(pb)), "twice"),
    "no σ": (lambda pa, pb, s: 0.5 * (ppf(pa) - ppf(pb)), "ignores σ"),
    "ignores p_B": (lambda pa, pb, s: s * ppf(pa), "ignores p_B"),
    "Φ instead of Φ⁻¹": (lambda pa, pb, s: s / 2 * (stats.norm.cdf(pa) - stats.norm.cdf(pb)),
                         "not its inverse"),
    "raw probabilities": (lambda pa, pb, s: s / 2 * (pa - pb), "probabilities themselves"),
    "σ²": (lambda pa, pb, s: s ** 2 / 2 * (ppf(pa) - ppf(pb)), "variance"),
    "swapped (wrong sign)": (lambda pa, pb, s: s / 2 * (ppf(pb) - ppf(pa)), "negative"),
    "mutates p_a": (radius_mutating, "changed its inputs"),
    "scalar (wrong axis)": (lambda pa, pb, s: float(np.mean(radius_right(pa, pb, s))), "shape"),
    "returns None": (lambda pa, pb, s: None, "None"),
}


@pytest.mark.parametrize("name", RADIUS_WRONG)
def test_smoothing_radius_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_smoothing_radius, *RADIUS_WRONG[name], capsys)


def test_smoothing_radius_right_matches_library(capsys):
    assert verdict(ex.check_smoothing_radius, radius_right, capsys)[0]
    assert verdict(ex.check_smoothing_radius, lambda pa, pb, s: C.smoothing_radius(pa, pb, sigma=s),
                   capsys)[0]


@pytest.mark.parametrize("value, phrase", [(np.inf, "is inf"), (50.0, "huge"), (0.5 * ppf(0.999), "too high"),
                                           (0.5, "too low")])
def test_max_radius_prediction(value, phrase, capsys):
    assert_named(ex.check_max_radius_prediction, value, phrase, capsys)


def test_max_radius_prediction_right(capsys):
    value = C.smoothing_radius(C.clopper_pearson_lower(1000, 1000, 0.001), sigma=0.5)
    assert verdict(ex.check_max_radius_prediction, value, capsys)[0]
    assert verdict(ex.check_max_radius_prediction, 1.23, capsys)[0]


# ---- Lipschitz -----------------------------------------------------------------------------------

def lip_right(ws):
    return float(np.prod([np.linalg.norm(w, 2) for w in ws]))


def lip_mutating(ws):
    value = lip_right(ws)
    ws[0] *= 0
    return value


LIP_WRONG = {
    "Frobenius": (lambda ws: float(np.prod([np.linalg.norm(w) for w in ws])), "Frobenius"),
    "sum": (lambda ws: float(np.sum([np.linalg.norm(w, 2) for w in ws])), "summed"),
    "max": (lambda ws: float(np.max([np.linalg.norm(w, 2) for w in ws])), "largest layer"),
    "ℓ∞ operator norm (wrong norm)": (lambda ws: float(np.prod([np.abs(w).sum(1).max() for w in ws])),
                                      "ℓ∞ operator"),
    "ℓ1 operator norm (wrong axis)": (lambda ws: float(np.prod([np.abs(w).sum(0).max() for w in ws])),
                                      "ℓ1 operator"),
    "squared": (lambda ws: float(np.prod([np.linalg.norm(w, 2) ** 2 for w in ws])), "squared"),
    "last layer left out (off by one)": (lambda ws: float(np.prod([np.linalg.norm(w, 2) for w in ws[:-1]])),
                                         "smaller than the product"),
    "mutates the weights": (lip_mutating, "changed the weights"),
    "returns None": (lambda ws: None, "None"),
    "returns a list": (lambda ws: [np.linalg.norm(w, 2) for w in ws], "should be a number"),
}


@pytest.mark.parametrize("name", LIP_WRONG)
def test_lipschitz_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_lipschitz, *LIP_WRONG[name], capsys)


def test_lipschitz_right_and_bad_input(capsys):
    assert verdict(ex.check_lipschitz, lip_right, capsys)[0]
    ok, out = verdict(ex.check_lipschitz, lambda ws, eps: 1.0, capsys)
    assert not ok and "lipschitz_bound(weights)" in out


# ---- explore -------------------------------------------------------------------------------------

def test_largest_verified(capsys):
    model, x0, y0 = ex.certify_problem()
    crown, ibp = ex.largest_verified("crown"), ex.largest_verified("ibp")
    assert crown > ibp > 0
    assert bool(C.certified(model, x0, y0, 0.99 * crown, method="crown", domain=None))
    assert not bool(C.certified(model, x0, y0, 1.01 * crown + 1e-4, method="crown", domain=None))
    assert verdict(ex.check_largest_verified, crown, capsys)[0]
    for value, phrase in [(ibp, "IBP verifies"), (2 * crown, "too high"), (0.5 * crown, "too low"),
                          ("big", "should be a number")]:
        ok, out = verdict(ex.check_largest_verified, value, capsys)
        assert not ok and phrase in out, out
