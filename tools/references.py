"""Write or check the References section at the end of a lecture source, from ``assets/references.bib``.

    python tools/references.py lectures/04_adversarial_training.py            # rewrite its References cell
    python tools/references.py --check lectures/*.py lectures/labs/*.py        # exit 1 if one is out of date
    python tools/references.py --add madry2018towards,szegedy2014intriguing lectures/01_*.py   # add keys

The References cell is the Markdown cell starting ``## References``; it holds the keys it lists in an HTML
comment (``<!-- references: key1 key2 -->``, invisible in the notebook) followed by the list that
``course_lib.references.references(*keys)`` renders. Only that cell is rewritten (appended at the end if
absent); then rebuild the notebook with ``python tools/nbstore.py``.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_lib.references import load_bib, references  # noqa: E402

WIDTH = 106  # rendered lines, before the "# " of the py:percent comment
HEADING = "## References"
KEYS = re.compile(r"<!--\s*references:(.*?)-->", re.S)
CELL = re.compile(r"^# %%.*$", re.M)


def cells(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the py:percent cells of ``text`` (any text before the first cell excluded)."""
    starts = [m.start() for m in CELL.finditer(text)]
    return [(s, e) for s, e in zip(starts, starts[1:] + [len(text)], strict=True)]


def markdown(cell: str) -> str:
    """The Markdown of a py:percent markdown cell (its lines without the leading '# ')."""
    lines = cell.splitlines()[1:]
    return "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in lines).strip()


def find(text: str) -> tuple[int, int] | None:
    """The span of the References cell, if there is one."""
    for s, e in cells(text):
        cell = text[s:e]
        if cell.startswith("# %% [markdown]") and markdown(cell).startswith(HEADING):
            return s, e
    return None


def keys_of(text: str) -> list[str]:
    """The keys listed in the References cell of a lecture source ([] if it has none)."""
    span = find(text)
    if span is None:
        return []
    m = KEYS.search(text[span[0]:span[1]])
    return m.group(1).replace("#", " ").split() if m else []


def render(keys: list[str], marker: str = "# %% [markdown]") -> str:
    """The References cell, as py:percent text, for ``keys``; ``marker`` is its cell line (with metadata)."""
    keys = sorted(set(keys))
    comment = textwrap.fill("<!-- references: " + " ".join(keys) + " -->", WIDTH, break_long_words=False,
                            break_on_hyphens=False)
    body = "\n".join([HEADING, "", comment, "", references(*keys, width=WIDTH)])
    return marker + "\n" + "\n".join(("# " + line).rstrip() for line in body.splitlines()) + "\n"


def updated(text: str, add: list[str] = ()) -> str:
    """``text`` with its References cell rendered from its keys (plus ``add``), appended if absent."""
    keys = keys_of(text) + list(add)
    span = find(text)
    if span is None:
        return text.rstrip("\n") + "\n\n" + render(keys)
    s, e = span
    tail = text[e:]
    marker = text[s:e].split("\n", 1)[0]       # keep the cell's metadata (e.g. slideshow skip)
    return text[:s] + render(keys, marker) + ("\n" + tail if tail else "")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+", type=Path)
    ap.add_argument("--check", action="store_true", help="exit 1 if a References cell is missing or stale")
    ap.add_argument("--add", default="", metavar="KEYS", help="keys to add to the list, comma-separated")
    args = ap.parse_args(argv)
    args.add = [k for k in re.split(r"[,\s]+", args.add) if k]
    bib = load_bib()
    unknown = [k for k in args.add if k not in bib]
    if unknown:
        print(f"not in assets/references.bib: {', '.join(unknown)}", file=sys.stderr)
        return 2
    bad = 0
    for path in args.paths:
        text = path.read_text(encoding="utf-8")
        new = updated(text, args.add)
        if args.check:
            if find(text) is None or new != text:
                print(f"{path}: References cell missing or out of date (run tools/references.py {path})")
                bad += 1
        elif new != text:
            path.write_text(new, encoding="utf-8")
            print(f"{path}: References written ({len(keys_of(new))} entries)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
