"""GPU lab 1: adversarial training of PreActResNet-18 on CIFAR-10, one command per method.

    python -m course_lib.labs.at --method fgsm_rs --eps 8/255 --profile full --data data --out runs/fgsm_rs
    python -m course_lib.labs.at --method pgd --profile smoke          # CPU, tiny fake data, seconds

Every method is a :class:`course_lib.robust.base.Method` from the registry ``course_lib.robust.METHODS``
(``--method`` lists those that run on a convolutional net). Each epoch is
:func:`course_lib.robust.training.run_epoch`, the loop of the CPU lectures' ``fit``, with the method's hooks
(``start_epoch``, ``batch_indices``, ``set_indices``); this module adds the runtime around it:
GPU-resident data, bf16 autocast, channels_last, torch.compile, DDP under ``torchrun``, fp32 evaluation
after each epoch (clean, FGSM, PGD with restarts, per class), ``metrics.jsonl``, and atomic checkpoints
(``last.pt``, ``best.pt`` by PGD accuracy) so that ``--resume`` continues exactly. Recipes: the
papers' published settings (:data:`RECIPES`).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import torch
from torch import nn

from course_lib.data import cifar10
from course_lib.labs import checkpoints as ck
from course_lib.labs import cli, logs
from course_lib.labs import device as dv
from course_lib.labs import rng as rng_
from course_lib.models.preact_resnet import preact_resnet18
from course_lib.models.wide_resnet import wide_resnet34_10
from course_lib.robust import attacks
from course_lib.robust.base import Method, overrides
from course_lib.robust.registry import ALIASES as METHOD_ALIASES
from course_lib.robust.registry import METHODS as REGISTRY
from course_lib.robust.registry import MethodArgs
from course_lib.robust.training import SCHEDULE_ALIASES, SCHEDULES, make_scheduler, run_epoch
from course_lib.seeding import effective_seed

METHODS = tuple(k for k, spec in REGISTRY.items() if spec.nets == "any")    # what runs on a CIFAR-10 net
DOUBLE_BACKWARD = tuple(k for k in METHODS if REGISTRY[k].double_backward)  # torch.compile cannot do these
ARCHS = ("preact18", "wrn34_10")
BAG_OF_TRICKS = dict(epochs=110, schedule="piecewise", milestones=(100 / 110, 105 / 110), lr=0.1)  # Pang 2021
FAST = dict(epochs=30, schedule="cyclic", lr=0.2)  # Wong 2020: 0 → 0.2 → 0
GUARD_EVERY = 50        # steps between divergence checks (each one host synchronisation)
DIVERGED_HINT = "a new run (another --out) with a smaller --lr (e.g. ÷10), or another --method"

# Full recipes: epochs, LR schedule and peak LR per family of the registry, and the published ones per
# method where they differ.
FAMILY_RECIPES: dict[str, dict[str, Any]] = {
    "clean": FAST, "single_step": FAST, "multi_step": BAG_OF_TRICKS, "certified": BAG_OF_TRICKS,
    "weight": dict(epochs=200, schedule="piecewise", milestones=(0.5, 0.75), lr=0.1),    # AWP, Wu et al. 2020
}
RECIPES: dict[str, dict[str, Any]] = {k: dict(FAMILY_RECIPES[REGISTRY[k].family]) for k in METHODS}
RECIPES["fgsm_rs"] = dict(FAST, epochs=15)      # Wong et al. 2020: α = 1.25ε, 15 epochs, 12 min
RECIPES["ddi"] = dict(epochs=30, schedule="piecewise", milestones=(0.5, 0.75), lr=0.1, momentum=0.0,
                      activation="celu", norm="gn")   # Latorre et al. 2023: CELU, GN, no momentum, m = 10


@dataclass(frozen=True)
class ATConfig:
    """Everything that defines a run (stored in the checkpoint; a resume must match it but ``RESUMABLE``)."""

    RESUMABLE: ClassVar[tuple[str, ...]] = ("final_steps", "final_restarts", "beta_size")
    ALIASES: ClassVar[dict[str, dict[str, str]]] = {"schedule": SCHEDULE_ALIASES, "method": METHOD_ALIASES}

    method: str
    eps: float = 8 / 255
    alpha: float | None = None           # attack step of the training method (its default when None)
    attack_steps: int = 10               # PGD-k / TRADES-k / MART-k / BETA-k inner steps
    epochs: int = 15
    batch_size: int = 128
    lr: float = 0.2
    schedule: str = "cyclic"             # in course_lib.robust.training.SCHEDULES
    milestones: tuple[float, ...] = (0.5, 0.75)
    momentum: float = 0.9
    weight_decay: float = 5e-4
    arch: str = "preact18"
    width: int = 64
    activation: str = "relu"
    norm: str = "bn"
    seed: int = 0
    max_batches: int | None = None       # cap on batches per epoch (smoke profile)
    eval_size: int = 1000                # test images attacked after each epoch
    eval_steps: int = 20                 # PGD-20 (α = 2/255 at 8/255) after each epoch
    eval_restarts: int = 1
    final_steps: int = 50                # PGD-50-10 on the whole test set at the end (Wong et al.)
    final_restarts: int = 10
    beta_size: int = 1000                # BETA-10 at the end on this many test images
    m: int = 10                          # DDi perturbations per sample
    profile: str = "full"


def make_config(method: str, profile: str, **overrides: Any) -> ATConfig:
    """The published recipe (full) or a CPU-seconds version of it (smoke), then ``overrides``."""
    dv.resolve_profile(profile)
    method = cli.canonical(method, METHODS, METHOD_ALIASES) or method
    if method not in METHODS:
        raise ValueError(f"'method' must be one of {', '.join(METHODS)}; got {method!r}")
    base = dict(RECIPES[method], method=method, profile=profile)
    if profile == "smoke":
        base.update(epochs=3, batch_size=16, width=8, max_batches=2, eval_size=8, eval_steps=3,
                    eval_restarts=1, final_steps=3, final_restarts=2, beta_size=4, attack_steps=2, m=2)
    base.update({k: v for k, v in overrides.items() if v is not None})
    base["milestones"] = tuple(base.get("milestones", (0.5, 0.75)))
    schedule = cli.canonical(base.get("schedule", "cyclic"), SCHEDULES, SCHEDULE_ALIASES)
    if schedule is None:
        raise ValueError(f"'schedule' must be one of {', '.join(SCHEDULES)}; got {base['schedule']!r}")
    base["schedule"] = schedule
    return ATConfig(**base)


def make_method(cfg: ATConfig) -> Method:
    """The training method ``cfg.method`` of the registry ``course_lib.robust.METHODS``."""
    return REGISTRY[cfg.method].build(MethodArgs(eps=cfg.eps, alpha=cfg.alpha, steps=cfg.attack_steps,
                                                 num_classes=len(cifar10.CLASSES), m=cfg.m))


def make_model(cfg: ATConfig) -> nn.Module:
    if cfg.arch == "wrn34_10":
        return wide_resnet34_10()
    return preact_resnet18(width=cfg.width, activation=cfg.activation, norm=cfg.norm)


def prepare_model(cfg: ATConfig, rt: dv.Runtime) -> nn.Module:
    """:func:`make_model` on ``rt``'s device, in DDP under ``torchrun``, compiled when ``rt`` compiles.

    ``--batch-size`` is the *global* batch under DDP (each of N ranks trains on batch_size / N images),
    and the BatchNorm layers become SyncBatchNorm, so that the BN statistics too come from the global
    batch: the published recipes (128 for FGSM-RS, PGD, TRADES, ...) train one GPU on the whole batch,
    and plain BN on 8 GPUs would normalise with 16 images per rank, a different (noisier) model. This
    keeps their batch size, LR and BN together; the price is one all-reduce per BN layer per forward."""
    return rt.prepare(make_model(cfg), compile_ok=cfg.method not in DOUBLE_BACKWARD, sync_bn=True)


# ------------------------------------------------------------------------------------- evaluation
def evaluate(model: nn.Module, x: torch.Tensor, y: torch.Tensor, cfg: ATConfig, rt: dv.Runtime, *,
             steps: int, restarts: int, size: int, beta_size: int = 0) -> dict[str, Any]:
    """fp32 (IEEE, no TF32), eval mode: clean accuracy on all of (x, y); FGSM, PGD-``steps``×``restarts``
    (α = ε/4) and per-class PGD accuracy on the first ``size`` images; BETA-``steps`` on ``beta_size``.
    Shards the images over DDP ranks and sums the counts."""
    with dv.exact_fp32():
        return _evaluate(dv.unwrap(model), x, y, cfg, rt, steps=steps, restarts=restarts, size=size,
                         beta_size=beta_size)


def _evaluate(net: nn.Module, x: torch.Tensor, y: torch.Tensor, cfg: ATConfig, rt: dv.Runtime, *,
              steps: int, restarts: int, size: int, beta_size: int) -> dict[str, Any]:
    net.eval()
    num_classes, eps, bs = len(cifar10.CLASSES), cfg.eps, 256

    def hits(x_in: torch.Tensor, y_in: torch.Tensor) -> torch.Tensor:     # no graph for the verdicts
        with torch.no_grad():
            return (net(x_in).argmax(1) == y_in).float()

    counts = torch.zeros(5, num_classes, device=rt.device)     # clean, fgsm, pgd, beta hits; class counts
    beta_n = torch.zeros(2, device=rt.device)
    for lo in range(rt.rank * bs, len(y), rt.world_size * bs):
        xb, yb = rt.images(x[lo:lo + bs].float().div(255)), y[lo:lo + bs].to(rt.device)
        counts[0].index_add_(0, yb, hits(xb, yb))
        n_att = max(0, min(size - lo, len(yb)))
        if n_att == 0:
            continue
        xa, ya = xb[:n_att], yb[:n_att]
        counts[1].index_add_(0, ya, hits(attacks.fgsm(net, xa, ya, eps), ya))
        adv = attacks.pgd(net, xa, ya, eps, eps / 4, steps, restarts=restarts)
        counts[2].index_add_(0, ya, hits(adv, ya))
        counts[4].index_add_(0, ya, torch.ones_like(ya, dtype=torch.float))
        n_beta = max(0, min(beta_size - lo, n_att))
        if n_beta:
            adv = attacks.beta_attack(net, xa[:n_beta], ya[:n_beta], eps, eps / 4, steps)
            beta_n += torch.stack([hits(adv, ya[:n_beta]).sum(),
                                   torch.tensor(float(n_beta), device=rt.device)])
    counts, beta_n = rt.all_reduce_sum(counts), rt.all_reduce_sum(beta_n)
    n_att = counts[4].sum().clamp_min(1)
    out = {"clean": float(counts[0].sum()) / len(y), "fgsm": float(counts[1].sum() / n_att),
           "pgd": float(counts[2].sum() / n_att),
           "pgd_per_class": [round(v, 4) for v in (counts[2] / counts[4].clamp_min(1)).tolist()]}
    if beta_size:
        out["beta"] = float(beta_n[0] / beta_n[1].clamp_min(1))
    return out


def contiguous_model(model: nn.Module) -> nn.Module:
    """A copy of ``model`` in the default (NCHW-contiguous) memory format. pyautoattack's APGD-T calls
    ``.view(n, -1)`` on input gradients, which fails for a channels_last model or input."""
    import copy

    return copy.deepcopy(model).to(memory_format=torch.contiguous_format)


def autoattack_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor, eps: float,
                        rt: dv.Runtime) -> float | None:
    """Standard AutoAttack (``pyautoattack``, the official code on PyPI) accuracy; None if not installed."""
    try:
        from pyautoattack import AutoAttack
    except ImportError:
        return None
    net = contiguous_model(dv.unwrap(model)).eval()
    aa = AutoAttack(net, norm="Linf", eps=eps, version="standard", device=str(rt.device), seed=0)
    xs, ys = x.float().div(255).to(rt.device).contiguous(), y.to(rt.device)   # NCHW, not channels_last
    with dv.exact_fp32():
        x_adv, _ = aa.run_standard_evaluation(xs, ys, batch_size=500)
        with torch.no_grad():
            return float((net(x_adv).argmax(1) == ys).float().mean())


# ------------------------------------------------------------------------------------------- data
def load_data(data: str | None, cfg: ATConfig, tmp: Path, *, download: bool) -> tuple[tuple, tuple]:
    """(x_train, y_train), (x_test, y_test) as uint8 / int64 CPU tensors; smoke without ``data``
    writes a tiny fake CIFAR-10 (64 train, 16 test images) in the official format into ``tmp``."""
    if data is None:
        if cfg.profile != "smoke":
            raise cifar10.DatasetNotFoundError("the full profile needs --data DIR (CIFAR-10 on disk); "
                                               "add --download to fetch it")
        data = str(cifar10.write_fake_cifar10(tmp, n_train=64, n_test=16, seed=0).parent)
    elif download:
        cifar10.download_cifar10(data)
    return cifar10.load_cifar10(data, train=True), cifar10.load_cifar10(data, train=False)


# -------------------------------------------------------------------------------------------- run
def epoch_batches(loader: cifar10.DeviceLoader, method: Method) -> Iterator[tuple[torch.Tensor, ...]]:
    """The epoch's batches ``(x, y, idx)`` of ``loader`` (``set_epoch`` first), with their dataset
    indices for ``method.set_indices``: the loader's order, or ``method.batch_indices`` when the method
    samples its own batches (CFOL: each rank from its own generator, on the device, so that sampling
    from the method's current class probabilities never waits for the device)."""
    if not overrides(method, "batch_indices"):
        return loader.batches()
    seed = (effective_seed(loader.seed) * 100_003 + loader.epoch if loader.rank == 0 else
            effective_seed(loader.seed + loader.rank) * 100_003 + loader.epoch + 2_000_000_011)
    mine = torch.Generator(device=loader.y.device).manual_seed(seed)

    def order() -> Iterator[torch.Tensor]:      # drawn lazily: after the loop's start_epoch
        yield from method.batch_indices(loader.y, loader.batch_size, mine)

    return loader.batches(order())


def train(cfg: ATConfig, *, data: str | None = None, out: str | Path, resume: bool = False,
          device: str = "auto", precision: str = "auto", channels_last: bool | None = None,
          compile: bool | str = "auto", deterministic: bool | None = None, download: bool = False,
          progress: bool = True, autoattack: bool | None = None,
          on_epoch: Callable[[dict[str, Any]], None] | None = None,
          method: Method | None = None) -> dict[str, Any]:
    """Train with ``cfg``, logging to ``out/metrics.jsonl`` and checkpointing to ``out/{last,best}.pt``;
    ``on_epoch(record)`` is called on rank 0 after each epoch (live plots). ``method`` replaces the
    registry's ``cfg.method`` (tests: a method that records its hooks). Returns the final record
    (last-epoch model: clean, FGSM, PGD-50-10, BETA, AutoAttack if installed)."""
    out = Path(out)
    spec = REGISTRY[cfg.method]
    rt = dv.make_runtime(device, precision, channels_last=channels_last,
                         compile=False if spec.double_backward else compile)
    if rt.distributed and not spec.ddp:
        raise ValueError(f"--method {cfg.method} writes its own gradients and cannot run under DDP; "
                         "use one process")
    rng_.seed_all(cfg.seed, deterministic=cfg.profile == "smoke" if deterministic is None else deterministic)
    ckpts = ck.Checkpoints(out)
    state = ck.start_or_resume(ckpts, cfg, resume=resume, map_location=rt.device)
    with tempfile.TemporaryDirectory(prefix="course-at-") as tmp:
        (x_tr, y_tr), (x_te, y_te) = load_data(data, cfg, Path(tmp), download=download)
    loader = cifar10.DeviceLoader(x_tr, y_tr, cfg.batch_size // rt.world_size, train=True, device=rt.device,
                                  seed=cfg.seed, rank=rt.rank, world_size=rt.world_size,
                                  channels_last=rt.channels_last, max_batches=cfg.max_batches)
    model = prepare_model(cfg, rt)     # global batch under DDP: batch_size / N per rank, SyncBatchNorm
    method = make_method(cfg) if method is None else method
    if not isinstance(method, Method):
        raise TypeError(f"'method' must be a course_lib.robust.base.Method, got {type(method).__name__}")
    rng_.seed_rank(cfg.seed, rt)   # identical weights (above, and DDP broadcasts them), per-rank noise below
    opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum, weight_decay=cfg.weight_decay)
    sched = make_scheduler(opt, cfg.schedule, cfg.lr, cfg.epochs * len(loader), cfg.milestones)
    log = logs.MetricsLog(out / "metrics.jsonl", enabled=rt.is_main)
    start = 1
    if state is not None:
        parts = {"model": dv.unwrap(model), "optimizer": opt, **({"scheduler": sched} if sched else {}),
                 **({"method": method} if "method" in state else {})}    # older checkpoints: none
        start = ck.restore(state, parts, log=log, key="epoch", rank=rt.rank, world_size=rt.world_size)
    elif rt.is_main:
        log.log({"event": "start", "config": dataclasses.asdict(cfg), "runtime": _describe(rt)})
    guard = logs.DivergenceGuard(("loss", "grad_norm"), hint=DIVERGED_HINT, unit="step", key="step",
                                 device=rt.device, runtime=rt)
    params = [p for p in model.parameters() if p.requires_grad]
    for epoch in _bar(range(start, cfg.epochs + 1), progress and rt.is_main, cfg.method, start - 1):
        loader.set_epoch(epoch)

        def on_step(step: int, loss: torch.Tensor, epoch: int = epoch) -> None:
            guard.observe(step, loss=loss, grad_norm=logs.grad_norm(params))   # on the device: no sync
            if step % GUARD_EVERY == 0:
                _check_finite(guard, step, None, epoch, log)

        stats = run_epoch(model, method, epoch_batches(loader, method), opt, epoch=epoch, epochs=cfg.epochs,
                          scheduler=sched, autocast=rt.autocast, on_step=on_step,
                          first_step=(epoch - 1) * len(loader) + 1)
        _check_finite(guard, epoch * len(loader), params, epoch, log)
        record = {"epoch": epoch, "lr": opt.param_groups[0]["lr"], "train_loss": stats["train_loss"],
                  "train_time": stats["time"]}
        t_eval = time.perf_counter()
        dv.sync_buffers(model)    # rank 0's BN statistics on all ranks: they evaluate one model
        record.update(evaluate(model, x_te, y_te, cfg, rt, steps=cfg.eval_steps, restarts=cfg.eval_restarts,
                               size=cfg.eval_size))
        record["eval_time"] = time.perf_counter() - t_eval
        log.log(record)   # before the checkpoint: a resume truncates records newer than the checkpoint
        rngs = rng_.gather_rng_states(rt)       # collective: each rank's generators, for an exact resume
        if rt.is_main:
            ckpts.save({"model": dv.unwrap(model).state_dict(), "optimizer": opt.state_dict(),
                        **({"scheduler": sched.state_dict()} if sched else {}),
                        "method": method.state_dict(),     # rank 0's (CFOL, ATAS: per rank under DDP)
                        "rng": rngs[0],
                        "rng_ranks": rngs, "epoch": epoch, "config": dataclasses.asdict(cfg)},
                       score=record["pgd"])
        if on_epoch is not None and rt.is_main:
            on_epoch(record)
        rt.barrier()
    final = {"final": True, "epoch": cfg.epochs}
    dv.sync_buffers(model)        # cheap; the evaluation below must not depend on the loop above
    final.update(evaluate(model, x_te, y_te, cfg, rt, steps=cfg.final_steps, restarts=cfg.final_restarts,
                          size=len(y_te), beta_size=cfg.beta_size))
    final["params_max_diff"] = dv.params_max_diff(model)     # collective: before rank 0's AutoAttack
    final["buffers_max_diff"] = dv.buffers_max_diff(model)   # at the final evaluation (0: synced)
    if rt.is_main and (autoattack if autoattack is not None else cfg.profile == "full"):
        final["autoattack"] = autoattack_accuracy(model, x_te[:1000], y_te[:1000], cfg.eps, rt)
    final["best_pgd"] = ckpts.best_score if rt.is_main else None
    log.log(final)
    rt.barrier()   # every rank is done before any tears its process group down (gloo aborts otherwise)
    return final


def _check_finite(guard: logs.DivergenceGuard, step: int, params: list[torch.Tensor] | None, epoch: int,
                  log: logs.MetricsLog) -> None:
    """Stop at a NaN/inf loss, gradient norm or (``params``, before the checkpoint) weight: one line,
    an event in metrics.jsonl, and last.pt (the previous epoch's) untouched."""
    kept = (f"{log.path.parent / ck.CHECKPOINT_LAST} (epoch {epoch - 1}) is kept and resumable" if epoch > 1
            else "no checkpoint was written")
    try:
        guard.check(step, params=params, last_checkpoint=kept)
    except logs.DivergenceError as err:
        log.log({**err.record, "epoch": epoch, "message": str(err)})
        raise


def _describe(rt: dv.Runtime) -> dict[str, Any]:
    return {"device": str(rt.device), "precision": rt.precision, "channels_last": rt.channels_last,
            "compile": rt.compile, "world_size": rt.world_size, "torch": torch.__version__}


def _bar(it: range, enabled: bool, desc: str, initial: int):
    if not enabled:
        return it
    from tqdm.auto import tqdm
    return tqdm(it, desc=desc, unit="epoch", initial=initial, total=initial + len(it))


# -------------------------------------------------------------------------------------------- CLI
def parse_eps(text: str) -> float:
    """``"8/255"`` or a number in [0, 1] (pixel units); never evaluated as Python."""
    num, _, den = text.partition("/")
    try:
        value = float(num) / (float(den) if den else 1.0)
    except (ValueError, ZeroDivisionError):
        raise argparse.ArgumentTypeError(f"must be a number like 0.0314 or a fraction like 8/255, "
                                         f"got {text!r}") from None
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise argparse.ArgumentTypeError(f"must be in [0, 1] in pixel units (e.g. 8/255), got {text!r}")
    return value


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be an integer >= 1, got {text!r}")
    return int(text)


def build_parser() -> argparse.ArgumentParser:
    p = cli.Parser(prog="python -m course_lib.labs.at", description=__doc__.split("\n\n")[0])
    p.add_argument("--method", default=None, type=cli.choice(METHODS, METHOD_ALIASES, "method"),
                   metavar=cli.metavar(METHODS), help="from course_lib.robust.METHODS (fgsm-rs etc. too)")
    p.add_argument("--table", default=None, choices=("elle", "beta", "awp", "mart", "ddd"),
                   help="instead of --method: every row of a slide table (course_lib.labs.tables), "
                        "written with the published numbers to --out/table.{csv,md}")
    p.add_argument("--eps", type=parse_eps, default=8 / 255, help="radius, e.g. 8/255 (default)")
    p.add_argument("--alpha", type=parse_eps, default=None, help="attack step of the training method")
    p.add_argument("--epochs", type=_positive_int, default=None, help="default: the method's recipe")
    p.add_argument("--batch-size", type=_positive_int, default=None,
                   help="global batch (default: recipe); under torchrun each of N GPUs takes 1/N of it, "
                        "with SyncBatchNorm, so the recipe's batch, LR and BN statistics are kept")
    p.add_argument("--lr", type=parse_eps, default=None, help="peak learning rate (default: recipe)")
    p.add_argument("--schedule", type=cli.choice(SCHEDULES, SCHEDULE_ALIASES, "schedule"), default=None,
                   metavar=cli.metavar(SCHEDULES), help="LR schedule (default: recipe)")
    p.add_argument("--arch", choices=ARCHS, default=None)
    p.add_argument("--width", type=_positive_int, default=None, help="PreActResNet base width (64)")
    p.add_argument("--profile", choices=dv.PROFILES, default=None,
                   help="default: $COURSE_PROFILE, else full with a GPU, smoke without")
    p.add_argument("--data", default=None, help="folder holding cifar-10-batches-py")
    p.add_argument("--download", action="store_true", help="download CIFAR-10 into --data (md5-checked)")
    p.add_argument("--out", default=None, help="run folder (default runs/lab1/<method>-<profile>-s<seed>)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out from last.pt")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="auto")
    p.add_argument("--precision", choices=dv.PRECISIONS, default="auto")
    p.add_argument("--channels-last", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--compile", choices=("auto", "on", "off"), default="auto")
    p.add_argument("--deterministic", action=argparse.BooleanOptionalAction, default=None,
                   help="deterministic kernels (default: on in smoke, off in full)")
    p.add_argument("--autoattack", action=argparse.BooleanOptionalAction, default=None,
                   help="AutoAttack at the end (default: full profile, when pyautoattack is installed)")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    return p


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """Parse the command line and run :func:`train`; errors are one line naming the option."""
    parser = build_parser()
    a = parser.parse_args(argv)
    if a.seed < 0:
        parser.error(f"argument --seed: must be >= 0, got {a.seed}")
    profile = dv.resolve_profile(a.profile)
    if profile == "smoke":
        torch.set_num_threads(1)            # tiny tensors: threads only add synchronisation
    if a.data is not None and not a.download:
        try:
            cifar10.find_cifar10(a.data)
        except cifar10.DatasetNotFoundError as err:
            parser.error(f"argument --data: {err}")
    if a.table is not None and a.method is not None:
        parser.error("argument --table: not allowed with argument --method")
    if a.table is not None:     # the rows of a slide table, each through train() in its own folder
        from course_lib.labs import tables
        with cli.cli_errors(parser):
            tables.run_table(a.table, profile, out=a.out, quiet=a.quiet, data=a.data, device=a.device,
                             precision=a.precision, autoattack=a.autoattack, download=a.download,
                             config=dict(epochs=a.epochs, arch=a.arch, width=a.width, seed=a.seed))
        return {}
    if a.method is None:
        parser.error("one of the arguments --method --table is required")
    out = a.out or f"runs/lab1/{a.method}-{profile}-s{a.seed}"
    compile_ = {"auto": "auto", "on": True, "off": False}[a.compile]
    with cli.cli_errors(parser):
        cfg = make_config(a.method, profile, eps=a.eps, alpha=a.alpha, epochs=a.epochs,
                          batch_size=a.batch_size, lr=a.lr, schedule=a.schedule, arch=a.arch, width=a.width,
                          seed=a.seed)
        return train(cfg, data=a.data, out=out, resume=a.resume, device=a.device, precision=a.precision,
                     channels_last=a.channels_last, compile=compile_, deterministic=a.deterministic,
                     download=a.download, progress=not a.quiet, autoattack=a.autoattack)


if __name__ == "__main__":
    final = main()
    if final and "--quiet" not in sys.argv:
        print({k: (round(v, 4) if isinstance(v, float) else v) for k, v in final.items()
               if k != "pgd_per_class"})
