"""Slide policy: every lecture presents as slides (RISE live, ``make slides`` static) from the standard
``slideshow`` cell metadata, set in the py:percent sources' cell markers.

- the first cell (title) is a slide, the setup cell (the first code cell: imports, ``setup``) is skipped;
- every Markdown cell with a ``##`` section heading starts a slide (``## References`` may be skipped),
  one with a ``###`` heading a slide or sub-slide;
- each lecture has speaker notes (``notes`` cells) on its key slides;
- no slide overflows a 1280×720 screen in presentation style.

**The height budget.** A slide shows the math, the figure and the verdict: what the static deck (``make
slides``, code hidden) puts on it must fit a 1280×720 screen. Heights are modelled per cell from what the
deck renders (reveal.js "white" with ``assets/presentation.css``: text 20 px, line height 1.3), with
constants measured in the deck at 1280×720 (each slide's ``scrollHeight``, every lecture):

- Markdown: a cell 25 px; a paragraph or list item 28 px of margins (7 px for the next item of a list)
  plus 26 px per rendered line (its visible characters wrapped at 110: link targets and emphasis marks do
  not show, in inline TeX a command counts one character and braces, scripts and spaces none); a heading
  per rendered line 60 px (``#``, 50 characters), 40 px (``##``, 80), 50 px (``###``, 90); a display
  formula (``$$``) 65 px (28 more after a blank line) plus 45 px per further row (``\\\\``); a table row
  47 px plus 26 px per further line of its longest cell (wrapped at 100 characters);
- code (its input hidden): a cell 10 px; printed text 20 px per output area plus 23 px per line wrapped at
  90 characters: the stored outputs' lines (checked cells), otherwise one per ``check``/``check_close``/
  ``report``/``print`` call (one in a loop counts 5, a ``print`` of a dict, a list or ``np.round(...)`` 2,
  of ``inspect.getsource`` 6); a figure (matplotlib, plotly, an animation) 500 px, a matplotlib one with
  ``figsize=(w, h)`` min(450, 100·h + 40) + 50 px; a live panel (its first render, its controls and the
  note) 560 px for a ``*_demo(`` / ``*_widget(`` / ``*_explorer(`` call, 640 px for one of course_lib's
  ``build_*(`` panels (several controls and a message); a branch switched off in the cell (``RUN_X = False``
  … ``if RUN_X:``) shows nothing.

A slide runs from a ``slide``/``subslide`` cell to the next one (fragments stay on their slide; ``skip``
and ``notes`` cells show nothing); its height must be at most ``HEIGHT + TOLERANCE`` (the tolerance is the
blank bottom margin of its last cell). The check reads the stored notebook (``tools/nbstore.py`` keeps the
printed lines of the checked cells). The model errs by about 25 px per cell; ``tests/browser/
test_slides.py`` measures the real heights of every deck. RISE also shows the code of the cells that are
not skipped; a slide that is then taller than the screen scrolls (the RISE setting ``scroll``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "lectures").glob("0*.py"))
HEIGHT = 720  # px
TOLERANCE = 20  # px: the blank bottom margin of a slide's last cell (its padding and last paragraph margin)
# Markdown, per rendered line or block (reveal.js "white" + presentation.css: 20 px text, line height 1.3)
MD_CELL, TEXT_LINE, BLOCK, ITEM = 25, 26, 28, 7  # px
CHARS_PER_LINE = 110  # visible characters in a rendered line of text at 1280 px
HEADING = {1: (60, 50), 2: (40, 80), 3: (50, 90), 4: (40, 100)}  # level: (px per line, characters per line)
MATH, MATH_ROW, TABLE_ROW = 65, 45, 47  # px: a display formula, each further row of it, a table row
TABLE_CHARS = 100  # characters in a line of a table's widest column
# Code (its input hidden): printed text, figures and live panels
OUTPUT, OUTPUT_LINE, OUTPUT_CHARS = 20, 23, 90  # px for an output area, px per line, characters per line
FIGURE, CODE_CELL = 500, 10  # px: a figure, a code cell
PANEL, BUILT_PANEL = 560, 640  # px: a live panel (first render, controls, note), one of several controls
IMAGE_MAX, FIGURE_LABELS = 450, 40  # px: the tallest image on a slide, a figure's title and labels
DRAWS = re.compile(r"\bplt\.|subplots\(|\.show\(|display\(|animate\(|imshow\(")
PANELS = re.compile(r"_demo\(|_widget\(|_explorer\(")
BUILT_PANELS = re.compile(r"\bbuild_\w+\(")  # course_lib's panel builders: several controls, a message
PRINTS = {"check", "check_close", "report", "print"}
LOOP_LINES = 5
SOURCE_LINES = 6  # a function's source printed by ``inspect.getsource``
CONTAINER_LINES = 2  # a printed dict, list or array (its repr wraps)
CONTAINERS = (ast.Dict, ast.DictComp, ast.List, ast.ListComp, ast.Set, ast.SetComp)
TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def height(cell) -> int:
    """The cell's height on a slide in px, as the static deck shows it (see the module docstring)."""
    if cell.cell_type == "markdown":
        return markdown_height(cell.source)
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:  # IPython syntax (magics): count it as a figure
        return CODE_CELL + FIGURE
    body = shown(body)
    code = "\n".join(ast.unparse(node) for node in body)
    shows_value = bool(body) and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value,
                                                                               (ast.Name, ast.Attribute))
    figure = (BUILT_PANEL if BUILT_PANELS.search(code) else PANEL if PANELS.search(code) else
              figure_height(code) if DRAWS.search(code) or shows_value else 0)
    texts = [out.get("text", "") for out in cell.get("outputs", []) if out.get("output_type") == "stream"]
    if texts:  # the stored outputs (checked cells): their lines, wrapped
        lines = sum(-(-len(line) // OUTPUT_CHARS) or 1 for line in "".join(texts).rstrip("\n").split("\n"))
    else:
        lines = printed_lines(body)
    areas = max(len(texts), 1)  # each stored stream output is an output area of its own
    return CODE_CELL + figure + (OUTPUT * areas + OUTPUT_LINE * lines if lines else 0)


def figure_height(code: str) -> int:
    """A figure's height: ``FIGURE``, or for a matplotlib ``figsize=(w, h)`` its image (``h`` inches at
    100 dpi, plus ``FIGURE_LABELS`` for the title and labels, at most ``IMAGE_MAX``) plus its margins."""
    size = re.search(r"figsize=\(\s*[\d.]+\s*,\s*([\d.]+)\s*\)", code)
    if not size:
        return FIGURE
    return min(IMAGE_MAX, round(100 * float(size.group(1))) + FIGURE_LABELS) + FIGURE - IMAGE_MAX


def markdown_height(source: str) -> int:
    """A Markdown cell's rendered height: headings, paragraphs and list items wrapped at
    ``CHARS_PER_LINE`` visible characters, display formulas (``$$``) by rows, table rows."""
    source = re.sub(r"<!--.*?-->", "", source, flags=re.S)
    total, paragraph, blank, math = MD_CELL, 0, True, None

    def wrapped(chars: int) -> int:
        return TEXT_LINE * -(-chars // CHARS_PER_LINE) if chars else 0

    for line in source.splitlines():
        text = line.strip()
        if math is not None:  # inside a display formula
            if "$$" in text:
                math = None
            elif text.endswith("\\\\"):
                total += MATH_ROW
            continue
        if text.startswith("$$"):
            total += wrapped(paragraph) + MATH + MATH_ROW * text.count("\\\\") + (BLOCK if blank else 0)
            paragraph, blank = 0, False
            math = None if text.count("$$") >= 2 else text
            continue
        heading = re.match(r"^(#{1,4}) ", text)
        new_block = blank or heading or text.startswith("|") or re.match(r"^([-*+]|\d+\.) ", text)
        if new_block or not text:
            total, paragraph = total + wrapped(paragraph), 0
        blank = not text
        if not text:
            continue
        if heading:
            px, chars = HEADING[len(heading.group(1))]
            total += px * -(-len(text) // chars)
        elif text.startswith("|"):
            if not re.fullmatch(r"\|[\s:|-]+\|", text):  # a row: its longest cell wrapped
                longest = max(visible_chars(cell.strip()) for cell in text.strip("|").split("|"))
                total += TABLE_ROW + TEXT_LINE * (-(-longest // TABLE_CHARS) - 1)
        else:
            if new_block:
                total += BLOCK if not re.match(r"^([-*+]|\d+\.) ", text) or blank else ITEM
            paragraph += visible_chars(text) + 1
    return total + wrapped(paragraph)


def visible_chars(text: str) -> int:
    """Characters a line of Markdown shows: no link targets or emphasis marks; in inline TeX a command
    (``\\mathrm``) is one character, braces, scripts marks and spacing commands none."""
    text = re.sub(r"\]\([^)]*\)", "]", text)
    text = re.sub(r"\$([^$]*)\$", lambda m: re.sub(r"\\[,;:! ]|[{}^_ ]", "",
                                                   re.sub(r"\\[A-Za-z]+", "x", m.group(1))), text)
    return len(re.sub(r"[*_`]", "", text))


def shown(body: list) -> list:
    """The statements that run: a branch switched off in the cell (``RUN_SLOW = False``, ``if RUN_SLOW:``)
    is left out (its ``else`` runs)."""
    off = {t.id for node in body if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
           and node.value.value is False for t in node.targets if isinstance(t, ast.Name)}
    out = []
    for node in body:
        switched_off = isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id in off
        out.extend(node.orelse if switched_off else [node])
    return out


def printed_lines(body: list) -> int:
    """Lines printed by ``check``/``check_close``/``report``/``print`` calls; one in a loop counts as
    ``LOOP_LINES`` (the lectures loop over a handful of methods or settings)."""
    def count(nodes, factor: int) -> int:
        total = 0
        for node in nodes:
            if isinstance(node, (ast.For, ast.While)):
                total += count(node.body, LOOP_LINES)
                continue
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in PRINTS:
                    rounds = [getattr(getattr(arg, "func", None), "attr", "") == "round" for arg in sub.args]
                    containers = sub.func.id == "print" and any(
                        isinstance(arg, CONTAINERS) or r for arg, r in zip(sub.args, rounds))
                    total += factor * (CONTAINER_LINES if containers else 1)
                elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and \
                        sub.func.attr == "getsource":
                    total += SOURCE_LINES * factor - factor  # a printed function: its lines
        return total

    return count(body, 1)


def slides(cells) -> list[tuple[str, int]]:
    """(first line of the slide's first cell, height in px) for every slide and sub-slide."""
    out: list[list] = []
    for cell in cells:
        kind = slide_type(cell)
        if kind in ("skip", "notes"):
            continue
        if kind in ("slide", "subslide") or not out:
            first = next((line for line in cell.source.splitlines()  # code: its first line that is not
                          if line.strip() and not (cell.cell_type == "code" and line.startswith("#"))), "")
            out.append([first[:70], 0])
        out[-1][1] += height(cell)
    return [tuple(s) for s in out]


def check_structure(cells, name: str) -> None:
    assert cells, f"{name}: no cells"
    kinds = [slide_type(c) for c in cells]
    assert set(kinds) <= TYPES, f"{name}: unknown slide types {set(kinds) - TYPES}"
    assert kinds[0] == "slide", f"{name}: the title cell must start a slide"
    setup = next(k for c, k in zip(cells, kinds) if c.cell_type == "code")
    assert setup == "skip", f"{name}: the setup cell (the first code cell) must be skipped"
    for cell, kind in zip(cells, kinds):
        if cell.cell_type != "markdown":
            continue
        head = cell.source.lstrip().splitlines()[0] if cell.source.strip() else ""
        if re.search(r"^## ", cell.source, re.M):
            allowed = {"slide", "skip"} if head.startswith("## References") else {"slide"}
            assert kind in allowed, f"{name}: the section cell {head[:60]!r} is {kind!r}, not a slide"
        elif re.search(r"^### ", cell.source, re.M):
            assert kind in {"slide", "subslide"}, f"{name}: {head[:60]!r} is {kind!r}, not a (sub)slide"
    notes = [c for c, k in zip(cells, kinds) if k == "notes"]
    assert notes, f"{name}: no speaker notes (cells with slide_type 'notes')"
    assert all(c.cell_type == "markdown" for c in notes), f"{name}: speaker notes are Markdown cells"


def too_tall(cells) -> list[tuple[str, int]]:
    """The slides whose modelled height exceeds ``HEIGHT + TOLERANCE``: (first line, px)."""
    return [(first, px) for first, px in slides(cells) if px > HEIGHT + TOLERANCE]


def test_there_are_lectures():
    assert len(SOURCES) >= 9


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_source_has_slide_structure(source):
    import jupytext

    check_structure(jupytext.read(source).cells, source.name)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_stored_notebook_keeps_the_slide_metadata(source):
    """tools/nbstore.py keeps each cell's ``slideshow`` metadata: the stored notebook presents the same."""
    import jupytext

    stored = source.with_suffix(".ipynb")
    nb = nbformat.read(stored, as_version=4)
    expected = [(c.cell_type, slide_type(c)) for c in jupytext.read(source).cells]
    got = [(c.cell_type, slide_type(c)) for c in nb.cells]
    assert got == expected, (f"{stored.name} has other slide metadata than {source.name}: rebuild it with "
                             f"`python tools/nbstore.py {source.relative_to(ROOT)}`")
    check_structure(nb.cells, stored.name)


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_no_slide_overflows_the_screen(source):
    """The stored notebook (its checked cells keep their printed lines) against the height model."""
    stored = source.with_suffix(".ipynb")
    tall = too_tall(nbformat.read(stored, as_version=4).cells)
    assert not tall, (f"{stored.name}: slides taller than {HEIGHT} px (+{TOLERANCE}) in the static deck; "
                      "split them into sub-slides or shorten them: "
                      + "; ".join(f"{first!r} {px} px" for first, px in tall))


def test_height_model_on_a_made_up_lecture():
    """The model's arithmetic: skipped and notes cells do not count; text, a figure and output do."""
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    printed = code("check(1)", metadata={"slideshow": {"slide_type": "fragment"}})
    printed.outputs = [nbformat.v4.new_output("stream", name="stdout", text="✓ one\n" + "x" * 100 + "\n")]
    cells = [md("# Title\n\ntext", metadata={"slideshow": {"slide_type": "slide"}}),
             code("import x\nsetup()", metadata={"slideshow": {"slide_type": "skip"}}),
             md("say this", metadata={"slideshow": {"slide_type": "notes"}}),
             md("## 1. Section\nline", metadata={"slideshow": {"slide_type": "slide"}}),
             code("fig = f()\nfig.show()"),
             printed,
             md("### Sub\n\n$$a = b$$\n\n| a | b |\n|---|---|\n| 1 | 2 |",
                metadata={"slideshow": {"slide_type": "subslide"}}),
             code("fig, ax = plt.subplots(figsize=(8, 2.0))\nRUN = False\nif RUN:\n    print(1)")]
    title = MD_CELL + HEADING[1][0] + BLOCK + TEXT_LINE
    section = (MD_CELL + HEADING[2][0] + TEXT_LINE + CODE_CELL + FIGURE
               + CODE_CELL + OUTPUT + 3 * OUTPUT_LINE)  # the 100-character line wraps
    strip = 200 + FIGURE_LABELS + FIGURE - IMAGE_MAX  # a 2-inch figure; the branch switched off prints none
    sub = MD_CELL + HEADING[3][0] + BLOCK + MATH + 2 * TABLE_ROW + CODE_CELL + strip
    assert slides(cells) == [("# Title", title), ("## 1. Section", section), ("### Sub", sub)]
    assert too_tall(cells) == []
    assert too_tall(cells[:5] + [cells[4]]) == [("## 1. Section", MD_CELL + HEADING[2][0] + TEXT_LINE
                                                 + 2 * (CODE_CELL + FIGURE))]


def export_slides():
    """``tools/export_slides.py`` as a module."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("export_slides", ROOT / "tools" / "export_slides.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_rise_css_is_the_presentation_style():
    """RISE loads ``rise.css`` beside the notebook: ``lectures/rise.css`` is what ``tools/export_slides.py
    --rise-css`` writes (``assets/presentation.css`` and the RISE rules), so live slides use the course's
    presentation style (tests/browser/test_slides.py checks the rendered fonts and colours)."""
    module = export_slides()
    stored = (ROOT / "lectures" / "rise.css").read_text(encoding="utf-8")
    assert stored == module.rise_css(), ("lectures/rise.css is out of date: run "
                                         "`python tools/export_slides.py lectures --rise-css`")
    assert "--course-font-size: 20px" in stored and ".reveal .jp-RenderedHTMLCommon h2" in stored


def test_static_deck_leaves_out_warnings_and_progress_bars():
    """The model counts printed lines and figures only: the deck drops stderr and widgets' text stand-ins."""
    on_slide = export_slides().on_slide
    out = nbformat.v4.new_output
    widget = {"application/vnd.jupyter.widget-view+json": {"model_id": "x"}, "text/plain": "PGDAT: 0%|"}
    assert on_slide(out("stream", name="stdout", text="✓ claim"))
    assert not on_slide(out("stream", name="stderr", text="UserWarning"))
    assert not on_slide(out("display_data", data=widget))
    assert on_slide(out("display_data", data={"text/html": "<iframe></iframe>", "text/plain": "fig"}))
