"""One seeding point for the whole course: every seed goes through :func:`effective_seed`.

A lecture's claims must not depend on the seed (a student's machine is, in effect, another seed).
``COURSE_SEED_OFFSET=k`` (default 0) adds ``k`` to every seed that ``course_lib`` or a lecture turns
into a random number generator, so a whole lecture reruns with another seed family::

    COURSE_SEED_OFFSET=2 make test-notebooks

Functions of ``course_lib`` that take ``seed=`` pass it through :func:`effective_seed` where the
generator is made; lectures use :func:`make_rng` (numpy), :func:`torch_generator` and
:func:`seed_everything` instead of seeding by hand.
"""

from __future__ import annotations

import os
import random

import numpy as np

from course_lib import _validate

ENV = "COURSE_SEED_OFFSET"


def seed_offset() -> int:
    """The offset read from ``COURSE_SEED_OFFSET`` (a non-negative integer; 0 when unset)."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ValueError(f"environment variable {ENV} must be a non-negative integer "
                         f"(e.g. {ENV}=1), got {text!r}")
    return int(text)


def effective_seed(seed: int, name: str = "seed") -> int:
    """``seed + COURSE_SEED_OFFSET``, after checking that ``seed`` is an integer ≥ 0."""
    return _validate.integer(name, seed, lo=0) + seed_offset()


def make_rng(seed: int = 0) -> np.random.Generator:
    """A numpy generator seeded with ``effective_seed(seed)``."""
    return np.random.default_rng(effective_seed(seed))


def torch_generator(seed: int = 0, device: object = "cpu"):
    """A torch generator seeded with ``effective_seed(seed)``."""
    import torch

    return torch.Generator(device=device).manual_seed(effective_seed(seed))


def seed_everything(seed: int = 0) -> None:
    """Seed Python, numpy and torch's global generators with ``effective_seed(seed)``."""
    seed = effective_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    try:
        import torch
    except ImportError:  # the minimax lectures do not need torch
        return
    torch.manual_seed(seed)
