"""The feedback machinery shared by every exercise checker.

A checker is a function ``check_<exercise>(answer)`` decorated with :func:`exercise`. It tests the
student's answer (a function or a number) by properties and against the library on random inputs, and
*raises* :class:`Wrong` with what is wrong and a hint as soon as a property fails. The decorator turns
every outcome into one printed line and a boolean, and never lets an exception escape:

    ✓ solved: FGSM step (ℓ∞)
    ✗ FGSM step (ℓ∞): your δ leaves the ε-ball: max|δ| = 0.6 > ε = 0.3. Hint: is there a projection?
    … not solved yet: FGSM step (ℓ∞) (write your code where the cell raises NotImplementedError)

Exceptions raised by the student's code, wrong shapes or types, NaN answers and ``NotImplementedError``
all become feedback. Numbers in a verdict are the student's, so the instructor notebook's compared
output is the ``✓ solved`` line only (nbval; see ``course_lib.checks``).
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

SOLVED = "✓ solved"
NOT_YET = "… not solved yet"
WRONG = "✗"


class Wrong(Exception):
    """Raised inside a checker: ``message`` says what is wrong, ``hint`` names the likely mistake."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


class NotAnswered(NotImplementedError):
    """A prediction still reads ``...``: the student has not committed to a value yet."""


class StudentError(Exception):
    """The student's code raised: wraps the original exception (see :func:`call`)."""

    def __init__(self, name: str, err: BaseException) -> None:
        super().__init__(f"{name} raised {type(err).__name__}: {_first_line(err)}")
        self.original = err


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[0][:200] if lines else ""


def call(fn: Callable, *args: Any, name: str | None = None, **kwargs: Any) -> Any:
    """``fn(*args, **kwargs)``; an exception of the student's code becomes :class:`StudentError`
    (``NotImplementedError`` passes through: the exercise is not attempted yet)."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as err:  # noqa: BLE001 - student code may raise anything
        raise StudentError(name or getattr(fn, "__name__", "your function"), err) from err


def expect_function(fn: object, params: Sequence[str], what: str = "f") -> Callable:
    """``fn`` if it is callable with the positional parameters ``params``; otherwise :class:`Wrong`
    naming what was expected."""
    signature = f"{what}({', '.join(params)})"
    if not callable(fn):
        raise Wrong(f"expected a function {signature}, got {type(fn).__name__}",
                    "pass the function itself, without calling it (no parentheses)")
    try:
        inspect.signature(fn).bind(*params)
    except TypeError:
        raise Wrong(f"expected a function {signature}; yours takes {inspect.signature(fn)}",
                    "keep the signature given in the exercise") from None
    except ValueError:  # builtins without a signature: accept
        pass
    return fn


def expect_number(value: object, what: str = "your answer") -> float:
    """``value`` as a finite float; otherwise :class:`Wrong` naming what was expected."""
    if value is ...:
        raise NotAnswered
    if value is None:
        raise Wrong(f"{what} is None", "did you forget a return, or to assign your answer?")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        try:
            value = np.asarray(value, dtype=float).item()
        except (TypeError, ValueError):
            raise Wrong(f"{what} should be a number, got {type(value).__name__} {value!r:.60}",
                        "write a number, e.g. 0.5") from None
    value = float(value)
    if not math.isfinite(value):
        raise Wrong(f"{what} is {value}", "write a finite number")
    return value


def expect_array(value: object, shape: tuple[int, ...] | None = None,
                 what: str = "your result") -> np.ndarray:
    """``value`` as a float array (numpy or torch) of ``shape`` with finite entries; otherwise Wrong."""
    if value is None:
        raise Wrong(f"{what} is None", "did you forget to return it?")
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what} should be an array of numbers, got {type(value).__name__}") from None
    if shape is not None and arr.shape != tuple(shape):
        raise Wrong(f"{what} has shape {arr.shape}, expected {tuple(shape)}",
                    "check which axis you reduced or stacked along")
    if not np.isfinite(arr).all():
        raise Wrong(f"{what} contains NaN or inf", "look for a division by zero or a log of 0")
    return arr


def exercise(title: str) -> Callable[[Callable[..., None]], Callable[..., bool]]:
    """Decorator for a checker: prints one verdict line and returns whether the answer is right."""

    def wrap(check: Callable[..., None]) -> Callable[..., bool]:
        @functools.wraps(check)
        def run(*args: Any, **kwargs: Any) -> bool:
            try:
                check(*args, **kwargs)
            except NotAnswered:
                print(f"{NOT_YET}: {title} (replace the ... with your answer)")
                return False
            except NotImplementedError:
                print(f"{NOT_YET}: {title} (write your code where the cell raises NotImplementedError)")
                return False
            except Wrong as w:
                print(f"{WRONG} {title}: {w.message}" + (f". Hint: {w.hint}" if w.hint else ""))
                return False
            except StudentError as e:
                if isinstance(e.original, NotImplementedError):
                    print(f"{NOT_YET}: {title} (write your code where the cell raises NotImplementedError)")
                else:
                    print(f"{WRONG} {title}: {e}. Hint: run your function on one small input and read "
                          "the traceback")
                return False
            except Exception as err:  # noqa: BLE001 - a checker must never crash on a wrong answer
                print(f"{WRONG} {title}: your answer made the check fail with {type(err).__name__}: "
                      f"{_first_line(err)}. Hint: check the type and shape of what you return")
                return False
            print(f"{SOLVED}: {title}")
            return True

        run.title = title  # type: ignore[attr-defined]
        return run

    return wrap


def compare_number(value: object, expected: float, *, rtol: float = 0.0, atol: float = 0.0,
                   what: str = "your answer", unit: str = "") -> None:
    """Wrong unless ``|value − expected| ≤ atol + rtol·|expected|``; says too high / too low without
    giving the answer."""
    v = expect_number(value, what)
    tol = atol + rtol * abs(expected)
    if abs(v - expected) > tol:
        side = "too high" if v > expected else "too low"
        raise Wrong(f"{what} = {v:g}{unit} is {side} (allowed error ±{tol:.3g}{unit})",
                    "predict from the formula on the slide, then run the cell to see")
