import numpy as np
import pytest

from course_lib import ClaimError, check, check_close
from course_lib.checks import fmt


def test_check_prints_rounded_value(capsys):
    check("GDA spirals out", True, 1.0049875621)
    assert capsys.readouterr().out == "✓ GDA spirals out: 1.005\n"


def test_check_raises_with_claim_and_value():
    with pytest.raises(ClaimError, match=r"✗ claim failed: PGD beats FGSM: 0\.25"):
        check("PGD beats FGSM", False, 0.25)


def test_check_close_accepts_within_tolerance_and_rejects_outside(capsys):
    check_close("eps_c", np.pi / 8 + 1e-4, np.pi / 8, tol=1e-3)
    assert capsys.readouterr().out == "✓ eps_c: 0.3928 ≈ 0.3927\n"
    with pytest.raises(ClaimError, match="tolerance 1e-05"):
        check_close("eps_c", np.pi / 8 + 1e-4, np.pi / 8, tol=1e-5)


def test_check_close_rejects_nan_and_shape_mismatch():
    with pytest.raises(ClaimError):
        check_close("nan", float("nan"), 0.0, tol=1.0)
    with pytest.raises(ClaimError):
        check_close("shapes", [1.0, 2.0], [1.0, 2.0, 3.0], tol=1.0)


@pytest.mark.parametrize(("value", "text"), [
    (0.0, "0"), (-0.0, "0"), (3, "3"), (True, "True"), (1234567.0, "1.235e+06"),
    (np.float32(0.1), "0.1"), ([1.0, 2.5, 1 / 3], "[1, 2.5, 0.3333]"), (np.array([0.5, 2.0]), "[0.5, 2]"),
    ("text", "text"), (np.array(2.5), "2.5"), (np.float64(1 / 3), "0.3333"),
])
def test_fmt_rounds_to_significant_digits(value, text):
    assert fmt(value) == text


def test_check_names_bad_arguments():
    with pytest.raises(TypeError, match="claim"):
        check("", True)
    with pytest.raises(ValueError, match="tol"):
        check_close("x", 1.0, 1.0, tol=-1.0)
