"""Where a lab runs: profile, device, precision, memory layout, torch.compile, DDP and global-batch BN.

    rt = make_runtime(device="auto", precision="auto", compile="auto")   # bf16 + compile on CUDA
    model = rt.prepare(model)                      # device, channels_last, DDP, torch.compile
    with rt.autocast():                            # bf16 on CUDA, a no-op in fp32
        loss = ...

Nothing here knows about adversarial training or GANs; both labs (``labs.at``, ``labs.wgan``) use it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

from course_lib import _validate

PROFILES = ("smoke", "full")
PRECISIONS = ("auto", "fp32", "bf16")


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
            model = torch.compile(model, dynamic=False)   # ELLE's 3n batch: a second graph, not a dynamic one
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


def choose_device(device: str = "auto", local_rank: int = 0, world_size: int = 1) -> torch.device:
    """``"auto"`` → ``cuda:<local_rank>`` when a GPU is visible, else ``cpu``; or an explicit name. Under
    ``torchrun`` (``world_size`` > 1) each rank takes the GPU of its local rank: ``cuda:i`` is refused."""
    if device == "auto":
        return torch.device(f"cuda:{local_rank}" if torch.cuda.is_available() else "cpu")
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ValueError(f"'device' must be 'auto', 'cpu' or 'cuda[:i]', got {device!r}") from None
    if world_size > 1 and dev.type == "cuda" and dev.index is not None:
        raise ValueError(f"'device' is {device!r} under torchrun ({world_size} processes): every rank would "
                         f"use that one GPU; use --device cuda or auto (rank r takes cuda:LOCAL_RANK)")
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
    dev = choose_device(device, local_rank, world_size)
    cuda = dev.type == "cuda"
    if precision == "auto":
        precision = "bf16" if native_bf16(dev) else "fp32"
    if compile == "auto":
        compile = cuda
    if channels_last is None:
        channels_last = cuda
    if cuda:
        torch.cuda.set_device(dev)
    return Runtime(device=dev, precision=precision, channels_last=bool(channels_last), compile=bool(compile),
                   rank=rank, world_size=world_size, local_rank=local_rank)


def native_bf16(device: torch.device) -> bool:
    """True on a GPU whose tensor cores compute in bf16 (compute capability ≥ 8.0: A100, H100, RTX 30xx…).
    ``torch.cuda.is_bf16_supported()`` alone is also true on a V100 or T4, which emulate bf16 slowly."""
    return device.type == "cuda" and torch.cuda.is_bf16_supported(including_emulation=False)


@contextlib.contextmanager
def exact_fp32() -> Iterator[None]:
    """Inside the block, fp32 convolutions and matrix products are computed in IEEE fp32: not in TF32,
    which cuDNN uses by default on Ampere and newer GPUs (10 mantissa bits). Restored on exit."""
    knobs = [torch.backends.cudnn.conv, torch.backends.cuda.matmul]
    saved = [k.fp32_precision for k in knobs]
    for k in knobs:
        k.fp32_precision = "ieee"
    try:
        yield
    finally:
        for k, v in zip(knobs, saved):
            k.fp32_precision = v


def unwrap(model: nn.Module) -> nn.Module:
    """The plain module inside DDP and ``torch.compile`` wrappers (save and load its state_dict)."""
    while True:
        if isinstance(model, nn.parallel.DistributedDataParallel):
            model = model.module
        elif hasattr(model, "_orig_mod"):
            model = model._orig_mod
        else:
            return model



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
