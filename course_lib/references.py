"""The course bibliography, ``assets/references.bib``: inline citations and each lecture's References list.

    >>> from course_lib.references import cite, references
    >>> cite("madry2018towards")
    'Madry et al. (2018)'
    >>> print(references("madry2018towards"))          # doctest: +ELLIPSIS
    - **Madry et al. (2018)**. Aleksander Madry, ... [arXiv:1706.06083](https://arxiv.org/abs/1706.06083)

Inline citations in a lecture are ``cite(key)`` strings ("Author et al. (year)", "A and B (year)" for two
authors, "A (year)" for one); the lecture ends with a Markdown cell ``## References`` whose list is
``references(*keys)``, written into the lecture source by ``python tools/references.py`` (and checked by
``tests/test_references.py``). The parser reads the small BibTeX subset the file uses: ``@type{key,``,
then ``field = {...}`` (nested braces allowed), ``"..."`` or a bare number, one entry after another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

BIB_PATH = Path(__file__).resolve().parents[1] / "assets" / "references.bib"

_ENTRY = re.compile(r"@(\w+)\s*\{\s*([^,\s]+)\s*,")
_FIELD = re.compile(r"\s*([A-Za-z_]+)\s*=\s*")
# LaTeX accents the file uses, written as {\'e}, {\"o}, {\`o}, \'e ...
_ACCENTS = {"'": "\u0301", '"': "\u0308", "`": "\u0300", "^": "\u0302", "~": "\u0303"}
_ACCENT = re.compile(r"\{?\\(['\"`^~])\{?([A-Za-z])\}?\}?")


@dataclass(frozen=True)
class Entry:
    """One bibliography entry: its type, key and fields (names lower-case, values with LaTeX removed)."""

    kind: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def authors(self) -> list[str]:
        return [a.strip() for a in self.fields.get("author", "").split(" and ") if a.strip()]

    @property
    def year(self) -> str:
        return self.fields.get("year", "n.d.")

    @property
    def link(self) -> tuple[str, str] | None:
        """(label, url) of the entry's arXiv id, DOI or URL, in that order of preference."""
        if "eprint" in self.fields:
            eprint = self.fields["eprint"]
            return f"arXiv:{eprint}", f"https://arxiv.org/abs/{eprint}"
        if "doi" in self.fields:
            doi = self.fields["doi"]
            return f"doi:{doi}", f"https://doi.org/{doi}"
        if "url" in self.fields:
            url = self.fields["url"]
            label = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
            return (label if len(label) <= 60 else label.split("/")[0]), url
        return None


def _clean(value: str) -> str:
    """Strip the LaTeX of a field value: accents to Unicode, braces and escapes removed, spaces collapsed."""
    import unicodedata

    value = _ACCENT.sub(lambda m: unicodedata.normalize("NFC", m.group(2) + _ACCENTS[m.group(1)]), value)
    value = value.replace("\\_", "_").replace("\\&", "&").replace("--", "–")
    value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())


def _read_value(text: str, i: int) -> tuple[str, int]:
    """The value starting at text[i] ({...} with nesting, "..." or a bare word) and the index after it."""
    if text[i] == "{":
        depth, j = 0, i
        while True:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return text[i + 1:j], j + 1
            j += 1
            if j >= len(text):
                raise ValueError(f"unbalanced braces in the bibliography near {text[i:i + 40]!r}")
    if text[i] == '"':
        j = text.index('"', i + 1)
        return text[i + 1:j], j + 1
    m = re.match(r"[\w.-]+", text[i:])
    if not m:
        raise ValueError(f"cannot read a BibTeX value near {text[i:i + 40]!r}")
    return m.group(0), i + m.end()


def parse_bib(text: str) -> dict[str, Entry]:
    """Parse BibTeX text into {key: Entry}; lines starting with % are comments; duplicate keys fail."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("%"))
    entries: dict[str, Entry] = {}
    pos = 0
    while (m := _ENTRY.search(text, pos)) is not None:
        kind, key = m.group(1).lower(), m.group(2)
        if key in entries:
            raise ValueError(f"duplicate bibliography key {key!r}")
        i, fields = m.end(), {}
        while True:
            while i < len(text) and text[i] in " \t\r\n,":
                i += 1
            if i >= len(text) or text[i] == "}":
                break
            fm = _FIELD.match(text, i)
            if not fm:
                raise ValueError(f"entry {key!r}: cannot read a field near {text[i:i + 40]!r}")
            value, i = _read_value(text, fm.end())
            fields[fm.group(1).lower()] = _clean(value)
        entries[key] = Entry(kind, key, fields)
        pos = i + 1
    return entries


@lru_cache(maxsize=4)
def _load(path: str) -> dict[str, Entry]:
    return parse_bib(Path(path).read_text(encoding="utf-8"))


def load_bib(path: str | Path | None = None) -> dict[str, Entry]:
    """The entries of ``assets/references.bib`` (or of ``path``), by key."""
    return dict(_load(str(path or BIB_PATH)))


def _entry(key: str, bib: dict[str, Entry] | None) -> Entry:
    bib = bib if bib is not None else load_bib()
    if key not in bib:
        raise KeyError(f"citation key {key!r} is not in assets/references.bib")
    return bib[key]


def _surname(name: str) -> str:
    """The family name: 'Madry' from 'Aleksander Madry', 'de Jorge' from 'Pau de Jorge', or 'Last, First'."""
    if "," in name:
        return name.split(",")[0].strip()
    parts = name.split()
    for k, part in enumerate(parts[:-1]):
        if part[:1].islower():  # particles: de, van, von, ...
            return " ".join(parts[k:])
    if len(parts) >= 3 and name in _COMPOUND:
        return _COMPOUND[name]
    return parts[-1]


# Family names of two words that carry no lower-case particle.
_COMPOUND = {"Elias Abad Rocamora": "Abad Rocamora"}


def _repository(e: Entry) -> str | None:
    """'owner/name' for a code entry (howpublished 'GitHub repository owner/name'), else None."""
    m = re.match(r"GitHub repository (\S+)", e.fields.get("howpublished", ""))
    return m.group(1) if m else None


def _base_label(e: Entry) -> str:
    names = [_surname(a) for a in e.authors] or ["Anonymous"]
    if names[-1] == "others" or len(names) > 2:
        return f"{names[0]} et al."
    return " and ".join(names)


def _labels(bib: dict[str, Entry]) -> dict[str, str]:
    """Inline citation of every key; papers that would read the same get 2020a, 2020b (order of the file)."""
    labels, seen = {}, {}
    for key, e in bib.items():
        label = _repository(e) or e.fields.get("shorttitle")
        if label:  # research code by repository; slide decks by their short title
            labels[key] = label
            continue
        seen.setdefault((_base_label(e), e.year), []).append(key)
    for (who, year), keys in seen.items():
        for n, key in enumerate(keys):
            suffix = "abcdefghijklmnopqrstuvwxyz"[n] if len(keys) > 1 else ""
            labels[key] = f"{who} ({year}{suffix})"
    return labels


def cite(key: str, bib: dict[str, Entry] | None = None) -> str:
    """The inline citation of ``key``: 'Madry et al. (2018)', 'Croce and Hein (2020)', 'Danskin (1966)',
    'Wu et al. (2020a)' where two papers would read the same; for research code, its repository
    ('LIONS-EPFL/ddi_at'); for a slide deck, its ``shorttitle`` (title, speaker or course, year)."""
    bib = bib if bib is not None else load_bib()
    _entry(key, bib)
    return _labels(bib)[key]


def format_entry(key: str, bib: dict[str, Entry] | None = None) -> str:
    """One Markdown list item: bold inline citation, authors, *title*, venue, year, link."""
    e = _entry(key, bib)
    f = e.fields
    venue = f.get("booktitle") or f.get("journal") or f.get("howpublished") or f.get("publisher") or ""
    if f.get("volume"):
        venue += f" {f['volume']}" + (f"({f['number']})" if f.get("number") else "")
    if f.get("pages"):
        venue += f", pp. {f['pages']}"
    authors = ", ".join(a for a in e.authors if a != "others") + (" et al" if "others" in e.authors else "")
    parts = [f"- **{cite(key, bib)}**. {authors or 'Anonymous'}. *{f.get('title', key)}*."]
    if venue:
        parts.append(f"{venue},")
    parts.append(f"{e.year}." if not f.get("note") else f"{e.year}. {f['note']}.")
    link = e.link
    if link:
        parts.append(f"[{link[0]}]({link[1]})")
    return " ".join(parts)


def references(*keys: str, bib: dict[str, Entry] | None = None, width: int | None = None) -> str:
    """The Markdown list of the entries ``keys`` (sorted by citation, duplicates removed).

    With ``width``, each item is wrapped to that many characters (continuation lines indented by two
    spaces, so the Markdown is the same list): lecture sources keep lines under the project's limit.
    """
    import textwrap

    bib = bib if bib is not None else load_bib()
    unique = sorted(set(keys), key=lambda k: (cite(k, bib).lower(), k))
    items = [format_entry(k, bib) for k in unique]
    if width is not None:
        items = [textwrap.fill(item, width, subsequent_indent="  ", break_long_words=False,
                               break_on_hyphens=False) for item in items]
    return "\n".join(items)


__all__ = ["BIB_PATH", "Entry", "cite", "format_entry", "load_bib", "parse_bib", "references"]
