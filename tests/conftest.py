"""Test-wide settings: small torch models run fastest on one thread (the CI machine has 2 cores), and
unit tests run with the default seeds (a shell's COURSE_SEED_OFFSET is for the notebooks, not for them)."""

import pytest
import torch

torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def _default_seed_family(monkeypatch):
    monkeypatch.delenv("COURSE_SEED_OFFSET", raising=False)
    monkeypatch.delenv("COURSE_CLAIMS_LOG", raising=False)
