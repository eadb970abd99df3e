"""What a lab run reports: the JSONL metrics log and the divergence guard.

    log = MetricsLog(out_dir / "metrics.jsonl"); log.log({"epoch": e, "acc": acc})
    guard = DivergenceGuard(("loss", "grad_norm"), hint="a smaller --lr")
    guard.observe(step, loss=loss, grad_norm=grad_norm(params))     # no host synchronisation
    guard.check(step)                                               # raises DivergenceError
"""

from __future__ import annotations

import contextlib
import json
import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
import torch.distributed as dist

if TYPE_CHECKING:
    from course_lib.labs.device import Runtime

def read_jsonl(path: str | os.PathLike) -> list[dict[str, Any]]:
    """All complete records of a JSONL log (a torn last line from a crash is skipped)."""
    path = Path(path)
    if not path.is_file():
        return []
    records = []
    for line in path.read_text().splitlines():
        with contextlib.suppress(json.JSONDecodeError):
            if line.strip():
                records.append(json.loads(line))
    return records


class MetricsLog:
    """Append-only JSONL log: one JSON object per line, flushed and fsynced, readable while training."""

    def __init__(self, path: str | os.PathLike, *, enabled: bool = True) -> None:
        self.path = Path(path)
        self.enabled = enabled
        if enabled:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    def log(self, record: dict[str, Any]) -> None:
        if not self.enabled:
            return
        with open(self.path, "a") as f:
            f.write(json.dumps(record, default=json_default) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def records(self) -> list[dict[str, Any]]:
        return read_jsonl(self.path)

    def truncate(self, key: str, last: float) -> None:
        """Drop records with ``record[key] > last`` (written after the checkpoint we resume from) and
        end-of-run summaries (``"final": true``), which the resumed run writes again."""
        if not self.enabled or not self.path.is_file():
            return
        keep = [r for r in self.records() if r.get(key, -math.inf) <= last and not r.get("final")]
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text("".join(json.dumps(r) + "\n" for r in keep))
        os.replace(tmp, self.path)


def json_default(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot log {type(value).__name__} to JSON")


DIVERGED_EXIT_CODE = 3   # the CLIs' exit status when training diverged (2: bad arguments or files)


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss, gradient norm or parameter; ``record`` is the logged event."""

    def __init__(self, message: str, record: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.record = record or {}


def _fmt(value: float) -> str:
    return f"{value:.4g}"


class DivergenceGuard:
    """Watch scalars (losses, gradient norms) for NaN/inf without a host synchronisation per step.

    :meth:`observe` records, on the device, the first step where a watched value was not finite, which
    value, and the last finite values; :meth:`check` (one synchronisation; call it where the loop syncs
    anyway: before logging, evaluating and checkpointing) raises :class:`DivergenceError` with one line:
    what diverged, at which step, the last finite values and ``hint`` (what to try). ``check(params=...)``
    also checks parameters, so that a checkpoint is never written with NaN weights. Under DDP the
    decision is collective (every rank raises, or none).
    """

    def __init__(self, names: tuple[str, ...], *, hint: str, unit: str = "iteration", key: str = "iter",
                 device: str | torch.device = "cpu", runtime: Runtime | None = None) -> None:
        self.names, self.hint, self.unit, self.key, self.runtime = tuple(names), hint, unit, key, runtime
        self.device = torch.device(device)
        self._first_bad = torch.full((), -1, dtype=torch.int64, device=self.device)
        self._bad_values = torch.full((len(names),), math.nan, device=self.device)
        self._last_ok = torch.full((len(names),), math.nan, device=self.device)
        self._last_ok_step = torch.full((), -1, dtype=torch.int64, device=self.device)

    def observe(self, step: int, **values: torch.Tensor | float) -> None:
        """Record ``values`` (0-d tensors or floats, one per name) of ``step``; no host synchronisation."""
        v = torch.stack([torch.as_tensor(values[n], device=self.device).detach().float().reshape(())
                         for n in self.names])
        ok = torch.isfinite(v).all()
        fresh = self._first_bad < 0
        newly_bad = fresh & ~ok
        self._first_bad = torch.where(newly_bad, torch.full_like(self._first_bad, step), self._first_bad)
        self._bad_values = torch.where(newly_bad, v, self._bad_values)
        keep = fresh & ok
        self._last_ok = torch.where(keep, v, self._last_ok)
        self._last_ok_step = torch.where(keep, torch.full_like(self._last_ok_step, step), self._last_ok_step)

    def check(self, step: int, *, params: list[torch.Tensor] | None = None,
              last_checkpoint: str = "") -> None:
        """Raise :class:`DivergenceError` if a watched value or (``params``) a parameter is not finite."""
        bad_params = torch.zeros((), dtype=torch.bool, device=self.device)
        if params:
            finite = torch.stack([torch.isfinite(p.detach()).all().to(self.device) for p in params])
            bad_params = ~finite.all()
        flags = torch.stack([(self._first_bad >= 0).to(torch.int64), bad_params.to(torch.int64)])
        if self.runtime is not None and self.runtime.distributed:
            flags = flags.clone()
            dist.all_reduce(flags, op=dist.ReduceOp.MAX)
        bad_value, bad_param = (bool(f) for f in flags.tolist())      # the one host synchronisation
        if not (bad_value or bad_param):
            return
        last_step = int(self._last_ok_step)
        last = ", ".join(f"{n}={_fmt(x)}" for n, x in zip(self.names, self._last_ok.tolist()))
        last_txt = (f"last finite values ({self.unit} {last_step}): {last}" if last_step >= 0
                    else "no finite values before")
        if int(self._first_bad) >= 0:
            at = int(self._first_bad)
            what = ", ".join(f"{n}={_fmt(x)}" for n, x in zip(self.names, self._bad_values.tolist())
                             if not math.isfinite(x))
        elif bad_value:
            at, what = step, "another rank's loss or gradient norm"
        else:
            at, what = step, "the parameters (NaN or inf weights)"
        record = {"event": "diverged", self.key: at, "what": what,
                  "last_finite": {n: x if math.isfinite(x) else None
                                  for n, x in zip(self.names, self._last_ok.tolist())},
                  "last_finite_" + self.key: last_step if last_step >= 0 else None}
        keep = f"; {last_checkpoint}" if last_checkpoint else ""
        raise DivergenceError(f"training diverged at {self.unit} {at}: {what}; {last_txt}{keep}; "
                              f"try {self.hint}", record)


def grad_norm(params: list[torch.Tensor]) -> torch.Tensor:
    """‖(∇θ₁, ∇θ₂, …)‖₂ of the parameters' ``.grad`` (0 when none has one); a device tensor, no sync."""
    grads = [p.grad.detach() for p in params if p.grad is not None]
    if not grads:
        return torch.zeros(())
    return torch.linalg.vector_norm(torch.stack([g.float().norm() for g in grads]))
