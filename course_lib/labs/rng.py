"""Seeds and random-generator states of a lab run: every generator seeded from one seed (per DDP rank
where the ranks must differ), and captured in a ``weights_only``-loadable dict for an exact resume.

    seed_all(0, deterministic=True)
    ckpts.save({..., "rng": rng_state()});  set_rng_state(state["rng"])
"""

from __future__ import annotations

import os
import random
from typing import Any

import numpy as np
import torch
import torch.distributed as dist

from course_lib.labs.device import Runtime
from course_lib.seeding import effective_seed


# ----------------------------------------------------------------------------------------- seeding
def seed_all(seed: int, *, deterministic: bool = True) -> None:
    """Seed Python, numpy and torch (all devices); with ``deterministic`` also ask torch for
    deterministic kernels (cuDNN benchmark off), which exact ``--resume`` relies on."""
    seed = effective_seed(seed)
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if deterministic and torch.cuda.is_available():   # CPU kernels are deterministic already, and this
        os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")   # call imports torch._dynamo (slow)
        torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = deterministic
    torch.backends.cudnn.benchmark = not deterministic


def rank_seed(seed: int, rank: int = 0) -> int:
    """The seed of one DDP rank, ``effective_seed(seed + rank)``: rank 0 keeps the single-process seed,
    the other ranks draw other random starts, noise and augmentation."""
    return effective_seed(seed + rank)


def seed_rank(seed: int, rt: Runtime) -> None:
    """Reseed Python, numpy and torch with :func:`rank_seed` (call it after the model is built: the weights
    come from the shared seed, and DDP broadcasts rank 0's anyway). A no-op on one process."""
    if not rt.distributed:
        return
    s = rank_seed(seed, rt.rank)
    random.seed(s)
    np.random.seed(s % 2**32)
    torch.manual_seed(s)


def gather_rng_states(rt: Runtime) -> list[dict[str, Any]]:
    """Every rank's :func:`rng_state` in rank order (collective under DDP; ``[rng_state()]`` otherwise)."""
    if not rt.distributed:
        return [rng_state()]
    states: list[Any] = [None] * rt.world_size
    dist.all_gather_object(states, rng_state())
    return states


def rng_state() -> dict[str, Any]:
    """Every global RNG state (Python, numpy, torch CPU and CUDA) in a ``weights_only``-loadable dict."""
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    state: dict[str, Any] = {
        "python": random.getstate(),
        "numpy": {"kind": kind, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                  "has_gauss": int(has_gauss), "cached_gaussian": float(cached)},
        "torch": torch.get_rng_state(),
    }
    if torch.cuda.is_available():
        state["cuda"] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict[str, Any]) -> None:
    """Restore the states captured by :func:`rng_state`."""
    py = state["python"]
    random.setstate((py[0], tuple(py[1]), py[2]))
    n = state["numpy"]
    np.random.set_state((n["kind"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"],
                         n["cached_gaussian"]))
    torch.set_rng_state(state["torch"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])
