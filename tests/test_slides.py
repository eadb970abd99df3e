"""Slide policy: every lecture presents as slides (RISE live, ``make slides`` static) from the standard
``slideshow`` cell metadata, set in the py:percent sources' cell markers.

- the first cell (title) is a slide, the setup cell (the first code cell: imports, ``setup``) is skipped;
- every Markdown cell with a ``##`` section heading starts a slide (``## References`` may be skipped),
  one with a ``###`` heading a slide or sub-slide;
- each lecture has speaker notes (``notes`` cells) on its key slides;
- no slide overflows a 1280×720 screen in presentation style.

**The height budget.** A slide shows the math, the figure and the verdict: what the static deck (``make
slides``, code hidden) puts on it must fit ``HEIGHT = 720`` px, a 1280×720 screen. Heights come from the
presentation style (``assets/presentation.css``: 20 px text, line height 1.5; output 0.85 × 20 px, line
height 1.4): a non-blank source line of a Markdown cell is 30 px (Markdown source is wrapped at the
repository's 110 characters, about one rendered line at 1280 px), a figure 450 px (plotly figures are
450–500 px tall, matplotlib figures about as much at the course's sizes), a printed line (``check``,
``check_close``, ``report``, ``print``; one in a loop counts 5) 24 px. So a slide holds 24 lines of text, or
a figure with 9 lines of text. The count runs from a ``slide``/``subslide`` cell to the next one (fragments
stay on their slide; ``skip`` and ``notes`` cells show nothing). RISE also shows the code of the cells that
are not skipped; a slide that is then taller than the screen scrolls (the RISE setting ``scroll``).
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
TEXT_LINE, OUTPUT_LINE, FIGURE = 30, 24, 450  # px
DRAWS = re.compile(r"\bplt\.|subplots\(|\.show\(|display\(|animate\(|imshow\(")
PRINTS = {"check", "check_close", "report", "print"}
LOOP_LINES = 5
TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}


def slide_type(cell) -> str:
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def height(cell) -> int:
    """The cell's height on a slide in px, as the static deck shows it (see the module docstring)."""
    if cell.cell_type == "markdown":
        return TEXT_LINE * sum(1 for line in cell.source.splitlines() if line.strip())
    try:
        body = ast.parse(cell.source).body
    except SyntaxError:  # IPython syntax (magics): count it as a figure
        return FIGURE
    shows_value = bool(body) and isinstance(body[-1], ast.Expr) and isinstance(body[-1].value,
                                                                               (ast.Name, ast.Attribute))
    figure = FIGURE if DRAWS.search(cell.source) or shows_value else 0
    return figure + OUTPUT_LINE * printed_lines(body)


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
                    total += factor
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
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
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
    too_tall = [(first, px) for first, px in slides(cells) if px > HEIGHT]
    assert not too_tall, f"{name}: slides taller than {HEIGHT} px (split them into sub-slides): {too_tall}"


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


def test_line_budget_counts_what_a_slide_shows():
    """The budget's arithmetic on a made-up lecture: skipped and notes cells do not count, a figure does."""
    md = nbformat.v4.new_markdown_cell
    code = nbformat.v4.new_code_cell
    cells = [md("# Title\n\ntext", metadata={"slideshow": {"slide_type": "slide"}}),
             code("import x\nsetup()", metadata={"slideshow": {"slide_type": "skip"}}),
             md("say this", metadata={"slideshow": {"slide_type": "notes"}}),
             md("## 1. Section\nline", metadata={"slideshow": {"slide_type": "slide"}}),
             code("fig = f()\nfig.show()"),
             code("check(1)", metadata={"slideshow": {"slide_type": "fragment"}})]
    assert slides(cells) == [("# Title", 2 * TEXT_LINE),
                             ("## 1. Section", 2 * TEXT_LINE + FIGURE + OUTPUT_LINE)]
