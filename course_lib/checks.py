"""Checked claims for notebooks: every effect a slide states is computed, verified and printed.

    check("GDA spirals out: |z_k+1| / |z_k| > 1", ratio > 1, ratio)
    ✓ GDA spirals out: |z_k+1| / |z_k| > 1 · measured 1.005

A failed claim raises :class:`ClaimError`, so the notebook (and nbval) stops on it.

**What is compared, and what is only shown.** A checked cell's output is compared by nbval against the
stored notebook on every machine. Measured numbers depend on the CPU, the BLAS build, the thread count
and the seed, so they never enter the compared text: everything after ``· measured`` on a line is
replaced by ``· measured …`` before the comparison (:data:`SANITIZE`, written into
``tests/nbval_sanitize.cfg``). What is compared is the claim and its verdict; the student still sees
the value. The claim text itself holds only numbers written in the notebook's source (a policy test
enforces it); a value that is worth showing but is not a claim goes through :func:`report`.

``COURSE_CLAIMS_LOG=path`` (used by ``benchmarks/claims.py``) appends one JSON line per claim to
``path`` and turns a failed claim into a printed ``✗`` line, so that every claim of a run is recorded.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence

import numpy as np

MEASURED = "· measured"
#: (regex, replacement) applied by nbval to compared outputs: the measured part of a line is not compared.
SANITIZE = (r"· measured [^\n]*", "· measured …")
LOG_ENV = "COURSE_CLAIMS_LOG"


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
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt(v, digits)}" for k, v in value.items()) + "}"
    if hasattr(value, "item") and callable(value.item):  # 0-d torch tensors
        return fmt(value.item(), digits)
    return str(value)


def _label(name: str, text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise TypeError(f"'{name}' must be a non-empty string describing what is checked")
    if MEASURED in text or "\n" in text:
        raise ValueError(f"'{name}' must be one line without {MEASURED!r} (that part is added by check)")
    return text


def _verdict(claim: str, ok: bool, measured: str | None) -> None:
    line = claim if measured is None else f"{claim} {MEASURED} {measured}"
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"claim": claim, "ok": ok, "measured": measured}, ensure_ascii=False) + "\n")
        print(f"{'✓' if ok else '✗'} {line}")
        return
    if not ok:
        raise ClaimError(f"✗ claim failed: {line}")
    print(f"✓ {line}")


def check(claim: str, ok: object, value: object = None, *, digits: int = 4) -> None:
    """Print ``✓ claim · measured value`` when ``ok`` is true, raise :class:`ClaimError` otherwise."""
    _verdict(_label("claim", claim), bool(ok), None if value is None else fmt(value, digits))


def check_close(claim: str, value: object, expected: object, *, tol: float = 1e-6,
                digits: int = 4) -> None:
    """Check ``|value - expected| <= tol`` elementwise; print ``✓ claim · measured value ≈ expected``."""
    claim = _label("claim", claim)
    if not tol >= 0:
        raise ValueError(f"'tol' must be >= 0, got {tol}")
    v = np.asarray(value, dtype=float)
    e = np.asarray(expected, dtype=float)
    ok = v.shape == e.shape or e.ndim == 0
    ok = ok and bool(np.all(np.isfinite(v))) and bool(np.all(np.abs(v - e) <= tol))
    _verdict(claim, ok, f"{fmt(value, digits)} ≈ {fmt(expected, digits)} (tolerance {tol:g})")


def report(label: str, value: object, *, digits: int = 4) -> None:
    """Show a measured value that is not a claim: ``label · measured value`` (not compared by nbval)."""
    print(f"{_label('label', label)} {MEASURED} {fmt(value, digits)}")
