"""Execute every lecture and export it as a static reveal.js slide deck (``make slides``).

    python tools/export_slides.py lectures build/slides [--only 07_minimax_dynamics]
    python tools/export_slides.py lectures --rise-css     # rewrite lectures/rise.css (RISE's style)

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
  ``assets/presentation.css``; warnings (stderr) and progress bars (widgets) are left out.

Live slides (RISE, ``jupyterlab-rise``) load ``rise.css`` from the notebook's folder after reveal.js's
theme. ``lectures/rise.css`` is ``assets/presentation.css`` plus ``RISE_RULES`` (written by ``--rise-css``;
``tests/test_slides.py`` checks that it is up to date), so RISE shows the lectures in the same style as the
static decks: text 20 px, black on white, headings in the course blue.
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


# After reveal.js's "white" theme (42 px Source Sans, grey text, upper-case headings) and JupyterLab's
# 14 px content: the course's sizes and colours, on the rendered Markdown and the printed output of a slide
RISE_RULES = """
/* RISE (jupyterlab-rise) loads this file, rise.css beside the notebook, after reveal.js's theme: the rules
   below give its slides the static decks' presentation style (tools/export_slides.py writes this file
   from assets/presentation.css and RISE_RULES: edit those, then run
   `python tools/export_slides.py lectures --rise-css`). */
.reveal .slides { text-align: left; }
.reveal .jp-RenderedHTMLCommon,
.reveal .jp-RenderedHTMLCommon p,
.reveal .jp-RenderedHTMLCommon li {
  font-size: var(--course-font-size);
  line-height: 1.5;
  color: #000;
}
.reveal .jp-RenderedHTMLCommon td,
.reveal .jp-RenderedHTMLCommon th {
  font-size: calc(var(--course-font-size) * 0.85);
  color: #000;
}
.reveal .jp-RenderedHTMLCommon h1,
.reveal .jp-RenderedHTMLCommon h2,
.reveal .jp-RenderedHTMLCommon h3 {
  color: var(--course-blue);
  font-family: inherit;
  text-transform: none;
  line-height: 1.2;
}
.reveal .jp-RenderedHTMLCommon h1 { font-size: calc(var(--course-font-size) * 2.0); }
.reveal .jp-RenderedHTMLCommon h2 { font-size: calc(var(--course-font-size) * 1.6); }
.reveal .jp-RenderedHTMLCommon h3 { font-size: calc(var(--course-font-size) * 1.3); }
.reveal .jp-RenderedHTMLCommon a { color: var(--course-blue); }
.reveal .jp-OutputArea-output pre {
  font-size: calc(var(--course-font-size) * 0.85);
  line-height: 1.4;
  color: #000;
}
"""


def rise_css() -> str:
    """``lectures/rise.css``: the presentation style (``assets/presentation.css``) and ``RISE_RULES``."""
    return (ROOT / "assets" / "presentation.css").read_text(encoding="utf-8") + RISE_RULES


def on_slide(output) -> bool:
    """Whether an output belongs on a static slide: not what went to stderr (warnings), not a live widget
    shown only by its text stand-in (a progress bar: ``tqdm.auto`` draws a widget in a kernel)."""
    if output.output_type == "stream":
        return output.name != "stderr"
    data = output.get("data", {})
    return not ("application/vnd.jupyter.widget-view+json" in data
                and set(data) <= {"application/vnd.jupyter.widget-view+json", "text/plain"})


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
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if on_slide(o)]
    css = (ROOT / "assets" / "presentation.css").read_text(encoding="utf-8")
    body, _ = exporter().from_notebook_node(nb, resources={"course_css": css})
    (out / f"{notebook.stem}.slides.html").write_text(body, encoding="utf-8")
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lectures", type=Path)
    parser.add_argument("out", type=Path, nargs="?")
    parser.add_argument("--only", action="append", default=[], help="notebook stem(s) to export")
    parser.add_argument("--rise-css", action="store_true",
                        help="only write rise.css (RISE's presentation style) into the lectures' folder")
    args = parser.parse_args(argv)
    if args.rise_css:
        (args.lectures / "rise.css").write_text(rise_css(), encoding="utf-8")
        print(f"wrote {args.lectures / 'rise.css'}")
        return 0
    if args.out is None:
        parser.error("the output folder is required (or --rise-css)")
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
