"""docs/: the coverage table's counts are its rows; every relative link in docs/ and the README resolves."""

import collections
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STATUSES = ("checked", "shown", "mentioned", "not covered")


def test_coverage_counts_match_the_rows():
    text = (ROOT / "docs" / "COVERAGE.md").read_text(encoding="utf-8").replace("\\|", "¦")
    rows = collections.defaultdict(collections.Counter)
    for deck, status in re.findall(r"^\| ([A-E])\d+ \|.*\| (checked|shown|mentioned|not covered) \|[^|]*\|$",
                                   text, re.M):
        rows[deck][status] += 1
    summary = re.findall(r"^\| ([A-E])\. .*? \| (\d+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$", text, re.M)
    assert [deck for deck, *_ in summary] == list("ABCDE")
    for deck, *numbers in summary:
        *by_status, total = map(int, numbers)
        assert by_status == [rows[deck][s] for s in STATUSES], f"deck {deck}: counts differ from the rows"
        assert total == sum(by_status)
    every = re.search(r"^\| \*\*all five\*\* \| (.*) \|$", text, re.M).group(1)
    totals = [int(n) for n in re.findall(r"\d+", every)]
    by_status = [sum(rows[d][s] for d in rows) for s in STATUSES]
    assert totals == [*by_status, sum(by_status)]


def test_relative_links_in_docs_and_readme_resolve():
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            assert (page.parent / target).exists(), f"{page.relative_to(ROOT)} links to a missing {target}"
