"""The notebook policy of DESIGN.md, enforced: lean stored notebooks, checked claims, python3 kernel."""

import json
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "lectures").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
MARK = "NBVAL_CHECK_OUTPUT"


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
    first, second = nb.cells[0], nb.cells[1]
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
