"""Does every checked claim hold for every seed family? Runs each notebook under COURSE_SEED_OFFSET=0..4.

A student's machine is, in effect, another seed: a claim that holds for one seed only is not a claim.
Each notebook is executed once per offset in a fresh kernel, with ``COURSE_CLAIMS_LOG`` set so that a
failed claim is recorded (and printed as ✗) instead of stopping the notebook. A claim missing from a
run (the notebook stopped before it) counts as failed for that offset.

    python benchmarks/claims.py [--offsets 5] [--jobs 2] [--values] [lectures/04_....ipynb ...]

Prints, per notebook, each claim's pass fraction, and last ``claims=N offsets=K min_pass_fraction=X``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]


def run(path: str, offset: int) -> tuple[str, int, list[dict], str, float]:
    """Execute one notebook with one seed offset; return its claim records and any error."""
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "claims.jsonl"
        os.environ.update(COURSE_SEED_OFFSET=str(offset), COURSE_CLAIMS_LOG=str(log))
        nb = nbformat.read(path, as_version=4)
        error, start = "", time.perf_counter()
        try:
            NotebookClient(nb, timeout=1200, kernel_name="python3",
                           resources={"metadata": {"path": str(Path(path).parent)}}).execute()
        except Exception as err:  # a crash is reported; its missing claims count as failures
            error = f"{type(err).__name__}: {str(err).strip().splitlines()[-1][:200]}"
        seconds = time.perf_counter() - start
        records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] \
            if log.exists() else []
    return path, offset, records, error, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", help="default: every lecture and lab")
    parser.add_argument("--offsets", type=int, default=5, help="seed offsets 0..K-1 (default 5)")
    parser.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default 2)")
    parser.add_argument("--values", action="store_true", help="also print each claim's measured values")
    args = parser.parse_args(argv)
    found = sorted((ROOT / "lectures").rglob("[0-9l]*.ipynb"))
    paths = [str(Path(p).resolve()) for p in args.notebooks] or [
        str(p) for p in found if ".ipynb_checkpoints" not in p.parts]
    jobs = [(p, k) for p in paths for k in range(args.offsets)]
    results: dict[str, dict[int, tuple[list[dict], str, float]]] = {p: {} for p in paths}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for path, offset, records, error, seconds in pool.map(run, *zip(*jobs)):
            results[path][offset] = (records, error, seconds)
            fails = sum(not r["ok"] for r in records)
            print(f"  {Path(path).stem} offset {offset}: {len(records)} claims, {fails} failed, "
                  f"{seconds:.0f} s{'  ERROR ' + error if error else ''}", flush=True)
    n_claims, worst = 0, 1.0
    for path in paths:
        print(f"== {Path(path).relative_to(ROOT) if Path(path).is_relative_to(ROOT) else path}")
        claims: dict[str, list[bool]] = {}
        measured: dict[str, list[str]] = {}
        for offset in range(args.offsets):
            seen: dict[str, bool] = {}
            for r in results[path][offset][0]:  # a claim repeated in a run passes if every repeat passes
                seen[r["claim"]] = seen.get(r["claim"], True) and r["ok"]
                if r["measured"] is not None:
                    measured.setdefault(r["claim"], []).append(r["measured"].split(" (tolerance")[0])
            for claim, ok in seen.items():
                claims.setdefault(claim, []).append(ok)
        for claim, oks in claims.items():
            fraction = sum(oks) / args.offsets  # missing runs count as failures
            n_claims, worst = n_claims + 1, min(worst, fraction)
            print(f"  {fraction:4.2f}  {claim}")
            if args.values and claim in measured:
                print(f"          measured: {' | '.join(measured[claim])}")
        for offset in range(args.offsets):
            if results[path][offset][1]:
                worst = 0.0
                print(f"  offset {offset} stopped: {results[path][offset][1]}")
    print(f"claims={n_claims} offsets={args.offsets} min_pass_fraction={worst:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
