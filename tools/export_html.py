"""Execute every lecture and export a static site (``make html``): build/html/index.html + one page each.

Plotly figures are written as offline HTML files sharing one ``figures/plotly.min.js``
(see ``course_lib.viz.export``), so animations play from ``file://`` with no kernel or network.

    python tools/export_html.py lectures build/html [--only 00_welcome]
"""

from __future__ import annotations

import argparse
import html
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter


def export(notebook: Path, out: Path) -> float:
    nb = nbformat.read(notebook, as_version=4)
    os.environ["COURSE_EXPORT_DIR"] = str((out / "figures").resolve())
    os.environ["COURSE_EXPORT_PREFIX"] = notebook.stem + "_"
    start = time.perf_counter()
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent.resolve())}}).execute()
    nb.metadata.pop("widgets", None)  # live widgets need a kernel: keep the page lean
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(nb)
    (out / f"{notebook.stem}.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", action="append", default=[], help="notebook stem(s) to export")
    args = parser.parse_args(argv)
    notebooks = sorted(p for p in args.lectures.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if args.only:
        notebooks = [p for p in notebooks if p.stem in args.only]
    if not notebooks:
        parser.error(f"no notebooks found under {args.lectures} (--only {args.only})")
    args.out.mkdir(parents=True, exist_ok=True)
    items = []
    for nb in notebooks:
        seconds = export(nb, args.out)
        print(f"{nb} -> {args.out / (nb.stem + '.html')} ({seconds:.1f} s)")
        items.append(f'<li><a href="{html.escape(nb.stem)}.html">{html.escape(nb.stem)}</a></li>')
    (args.out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Adversarial ML as min-max optimization</title>"
        "<h1>Adversarial ML as min-max optimization: lectures</h1><ul>" + "".join(items) + "</ul>",
        encoding="utf-8")
    print(f"site: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
