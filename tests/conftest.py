"""Test-wide settings: small torch models run fastest on one thread (the CI machine has 2 cores), and
unit tests run with the default seeds (a shell's COURSE_SEED_OFFSET is for the notebooks, not for them)."""

import subprocess
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _default_seed_family(monkeypatch):
    monkeypatch.delenv("COURSE_SEED_OFFSET", raising=False)
    monkeypatch.delenv("COURSE_CLAIMS_LOG", raising=False)


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The static site of lecture 00, exported once for the tests below."""
    out = tmp_path_factory.mktemp("site") / "html"
    result = subprocess.run([sys.executable, "tools/export_html.py", "lectures", str(out), "--only",
                             "00_welcome"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return out
