import numpy as np
import pytest

from course_lib import _validate as v


def test_number_accepts_and_converts():
    assert v.number("eps", np.float32(0.5), lo=0, hi=1) == 0.5
    assert v.positive("eta", 2) == 2.0
    assert v.nonnegative("eps", 0) == 0.0
    assert v.integer("steps", np.int64(3), lo=1) == 3


@pytest.mark.parametrize(("call", "message"), [
    (lambda: v.positive("eta", -0.1), r"'eta' must be in \(0.0, inf\], got -0.1"),
    (lambda: v.positive("eta", 0.0), "'eta'"),
    (lambda: v.nonnegative("eps", -1), "'eps' must be in"),
    (lambda: v.number("p", float("nan")), "'p' must be finite"),
    (lambda: v.number("p", 2.0, hi=1.0), r"'p' must be in \[-inf, 1.0\]"),
    (lambda: v.integer("steps", 0, lo=1), r"'steps' must be an integer in \[1, inf\]"),
    (lambda: v.one_of("norm", "l3", ["linf", "l2", "l1"]), "'norm' must be one of 'linf', 'l2', 'l1'"),
    (lambda: v.array("z0", np.zeros((3, 3)), shape=(None, 2)), r"'z0' must have shape \(N, 2\)"),
    (lambda: v.array("z0", [[np.inf, 0.0]], shape=(None, 2)), "'z0' must contain only finite"),
])
def test_errors_name_the_parameter_and_range(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(("call", "message"), [
    (lambda: v.number("eps", "0.1"), "'eps' must be a real number"),
    (lambda: v.number("eps", True), "'eps' must be a real number"),
    (lambda: v.integer("steps", 2.5), "'steps' must be an integer"),
    (lambda: v.array("x", [["a", "b"]]), "'x' must be array-like of numbers"),
])
def test_type_errors_name_the_parameter(call, message):
    with pytest.raises(TypeError, match=message):
        call()
