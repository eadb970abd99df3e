import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib import ClaimError, check, check_close, report
from course_lib.checks import LOG_ENV, SANITIZE, fmt

ROOT = Path(__file__).resolve().parents[1]


def test_check_prints_rounded_value(capsys):
    check("GDA spirals out", True, 1.0049875621)
    assert capsys.readouterr().out == "✓ GDA spirals out · measured 1.005\n"


def test_check_raises_with_claim_and_value():
    with pytest.raises(ClaimError, match=r"✗ claim failed: PGD beats FGSM · measured 0\.25"):
        check("PGD beats FGSM", False, 0.25)


def test_check_close_accepts_within_tolerance_and_rejects_outside(capsys):
    check_close("eps_c", np.pi / 8 + 1e-4, np.pi / 8, tol=1e-3)
    assert capsys.readouterr().out == "✓ eps_c · measured 0.3928 ≈ 0.3927 (tolerance 0.001)\n"
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


def sanitized(text: str) -> str:
    """What nbval compares: the stored sanitizer applied to the printed text."""
    from nbval.plugin import get_sanitize_patterns

    for regex, replace in get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text()):
        text = re.sub(regex, replace, text)
    return text


def test_sanitizer_config_is_the_checks_convention():
    from nbval.plugin import get_sanitize_patterns

    patterns = get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text())
    assert SANITIZE in patterns


@settings(max_examples=60, deadline=None)
@given(st.floats(-1e12, 1e12, allow_nan=False), st.floats(-1e12, 1e12, allow_nan=False),
       st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=4))
def test_compared_text_does_not_depend_on_measured_values(a, b, values):
    """Perturb every measured value: the text nbval compares stays the same, the shown text does not."""
    def printed(v, w, vs):
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            check("claim with ε = 0.3", True, v)
            check_close("close", v, v, tol=0.0)
            check("array claim", True, vs)
            report("a shown value", {"PGD": w, "TRADES": v})
        return buf.getvalue()

    first, second = printed(a, b, values), printed(a + 1.0 + abs(a), -b - 1.0, [v * 3 + 1 for v in values])
    assert first != second
    assert sanitized(first) == sanitized(second)
    assert sanitized(first).count("· measured …") == 4 and "0.3" in sanitized(first)


def test_claim_log_records_every_claim_and_does_not_stop(tmp_path, monkeypatch, capsys):
    log = tmp_path / "claims.jsonl"
    monkeypatch.setenv(LOG_ENV, str(log))
    check("holds", True, 1.5)
    check("fails", False, 0.25)
    check_close("far", 1.0, 2.0, tol=0.1)
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(r["claim"], r["ok"]) for r in records] == [("holds", True), ("fails", False), ("far", False)]
    assert "✗ fails · measured 0.25" in capsys.readouterr().out


def test_claim_text_cannot_smuggle_a_measured_part():
    with pytest.raises(ValueError, match="claim"):
        check("x · measured 3", True)
    with pytest.raises(ValueError, match="label"):
        report("two\nlines", 1.0)
