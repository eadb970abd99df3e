"""The course's non-code files (``assets/`` at the repository root): styles, diagrams, bibliography.

The library is installed editable (``pip install -e .``, as ``make lab`` does), so ``assets/`` is found
beside the package: ``<repository>/course_lib/../assets``. Nothing is copied into the package, so the
style exists once, in the file the instructor edits.
"""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def asset_path(name: str) -> Path:
    """The path of ``assets/<name>``; a clear error when the repository's ``assets/`` is not beside the
    package (e.g. a non-editable install)."""
    path = ASSETS / name
    if not path.is_file():
        raise FileNotFoundError(
            f"course asset {name!r} not found at {path}: course_lib reads its style files from the "
            "repository's assets/ folder; install the course with `pip install -e .` from a clone "
            "(`make lab` does)")
    return path
