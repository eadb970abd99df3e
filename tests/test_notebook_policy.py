"""The notebook policy (docs/ARCHITECTURE.md): lean stored notebooks, checked claims, python3 kernel."""

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "lectures").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
MARK = "NBVAL_CHECK_OUTPUT"
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def checked(cell) -> bool:
    return any(line.strip().lstrip("#").strip() == MARK for line in cell.source.splitlines())


def test_there_are_lectures():
    assert any(p.name == "00_welcome.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_lean_and_checked(path):
    assert path.stat().st_size <= 1_000_000, "stored notebooks stay under 1 MB"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "widgets" not in nb.metadata, "no widget state in stored notebooks (run tools/nbstore.py)"
    cells = [c for c in nb.cells if c.metadata.get("slideshow", {}).get("slide_type") != "notes"]
    first, second = cells[0], cells[1]   # speaker notes (slides) aside
    assert first.cell_type == "markdown" and first.source.startswith("# "), "first cell: the title"
    assert "setup(" in second.source, "second cell: imports and course_lib setup()"
    code = [c for c in nb.cells if c.cell_type == "code"]
    outputs = json.dumps([c.outputs for c in code if checked(c)], ensure_ascii=False)
    assert "✓" in outputs, "every lecture checks at least one claim (check(...) prints ✓)"
    for cell in code:
        if checked(cell):
            assert cell.execution_count is not None and cell.outputs, "checked cells keep their output"
            assert all(out.output_type == "stream" and out.name == "stdout" or out.output_type in
                       ("execute_result", "display_data") for out in cell.outputs), "no errors or stderr"
        else:
            assert not cell.outputs and cell.execution_count is None, (
                f"only checked cells keep outputs (cell starting {cell.source[:40]!r})")
        assert len(cell.source.splitlines()) <= 25, f"cells stay short: {cell.source[:40]!r}"


def compared_text(cell) -> str:
    """The text nbval compares for a checked cell: its stream outputs, sanitized as in `make test`."""
    from nbval.plugin import get_sanitize_patterns

    text = "".join(out.text for out in cell.outputs if out.output_type == "stream")
    for regex, replace in get_sanitize_patterns((ROOT / "tests" / "nbval_sanitize.cfg").read_text()):
        text = re.sub(regex, replace, text)
    return text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_compared_output_holds_no_measured_number(path):
    """What nbval compares is claims and verdicts: every line is a ✓ verdict or a reported value whose
    number is sanitized away, and every number left was written in the notebook's source (so no number
    computed on this machine, with this seed, can reach the comparison)."""
    nb = nbformat.read(path, as_version=4)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    written = set(NUMBER.findall(source))
    for cell in nb.cells:
        if cell.cell_type != "code" or not checked(cell):
            continue
        assert all(out.output_type == "stream" and out.name == "stdout" for out in cell.outputs), (
            f"a checked cell prints its claims and nothing else (no figure, no result): {cell.source[:60]!r}")
        for line in compared_text(cell).splitlines():
            if not line.strip():
                continue
            assert line.startswith("✓ ") or line.endswith("· measured …"), (
                f"compared line is neither a check verdict nor a report(...) line: {line!r} "
                f"(move prints and tables to a cell without {MARK})")
            computed = set(NUMBER.findall(line)) - written
            assert not computed, (f"compared line carries numbers not written in the source "
                                  f"{sorted(computed)}: {line!r} (show measured values through check/report)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_agrees_with_its_py_percent_source(path):
    """The reviewable source of each notebook is the py:percent file beside it (jupytext pairing);
    tools/nbstore.py builds the notebook from it, so their cells must be the same."""
    import jupytext

    source = path.with_suffix(".py")
    assert source.exists(), f"{source.name} is missing: the notebook's source lives beside it (py:percent)"
    cells = [(c.cell_type, c.source) for c in jupytext.read(source).cells]
    stored = [(c.cell_type, c.source) for c in nbformat.read(path, as_version=4).cells]
    assert cells == stored, (f"{path.name} differs from {source.name}: rebuild it with "
                             f"`python tools/nbstore.py {source.relative_to(ROOT)}`")
