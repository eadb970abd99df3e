"""Checked claims for notebooks: every number a slide states is computed, printed and verified.

    check("GDA spirals out: |z_k+1| / |z_k| > 1", ratio > 1, ratio)
    ✓ GDA spirals out: |z_k+1| / |z_k| > 1: 1.005

A failed claim raises :class:`ClaimError`, so the notebook (and nbval) stops on it.
Printed values are rounded (``digits`` significant digits) so that reruns give the same text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ClaimError(AssertionError):
    """A claim made in a notebook does not hold."""


def fmt(value: object, digits: int = 4) -> str:
    """Round numbers (and sequences/arrays of numbers) to ``digits`` significant digits for printing."""
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        v = float(value)
        if v == 0.0:
            return "0"
        text = f"{v:.{digits}g}"
        return "0" if text in ("-0", "0") else text
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return fmt(value.item(), digits)
    if isinstance(value, np.ndarray) or (isinstance(value, Sequence) and not isinstance(value, str)):
        items = np.asarray(value).tolist() if isinstance(value, np.ndarray) else list(value)
        return "[" + ", ".join(fmt(v, digits) for v in items) + "]"
    if hasattr(value, "item") and callable(value.item):  # 0-d torch tensors
        return fmt(value.item(), digits)
    return str(value)


def check(claim: str, ok: object, value: object = None, *, digits: int = 4) -> None:
    """Print ``✓ claim: value`` when ``ok`` is true, raise :class:`ClaimError` otherwise."""
    if not isinstance(claim, str) or not claim:
        raise TypeError("'claim' must be a non-empty string describing what is checked")
    text = claim if value is None else f"{claim}: {fmt(value, digits)}"
    if not bool(ok):
        raise ClaimError(f"✗ claim failed: {text}")
    print(f"✓ {text}")


def check_close(claim: str, value: object, expected: object, *, tol: float = 1e-6,
                digits: int = 4) -> None:
    """Check ``|value - expected| <= tol`` elementwise and print ``✓ claim: value ≈ expected``."""
    if not tol >= 0:
        raise ValueError(f"'tol' must be >= 0, got {tol}")
    v = np.asarray(value, dtype=float)
    e = np.asarray(expected, dtype=float)
    ok = v.shape == e.shape or e.ndim == 0
    ok = ok and bool(np.all(np.isfinite(v))) and bool(np.all(np.abs(v - e) <= tol))
    text = f"{claim}: {fmt(value, digits)} ≈ {fmt(expected, digits)}"
    if not ok:
        raise ClaimError(f"✗ claim failed: {text} (tolerance {tol:g})")
    print(f"✓ {text}")
