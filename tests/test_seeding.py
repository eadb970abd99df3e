"""COURSE_SEED_OFFSET shifts every seed of the course by one offset, and bad values are named."""

import numpy as np
import pytest
import torch

from course_lib import effective_seed, make_rng, seed_everything, torch_generator
from course_lib.data.digits import load_digits
from course_lib.minimax import simulate
from course_lib.minimax.games import bilinear
from course_lib.seeding import seed_offset


def test_offset_defaults_to_zero(monkeypatch):
    monkeypatch.delenv("COURSE_SEED_OFFSET", raising=False)
    assert seed_offset() == 0 and effective_seed(7) == 7


def test_offset_shifts_every_generator(monkeypatch):
    monkeypatch.setenv("COURSE_SEED_OFFSET", "3")
    assert effective_seed(7) == 10
    assert make_rng(0).integers(1 << 30) == np.random.default_rng(3).integers(1 << 30)
    assert torch.equal(torch.rand(4, generator=torch_generator(1)),
                       torch.rand(4, generator=torch.Generator().manual_seed(4)))
    seed_everything(2)
    a = torch.rand(3)
    torch.manual_seed(5)
    assert torch.equal(a, torch.rand(3))


def test_library_seeds_follow_the_offset(monkeypatch):
    monkeypatch.delenv("COURSE_SEED_OFFSET", raising=False)
    split0 = load_digits(seed=0)[3]
    noisy0 = simulate(bilinear(), "gda", np.ones((2, 2)), steps=3, step=0.1, sigma=0.1, seed=0).z
    monkeypatch.setenv("COURSE_SEED_OFFSET", "1")
    split1 = load_digits(seed=0)[3]
    noisy1 = simulate(bilinear(), "gda", np.ones((2, 2)), steps=3, step=0.1, sigma=0.1, seed=0).z
    assert not torch.equal(split0, split1)
    assert not np.array_equal(noisy0, noisy1)
    monkeypatch.delenv("COURSE_SEED_OFFSET")
    assert torch.equal(load_digits(seed=1)[3], split1)


@pytest.mark.parametrize("text", ["-1", "one", "1.5", " 2x"])
def test_bad_offset_names_the_variable(monkeypatch, text):
    monkeypatch.setenv("COURSE_SEED_OFFSET", text)
    with pytest.raises(ValueError, match="COURSE_SEED_OFFSET must be a non-negative integer"):
        effective_seed(0)
