"""Lecture 01's exercise checkers: the right answers pass, typical wrong answers are named, bad input is
reported in one line."""

import numpy as np
import pytest
import torch

from course_lib.exercises import l01_adversarial_examples as ex
from course_lib.robust.attacks import project_l1_ball


def one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a checker prints exactly one line: {out!r}"
    return out


def right_fgsm(x, g, eps):
    return np.clip(x + eps * np.sign(g), 0, 1)


def mutating_fgsm(x, g, eps):
    x += eps * np.sign(g)
    np.clip(x, 0, 1, out=x)
    return x


FGSM_WRONG = {
    "wrong sign": (lambda x, g, eps: np.clip(x - eps * np.sign(g), 0, 1), "against the gradient"),
    "missing clip to [0, 1]": (lambda x, g, eps: x + eps * np.sign(g), "image range"),
    "raw gradient (wrong norm)": (lambda x, g, eps: np.clip(x + eps * g, 0, 1), "ε-ball"),
    "ℓ2 step (wrong norm)": (lambda x, g, eps: np.clip(x + eps * g / np.linalg.norm(g, axis=1, keepdims=True),
                                                        0, 1), "sign(g)"),
    "g >= 0 instead of sign": (lambda x, g, eps: np.clip(x + eps * np.where(g >= 0, 1.0, -1.0), 0, 1),
                               "exactly 0"),
    "in-place mutation": (mutating_fgsm, "in place"),
    "returns None": (lambda x, g, eps: None, "is None"),
    "raises": (lambda x, g, eps: x[99, 99], "raised IndexError"),
    "wrong axis (flattened)": (lambda x, g, eps: right_fgsm(x, g, eps).ravel(), "has shape"),
    "returns δ instead of x_adv": (lambda x, g, eps: eps * np.sign(g), "image range"),
}


@pytest.mark.parametrize("name", FGSM_WRONG)
def test_fgsm_wrong_answers_are_named(name, capsys):
    fn, phrase = FGSM_WRONG[name]
    assert ex.check_fgsm(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def right_pgd_step(x, x_adv, g, eps, alpha):
    return np.clip(x + np.clip(x_adv + alpha * np.sign(g) - x, -eps, eps), 0, 1)


def mutating_pgd_step(x, x_adv, g, eps, alpha):
    x_adv += alpha * np.sign(g)
    return np.clip(x + np.clip(x_adv - x, -eps, eps), 0, 1)


PGD_WRONG = {
    "wrong sign": (lambda x, xa, g, eps, a: np.clip(x + np.clip(xa - a * np.sign(g) - x, -eps, eps), 0, 1),
                   "down the gradient"),
    "missing projection": (lambda x, xa, g, eps, a: np.clip(xa + a * np.sign(g), 0, 1), "projection"),
    "projects around x_adv": (lambda x, xa, g, eps, a: np.clip(xa + np.clip(a * np.sign(g), -eps, eps), 0, 1),
                              "around x_adv"),
    "missing box clip": (lambda x, xa, g, eps, a: x + np.clip(xa + a * np.sign(g) - x, -eps, eps),
                         "image range"),
    "raw gradient": (lambda x, xa, g, eps, a: np.clip(x + np.clip(xa + a * g - x, -eps, eps), 0, 1),
                     "raw gradient"),
    "steps from x (off by one iterate)": (
        lambda x, xa, g, eps, a: np.clip(x + np.clip(a * np.sign(g), -eps, eps), 0, 1), "starts from x"),
    "in-place mutation": (mutating_pgd_step, "in place"),
    "returns None": (lambda x, xa, g, eps, a: None, "is None"),
}


@pytest.mark.parametrize("name", PGD_WRONG)
def test_pgd_step_wrong_answers_are_named(name, capsys):
    fn, phrase = PGD_WRONG[name]
    assert ex.check_pgd_step(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def right_l1(v, eps):
    return project_l1_ball(torch.tensor(v[None]), eps)[0].numpy()


def always_boundary_l1(v, eps):
    """Soft-thresholds even points inside the ball (τ may come out negative)."""
    mu = np.sort(np.abs(v))[::-1]
    tau = (np.cumsum(mu) - eps) / np.arange(1, len(v) + 1)
    rho = np.sum(mu - tau > 0)
    return np.sign(v) * np.maximum(np.abs(v) - tau[rho - 1], 0)


def mutating_l1(v, eps):
    w = right_l1(v, eps)
    v[:] = w
    return v


def all_coordinates_tau(v, eps):
    """τ = (‖v‖₁ − ε)/d from all coordinates: no sort."""
    if np.abs(v).sum() <= eps:
        return v.copy()
    return np.sign(v) * np.maximum(np.abs(v) - (np.abs(v).sum() - eps) / len(v), 0)


L1_WRONG = {
    "clip each coordinate (ℓ∞ projection)": (lambda v, eps: np.clip(v, -eps, eps), "ℓ∞ projection"),
    "rescale onto the sphere": (lambda v, eps: v * min(1.0, eps / np.abs(v).sum()), "rescale"),
    "moves points inside the ball": (always_boundary_l1, "already in the ball"),
    "loses the sign": (lambda v, eps: np.abs(right_l1(v, eps)), "sign"),
    "τ from all coordinates": (all_coordinates_tau, "ρ largest"),
    "no projection": (lambda v, eps: v.copy(), "leaves the ℓ1 ball"),
    "in-place mutation": (mutating_l1, "in place"),
    "returns None": (lambda v, eps: None, "is None"),
    "raises": (lambda v, eps: 1 / 0, "raised ZeroDivisionError"),
}


@pytest.mark.parametrize("name", L1_WRONG)
def test_project_l1_wrong_answers_are_named(name, capsys):
    fn, phrase = L1_WRONG[name]
    assert ex.check_project_l1(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def test_right_answers_pass(capsys):
    assert ex.check_fgsm(right_fgsm)
    assert ex.check_pgd_step(right_pgd_step)
    assert ex.check_project_l1(right_l1)
    assert ex.check_linear_worst_case((4.0, 0.5 * np.sqrt(26), 2.0))
    assert ex.check_pga_alpha(1.0)
    assert ex.check_l1_jump(np.pi / 4)
    assert capsys.readouterr().out.count("✓ solved") == 6


@pytest.mark.parametrize("value, phrase", [((2.0, 2.55, 4.0), "swapped"), ((8.0, 2.55, 2.0), "without ε"),
                                           ((4.0, 3.0, 2.0), "too high"), (4.0, "expected three numbers"),
                                           ((4.0, "a lot", 2.0), "should be a number")])
def test_linear_worst_case_feedback(value, phrase, capsys):
    assert ex.check_linear_worst_case(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("value, phrase", [(0.05, "largest coordinate"), (0.5, "too low"), (2.0, "too high")])
def test_pga_alpha_feedback(value, phrase, capsys):
    assert ex.check_pga_alpha(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("value, phrase", [(45.0, "degrees"), (0.5, "too low"), (1.2, "too high")])
def test_l1_jump_feedback(value, phrase, capsys):
    assert ex.check_l1_jump(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("check, params", [(ex.check_fgsm, "fgsm(x, g, eps)"),
                                           (ex.check_pgd_step, "pgd_step(x, x_adv, g, eps, alpha)"),
                                           (ex.check_project_l1, "project_l1(v, eps)")])
def test_bad_input_names_what_was_expected(check, params, capsys):
    assert check(None) is False  # e.g. the result of calling the function instead of passing it
    assert f"expected a function {params}" in one_line(capsys)
    assert check(lambda x: x) is False
    assert f"expected a function {params}" in one_line(capsys)
    assert check("fgsm") is False
    assert "got str" in one_line(capsys)
