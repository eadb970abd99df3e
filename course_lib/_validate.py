"""Argument checks shared by every public function of course_lib.

Each helper returns the (converted) value or raises ``ValueError``/``TypeError`` with a message that
names the parameter and the allowed range, e.g. ``step size 'eta' must be > 0, got -0.1``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Integral, Real

import numpy as np


def _fmt(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(name: str, value: object, *, lo: float | None = None, hi: float | None = None,
           lo_open: bool = False, hi_open: bool = False) -> float:
    """Check that ``value`` is a finite real number in the interval [lo, hi] (ends open on request)."""
    if isinstance(value, bool) or not isinstance(value, (Real, np.floating, np.integer)):
        raise TypeError(f"'{name}' must be a real number, got {_fmt(value)} of type {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"'{name}' must be finite, got {value}")
    left = "(" if lo_open else "["
    right = ")" if hi_open else "]"
    interval = f"{left}{'-inf' if lo is None else lo}, {'inf' if hi is None else hi}{right}"
    if lo is not None and (value < lo or (lo_open and value == lo)):
        raise ValueError(f"'{name}' must be in {interval}, got {value}")
    if hi is not None and (value > hi or (hi_open and value == hi)):
        raise ValueError(f"'{name}' must be in {interval}, got {value}")
    return value


def positive(name: str, value: object) -> float:
    """A finite number > 0 (step sizes, scales)."""
    return number(name, value, lo=0.0, lo_open=True)


def nonnegative(name: str, value: object) -> float:
    """A finite number >= 0 (radii such as eps)."""
    return number(name, value, lo=0.0)


def integer(name: str, value: object, *, lo: int | None = None, hi: int | None = None) -> int:
    """An integer in [lo, hi]."""
    if isinstance(value, bool) or not isinstance(value, (Integral, np.integer)):
        raise TypeError(f"'{name}' must be an integer, got {_fmt(value)} of type {type(value).__name__}")
    value = int(value)
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ValueError(f"'{name}' must be an integer in [{'-inf' if lo is None else lo}, "
                         f"{'inf' if hi is None else hi}], got {value}")
    return value


def one_of(name: str, value: object, choices: Iterable[object]) -> object:
    """``value`` must be one of ``choices`` (e.g. a norm name or an algorithm name)."""
    choices = list(choices)
    if value not in choices:
        raise ValueError(f"'{name}' must be one of {', '.join(map(repr, choices))}; got {_fmt(value)}")
    return value


def array(name: str, value: object, *, shape: Sequence[int | None] | None = None,
          finite: bool = True, dtype: type = float) -> np.ndarray:
    """Convert to a numpy array; check its shape (``None`` = any size on that axis) and finiteness."""
    try:
        arr = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"'{name}' must be array-like of numbers: {err}") from None
    if shape is not None:
        ok = arr.ndim == len(shape) and all(s is None or s == n for s, n in zip(shape, arr.shape))
        if not ok:
            want = "(" + ", ".join("N" if s is None else str(s) for s in shape) + ")"
            raise ValueError(f"'{name}' must have shape {want}, got {arr.shape}")
    if finite and not np.all(np.isfinite(arr)):
        raise ValueError(f"'{name}' must contain only finite values (no NaN or inf)")
    return arr
