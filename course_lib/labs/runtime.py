"""Runtime for the GPU labs: device and precision, seeding, exact resume, atomic checkpoints, logs, DDP.

Nothing here knows about adversarial training; lab 1 (``labs.at``) and lab 2 (``labs.wgan``) share it.

    rt = make_runtime(device="auto", precision="auto", compile="auto")   # bf16 + compile on CUDA
    seed_all(0, deterministic=True)
    model = rt.prepare(model)                      # device, channels_last, DDP, torch.compile
    with rt.autocast():                            # bf16 on CUDA, a no-op in fp32
        loss = ...
    ckpts = Checkpoints(out_dir)                   # last.pt (+ best.pt), written atomically
    ckpts.save({"model": unwrap(model).state_dict(), "rng": rng_state(), "epoch": e}, score=acc)
    state = ckpts.load_last()                      # torch.load(weights_only=True); clear error if corrupt
    set_rng_state(state["rng"])
    log = MetricsLog(out_dir / "metrics.jsonl"); log.log({"epoch": e, "acc": acc})

A checkpoint file is written to a temporary file in the same folder and moved into place with
``os.replace``, so a crash (even ``kill -9``) leaves either the previous checkpoint or the new one,
never a half-written file under the real name.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import pickle
import random
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.distributed as dist
from torch import nn

from course_lib import _validate
from course_lib.seeding import effective_seed

PROFILES = ("smoke", "full")
PRECISIONS = ("auto", "fp32", "bf16")
CHECKPOINT_LAST = "last.pt"
CHECKPOINT_BEST = "best.pt"


# ----------------------------------------------------------------------------------------- profile
def resolve_profile(profile: str | None = None) -> str:
    """``profile``, else ``$COURSE_PROFILE``, else ``"full"`` with a CUDA GPU and ``"smoke"`` without."""
    if profile is None:
        profile = os.environ.get("COURSE_PROFILE") or ("full" if torch.cuda.is_available() else "smoke")
    return str(_validate.one_of("profile", profile, PROFILES))


# ----------------------------------------------------------------------------------------- runtime
@dataclass(frozen=True)
class Runtime:
    """Where and how a lab runs. Build it with :func:`make_runtime`."""

    device: torch.device
    precision: str = "fp32"          # "fp32" or "bf16" (autocast; the weights stay fp32)
    channels_last: bool = False
    compile: bool = False
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def is_main(self) -> bool:
        """Rank 0 writes checkpoints, logs and progress bars."""
        return self.rank == 0

    @property
    def distributed(self) -> bool:
        return self.world_size > 1

    def autocast(self) -> contextlib.AbstractContextManager:
        """bf16 autocast on the runtime's device when ``precision == "bf16"``; otherwise a no-op."""
        if self.precision == "bf16":
            return torch.autocast(device_type=self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def images(self, x: torch.Tensor) -> torch.Tensor:
        """Move an image batch (N, C, H, W) to the device, in channels_last layout when asked."""
        x = x.to(self.device, non_blocking=True)
        return x.contiguous(memory_format=torch.channels_last) if self.channels_last and x.dim() == 4 else x

    def prepare(self, model: nn.Module, *, compile_ok: bool = True, ddp: bool = True,
                sync_bn: bool = False) -> nn.Module:
        """Move ``model`` to the device (channels_last if set), wrap it in DDP when distributed (with
        ``sync_bn``, its BatchNorm layers first take their statistics from the global batch: see
        :func:`convert_sync_batchnorm`), and ``torch.compile`` it when the runtime compiles and
        ``compile_ok`` (False for methods that need a double backward, e.g. GradAlign and the WGAN
        gradient penalty: torch.compile cannot do it, nor can torch's SyncBatchNorm kernels)."""
        model = model.to(self.device)
        if self.channels_last:
            model = model.to(memory_format=torch.channels_last)
        if ddp and self.distributed and sync_bn:
            model = convert_sync_batchnorm(model, self.device, double_backward=not compile_ok)
        if ddp and self.distributed:
            ids = [self.local_rank] if self.device.type == "cuda" else None
            model = nn.parallel.DistributedDataParallel(model, device_ids=ids)
        if self.compile and compile_ok:
            model = torch.compile(model)
        return model

    def all_reduce_sum(self, t: torch.Tensor) -> torch.Tensor:
        """Sum a tensor over ranks (identity when not distributed)."""
        if self.distributed:
            t = t.clone()
            dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t

    def barrier(self) -> None:
        if self.distributed:
            dist.barrier()


class _GlobalBatchNorm:
    """Mixin: BatchNorm whose training statistics are those of the batch of all ranks, in plain torch ops:
    the per-channel sums of x and x² and the count are summed over the ranks with a differentiable
    all-reduce, so that mean, variance, gradients and running statistics are those of the global batch.
    It is :class:`torch.nn.SyncBatchNorm`'s computation where that one cannot serve: on CPUs under gloo
    (torch's refuses to run there, and DDP refuses CPU modules holding it), and under a double backward
    (GradAlign: torch's fused backward kernels are not differentiable)."""

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not self.training or not dist.is_available() or not dist.is_initialized() \
                or dist.get_world_size() < 2:
            return super().forward(input)
        from torch.distributed.nn.functional import all_reduce as differentiable_all_reduce

        self._check_input_dim(input)
        c = input.shape[1]
        dims = [0, *range(2, input.dim())]
        count = input.new_full((1,), input.numel() // c)
        stats = differentiable_all_reduce(torch.cat([input.sum(dims), input.square().sum(dims), count]))
        n = stats[-1]
        mean = stats[:c] / n
        var = (stats[c:2 * c] / n - mean.square()).clamp_min(0)       # biased, as in the normalisation
        if self.track_running_stats and self.num_batches_tracked is not None:
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                f = self.momentum if self.momentum is not None else 1.0 / float(self.num_batches_tracked)
                self.running_mean.mul_(1 - f).add_(mean.detach(), alpha=f)
                self.running_var.mul_(1 - f).add_(var.detach() * n / (n - 1).clamp_min(1), alpha=f)
        shape = [1, c] + [1] * (input.dim() - 2)
        out = (input - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out


class GlobalBatchNorm1d(_GlobalBatchNorm, nn.BatchNorm1d):
    """BatchNorm1d with global-batch statistics (see :class:`_GlobalBatchNorm`)."""


class GlobalBatchNorm2d(_GlobalBatchNorm, nn.BatchNorm2d):
    """BatchNorm2d with global-batch statistics (see :class:`_GlobalBatchNorm`)."""


class GlobalBatchNorm3d(_GlobalBatchNorm, nn.BatchNorm3d):
    """BatchNorm3d with global-batch statistics (see :class:`_GlobalBatchNorm`)."""


_GLOBAL_BN = {nn.BatchNorm1d: GlobalBatchNorm1d, nn.BatchNorm2d: GlobalBatchNorm2d,
              nn.BatchNorm3d: GlobalBatchNorm3d}


def convert_sync_batchnorm(model: nn.Module, device: torch.device, *,
                           double_backward: bool = False) -> nn.Module:
    """``model`` with BatchNorm statistics over the batch of all ranks: :class:`torch.nn.SyncBatchNorm`
    (fused kernels) on GPUs; the same computation in plain torch ops (:class:`GlobalBatchNorm2d`) on CPUs
    or when the method differentiates twice. Weights and running statistics are kept; GroupNorm and
    other layers are untouched."""
    if device.type != "cpu" and not double_backward:
        return nn.SyncBatchNorm.convert_sync_batchnorm(model)
    for m in model.modules():
        if type(m) in _GLOBAL_BN:
            m.__class__ = _GLOBAL_BN[type(m)]     # only forward differs: no state to add
    return model


def choose_device(device: str = "auto", local_rank: int = 0) -> torch.device:
    """``"auto"`` → ``cuda:<local_rank>`` when a GPU is visible, else ``cpu``; or an explicit name."""
    if device == "auto":
        return torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ValueError(f"'device' must be 'auto', 'cpu' or 'cuda[:i]', got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"'device' is {device!r} but no CUDA GPU is visible; use 'cpu' or 'auto'")
    if dev.type == "cuda" and dev.index is None:
        dev = torch.device(f"cuda:{local_rank}")
    return dev


def make_runtime(device: str = "auto", precision: str = "auto", *, channels_last: bool | None = None,
                 compile: bool | str = False) -> Runtime:
    """Pick device, precision and layout; joins the process group first when started by ``torchrun``.

    ``"auto"`` settings mean: bf16 autocast, channels_last and torch.compile on CUDA; fp32, the default
    layout and eager mode on the CPU (bf16 on a CPU is slow and compile needs a C++ toolchain).
    """
    _validate.one_of("precision", precision, PRECISIONS)
    _validate.one_of("compile", compile, (True, False, "auto"))
    rank, world_size, local_rank = init_distributed()
    dev = choose_device(device, local_rank)
    cuda = dev.type == "cuda"
    if precision == "auto":
        precision = "bf16" if cuda and torch.cuda.is_bf16_supported() else "fp32"
    if compile == "auto":
        compile = cuda
    if channels_last is None:
        channels_last = cuda
    if cuda:
        torch.cuda.set_device(dev)
    return Runtime(device=dev, precision=precision, channels_last=bool(channels_last), compile=bool(compile),
                   rank=rank, world_size=world_size, local_rank=local_rank)


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


# ------------------------------------------------------------------------------------- checkpoints
class CheckpointError(RuntimeError):
    """A checkpoint file is missing, truncated or not a checkpoint."""


def unwrap(model: nn.Module) -> nn.Module:
    """The plain module inside DDP and ``torch.compile`` wrappers (save and load its state_dict)."""
    while True:
        if isinstance(model, nn.parallel.DistributedDataParallel):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model


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


# ------------------------------------------------------------------------------------- metrics log
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
            f.write(json.dumps(record, default=_json_default) + "\n")
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


def _json_default(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.tolist()
    if isinstance(value, (np.generic, np.ndarray)):
        return value.tolist()
    raise TypeError(f"cannot log {type(value).__name__} to JSON")


# --------------------------------------------------------------------------------------------- DDP
def init_distributed() -> tuple[int, int, int]:
    """Join the process group when launched by ``torchrun`` (``WORLD_SIZE`` > 1 in the environment):
    NCCL with GPUs, gloo on CPUs. Returns ``(rank, world_size, local_rank)``; ``(0, 1, 0)`` otherwise."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return 0, 1, 0
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if not dist.is_initialized():
        cuda = torch.cuda.is_available()
        if cuda:
            torch.cuda.set_device(local_rank)
        dist.init_process_group("nccl" if cuda else "gloo")
    return dist.get_rank(), dist.get_world_size(), local_rank


def cleanup_distributed() -> None:
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def params_max_diff(model: nn.Module) -> float:
    """max over ranks of max |θ_rank − θ_0| (0.0 when not distributed): data-parallel replicas must agree."""
    return _max_diff_from_rank0([p.detach() for p in unwrap(model).parameters()])


def buffers_max_diff(model: nn.Module) -> float:
    """max over ranks of max |b_rank − b_0| over the floating-point buffers (batch-norm running statistics;
    0.0 when not distributed or without such buffers)."""
    return _max_diff_from_rank0([b.detach() for b in unwrap(model).buffers() if b.is_floating_point()])


def sync_buffers(model: nn.Module) -> None:
    """Copy rank 0's buffers (batch-norm running statistics, counters) to every rank, so that all ranks
    evaluate the same model. DDP broadcasts them only at the start of a training forward: the last
    forward of an epoch then updates each rank's statistics with its own batch. A no-op on one process."""
    if not (dist.is_available() and dist.is_initialized() and dist.get_world_size() > 1):
        return
    for b in unwrap(model).buffers():
        dist.broadcast(b.data, src=0)


def _max_diff_from_rank0(tensors: list[torch.Tensor]) -> float:
    if not (dist.is_available() and dist.is_initialized()) or not tensors:
        return 0.0
    flat = torch.cat([t.float().flatten() for t in tensors])
    ref = flat.clone()
    dist.broadcast(ref, src=0)
    diff = (flat - ref).abs().max().reshape(1)
    dist.all_reduce(diff, op=dist.ReduceOp.MAX)
    return float(diff)


# ------------------------------------------------------------------------------------------ resume
def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_json_default))


def check_same_run(stored: dict[str, Any], config: dict[str, Any], *, where: str | os.PathLike = "--out",
                   may_change: tuple[str, ...] = ()) -> None:
    """Raise ValueError naming every setting (but ``may_change``) where ``config`` differs from the
    ``stored`` configuration of the checkpoint in ``where``: old → new, and what to do."""
    old, new = _jsonable(stored), _jsonable(config)
    changed = [k for k in sorted(set(old) | set(new)) if k not in may_change and old.get(k) != new.get(k)]
    if changed:
        diff = ", ".join(f"{k}: {old.get(k)!r} → {new.get(k)!r}" for k in changed)
        raise ValueError(f"cannot resume: the checkpoint in {where} was made with other settings ({diff}); "
                         "pass the same options to continue it, or another --out for a new run")


def start_or_resume(ckpts: Checkpoints, config: dict[str, Any], *, resume: bool,
                    map_location: str | torch.device = "cpu",
                    may_change: tuple[str, ...] = ()) -> dict[str, Any] | None:
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


# -------------------------------------------------------------------------------------- divergence
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
