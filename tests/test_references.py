"""References policy: the repository cites only what a reader can find, and every lecture lists its sources.

- No text in lectures/, course_lib/, README.md, tools/, tests/, benchmarks/ points to a file that is not in
  the repository (the slide files, the team's notes, a ``shared/`` folder) or carries a maintainer note.
- ``assets/references.bib`` has ≥ 40 entries, each with an arXiv id, a DOI or a URL.
- Every lecture source ends with a ``## References`` cell that ``tools/references.py`` would write
  unchanged (its keys exist in the bibliography, its list is the rendered one) and has a summary.
- Every "Author et al. (year)" / "A and B (year)" in a lecture resolves to an entry of its References list.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from course_lib.references import cite, load_bib, parse_bib, references

ROOT = Path(__file__).resolve().parents[1]
SCANNED = ["lectures", "course_lib", "tools", "tests", "benchmarks"]
SUFFIXES = {".py", ".md", ".ipynb", ".cfg", ".toml", ".txt", ".yml", ".yaml", ".sh"}
SELF = Path(__file__).resolve()

# What a reader of the repository cannot follow. Built from pieces so that this file does not match itself.
DANGLING = {
    "a hashed slide-file name": r"\b\d{3}_[0-9a-f]{16}\b",
    "a slide file called by number": r"(?i)\bseeds? 0{2}\d\b",
    "a shared/ folder": r"(?<![\w.-])shared/",
    "the team's research notes":
        r"(?i)\bresearch(?: note|\s*§|\s*`?(?:adversarial|minimax|labs|ecosystem)\b)",
    "a notes file": r"\b(?:minimax|adversarial|labs|ecosystem)\.md\b",
    "the design file outside docs/": r"(?<!docs/)\bDESIGN" + r"\.md\b",
    "a maintainer note": r"(?i)from memory|\(recalled\)",
    "an unlinked code mention": r"\bthe LIONS code\b",
    "a numbered citation from a slide's list": r"\bet al\.? \[\d+\]",
}


def scanned_files() -> list[Path]:
    files = [ROOT / "README.md"]
    for folder in SCANNED:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and p.suffix in SUFFIXES
                  and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts]
    return sorted(p for p in files if p.resolve() != SELF)


def lecture_sources() -> list[Path]:
    lectures = ROOT / "lectures"
    return (sorted(lectures.glob("[0-9][0-9]_*.py")) + sorted((lectures / "labs").glob("*.py"))
            + sorted((lectures / "exercises").glob("[0-9][0-9]_*.py")))


def _tool():
    spec = importlib.util.spec_from_file_location("references_tool", ROOT / "tools" / "references.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("path", scanned_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_reference_to_a_file_outside_the_repository(path):
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    for what, pattern in DANGLING.items():
        for m in re.finditer(pattern, text):
            line = text.count("\n", 0, m.start()) + 1
            found.append(f"line {line}: {what}: {m.group(0)!r}")
    assert not found, "cite the paper, deck or code repository instead:\n" + "\n".join(found)


def test_bibliography_entries_are_linked_and_enough():
    bib = load_bib()
    assert len(bib) >= 40
    for key, entry in bib.items():
        f = entry.fields
        assert entry.authors and f.get("title") and f.get("year"), f"{key}: authors, title and year"
        assert f.get("booktitle") or f.get("journal") or f.get("howpublished") or f.get("publisher"), (
            f"{key}: a venue")
        assert any(k in f for k in ("eprint", "doi", "url")), f"{key}: an arXiv id, a DOI or a URL"
        if "eprint" in f:
            assert re.fullmatch(r"\d{4}\.\d{4,5}", f["eprint"]), f"{key}: arXiv id {f['eprint']!r}"
        if "doi" in f:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", f["doi"]), f"{key}: DOI {f['doi']!r}"
        if "url" in f:
            assert f["url"].startswith("https://"), f"{key}: URL {f['url']!r}"


def test_citations_are_unique_and_parser_reads_nesting():
    bib = load_bib()
    labels = [cite(k, bib) for k in bib]
    assert len(set(labels)) == len(labels), "two entries would be cited the same way"
    tiny = parse_bib('@article{a1, author = {Jo {\\"O}z and Al Bo and Cy Di}, title = {A {B} c},\n'
                     ' journal = "J", year = 2001, doi = {10.1/x}}\n% comment @misc{no,}\n')
    assert cite("a1", tiny) == "Öz et al. (2001)" and tiny["a1"].fields["title"] == "A B c"
    assert "[doi:10.1/x](https://doi.org/10.1/x)" in references("a1", bib=tiny)
    with pytest.raises(KeyError, match="not in assets/references.bib"):
        cite("no_such_key", bib)


@pytest.mark.parametrize("path", lecture_sources(), ids=lambda p: p.name)
def test_lecture_ends_with_its_references_and_a_summary(path):
    tool = _tool()
    text = path.read_text(encoding="utf-8")
    span = tool.find(text)
    assert span is not None, f"no '## References' cell: tools/references.py --add KEY,KEY {path.name}"
    assert text[span[1]:].strip() == "", "the References cell is the last cell"
    keys = tool.keys_of(text)
    bib = load_bib()
    missing = [k for k in keys if k not in bib]
    assert not missing, f"citation keys missing from assets/references.bib: {missing}"
    assert keys, "the References cell lists its keys"
    assert tool.updated(text) == text, f"References out of date: run python tools/references.py {path}"
    assert re.search(r"^# #+ .*(What to remember|Summary|Take-aways)", text, re.M | re.I), (
        "a short summary ('## What to remember') before the references")


AUTHOR = r"(?:(?:de|van|von|da) )?[A-Z][\w'’-]+"
INLINE = re.compile(rf"\b({AUTHOR}(?: {AUTHOR})? et al\.|{AUTHOR} and {AUTHOR}) \((\d{{4}}[a-z]?)\)")


@pytest.mark.parametrize("path", lecture_sources(), ids=lambda p: p.name)
def test_inline_citations_resolve_to_the_references_list(path):
    tool = _tool()
    text = path.read_text(encoding="utf-8")
    span = tool.find(text)
    if span is None:
        pytest.skip("no References cell (reported by the test above)")
    bib = load_bib()
    listed = {cite(k, bib) for k in tool.keys_of(text) if k in bib}
    body = text[:span[0]]
    found = {f"{m.group(1)} ({m.group(2)})" for m in INLINE.finditer(body)}
    unresolved = sorted(c for c in found
                        if not any(c.endswith(label) or label.endswith(c) for label in listed))
    assert not unresolved, f"inline citations not in the References list: {unresolved}"
