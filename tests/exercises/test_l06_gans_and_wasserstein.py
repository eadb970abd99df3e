"""Checkers of lecture 06's exercises: right answers pass, typical wrong answers are named, bad input is
one line."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.special import rel_entr

from course_lib.exercises import l06_gans_and_wasserstein as ex

from .feedback import assert_named, assert_prediction_feedback, verdict

# ---------------------------------------------------------------- W1 by sorting


def w1_right(u, v):
    return float(np.mean(np.abs(np.sort(u) - np.sort(v))))


def w1_inplace(u, v):
    u.sort()
    v.sort()
    return float(np.mean(np.abs(u - v)))


W1_WRONG = [
    (lambda u, v: np.mean(np.abs(u - v)), "unsorted samples"),
    (lambda u, v: np.mean(np.abs(np.sort(u) - v)), "sorted u only"),
    (lambda u, v: np.mean(np.abs(u - np.sort(v))), "sorted v only"),
    (lambda u, v: abs(np.mean(np.sort(u) - np.sort(v))), "absolute value is outside the mean"),
    (lambda u, v: np.mean(np.sort(u) - np.sort(v)), "absolute value is missing"),
    (lambda u, v: np.sqrt(np.mean((np.sort(u) - np.sort(v)) ** 2)), "that is W₂,"),
    (lambda u, v: np.mean((np.sort(u) - np.sort(v)) ** 2), "W₂²"),
    (lambda u, v: np.sum(np.abs(np.sort(u) - np.sort(v))), "n times W₁"),
    (lambda u, v: np.sum(np.abs(np.sort(u) - np.sort(v))) / (len(u) - 1), "divided by n − 1"),
    (lambda u, v: np.mean(np.abs(np.sort(u) - np.sort(v)[::-1])), "smallest with v's largest"),
    (lambda u, v: np.abs(np.sort(u) - np.sort(v)), "expected one number"),
    (lambda u, v: None, "returned None"),
    (lambda u, v: 1.5 * w1_right(u, v), "expected"),
    (w1_inplace, "in place"),
]


def test_w1_right(capsys):
    expected = (True, "✓ solved: W₁ between two 1-D samples by sorting\n")
    assert verdict(ex.check_w1_sorted, w1_right, capsys) == expected


@pytest.mark.parametrize(("answer", "phrase"), W1_WRONG, ids=[p for _, p in W1_WRONG])
def test_w1_wrong(answer, phrase, capsys):
    assert_named(ex.check_w1_sorted, answer, phrase, capsys, name="w1_sorted")


# ---------------------------------------------------------------- JSD


def kl(a, b):
    return float(np.sum(rel_entr(a, b)))


def jsd_right(p, q):
    m = (p + q) / 2
    return 0.5 * kl(p, m) + 0.5 * kl(q, m)


def jsd_naive_log(p, q):
    m = (p + q) / 2
    return 0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(q * np.log(q / m))


def jsd_inplace(p, q):
    p += q
    p /= 2
    return jsd_right(2 * p - q, q)


JSD_WRONG = [
    (lambda p, q: 0.5 * kl(p, q) + 0.5 * kl(q, p), "symmetrised KL"),
    (lambda p, q: kl(p, q) + kl(q, p), "KL(p‖q) + KL(q‖p)"),
    (lambda p, q: kl(p, (p + q) / 2) + kl(q, (p + q) / 2), "twice the JSD"),
    (lambda p, q: jsd_right(p, q) / np.log(2), "in bits"),
    (lambda p, q: kl(p, (p + q) / 2), "KL(p‖m) only"),
    (lambda p, q: np.sqrt(jsd_right(p, q)), "distance"),
    (jsd_naive_log, "0·log 0 = 0"),
    (lambda p, q: None, "returned None"),
    (lambda p, q: "small", "expected a number"),
    (lambda p, q: rel_entr(p, (p + q) / 2), "expected one number"),
    (jsd_inplace, "in place"),
]


def test_jsd_right(capsys):
    assert verdict(ex.check_jsd, jsd_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), JSD_WRONG, ids=[p for _, p in JSD_WRONG])
def test_jsd_wrong(answer, phrase, capsys):
    assert_named(ex.check_jsd, answer, phrase, capsys, name="jsd")


# ---------------------------------------------------------------- critic

CRITIC_WRONG = [
    (lambda a: a, "scores ν above μ"),
    (lambda a: -2 * a, "not 1-Lipschitz"),
    (lambda a: 0 * a, "below W₁"),
    (lambda a: -np.clip(a, -0.5, 0.5), "below W₁"),
    (lambda a: -np.abs(a), "below W₁"),
    (lambda a: float(np.mean(a)), "has shape ()"),
]


def test_critic_right(capsys):
    assert verdict(ex.check_critic, lambda a: 3.0 - a, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), CRITIC_WRONG, ids=[p for _, p in CRITIC_WRONG])
def test_critic_wrong(answer, phrase, capsys):
    assert_named(ex.check_critic, answer, phrase, capsys, name="critic")


# ---------------------------------------------------------------- gradient penalty


def penalty(kind):
    def gradient_penalty(critic, real, fake, t):
        tt = t[:, None]
        mixed = tt * real + (1 - tt) * fake
        a_hat = {"swap": tt * fake + (1 - tt) * real, "real": real, "fake": fake}.get(kind, mixed)
        a_hat = a_hat.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(critic(a_hat).sum(), a_hat, create_graph=kind != "no graph")
        n = g.norm(dim=1)
        return {"square": ((n**2 - 1) ** 2).mean(), "one-sided": (torch.relu(n - 1) ** 2).mean(),
                "sum": ((n - 1) ** 2).sum(), "no -1": (n**2).mean(), "abs": (n - 1).abs().mean(),
                "per sample": (n - 1) ** 2, "none": None, "numpy": ((n - 1) ** 2).mean().item()}.get(
                    kind, ((n - 1) ** 2).mean())
    return gradient_penalty


def penalty_inplace(critic, real, fake, t):
    real.mul_(t[:, None]).add_((1 - t[:, None]) * fake)
    return penalty("right")(critic, real, fake, torch.ones_like(t))


PENALTY_WRONG = [
    ("swap", "t·fake + (1 − t)·real"),
    ("real", "real samples only"),
    ("fake", "fake samples only"),
    ("square", "squared norm"),
    ("one-sided", "one-sided"),
    ("sum", "sum over the batch"),
    ("no -1", "without the − 1"),
    ("abs", "not squared"),
    ("no graph", "cannot be differentiated"),
    ("per sample", "expected a scalar tensor"),
    ("none", "returned None"),
    ("numpy", "expected a scalar tensor"),
]


def test_penalty_right(capsys):
    assert verdict(ex.check_gradient_penalty, penalty("right"), capsys)[0]


@pytest.mark.parametrize(("kind", "phrase"), PENALTY_WRONG, ids=[k for k, _ in PENALTY_WRONG])
def test_penalty_wrong(kind, phrase, capsys):
    ok, out = verdict(ex.check_gradient_penalty, penalty(kind), capsys)
    assert not ok and phrase in out, out


def test_penalty_inplace(capsys):
    ok, out = verdict(ex.check_gradient_penalty, penalty_inplace, capsys)
    assert not ok and "in place" in out, out


# ---------------------------------------------------------------- predictions


@pytest.mark.parametrize(("check", "right", "wrong"), [
    (ex.check_jsd_disjoint, np.log(2),
     [(float("inf"), "symmetrised KL"), (1.0, "in bits"), (0.0, "only when"), (0.5, "too low")]),
    (ex.check_dirac_gda, 1.04**25,
     [(0.5, "does not converge"), (1.0, "not preserved"), (1.04**50, "1 + γ² per step"), (2.0, "too low"),
      (1.04**24.5, "counts 49 steps"), (1.04**25.5, "counts 51 steps")]),
])
def test_predictions(check, right, wrong, capsys):
    assert_prediction_feedback(check, right, wrong, capsys, not_a_number="log 2")


# ---------------------------------------------------------------- bad input and not yet

FUNCTION_CHECKS = [ex.check_w1_sorted, ex.check_jsd, ex.check_critic, ex.check_gradient_penalty]


@pytest.mark.parametrize("check", FUNCTION_CHECKS)
def test_bad_input(check, capsys):
    for bad in (0.5, "w1", lambda a, b, c, d, e: a):
        ok, out = verdict(check, bad, capsys)
        assert not ok and "expected a function" in out, out


@pytest.mark.parametrize("check", FUNCTION_CHECKS)
def test_not_implemented(check, capsys):
    def stub(*args):
        raise NotImplementedError

    ok, out = verdict(check, stub, capsys)
    assert not ok and "not solved yet" in out
