"""Build a lecture notebook as it is stored in git: executed once, outputs kept only where nbval checks.

    python tools/nbstore.py lectures/07_minimax_dynamics.py       # from its py:percent source, beside it
    python tools/nbstore.py lectures/07_minimax_dynamics.ipynb    # re-run a stored notebook in place

Every notebook's source is the py:percent file beside it (jupytext pairing, ``lectures/jupytext.toml``):
review and edit the ``.py``, then build the ``.ipynb`` with this tool (a test checks that they agree).
Steps: convert (jupytext, for a .py source) → execute top to bottom (nbclient, cwd = the notebook's
folder) → keep the outputs and execution counts of cells containing ``# NBVAL_CHECK_OUTPUT`` and clear
every other cell → drop widget state and run metadata → set the python3 kernelspec → write.
The execution time is printed: the design target is ≤ 60 s per lecture on the 2-core CI machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

MARK = "NBVAL_CHECK_OUTPUT"
KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def is_checked(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and any(line.strip().lstrip("#").strip() == MARK
                                            for line in cell.source.splitlines())


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep outputs only of checked cells; clear metadata that changes from run to run."""
    nb.metadata.pop("widgets", None)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("ExecuteTime", None)
        if cell.cell_type != "code":
            continue
        if is_checked(cell):
            count += 1
            cell.execution_count = count
            for out in cell.outputs:
                if "execution_count" in out:
                    out["execution_count"] = count
                out.pop("metadata", None) if not out.get("metadata") else None
        else:
            cell.execution_count = None
            cell.outputs = []
    return nb


def load(source: Path) -> nbformat.NotebookNode:
    if source.suffix == ".py":
        import jupytext

        return jupytext.read(source)
    return nbformat.read(source, as_version=4)


def build(source: Path, target: Path, timeout: int = 600) -> float:
    nb = load(source)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    start = time.perf_counter()
    NotebookClient(nb, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(target.parent.resolve())}}).execute()
    seconds = time.perf_counter() - start
    nbformat.validate(nb)
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(strip(nb), target)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a py:percent source, or a .ipynb to re-run in place")
    parser.add_argument("target", type=Path, nargs="?",
                        help="where to write the .ipynb (default: beside the source, same name)")
    parser.add_argument("--timeout", type=int, default=600, help="per-cell timeout in seconds")
    args = parser.parse_args(argv)
    target = args.target or args.source.with_suffix(".ipynb")
    if target.suffix != ".ipynb":
        parser.error("the target must be a .ipynb file")
    seconds = build(args.source, target, args.timeout)
    size = target.stat().st_size / 1024
    print(f"{target}: executed in {seconds:.1f} s, stored {size:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
