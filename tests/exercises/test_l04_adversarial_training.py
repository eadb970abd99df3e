"""Lecture 04's exercise checkers: wrong answers are named, right ones pass, bad input is one line."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.exercises import l04_adversarial_training as ex
from course_lib.robust import metrics

from .feedback import verdict


def assert_named(check, f, phrase, capsys):
    ok, out = verdict(check, f, capsys)
    assert not ok and out.startswith("✗") and phrase in out, out


# ---- PGD step ------------------------------------------------------------------------------------

def pgd_right(x0, x, g, eps, alpha):
    return np.clip(np.clip(x + alpha * np.sign(g), x0 - eps, x0 + eps), 0, 1)


def pgd_in_place(x0, x, g, eps, alpha):
    x += alpha * np.sign(g)
    return np.clip(np.clip(x, x0 - eps, x0 + eps), 0, 1)


PGD_WRONG = {
    "wrong sign": (lambda x0, x, g, eps, a: pgd_right(x0, x, -g, eps, a), "down the loss"),
    "no projection onto the ball": (lambda x0, x, g, eps, a: np.clip(x + a * np.sign(g), 0, 1),
                                    "leaves the ε-ball"),
    "no clip to [0, 1]": (lambda x0, x, g, eps, a: np.clip(x + a * np.sign(g), x0 - eps, x0 + eps),
                          "pixel range"),
    # with α < ε a ball around x_k never binds: the iterate drifts out of the ball around x0
    "ball around x_k": (lambda x0, x, g, eps, a: np.clip(np.clip(x + a * np.sign(g), x - eps, x + eps), 0, 1),
                        "leaves the ε-ball"),
    "g instead of sign g (wrong norm)": (
        lambda x0, x, g, eps, a: np.clip(np.clip(x + a * g, x0 - eps, x0 + eps), 0, 1), "not sign(g)"),
    "restarts from x0 (off by one step)": (lambda x0, x, g, eps, a: pgd_right(x0, x0, g, eps, a),
                                           "starts from x0"),
    "ℓ2-normalised step": (lambda x0, x, g, eps, a: np.clip(np.clip(x + a * g / np.linalg.norm(g), x0 - eps,
                                                                    x0 + eps), 0, 1), "ℓ2-normalised"),
    "mutates x": (pgd_in_place, "changed one of its inputs"),
    "returns None": (lambda x0, x, g, eps, a: None, "None"),
    "wrong shape": (lambda x0, x, g, eps, a: pgd_right(x0, x, g, eps, a).ravel(), "shape"),
    "raises": (lambda x0, x, g, eps, a: 1 / 0, "ZeroDivisionError"),
}


@pytest.mark.parametrize("name", PGD_WRONG)
def test_pgd_step_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_pgd_step, *PGD_WRONG[name], capsys)


def test_pgd_step_right_and_bad_input(capsys):
    assert verdict(ex.check_pgd_step, pgd_right, capsys)[0]
    for bad, phrase in [(None, "expected a function pgd_step(x0, x, g, eps, alpha)"),
                        (lambda x, g, eps: x, "yours takes"), ("step", "got str")]:
        ok, out = verdict(ex.check_pgd_step, bad, capsys)
        assert not ok and phrase in out, out


# ---- FOSC ----------------------------------------------------------------------------------------

def _flat(a):
    return a.reshape(len(a), -1)


def fosc_right(g, xk, x0, eps):
    return eps * np.abs(_flat(g)).sum(1) - (_flat(xk - x0) * _flat(g)).sum(1)


FOSC_WRONG = {
    "ℓ2 norm (wrong norm)": (lambda g, xk, x0, eps: eps * np.linalg.norm(_flat(g), axis=1)
                             - (_flat(xk - x0) * _flat(g)).sum(1), "ℓ2 norm"),
    "inner product sign": (lambda g, xk, x0, eps: eps * np.abs(_flat(g)).sum(1)
                           + (_flat(xk - x0) * _flat(g)).sum(1), "wrong sign"),
    "both signs flipped": (lambda g, xk, x0, eps: -fosc_right(g, xk, x0, eps), "negative"),
    "no ε": (lambda g, xk, x0, eps: np.abs(_flat(g)).sum(1) - (_flat(xk - x0) * _flat(g)).sum(1),
             "dropped ε"),
    "no inner product": (lambda g, xk, x0, eps: eps * np.abs(_flat(g)).sum(1), "dropped the term"),
    "summed over the batch (wrong axis)": (lambda g, xk, x0, eps: float(fosc_right(g, xk, x0, eps).sum()),
                                           "one number for the whole batch"),
    "reduced over axis 0": (lambda g, xk, x0, eps: eps * np.abs(g).sum(0) - ((xk - x0) * g).sum(0), "shape"),
    "returns None": (lambda g, xk, x0, eps: None, "None"),
}


@pytest.mark.parametrize("name", FOSC_WRONG)
def test_fosc_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_fosc, *FOSC_WRONG[name], capsys)


def test_fosc_right_agrees_with_library(capsys):
    assert verdict(ex.check_fosc, fosc_right, capsys)[0]
    lib = lambda g, xk, x0, eps: metrics.fosc_closed_form(*(torch.tensor(a) for a in (g, xk, x0)), eps)  # noqa: E731
    assert verdict(ex.check_fosc, lib, capsys)[0]


@pytest.mark.parametrize("value, phrase", [(0.35, "too high"), (-0.15, "negative"), (0.0, "too low"),
                                           ("0.1", None), ("a tenth", "should be a number")])
def test_fosc_prediction(value, phrase, capsys):
    ok, out = verdict(ex.check_fosc_prediction, value, capsys)
    assert ok if phrase is None else (not ok and phrase in out), out


def test_fosc_step_size_explore(capsys):
    assert verdict(ex.check_fosc_step_size, 4, capsys)[0]
    for value, phrase in [(16, "too small a step"), (3, "not one of"), (..., "not solved yet")]:
        ok, out = verdict(ex.check_fosc_step_size, value, capsys)
        assert not ok and phrase in out, out


# ---- TRADES and MART -----------------------------------------------------------------------------

def kl_rows(p, q):
    return (p * (p.log() - q.log())).sum(1)


def trades_right(nat, adv, y, beta):
    return F.cross_entropy(nat, y) + beta * F.kl_div(F.log_softmax(adv, 1), F.softmax(nat, 1),
                                                     reduction="batchmean")


def trades_in_place(nat, adv, y, beta):
    nat.data.mul_(2)
    return trades_right(nat, adv, y, beta)


TRADES_WRONG = {
    "KL reversed": (lambda nat, adv, y, b: F.cross_entropy(nat, y)
                    + b * kl_rows(F.softmax(adv, 1), F.softmax(nat, 1)).mean(), "reversed"),
    "CE at x'": (lambda nat, adv, y, b: trades_right(nat, adv, y, b) - F.cross_entropy(nat, y)
                 + F.cross_entropy(adv, y), "adversarial logits"),
    "kl_div reduction='mean'": (lambda nat, adv, y, b: F.cross_entropy(nat, y) + b * F.kl_div(
        F.log_softmax(adv, 1), F.softmax(nat, 1), reduction="mean"), "number of classes"),
    "kl_div reduction='sum'": (lambda nat, adv, y, b: F.cross_entropy(nat, y) + b * F.kl_div(
        F.log_softmax(adv, 1), F.softmax(nat, 1), reduction="sum"), "summed over the batch"),
    "no β": (lambda nat, adv, y, b: trades_right(nat, adv, y, 1.0), "no β"),
    "β on the CE": (lambda nat, adv, y, b: b * F.cross_entropy(nat, y) + trades_right(nat, adv, y, 1.0)
                    - F.cross_entropy(nat, y), "β multiplies"),
    "logits into kl_div": (lambda nat, adv, y, b: F.cross_entropy(nat, y) + b * F.kl_div(
        adv, F.softmax(nat, 1), reduction="batchmean"), "log-probabilities"),
    "detached (.item())": (lambda nat, adv, y, b: trades_right(nat, adv, y, b).item(), "Python number"),
    "detached tensor": (lambda nat, adv, y, b: trades_right(nat, adv, y, b).detach(), "autograd"),
    "per-example vector": (lambda nat, adv, y, b: F.cross_entropy(nat, y, reduction="none"),
                           "expected one number"),
    "mutates the logits": (trades_in_place, "in place"),
    "returns None": (lambda nat, adv, y, b: None, "None"),
}


@pytest.mark.parametrize("name", TRADES_WRONG)
def test_trades_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_trades, *TRADES_WRONG[name], capsys)


def test_trades_right_and_library(capsys):
    from course_lib.robust import TRADES

    assert verdict(ex.check_trades, trades_right, capsys)[0]

    class Identity(torch.nn.Module):
        def forward(self, z):
            return z

    lib = lambda nat, adv, y, b: TRADES(0.1, beta=b).objective(Identity(), nat, adv, y)  # noqa: E731
    assert verdict(ex.check_trades, lib, capsys)[0]


def mart(nat, adv, y, beta, weight_adv=False, plain=False, reverse=False, with_true=False, no_weight=False):
    p, q = F.softmax(nat, 1), F.softmax(adv, 1)
    other = (q if with_true else q.scatter(1, y[:, None], 0.0)).max(1).values
    bce = F.cross_entropy(adv, y) - (0 if plain else torch.log(1 - other).mean())
    kl = kl_rows(q, p) if reverse else kl_rows(p, q)
    w = 1 - (q if weight_adv else p).gather(1, y[:, None]).squeeze(1)
    return bce + beta * (kl * (1 if no_weight else w)).mean()


MART_WRONG = {
    "no (1 − p_y) weight": (lambda *a: mart(*a, no_weight=True), "not weighted"),
    "weight at x'": (lambda *a: mart(*a, weight_adv=True), "adversarial prediction"),
    "plain CE instead of BCE": (lambda *a: mart(*a, plain=True), "plain cross-entropy"),
    "max over every class": (lambda *a: mart(*a, with_true=True), "every class"),
    "KL reversed": (lambda *a: mart(*a, reverse=True), "reversed"),
    "no β": (lambda nat, adv, y, b: mart(nat, adv, y, 1.0), "is not BCE"),
    "float": (lambda *a: float(mart(*a)), "Python number"),
}


@pytest.mark.parametrize("name", MART_WRONG)
def test_mart_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_mart, *MART_WRONG[name], capsys)


def test_mart_right_and_library(capsys):
    from course_lib.robust import MART

    assert verdict(ex.check_mart, mart, capsys)[0]

    class Identity(torch.nn.Module):
        def forward(self, z):
            return z

    lib = lambda nat, adv, y, b: MART(0.1, beta=b).objective(Identity(), nat, adv, y)  # noqa: E731
    assert verdict(ex.check_mart, lib, capsys)[0]


# ---- AWP -----------------------------------------------------------------------------------------

def awp_right(ws, gs, gamma):
    return [gamma * np.linalg.norm(w) * g / np.linalg.norm(g) for w, g in zip(ws, gs)]


def awp_sam(ws, gs, gamma):
    total = np.sqrt(sum((g ** 2).sum() for g in gs))
    return [gamma * g / total for g in gs]


def awp_in_place(ws, gs, gamma):
    for g in gs:
        g /= np.linalg.norm(g)
    return [gamma * np.linalg.norm(w) * g for w, g in zip(ws, gs)]


AWP_WRONG = {
    "SAM's global norm": (awp_sam, "as SAM does"),
    "no ‖w_l‖": (lambda ws, gs, gamma: [gamma * g / np.linalg.norm(g) for g in gs], "γ for every layer"),
    "sign of g (wrong norm)": (lambda ws, gs, gamma: [gamma * np.linalg.norm(w) * np.sign(g) / np.sqrt(g.size)
                                                      for w, g in zip(ws, gs)], "sign(g_l)"),
    "descent direction": (lambda ws, gs, gamma: [-v for v in awp_right(ws, gs, gamma)], "down the loss"),
    "not normalised": (lambda ws, gs, gamma: [gamma * g for g in gs], "not normalised"),
    "ℓ∞ normalisation": (lambda ws, gs, gamma: [gamma * np.linalg.norm(w) * g / np.abs(g).max()
                                                for w, g in zip(ws, gs)], "‖v_l‖/‖w_l‖"),
    "mutates grads": (awp_in_place, "in place"),
    "one array": (lambda ws, gs, gamma: np.concatenate([g.ravel() for g in gs]), "list of 3 arrays"),
    "returns None": (lambda ws, gs, gamma: None, "None"),
}


@pytest.mark.parametrize("name", AWP_WRONG)
def test_awp_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_awp, *AWP_WRONG[name], capsys)


def test_awp_right_and_library(capsys):
    from course_lib.robust import AWP, PGDAT

    assert verdict(ex.check_awp, awp_right, capsys)[0]
    lib = lambda ws, gs, gamma: [v.numpy() for v in AWP(PGDAT(0.1), gamma=gamma).perturbation(  # noqa: E731
        [torch.tensor(w) for w in ws], [torch.tensor(g) for g in gs])]
    assert verdict(ex.check_awp, lib, capsys)[0]


# ---- CFOL ----------------------------------------------------------------------------------------

def _p(w, gamma, q_only=False):
    q = np.exp(w - w.max())
    q /= q.sum()
    return q if q_only else gamma / len(w) + (1 - gamma) * q


def cfol_right(w, y, wrong, eta, gamma):
    new = w.copy()
    np.add.at(new, y, eta * wrong / _p(w, gamma)[y])
    return new


def cfol_fancy_index(w, y, wrong, eta, gamma):
    new = w.copy()
    new[y] += eta * wrong / _p(w, gamma)[y]
    return new


def cfol_q(w, y, wrong, eta, gamma):
    new = w.copy()
    np.add.at(new, y, eta * wrong / _p(w, gamma, q_only=True)[y])
    return new


def cfol_no_iw(w, y, wrong, eta, gamma):
    new = w.copy()
    np.add.at(new, y, eta * wrong)
    return new


def cfol_correct(w, y, wrong, eta, gamma):
    return cfol_right(w, y, ~wrong, eta, gamma)


def cfol_in_place(w, y, wrong, eta, gamma):
    np.add.at(w, y, eta * wrong / _p(w.copy(), gamma)[y])
    return w


def cfol_sequential(w, y, wrong, eta, gamma):
    new = w.copy()
    for yi, wi in zip(y, wrong):
        new[yi] += eta * wi / _p(new, gamma)[yi]
    return new


CFOL_WRONG = {
    "w[y] += … drops repeated classes": (cfol_fancy_index, "np.add.at"),
    "divides by q, not p": (cfol_q, "not by the sampling distribution p"),
    "no importance weight": (cfol_no_iw, "no importance weight"),
    "rewards correct examples (wrong sign)": (cfol_correct, "correctly classified"),
    "p recomputed after each example": (cfol_sequential, "compute p once"),
    "mutates w": (cfol_in_place, "changed w in place"),
    "no update": (lambda w, y, wrong, eta, gamma: w.copy(), "did not change"),
    "returns None": (lambda w, y, wrong, eta, gamma: None, "None"),
}


@pytest.mark.parametrize("name", CFOL_WRONG)
def test_cfol_wrong_answers_are_named(name, capsys):
    assert_named(ex.check_cfol_update, *CFOL_WRONG[name], capsys)


def test_cfol_right_and_library(capsys):
    from course_lib.robust import CFOL, PGDAT

    assert verdict(ex.check_cfol_update, cfol_right, capsys)[0]

    def lib(w, y, wrong, eta, gamma):
        c = CFOL(PGDAT(0.1), num_classes=len(w), gamma=gamma, eta=eta)
        c.w = torch.tensor(w)
        c.update(torch.tensor(y), torch.tensor(wrong))
        return c.w.numpy()

    assert verdict(ex.check_cfol_update, lib, capsys)[0]
