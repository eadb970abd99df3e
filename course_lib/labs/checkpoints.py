"""Checkpoints and the one resume rule of both labs.

    ckpts = Checkpoints(out_dir)                   # last.pt (+ best.pt), written atomically
    ckpts.save({"model": unwrap(model).state_dict(), "rng": rng_state(), "epoch": e}, score=acc)
    state = start_or_resume(ckpts, cfg, resume=True)    # None for a fresh run; checks the config
    start = restore(state, {"model": unwrap(model), "optimizer": opt}, log=log, key="epoch")

A checkpoint file is written to a temporary file in the same folder and moved into place with
``os.replace``, so a crash (even ``kill -9``) leaves either the previous checkpoint or the new one,
never a half-written file under the real name.

The resume rule (:func:`start_or_resume`, :func:`check_same_run`): a run's configuration is a frozen
dataclass stored in every checkpoint; ``--resume`` continues only a run made with the same settings,
except the fields the configuration class lists in ``RESUMABLE`` (e.g. more iterations, another device).
Settings added to a configuration since the checkpoint was written count as their defaults, and values
spelled in an older vocabulary are read through the class's ``ALIASES``, so checkpoints written before
still resume (or fail with a line naming each setting that differs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import math
import os
import pickle
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import torch

from course_lib.labs.logs import MetricsLog, json_default
from course_lib.labs.rng import set_rng_state

CHECKPOINT_LAST = "last.pt"
CHECKPOINT_BEST = "best.pt"


class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated or not a checkpoint."""


def save_checkpoint(path: str | os.PathLike, state: dict[str, Any]) -> Path:
    """``torch.save`` to a temporary file beside ``path``, fsync, then ``os.replace`` onto ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(state, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):           # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return path


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """``torch.load(path, weights_only=True)``; a missing or corrupt file raises :class:`CheckpointError`."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        state = torch.load(path, map_location=map_location, weights_only=True)
    except (RuntimeError, EOFError, OSError, pickle.UnpicklingError, zipfile.BadZipFile, ValueError) as err:
        msg = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise CheckpointError(f"checkpoint {path} is corrupt or incomplete ({msg[:200]}); "
                              "delete it to start over, or point --out at another run") from None
    if not isinstance(state, dict):
        raise CheckpointError(f"checkpoint {path} does not hold a state dict")
    return state


class Checkpoints:
    """``last.pt`` after every save, ``best.pt`` when the score improves (higher is better).

    ``best_score`` is stored inside each checkpoint, so it survives a resume via :meth:`load_last`.
    """

    def __init__(self, directory: str | os.PathLike) -> None:
        self.dir = Path(directory)
        self.last = self.dir / CHECKPOINT_LAST
        self.best = self.dir / CHECKPOINT_BEST
        self.best_score = -math.inf

    def exists(self) -> bool:
        return self.last.is_file()

    def save(self, state: dict[str, Any], *, score: float | None = None) -> bool:
        """Write ``best.pt`` when ``score`` beats the best so far, then ``last.pt``; True if a new best."""
        is_best = score is not None and score > self.best_score
        if is_best:
            self.best_score = float(score)
        state = {**state, "best_score": self.best_score}
        if is_best:
            save_checkpoint(self.best, state)
        save_checkpoint(self.last, state)
        return is_best

    def load_last(self, map_location: str | torch.device = "cpu") -> dict[str, Any]:
        """The last checkpoint (and restore ``best_score`` from it)."""
        state = load_checkpoint(self.last, map_location)
        self.best_score = float(state.get("best_score", -math.inf))
        return state

    def load_best(self, map_location: str | torch.device = "cpu") -> dict[str, Any]:
        return load_checkpoint(self.best, map_location)


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=json_default))


def stored_config(stored: dict[str, Any], config: Any) -> dict[str, Any]:
    """A checkpoint's stored configuration read in today's terms of ``config``'s class: settings added
    since then take their defaults, values in an older spelling go through the class's ``ALIASES``
    (``{field: {old: new}}``)."""
    old = dict(stored)
    if dataclasses.is_dataclass(config):
        for f in dataclasses.fields(config):
            if f.name not in old and f.default is not dataclasses.MISSING:
                old[f.name] = f.default
        for name, aliases in getattr(type(config), "ALIASES", {}).items():
            if isinstance(old.get(name), str):
                old[name] = aliases.get(old[name], old[name])
    return old


def check_same_run(stored: dict[str, Any], config: Any, *, where: str | os.PathLike = "--out",
                   may_change: tuple[str, ...] | None = None) -> None:
    """Raise ValueError naming every setting where ``config`` (a lab's configuration dataclass, or a
    dict) differs from the ``stored`` configuration of the checkpoint in ``where``: old → new, and what
    to do. The settings in ``may_change`` (default: the class's ``RESUMABLE``) may differ."""
    if may_change is None:
        may_change = tuple(getattr(type(config), "RESUMABLE", ()))
    new_dict = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    old, new = _jsonable(stored_config(stored, config)), _jsonable(new_dict)
    changed = [k for k in sorted(set(old) | set(new)) if k not in may_change and old.get(k) != new.get(k)]
    if changed:
        diff = ", ".join(f"{k}: {old.get(k)!r} → {new.get(k)!r}" for k in changed)
        raise ValueError(f"cannot resume: the checkpoint in {where} was made with other settings ({diff}); "
                         "pass the same options to continue it, or another --out for a new run")


def start_or_resume(ckpts: Checkpoints, config: Any, *, resume: bool,
                    map_location: str | torch.device = "cpu",
                    may_change: tuple[str, ...] | None = None) -> dict[str, Any] | None:
    """The one rule both labs follow for ``--out`` and ``--resume``.

    Without ``resume``: None (a fresh run), or FileExistsError when ``--out`` already holds a run. With
    ``resume``: the last checkpoint, or :class:`CheckpointError` naming the folder when there is none,
    or ValueError naming the settings that differ from the checkpoint's (see :func:`check_same_run`).
    """
    if not resume:
        if ckpts.exists():
            raise FileExistsError(f"--out {ckpts.dir} already holds a run; pass --resume to continue it, "
                                  "or choose another --out")
        return None
    if not ckpts.exists():
        raise CheckpointError(f"--resume: there is no checkpoint {CHECKPOINT_LAST} in {ckpts.dir} to resume; "
                              "check --out, or drop --resume to start a new run there")
    state = ckpts.load_last(map_location)
    if not isinstance(state.get("config"), dict):
        raise CheckpointError(f"checkpoint {ckpts.last} holds no run configuration; it is not a lab run")
    check_same_run(state["config"], config, where=ckpts.dir, may_change=may_change)
    return state


def restore(state: dict[str, Any], parts: dict[str, Any], *, log: MetricsLog, key: str, rank: int = 0,
            world_size: int = 1) -> int:
    """Load a resumed run: ``parts[name].load_state_dict(state[name])`` for every part (models,
    optimizers, schedulers, EMA), this rank's generators (``state["rng_ranks"][rank]``, or the one
    ``state["rng"]``), and drop the log records newer than the checkpoint. Returns the first ``key``
    (epoch, iteration) still to run."""
    missing = [name for name in parts if name not in state]
    if missing:
        raise CheckpointError(f"the checkpoint has no {', '.join(missing)}; it was written by another lab or "
                              "version: point --out at another run")
    for name, part in parts.items():
        part.load_state_dict(state[name])
    rngs = state.get("rng_ranks") or [state["rng"]] * world_size
    if rank >= len(rngs):
        raise CheckpointError(f"the checkpoint was written by {len(rngs)} process(es); resume it with "
                              f"{len(rngs)}, not {world_size}")
    set_rng_state(rngs[rank])
    log.truncate(key, state[key])
    return int(state[key]) + 1
