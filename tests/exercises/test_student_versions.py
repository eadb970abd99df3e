"""The student versions of every exercise notebook (``tools/exercises.py``, ``make exercises``).

For each ``lectures/exercises/*.ipynb``: the student version keeps no solution text; it runs top to bottom
with no error and every checker says "… not solved yet" (one line per ``check_`` call); the instructor
version stores "✓ solved" for every check, which nbval compares when it re-runs the notebook. Generic
over the notebooks, so a new lecture's exercises
are covered as soon as its notebook exists.
"""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDER = ROOT / "lectures" / "exercises"
NOTEBOOKS = sorted(p for p in FOLDER.glob("*.ipynb"))
CHECK_CALL = re.compile(r"\bcheck_\w+\(")
VERDICT = re.compile(r"^(✓ solved|✗|… not solved yet)")


def _tool():
    spec = importlib.util.spec_from_file_location("exercises_tool", ROOT / "tools" / "exercises.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def students(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("student")
    written = _tool().build(FOLDER, target)
    assert len(written) == len(NOTEBOOKS)
    return target


def solution_lines(nb) -> tuple[set[str], set[str]]:
    """(lines inside solution regions, lines outside them), stripped, of the code cells."""
    inside, outside = set(), set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        region = False
        for line in cell.source.splitlines():
            s = line.strip()
            if s == "### BEGIN SOLUTION":
                region = True
            elif s == "### END SOLUTION":
                region = False
            elif s:
                (inside if region else outside).add(s)
    return inside, outside


def number_of_checks(nb) -> int:
    return sum(len(CHECK_CALL.findall(c.source)) for c in nb.cells if c.cell_type == "code")


def run(nb, folder: Path) -> tuple[list[str], float]:
    """Execute ``nb`` (kernel python3, cwd ``folder``); return its verdict lines and the time taken.
    A cell that raises fails the test with nbclient's message."""
    from nbclient import NotebookClient

    start = time.perf_counter()
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(folder)}}).execute()
    seconds = time.perf_counter() - start
    lines = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", f"error output in cell {cell.source[:60]!r}"
            if out.output_type == "stream":
                assert "Traceback" not in out.text, f"a traceback in cell {cell.source[:60]!r}: {out.text}"
                lines += [line for line in out.text.splitlines() if VERDICT.match(line)]
    return lines, seconds


def test_clear_source_stubs_each_kind_of_region():
    tool = _tool()
    function = "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n    ### END SOLUTION\n"
    assert tool.clear_source(function) == "def f(x):\n    y = 1\n    raise NotImplementedError"
    values = "grid = 3\n### BEGIN SOLUTION\nbest, rho = 1, 2\nanswer = (best, rho)\n### END SOLUTION"
    assert tool.clear_source(values) == "grid = 3\nbest = ...\nrho = ...\nanswer = ..."
    other = "### BEGIN SOLUTION\nfor i in range(3):\n    print(i)\n### END SOLUTION"
    assert tool.clear_source(other) == "# YOUR CODE HERE\nraise NotImplementedError"
    for broken in ("### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION"):
        with pytest.raises(ValueError, match="SOLUTION"):
            tool.clear_source(broken)
    text = "Q?\n<!-- BEGIN SOLUTION -->\nA!\n<!-- END SOLUTION -->\n[l](../x.ipynb)"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])
    source, target = ROOT / "lectures" / "exercises", ROOT / "build" / "exercises"
    md = tool.student_version(nb, source, target).cells[0].source
    assert md == "Q?\n[l](../../lectures/x.ipynb)"


def test_there_are_exercise_notebooks():
    assert any(p.name == "00_welcome.ipynb" for p in NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_keeps_no_solution(path, students):
    instructor = nbformat.read(path, as_version=4)
    student = nbformat.read(students / path.name, as_version=4)
    inside, outside = solution_lines(instructor)
    assert inside, "an exercise notebook has solutions between ### BEGIN SOLUTION / ### END SOLUTION"
    text = "\n".join(c.source for c in student.cells)
    assert "BEGIN SOLUTION" not in text and "END SOLUTION" not in text
    student_lines = {line.strip() for c in student.cells if c.cell_type == "code"
                     for line in c.source.splitlines()}
    left = sorted((inside - outside) & student_lines - {"raise NotImplementedError"})
    assert not left, f"solution lines left in the student version: {left}"
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in student.cells if c.cell_type == "code"), "outputs cleared"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_version_runs_and_reports_not_solved(path, students):
    student = nbformat.read(students / path.name, as_version=4)
    lines, seconds = run(student, path.parent)
    assert len(lines) == number_of_checks(student), f"one verdict per check_ call: {lines}"
    wrong = [line for line in lines if not line.startswith("… not solved yet")]
    assert not wrong, f"a student version must only say 'not solved yet': {wrong}"
    assert seconds < 60, f"{path.name}: the student version ran {seconds:.0f} s"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_instructor_version_stores_solved_for_every_check(path):
    """The stored instructor notebook holds one "✓ solved" line per ``check_`` call, each in a checked cell:
    nbval (``make test``) re-runs the notebook and compares these lines, so every checker must say solved
    on the solutions (under every seed family: the second nbval pass shifts the seeds)."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and CHECK_CALL.search(cell.source):
            assert "NBVAL_CHECK_OUTPUT" in cell.source, (
                f"a check without nbval's marker: {cell.source[:60]!r}")
    lines = [line for c in nb.cells if c.cell_type == "code" for out in c.get("outputs", [])
             if out.output_type == "stream" for line in out.text.splitlines() if VERDICT.match(line)]
    assert len(lines) == number_of_checks(nb), f"one stored verdict per check_ call: {lines}"
    assert all(line.startswith("✓ solved") for line in lines), lines
