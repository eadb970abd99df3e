"""Checkers of lecture 09's exercises: right answers pass, typical wrong answers are named, bad input is
one line."""

from __future__ import annotations

import numpy as np
import pytest

from course_lib.exercises import l09_beyond_one_model as ex

from .feedback import assert_named, assert_prediction_feedback, verdict

# ---------------------------------------------------------------- the SGM gradient


def sgm_right(Ws, a, gamma):
    g = a.copy()
    for W in reversed(Ws):
        g = g + gamma * W.T @ g
    return g


def sgm_product(kind):
    def sgm_gradient(Ws, a, gamma):
        eye = np.eye(len(a))
        M = eye
        for W in Ws:
            block = {"skip": gamma * eye + W}.get(kind, eye + gamma * W)
            M = M @ block if kind == "order" else block @ M
        return M @ a if kind == "no transpose" else M.T @ a
    return sgm_gradient


def sgm_inplace(Ws, a, gamma):
    for W in reversed(Ws):
        a += gamma * W.T @ a
    return a


SGM_WRONG = [
    (sgm_product("skip"), "scaled the skip path"),
    (sgm_product("no transpose"), "forgot the transpose"),
    (sgm_product("order"), "wrong order"),
    (lambda Ws, a, gamma: gamma * sgm_right(Ws, a, 1.0), "whole true gradient by γ"),
    (lambda Ws, a, gamma: gamma ** len(Ws) * sgm_right(Ws, a, 1.0), "by γ^L"),
    (lambda Ws, a, gamma: sgm_right(Ws, a, 1.0), "true gradient (γ = 1) whatever γ"),
    (lambda Ws, a, gamma: a.copy(), "skip path alone"),
    (lambda Ws, a, gamma: 2 * sgm_right(Ws, a, gamma), "differs from"),
    (lambda Ws, a, gamma: np.stack([sgm_right(Ws, a, gamma)] * 2), "has shape (2, 4)"),
    (lambda Ws, a, gamma: None, "is None"),
    (sgm_inplace, "in place"),
    (lambda Ws, a, gamma: 1 / 0, "ZeroDivisionError"),
]


def test_sgm_right(capsys):
    assert verdict(ex.check_sgm_gradient, sgm_right, capsys) == (
        True, "✓ solved: the SGM gradient of a linear residual network\n")


@pytest.mark.parametrize(("answer", "phrase"), SGM_WRONG, ids=[p for _, p in SGM_WRONG])
def test_sgm_wrong(answer, phrase, capsys):
    assert_named(ex.check_sgm_gradient, answer, phrase, capsys, name="sgm_gradient")


def test_sgm_bad_input(capsys):
    for bad, phrase in [(None, "expected a function sgm_gradient(Ws, a, gamma)"),
                        (lambda Ws, a: a, "yours takes"), ("grad", "got str")]:
        ok, out = verdict(ex.check_sgm_gradient, bad, capsys)
        assert not ok and phrase in out, out


def test_reference_matches_the_library():
    import torch
    from torch import nn

    from course_lib.models import ResidualBlock
    from course_lib.robust import sgm
    from course_lib.robust.attacks import input_gradient

    torch.manual_seed(0)
    blocks = []
    for _ in range(3):
        b = ResidualBlock(1)
        b.branch = nn.Linear(4, 4, bias=False)
        blocks.append(b)
    head = nn.Linear(4, 1, bias=False)
    net = nn.Sequential(*blocks, head).double()
    with sgm(net, 0.4):
        g = input_gradient(net, torch.rand(1, 4, dtype=torch.float64), lambda z: z[:, 0])[0].numpy()
    Ws = [b.branch.weight.detach().numpy() for b in blocks]
    assert np.allclose(g, ex.sgm_gradient_reference(Ws, head.weight.detach().numpy()[0], 0.4), atol=1e-12)


def test_sgm_prediction_feedback(capsys):
    assert_prediction_feedback(ex.check_sgm_prediction, 8.0, [
        (27.0, "true derivative"), (13.5, "γ times the true"), (3.375, "γ^L times"),
        (15.625, "skip path by γ"), (4.0, "adds the blocks"), (9.0, "too high"), (7.0, "too low")], capsys)


# ---------------------------------------------------------------- the transfer success rate


def transfer_right(pred_clean, pred_adv, y):
    correct = pred_clean == y
    return float(np.mean(pred_adv[correct] != y[correct]))


def transfer_inplace(pred_clean, pred_adv, y):
    pred_adv[pred_clean != y] = y[pred_clean != y]
    return transfer_right(pred_clean, pred_adv, y)


TRANSFER_WRONG = [
    (lambda c, a, y: float(np.mean(a != y)), "also those the target already got wrong"),
    (lambda c, a, y: float(np.mean(a != c)), "that is the fooling rate"),
    (lambda c, a, y: float(np.sum((a != y) & (c == y)) / len(y)), "divided by all the examples"),
    (lambda c, a, y: 1 - transfer_right(c, a, y), "resisted"),
    (lambda c, a, y: int(np.sum((a != y) & (c == y))), "a count, not a fraction"),
    (lambda c, a, y: 0.5, "too"),
    (lambda c, a, y: None, "is None"),
    (transfer_inplace, "in place"),
]


def test_transfer_right(capsys):
    assert verdict(ex.check_transfer_rate, transfer_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), TRANSFER_WRONG, ids=[p for _, p in TRANSFER_WRONG])
def test_transfer_wrong(answer, phrase, capsys):
    assert_named(ex.check_transfer_rate, answer, phrase, capsys, name="transfer_rate")


# ---------------------------------------------------------------- the universal perturbation's step


def uap_right(delta, grads, alpha, eps):
    return np.clip(delta + alpha * np.sign(grads.sum(axis=0)), -eps, eps)


def uap_inplace(delta, grads, alpha, eps):
    delta += alpha * np.sign(grads.sum(axis=0))
    return np.clip(delta, -eps, eps)


UAP_WRONG = [
    (lambda d, g, a, e: np.clip(d - a * np.sign(g.sum(0)), -e, e), "down the loss"),
    (lambda d, g, a, e: d + a * np.sign(g.sum(0)), "leaves the ε-ball"),
    (lambda d, g, a, e: np.clip(d + a * np.sign(np.sign(g).sum(0)), -e, e), "majority vote"),
    (lambda d, g, a, e: np.clip(d + a * g.sum(0), -e, e), "along Σ g, not its sign"),
    (lambda d, g, a, e: np.clip(d + a * g.mean(0), -e, e), "mean gradient"),
    (lambda d, g, a, e: np.clip(a * np.sign(g.sum(0)), -e, e), "restarts from δ = 0"),
    (lambda d, g, a, e: np.clip(d + a * np.sign(g), -e, e), "one row per image"),
    (lambda d, g, a, e: np.clip(d + 2 * a * np.sign(g.sum(0)), -e, e), "differs from"),
    (lambda d, g, a, e: None, "is None"),
    (uap_inplace, "in place"),
]


def test_uap_right(capsys):
    assert verdict(ex.check_uap_step, uap_right, capsys)[0]


@pytest.mark.parametrize(("answer", "phrase"), UAP_WRONG, ids=[p for _, p in UAP_WRONG])
def test_uap_wrong(answer, phrase, capsys):
    assert_named(ex.check_uap_step, answer, phrase, capsys, name="uap_step")


# ---------------------------------------------------------------- the hardest examples


def hardest_right(losses, k):
    return np.argsort(-losses.mean(axis=0))[:k]


def hardest_inplace(losses, k):
    losses.sort(axis=0)
    return hardest_right(losses, k)


HARDEST_WRONG = [
    (lambda L, k: np.sort(L.mean(0))[::-1][:k], "difficulties, not the indices"),
    (lambda L, k: np.argsort(-L.mean(0))[:k][::-1], "wrong order"),
    (lambda L, k: np.argsort(L.mean(0))[:k], "easiest"),
    (lambda L, k: np.argsort(-L[-1])[:k], "last epoch"),
    (lambda L, k: np.argsort(-L.mean(1))[:k][:2], "has shape (2,)"),
    (lambda L, k: np.argsort(-L.mean(0))[:k + 1], "has shape (5,)"),
    (lambda L, k: np.arange(k), "not the k examples"),
    (lambda L, k: None, "is None"),
    (hardest_inplace, "in place"),
]


def test_hardest_right(capsys):
    assert verdict(ex.check_hardest, hardest_right, capsys)[0]
    assert verdict(ex.check_hardest, lambda L, k: np.argsort(-L.sum(0))[:k], capsys)[0]   # sum ranks alike


@pytest.mark.parametrize(("answer", "phrase"), HARDEST_WRONG, ids=[p for _, p in HARDEST_WRONG])
def test_hardest_wrong(answer, phrase, capsys):
    assert_named(ex.check_hardest, answer, phrase, capsys, name="hardest")
