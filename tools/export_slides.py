"""Execute every lecture and export it as a static reveal.js slide deck (``make slides``).

    python tools/export_slides.py lectures build/slides [--only 07_minimax_dynamics]

Writes ``build/slides/NN_topic.slides.html`` for every lecture and an ``index.html``. The slide structure
is the cells' standard ``slideshow`` metadata (set in the py:percent sources, checked by
``tests/test_slides.py``); ``notes`` cells become speaker notes (press ``S`` in the deck). A deck shows the
math, the figures and the checked claims: code inputs are left out (RISE shows them live).

Nothing is loaded from the network, so a deck plays from ``file://`` on a classroom machine:

- reveal.js is a local copy in ``reveal.js/``, from the npm package pinned in ``package.json`` (``make
  slides`` runs ``npm ci`` first), loaded by plain ``<script>`` tags (no require.js, no jQuery);
- math is typeset by the local MathJax 2 of ``make html`` (``tools/export_html.py``);
- notebooks run as in ``make html`` (``export_html.execute``): every plotly figure is an offline HTML file
  in ``figures/`` sharing one ``plotly.min.js`` (animations play), and a live panel (sliders) is shown in
  its first render with a one-line note, since a static deck has no kernel behind its controls;
- the figures use the large-font presentation style (``COURSE_PRESENTATION=1``) and the deck includes
  ``assets/presentation.css``.
"""

from __future__ import annotations

import argparse
import html
import os
import shutil
import sys
import time
from pathlib import Path

from jinja2 import DictLoader
from nbconvert import SlidesExporter

sys.path.insert(0, str(Path(__file__).resolve().parent))
from export_html import MATHJAX_URL, copy_mathjax, execute  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
REVEAL_PACKAGE = ROOT / "node_modules" / "reveal.js"
REVEAL_DIR = "reveal.js"  # under the decks' folder, beside them
WIDTH, HEIGHT = 1280, 720  # the slide size tests/test_slides.py budgets for

# nbconvert's reveal template with every script local and no AMD loader: reveal.js (UMD) and its notes
# plugin by <script> tags; MathJax told to use the STIX-Web fonts, the only fonts jupyter-server-mathjax
# ships (as in export_html.py)
TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block html_head_js_mathjax -%}
{{ super() }}
<script type="text/x-mathjax-config">
MathJax.Hub.Config({"HTML-CSS": {availableFonts: [], preferredFont: null, webFont: "STIX-Web",
                                 imageFont: null},
                    SVG: {font: "STIX-Web"}});
</script>
<style type="text/css">
{{ resources.course_css }}
.reveal .slides { text-align: left; }
/* figures at the height tests/test_slides.py budgets (450 px; a plotly iframe is its layout height + 60) */
.reveal .jp-OutputArea-output iframe { zoom: 0.8; }
.reveal .jp-OutputArea-output img { max-height: 450px; width: auto; }
/* a slide taller than the screen scrolls instead of running off it (tests/test_slides.py budgets 720 px) */
.reveal .slides section.present:not(.stack) { max-height: {{ resources.reveal.height }}px; overflow-y: auto; }
.reveal .jp-RenderedHTMLCommon h1, .reveal .jp-RenderedHTMLCommon h2 { margin-top: 0; text-transform: none; }
</style>
{%- endblock html_head_js_mathjax -%}
{% block footer_js %}
<script src="{{ resources.reveal.url_prefix }}/dist/reveal.js"></script>
<script src="{{ resources.reveal.url_prefix }}/plugin/notes/notes.js"></script>
<script>
Reveal.initialize({controls: true, progress: true, hash: true, slideNumber: "c/t", center: false,
                   transition: "{{ resources.reveal.transition }}", plugins: [RevealNotes],
                   width: {{ resources.reveal.width }}, height: {{ resources.reveal.height }}});
Reveal.on("slidechanged", function (event) {
  if (window.MathJax && MathJax.Hub) { MathJax.Hub.Queue(["Rerender", MathJax.Hub, event.currentSlide]); }
});
</script>
{% endblock footer_js %}
"""


def copy_reveal(out: Path) -> Path:
    """Copy reveal.js (its ``dist/`` and the notes plugin) from ``node_modules`` into ``out/reveal.js``."""
    if not (REVEAL_PACKAGE / "dist" / "reveal.js").is_file():
        sys.exit("make slides needs a local reveal.js: run `npm ci` in the repository root "
                 "(make slides does it; package.json pins the version)")
    target = out / REVEAL_DIR
    shutil.copytree(REVEAL_PACKAGE / "dist", target / "dist", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
    shutil.copytree(REVEAL_PACKAGE / "plugin" / "notes", target / "plugin" / "notes", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("*.esm.js"))
    shutil.copyfile(REVEAL_PACKAGE / "LICENSE", target / "LICENSE")
    return target


def exporter() -> SlidesExporter:
    """nbconvert's slides exporter on the course template, code inputs and prompts left out."""
    return SlidesExporter(extra_loaders=[DictLoader({"course_slides.html.j2": TEMPLATE})],
                          template_file="course_slides.html.j2", mathjax_url=MATHJAX_URL,
                          reveal_url_prefix=REVEAL_DIR, reveal_theme="white", reveal_transition="none",
                          reveal_width=str(WIDTH), reveal_height=str(HEIGHT), exclude_input=True,
                          exclude_input_prompt=True, exclude_output_prompt=True)


def export(notebook: Path, out: Path) -> float:
    start = time.perf_counter()
    os.environ["COURSE_PRESENTATION"] = "1"  # large fonts in the figures (the kernel inherits it)
    nb = execute(notebook, out)
    css = (ROOT / "assets" / "presentation.css").read_text(encoding="utf-8")
    body, _ = exporter().from_notebook_node(nb, resources={"course_css": css})
    (out / f"{notebook.stem}.slides.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--only", action="append", default=[], help="notebook stem(s) to export")
    args = parser.parse_args(argv)
    notebooks = sorted(args.lectures.glob("[0-9][0-9]_*.ipynb"))
    if args.only:
        notebooks = [p for p in notebooks if p.stem in args.only]
    if not notebooks:
        parser.error(f"no lectures found in {args.lectures} (--only {args.only})")
    args.out.mkdir(parents=True, exist_ok=True)
    copy_reveal(args.out)
    copy_mathjax(args.out)
    items = []
    for nb in notebooks:
        seconds = export(nb, args.out)
        print(f"{nb} -> {args.out / (nb.stem + '.slides.html')} ({seconds:.1f} s)")
        items.append(f'<li><a href="{html.escape(nb.stem)}.slides.html">{html.escape(nb.stem)}</a></li>')
    (args.out / "index.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Adversarial ML as min-max optimization: slides</title>"
        "<h1>Adversarial ML as min-max optimization: slide decks</h1>"
        "<p>Arrow keys or space to move, <kbd>S</kbd> for the speaker notes, <kbd>Esc</kbd> for an overview."
        "</p><ul>" + "".join(items) + "</ul>",
        encoding="utf-8")
    print(f"decks: {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
