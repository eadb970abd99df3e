"""Write the student versions of the exercise notebooks: solutions replaced by stubs, outputs cleared.

    python tools/exercises.py lectures/exercises build/exercises      # what `make exercises` runs

For every ``*.ipynb`` under the source folder, the same relative path under the target folder gets a copy in
which each region between nbgrader's markers ``### BEGIN SOLUTION`` / ``### END SOLUTION`` is replaced:

- inside a function body (the region is indented): ``raise NotImplementedError`` at the body's indentation;
- a region of assignments only (``prediction = 0.5``): ``prediction = ...`` for each name it assigns;
- any other region: ``# YOUR CODE HERE`` and ``raise NotImplementedError``.

Markdown between ``<!-- BEGIN SOLUTION -->`` and ``<!-- END SOLUTION -->`` is removed, every output and
execution count is cleared, and relative links (to the lectures) are rewritten to work from the target
folder. The markers are nbgrader's, so an instructor can also grade with nbgrader. This small preprocessor
is used instead of nbgrader's ClearSolutions because that one stubs every region with
``raise NotImplementedError`` (a prediction cell would stop the notebook) and nbgrader would pull a
database and a server stack (SQLAlchemy, alembic, notebook 7) into the course's environment.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
MD_SOLUTION = re.compile(r"<!--\s*BEGIN SOLUTION\s*-->.*?<!--\s*END SOLUTION\s*-->\n?", re.S)
LINK = re.compile(r"(\]\()([^)\s#]+)")  # a Markdown link target


def _assigned_names(lines: list[str]) -> list[str] | None:
    """The names a region assigns, if it consists of plain assignments ``name = value`` only."""
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return None
    names: list[str] = []
    for node in tree.body:
        if not isinstance(node, (ast.Assign, ast.AnnAssign)):
            return None
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            elts = target.elts if isinstance(target, ast.Tuple) else [target]
            if not all(isinstance(e, ast.Name) for e in elts):
                return None
            names += [e.id for e in elts if e.id not in names]
    return names or None


def _stub(region: list[str], indent: str) -> list[str]:
    if indent:  # inside a function (or any indented block): the body raises
        return [f"{indent}raise NotImplementedError"]
    names = _assigned_names(region)
    if names is not None:
        return [f"{name} = ..." for name in names]
    return ["# YOUR CODE HERE", "raise NotImplementedError"]


def clear_source(source: str) -> str:
    """``source`` with every solution region replaced by its stub (see the module docstring)."""
    out: list[str] = []
    region: list[str] | None = None
    indent = ""
    for line in source.splitlines():
        stripped = line.strip()
        if stripped == BEGIN:
            if region is not None:
                raise ValueError("nested '### BEGIN SOLUTION'")
            region, indent = [], line[: len(line) - len(line.lstrip())]
        elif stripped == END:
            if region is None:
                raise ValueError("'### END SOLUTION' without a BEGIN")
            out += _stub([r[len(indent):] if r.startswith(indent) else r.lstrip() for r in region], indent)
            region = None
        elif region is not None:
            region.append(line)
        else:
            out.append(line)
    if region is not None:
        raise ValueError("'### BEGIN SOLUTION' without an END")
    return "\n".join(out)


def relink(markdown: str, source_dir: Path, target_dir: Path) -> str:
    """Relative links of ``markdown`` (written for ``source_dir``) rewritten to work from ``target_dir``."""
    def fix(m: re.Match) -> str:
        link = m.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I) or link.startswith("/"):
            return m.group(0)  # an absolute address
        new = os.path.relpath((source_dir / link).resolve(), target_dir.resolve())
        return m.group(1) + Path(new).as_posix()

    return LINK.sub(fix, markdown)


def student_version(nb: nbformat.NotebookNode, source_dir: Path | None = None,
                    target_dir: Path | None = None) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions stubbed, solution Markdown removed and every output cleared (and
    relative links rewritten from ``source_dir`` to ``target_dir`` when both are given)."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = clear_source(cell.source)
            cell.outputs, cell.execution_count = [], None
        elif cell.cell_type == "markdown":
            cell.source = MD_SOLUTION.sub("", cell.source)
            if source_dir is not None and target_dir is not None:
                cell.source = relink(cell.source, source_dir, target_dir)
    return nb


def build(source: Path, target: Path) -> list[Path]:
    """Write the student version of every notebook under ``source`` (or of one notebook) into ``target``."""
    notebooks = [source] if source.is_file() else sorted(
        p for p in source.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    written = []
    for path in notebooks:
        out = target / (path.name if source.is_file() else path.relative_to(source))
        out.parent.mkdir(parents=True, exist_ok=True)
        try:
            nb = student_version(nbformat.read(path, as_version=4), path.parent, out.parent)
        except ValueError as err:
            raise SystemExit(f"{path}: {err}") from None
        nbformat.write(nb, out)
        written.append(out)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a folder of exercise notebooks (or one notebook)")
    parser.add_argument("target", type=Path, help="where to write the student versions")
    args = parser.parse_args(argv)
    if not args.source.exists():
        parser.error(f"{args.source} does not exist")
    written = build(args.source, args.target)
    for path in written:
        print(path)
    print(f"{len(written)} student notebook(s) written to {args.target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
