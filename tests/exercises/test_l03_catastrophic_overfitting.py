"""Lecture 03's exercise checkers: wrong answers are named, right ones pass, bad input is one line."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercises import l03_catastrophic_overfitting as ex
from course_lib.toys import sin_co

from .feedback import assert_named, verdict

# ---- the sin toy model's FGSM step -------------------------------------------------------------

def fgsm_right(x, eps):
    return -eps * np.sign(x * np.cos(x * np.pi / 2))


def fgsm_in_place(x, eps):
    x *= 0
    return fgsm_right(x + 0, eps) * 0 + fgsm_right(np.ones_like(x), eps)


def fgsm_mutating(x, eps):
    d = fgsm_right(x, eps)
    x[:] = x + d
    return d


FGSM_WRONG = {
    "wrong sign": (lambda x, eps: eps * np.sign(x * np.cos(x * np.pi / 2)), "wrong sign"),
    "no factor x": (lambda x, eps: -eps * np.sign(np.cos(x * np.pi / 2)), "factor x"),
    "step 2ε (leaves the ball)": (lambda x, eps: -2 * eps * np.sign(x * np.cos(x * np.pi / 2)), "leaves"),
    "step ε/2": (lambda x, eps: -eps / 2 * np.sign(x * np.cos(x * np.pi / 2)), "α = ε"),
    "no sign": (lambda x, eps: -eps * np.tanh(x * np.cos(x * np.pi / 2)), "sign"),
    "derivative in x, not δ": (lambda x, eps: -eps * np.sign(np.pi / 2 * np.cos(x * np.pi / 2)), "factor x"),
    "mutates x": (fgsm_mutating, "changed its input"),
    "returns None": (lambda x, eps: None, "None"),
    "returns a scalar": (lambda x, eps: eps, "shape"),
    "raises": (lambda x, eps: x.nonexistent, "AttributeError"),
    "NaN": (lambda x, eps: np.full_like(x, np.nan), "NaN"),
}


@pytest.mark.parametrize("name", FGSM_WRONG)
def test_sin_fgsm_wrong_answers_are_named(name, capsys):
    f, phrase = FGSM_WRONG[name]
    ok, out = verdict(ex.check_sin_fgsm, f, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


def test_sin_fgsm_right_answer_and_library_agree(capsys):
    assert verdict(ex.check_sin_fgsm, fgsm_right, capsys)[0]
    assert verdict(ex.check_sin_fgsm, lambda x, eps: sin_co.attack_delta(x, eps), capsys)[0]


def test_not_implemented_is_not_solved_yet(capsys):
    def stub(x, eps):
        raise NotImplementedError
    ok, out = verdict(ex.check_sin_fgsm, stub, capsys)
    assert not ok and out.startswith("… not solved yet")


@pytest.mark.parametrize("bad, phrase", [(3.0, "expected a function fgsm_delta(x, eps)"),
                                         ("fgsm", "expected a function"),
                                         (lambda x: x,
                                          "expected a function fgsm_delta(x, eps); yours takes")])
def test_sin_fgsm_bad_input(bad, phrase, capsys):
    ok, out = verdict(ex.check_sin_fgsm, bad, capsys)
    assert not ok and phrase in out


# ---- predictions and the explore exercise --------------------------------------------------------

@pytest.mark.parametrize("value, phrase", [(np.pi / 8, "value for B = 8"), (np.pi / 16, "too low"),
                                           (15.0, "radians"), (np.pi / 10, "too high"),
                                           ("pi/12", "should be a number"), (float("nan"), "nan")])
def test_eps_c_prediction_feedback(value, phrase, capsys):
    assert_named(ex.check_eps_c_b12, value, phrase, capsys)


def test_eps_c_prediction_right_and_unset(capsys):
    assert verdict(ex.check_eps_c_b12, np.pi / 12, capsys)[0]
    assert verdict(ex.check_eps_c_b12, 0.262, capsys)[0]
    ok, out = verdict(ex.check_eps_c_b12, ..., capsys)
    assert not ok and out.startswith("… not solved yet")


@pytest.mark.parametrize("value, phrase", [(1.0, "robust solution"), (7.0, "too low"), (12.0, "too high")])
def test_collapse_point_feedback(value, phrase, capsys):
    assert_named(ex.check_collapse_point, value, phrase, capsys)


def test_collapse_point_and_bound_right(capsys):
    assert verdict(ex.check_collapse_point, 11.0, capsys)[0]
    b = ex.smallest_collapse_bound()
    assert 10.0 < b < 11.0
    assert sin_co.overfits(0.3, b + 0.01, dx=1e-3) and not sin_co.overfits(0.3, b - 0.01, dx=1e-3)
    assert verdict(ex.check_collapse_bound, b + 0.02, capsys)[0]


@pytest.mark.parametrize("value, phrase", [(7.0, "below 8"), (12.0, "too high"), (9.0, "too low"),
                                           ([1, 2], "should be a number")])
def test_collapse_bound_feedback(value, phrase, capsys):
    assert_named(ex.check_collapse_bound, value, phrase, capsys)


# ---- GradAlign -----------------------------------------------------------------------------------

def _rows(g):
    return g.reshape(len(g), -1)


def ga_right(g, gn):
    a, b = _rows(g), _rows(gn)
    return float(np.mean(1 - (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)))


def ga_mutating(g, gn):
    value = ga_right(g, gn)
    g /= 2
    return value


GA_WRONG = {
    "mean cosine, not 1 − cos": (lambda g, gn: 1 - ga_right(g, gn), "not the penalty"),
    "one cosine of the whole batch": (
        lambda g, gn: float(1 - (g * gn).sum() / np.linalg.norm(g) / np.linalg.norm(gn)), "whole batch"),
    "sum over examples": (lambda g, gn: len(g) * ga_right(g, gn), "summed"),
    "dot product, no norms": (lambda g, gn: float(np.mean(1 - (_rows(g) * _rows(gn)).sum(1))), "dot product"),
    "unnormalised by one norm only": (
        lambda g, gn: float(np.mean(1 - (_rows(g) * _rows(gn)).sum(1) / np.linalg.norm(_rows(g), axis=1))),
        "not the mean of 1 − cos"),
    "mutates g": (ga_mutating, "changed its inputs"),
    "returns None": (lambda g, gn: None, "None"),
    "returns an array": (lambda g, gn: 1 - (_rows(g) * _rows(gn)).sum(1), "should be a number"),
}


@pytest.mark.parametrize("name", GA_WRONG)
def test_gradalign_wrong_answers_are_named(name, capsys):
    f, phrase = GA_WRONG[name]
    assert_named(ex.check_gradalign, f, phrase, capsys)


def test_gradalign_right_and_bad_input(capsys):
    assert verdict(ex.check_gradalign, ga_right, capsys)[0]
    ok, out = verdict(ex.check_gradalign, lambda g: 0.0, capsys)
    assert not ok and "gradalign(g, g_noisy)" in out


# ---- N-FGSM --------------------------------------------------------------------------------------

def nf_right(x, grad_fn, eps, k, rng):
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eta + eps * np.sign(grad_fn(x + eta))


def nf_clipped(x, grad_fn, eps, k, rng):
    return x + np.clip(nf_right(x, grad_fn, eps, k, rng) - x, -eps, eps)


def nf_grad_at_x(x, grad_fn, eps, k, rng):
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eta + eps * np.sign(grad_fn(x))


def nf_mutating(x, grad_fn, eps, k, rng):
    x += rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eps * np.sign(grad_fn(x))


def nf_noise_eps(x, grad_fn, eps, k, rng):
    return nf_right(x, grad_fn, eps, 1.0, rng)


def nf_minus(x, grad_fn, eps, k, rng):
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eta - eps * np.sign(grad_fn(x + eta))


def nf_drop_noise(x, grad_fn, eps, k, rng):
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eps * np.sign(grad_fn(x + eta))


def nf_step_k_eps(x, grad_fn, eps, k, rng):
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eta + k * eps * np.sign(grad_fn(x + eta))


def nf_two_draws(x, grad_fn, eps, k, rng):
    g = grad_fn(x + rng.uniform(-k * eps, k * eps, size=x.shape))
    return x + rng.uniform(-k * eps, k * eps, size=x.shape) + eps * np.sign(g)


NF_WRONG = {
    "projects onto the ε-ball (FGSM-RS style)": (nf_clipped, "does not project"),
    "gradient at x": (nf_grad_at_x, "not at the noisy point"),
    "plain FGSM (no noise)": (lambda x, g, eps, k, rng: x + eps * np.sign(g(x)), "no noise"),
    "noise U(−ε, ε)": (nf_noise_eps, "too narrow"),
    "noise U(−2kε, 2kε)": (lambda x, g, eps, k, rng: nf_right(x, g, eps, 2 * k, rng), "leaves [−kε, kε]"),
    "descends": (nf_minus, "down the loss"),
    "drops the noise": (nf_drop_noise, "dropped the noise"),
    "step kε": (nf_step_k_eps, "not α = ε"),
    "two different noise draws": (nf_two_draws, "same η"),
    "mutates x": (nf_mutating, "changed its input"),
    "never calls grad_fn": (lambda x, g, eps, k, rng: x + rng.uniform(-k * eps, k * eps, x.shape),
                            "never called"),
    "returns None": (lambda x, g, eps, k, rng: None, "None"),
}


@pytest.mark.parametrize("name", NF_WRONG)
def test_nfgsm_wrong_answers_are_named(name, capsys):
    f, phrase = NF_WRONG[name]
    assert_named(ex.check_nfgsm, f, phrase, capsys)


def test_nfgsm_right_and_bad_input(capsys):
    assert verdict(ex.check_nfgsm, nf_right, capsys)[0]
    ok, out = verdict(ex.check_nfgsm, lambda x, grad_fn, eps: x, capsys)
    assert not ok and "nfgsm(x, grad_fn, eps, k, rng)" in out
