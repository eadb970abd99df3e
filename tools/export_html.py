"""Execute every lecture and export a static site (``make html``): build/html/index.html + one page each.

Plotly figures are written as offline HTML files sharing one ``figures/plotly.min.js``
(see ``course_lib.viz.export``), so animations play from ``file://`` with no kernel or network. Math is
typeset by a local copy of MathJax 2 (from the ``jupyter-server-mathjax`` package) in ``mathjax/``,
loaded by a relative URL: no page loads anything from the network.

    python tools/export_html.py lectures build/html [--only 00_welcome]
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import time
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbclient import NotebookClient
from nbconvert import HTMLExporter

ROOT = Path(__file__).resolve().parents[1]
MATHJAX_DIR = "mathjax"  # under the site's root, beside the pages
# MathJax 2 with the configuration jupyter-server-mathjax ships; "Safe" as nbconvert's default
MATHJAX_URL = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe"
COURSE_MAP = "course_map.svg"


def copy_mathjax(out: Path) -> Path:
    """Copy MathJax 2 from the ``jupyter-server-mathjax`` package into ``out/mathjax`` (once)."""
    try:
        import jupyter_server_mathjax
    except ImportError:
        sys.exit("make html needs a local MathJax: pip install jupyter-server-mathjax "
                 "(it is in the project's [test] and [lab] extras)")
    source = Path(jupyter_server_mathjax.__file__).parent / "static"
    target = out / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        shutil.copytree(source, target, dirs_exist_ok=True)
    return target


# nbconvert's lab template without require.js (a CDN script that no page needs: plotly figures are
# iframes with their own local plotly.min.js, and live widget state is stripped), and with MathJax told
# to use the STIX-Web fonts, the only fonts jupyter-server-mathjax ships (its default, the TeX fonts,
# would fail to load and leave some formulas as "Math Processing Error")
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
                                 imageFont: null},
                    SVG: {font: "STIX-Web"}});
</script>
{%- endblock html_head_js_mathjax -%}
"""


def exporter() -> HTMLExporter:
    """nbconvert's lab template with every script URL local: MathJax by a relative URL, no require.js,
    no mermaid (no lecture has a mermaid diagram, and its default URL is a CDN)."""
    return HTMLExporter(template_name="lab", extra_loaders=[DictLoader({"course.html.j2": TEMPLATE})],
                        template_file="course.html.j2", mathjax_url=MATHJAX_URL, mermaid_js_url="",
                        mermaid_layout_elk_js_url="")


def page_name(notebook: Path, root: Path) -> str:
    """The notebook's page name: its path below ``root`` with folders joined by ``_`` (lectures and their
    exercise notebooks share stems: ``00_welcome`` and ``exercises_00_welcome``)."""
    return notebook.relative_to(root).with_suffix("").as_posix().replace("/", "_")


def execute(notebook: Path, out: Path, name: str | None = None) -> nbformat.NotebookNode:
    """Run the notebook with plotly figures exported to ``out/figures`` (``course_lib.viz.export``, file
    names prefixed by ``name``, default the stem) and return it without live widget state (also used by
    ``tools/export_slides.py``)."""
    nb = nbformat.read(notebook, as_version=4)
    os.environ["COURSE_EXPORT_DIR"] = str((out / "figures").resolve())
    os.environ["COURSE_EXPORT_PREFIX"] = (name or notebook.stem) + "_"
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent.resolve())}}).execute()
    nb.metadata.pop("widgets", None)  # live widgets need a kernel: keep the page lean
    return nb


def export(notebook: Path, out: Path, name: str) -> float:
    start = time.perf_counter()
    nb = execute(notebook, out, name)
    body, _ = exporter().from_notebook_node(nb)
    (out / f"{name}.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", action="append", default=[],
                        help="page name(s) to export, e.g. 00_welcome or exercises_00_welcome")
    args = parser.parse_args(argv)
    notebooks = sorted(p for p in args.lectures.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if args.only:
        notebooks = [p for p in notebooks if page_name(p, args.lectures) in args.only]
    if not notebooks:
        parser.error(f"no notebooks found under {args.lectures} (--only {args.only})")
    args.out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(args.out)
    course_map = ROOT / "assets" / COURSE_MAP
    figure = ""
    if course_map.is_file():
        shutil.copyfile(course_map, args.out / COURSE_MAP)
        figure = f'<p><img src="{COURSE_MAP}" alt="Course map: which lecture builds on which"></p>'
    items = []
    for nb in notebooks:
        name = page_name(nb, args.lectures)
        seconds = export(nb, args.out, name)
        print(f"{nb} -> {args.out / (name + '.html')} ({seconds:.1f} s)")
        items.append(f'<li><a href="{html.escape(name)}.html">{html.escape(name)}</a></li>')
    (args.out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Adversarial ML as min-max optimization</title>"
        "<h1>Adversarial ML as min-max optimization: lectures</h1>" + figure + "<ul>" + "".join(items)
        + "</ul>",
        encoding="utf-8")
    print(f"site: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
