"""Time every lecture top to bottom, as CI runs it (one fresh kernel each), against its design budget.

Budgets: 60 s per lecture, 90 s for 03 and 04 (training-heavy), 120 s for the labs in their smoke
profile. Shared machines can be many times slower under load: this prints, it does not assert.

    python benchmarks/notebooks.py [lectures/07_minimax_dynamics.ipynb ...]

Last line: ``notebooks_total_s=<s> over_budget=<n> <stem>=<s> ...``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SPECIAL = {"03_catastrophic_overfitting": 90, "04_adversarial_training": 90}


def budget(path: Path) -> int:
    return 120 if path.parent.name == "labs" else SPECIAL.get(path.stem, 60)


def run(path: Path) -> float:
    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    NotebookClient(nb, timeout=1200, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return time.perf_counter() - start


def name_of(path: Path) -> str:
    """``03_catastrophic_overfitting``, ``exercises/03_catastrophic_overfitting``, ``labs/lab1_…``: a lecture
    and its exercises share a stem, so the folder below ``lectures/`` is part of the name."""
    folder = path.resolve().parent.name
    return path.stem if folder == "lectures" else f"{folder}/{path.stem}"


def main(paths: list[str]) -> int:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "lectures").rglob("[0-9l]*.ipynb"))
    times, over = {}, 0
    for path in notebooks:
        seconds = run(path)
        name = name_of(path)
        times[name] = seconds
        flag = "ok" if seconds <= budget(path) else "OVER BUDGET"
        over += seconds > budget(path)
        print(f"{name:<50} {seconds:6.1f} s  (budget {budget(path)} s)  {flag}", flush=True)
    print(f"notebooks_total_s={sum(times.values()):.1f} over_budget={over} "
          + " ".join(f"{k}={v:.1f}" for k, v in times.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
