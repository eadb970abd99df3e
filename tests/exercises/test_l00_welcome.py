"""Lecture 00's exercise checkers: the right answers pass, typical wrong answers are named, bad input is
reported in one line."""

import numpy as np
import pytest

from course_lib.exercises import l00_welcome as ex


def one_line(capsys) -> str:
    out = capsys.readouterr().out
    assert out.count("\n") == 1, f"a checker prints exactly one line: {out!r}"
    return out


def right_gd_step(A, z, eta):
    return z - eta * z @ A.T


def mutating_gd_step(A, z, eta):
    z -= eta * z @ A.T
    return z


def raising_gd_step(A, z, eta):
    raise ValueError("boom")


GD_STEP_WRONG = {
    "wrong sign": (lambda A, z, eta: z + eta * z @ A.T, "goes up the gradient"),
    "forgets η": (lambda A, z, eta: z - z @ A.T, "ignores η"),
    "z instead of Az": (lambda A, z, eta: z - eta * z, "instead of the gradient"),
    "half the gradient": (lambda A, z, eta: z - 0.5 * eta * z @ A.T, "half the gradient"),
    "in-place mutation": (mutating_gd_step, "in place"),
    "returns None": (lambda A, z, eta: None, "is None"),
    "raises": (raising_gd_step, "raised ValueError: boom"),
    "wrong shape (one point)": (lambda A, z, eta: (z - eta * z @ A.T)[0], "has shape"),
}


@pytest.mark.parametrize("name", GD_STEP_WRONG)
def test_gd_step_wrong_answers_are_named(name, capsys):
    fn, phrase = GD_STEP_WRONG[name]
    assert ex.check_gd_step(fn) is False
    out = one_line(capsys)
    assert out.startswith("✗") and phrase in out, out


def right_rho(A, eta):
    return float(np.max(np.abs(1 - eta * np.linalg.eigvalsh(A))))


RHO_WRONG = {
    "|1 − ηL| only": (lambda A, eta: abs(1 - eta * np.linalg.eigvalsh(A).max()), "|1 − ηL| only"),
    "|1 − ημ| only": (lambda A, eta: abs(1 - eta * np.linalg.eigvalsh(A).min()), "|1 − ημ| only"),
    "no absolute value": (lambda A, eta: float(np.max(1 - eta * np.linalg.eigvalsh(A))), "absolute value"),
    "diagonal instead of eigenvalues": (lambda A, eta: float(np.max(np.abs(1 - eta * np.diag(A)))),
                                        "diagonal"),
    "returns a string": (lambda A, eta: "small", "should be a number"),
    "not attempted": (lambda A, eta: (_ for _ in ()).throw(NotImplementedError), "not solved yet"),
}


@pytest.mark.parametrize("name", RHO_WRONG)
def test_contraction_factor_wrong_answers_are_named(name, capsys):
    fn, phrase = RHO_WRONG[name]
    assert ex.check_contraction_factor(fn) is False
    assert phrase in one_line(capsys)


def test_right_answers_pass(capsys):
    assert ex.check_gd_step(right_gd_step)
    assert ex.check_contraction_factor(right_rho)
    assert ex.check_threshold(1 / 3)
    assert ex.check_best_step((2 / 7, 5 / 7))
    assert ex.check_gda_growth(np.sqrt(1.25))
    assert capsys.readouterr().out.count("✓ solved") == 5


@pytest.mark.parametrize("value, phrase", [(2 / 3, "too high"), (1 / 6, "not 1/L"), (0.5, "too high"),
                                           ("one third", "should be a number"), (..., "not solved yet")])
def test_threshold_feedback(value, phrase, capsys):
    assert ex.check_threshold(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("value, phrase", [((1 / 3, 1.0), "threshold 2/L"), ((1 / 6, 0.8), "1/L"),
                                           ((2 / 7, 0.5), "rho_best"), (0.3, "expected a pair")])
def test_best_step_feedback(value, phrase, capsys):
    assert ex.check_best_step(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("value, phrase", [(1.0, "does not move away"), (0.9, "does not move away"),
                                           (1.25, "Pythagoras"), (1.2, "too high")])
def test_gda_growth_feedback(value, phrase, capsys):
    assert ex.check_gda_growth(value) is False
    assert phrase in one_line(capsys)


@pytest.mark.parametrize("check, params", [(ex.check_gd_step, "gd_step(A, z, eta)"),
                                           (ex.check_contraction_factor, "contraction_factor(A, eta)")])
def test_bad_input_names_what_was_expected(check, params, capsys):
    assert check(3.0) is False
    assert f"expected a function {params}" in one_line(capsys)
    assert check(lambda A: A) is False
    assert f"expected a function {params}" in one_line(capsys)
    assert check("def f(): pass") is False
    assert "got str" in one_line(capsys)
