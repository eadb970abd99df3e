"""The one training loop every method plugs into (EE-556 Lecture 11, "Stochastic Adversarial Training": pick a
mini-batch, let the method find the attacks and its update, step the optimizer; repeat).

- :func:`run_epoch`: one epoch of any :class:`~course_lib.robust.base.Method`, calling its hooks
  (``start_epoch``, ``batch_indices`` via the caller's batches, ``set_indices``) and stepping the LR
  schedule after every batch. The CPU lectures' :func:`fit` and GPU lab 1 (``course_lib.labs.at.train``)
  both run their epochs through it; the lab adds devices, precision, checkpoints and logging around it.
- :func:`make_scheduler` / :func:`lr_factor`: the one LR-schedule vocabulary, :data:`SCHEDULES`
  (:data:`SCHEDULE_ALIASES` maps other spellings onto it).
- :func:`fit` evaluates after every epoch, keeps the best and the last weights (best by a chosen metric,
  as in early stopping against robust overfitting, Rice et al. 2020) and shows a tqdm progress bar.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Method, default_batches  # noqa: F401  (default_batches: re-exported)
from course_lib.seeding import torch_generator

EvalFn = Callable[[nn.Module, torch.Tensor, torch.Tensor], dict]
Batch = tuple[torch.Tensor, torch.Tensor, torch.Tensor]   # (x, y, dataset indices of the batch)

SCHEDULES = ("constant", "onecycle", "cyclic", "piecewise")
SCHEDULE_ALIASES = {"one-cycle": "onecycle", "one_cycle": "onecycle", "triangle": "cyclic",
                    "triangular": "cyclic", "multistep": "piecewise", "step": "piecewise",
                    "const": "constant"}


@dataclass
class History:
    """What ``fit`` returns: one record per epoch; copies of the best and last state dicts (same device)."""

    records: list[dict] = field(default_factory=list)
    best_state: dict | None = None
    last_state: dict | None = None
    best_epoch: int = -1
    select: str = "clean"

    def column(self, key: str) -> np.ndarray:
        """The values of one record field over the epochs, e.g. ``history.column("robust")``."""
        if not self.records or key not in self.records[0]:
            keys = list(self.records[0]) if self.records else []
            raise ValueError(f"'key' must be one of {keys}; got {key!r}")
        return np.array([r[key] for r in self.records], dtype=float)

    @property
    def best(self) -> dict:
        """The record of the best epoch."""
        return self.records[self.best_epoch - 1]

    @property
    def last(self) -> dict:
        """The record of the last epoch."""
        return self.records[-1]


def clean_accuracy_eval(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> dict:
    """Default ``eval_fn``: ``{"clean": accuracy}``."""
    from course_lib.robust.metrics import accuracy
    return {"clean": accuracy(model, x, y)}


def make_optimizer(model: nn.Module, optimizer: str | Callable, lr: float, momentum: float = 0.9,
                   weight_decay: float = 5e-4) -> torch.optim.Optimizer:
    """``"sgd"`` (momentum and weight decay: the AT default), ``"adam"``, or a factory ``params -> opt``."""
    if callable(optimizer):
        return optimizer(model.parameters())
    _validate.one_of("optimizer", optimizer, ("sgd", "adam"))
    if optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)


def schedule_name(schedule: str) -> str:
    """``schedule`` in :data:`SCHEDULES`, or one of its :data:`SCHEDULE_ALIASES` mapped onto it."""
    name = SCHEDULE_ALIASES.get(schedule, schedule) if isinstance(schedule, str) else schedule
    return str(_validate.one_of("schedule", name, SCHEDULES))


def lr_factor(schedule: str, step: int, total: int, milestones: tuple[float, ...] = (0.5, 0.75)) -> float:
    """The LR multiplier after ``step`` of ``total`` optimizer steps (t = step/total):
    ``"constant"`` 1; ``"cyclic"`` 0 → 1 → 0 linearly (Wong et al. 2020, fast AT); ``"piecewise"`` ×0.1 at
    each milestone fraction (Rice et al. 2020, PGD-AT); ``"onecycle"`` is torch's ``OneCycleLR`` (cosine
    warm-up and annealing) and has no closed form here: see :func:`make_scheduler`."""
    t = step / max(total, 1)
    name = schedule_name(schedule)
    if name == "cyclic":
        return max(0.0, 1 - abs(2 * t - 1))
    if name == "piecewise":
        return 0.1 ** sum(t >= m for m in milestones)
    if name == "constant":
        return 1.0
    raise ValueError("'schedule' 'onecycle' is torch's OneCycleLR; build it with make_scheduler")


def make_scheduler(opt: torch.optim.Optimizer, schedule: str, lr: float, total_steps: int,
                   milestones: tuple[float, ...] = (0.5, 0.75)):
    """The LR scheduler of ``schedule`` (see :data:`SCHEDULES`), stepped after every batch for
    ``total_steps`` batches: None for ``"constant"``; torch's ``OneCycleLR`` (lr/25 → lr → ~0, cosine) for
    ``"onecycle"``, the lectures' default; a ``LambdaLR`` of :func:`lr_factor` for ``"cyclic"`` (lab 1's
    fast-AT recipes) and ``"piecewise"`` (÷10 at 50 % and 75 % by default, the PGD-AT recipes)."""
    name = schedule_name(schedule)
    if name == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total_steps)
    if name == "constant":
        return None
    milestones = tuple(milestones)
    return torch.optim.lr_scheduler.LambdaLR(opt, lambda s: lr_factor(name, s, total_steps, milestones))


def run_epoch(model: nn.Module, method: Method, batches: Iterable[Batch], optimizer: torch.optim.Optimizer,
              *, epoch: int, epochs: int, scheduler=None,
              autocast: Callable[[], contextlib.AbstractContextManager] | None = None,
              on_step: Callable[[int, torch.Tensor], None] | None = None, first_step: int = 1) -> dict:
    """One training epoch of ``method``: ``method.start_epoch(epoch, epochs)``, then for every batch
    ``(x, y, idx)`` of ``batches`` (the caller builds them, from ``method.batch_indices`` or a loader):
    ``method.set_indices(idx)``, ``method.step(model, x, y, optimizer)`` under ``autocast()``,
    ``on_step(step, loss)`` (divergence checks; ``step`` counts from ``first_step``; ``loss`` a 0-d tensor),
    ``scheduler.step()``. The losses are summed on their device: one host synchronisation per epoch.

    Returns ``{"train_loss": mean loss per example, "examples": n, "steps": batches, "time": s}``."""
    method.start_epoch(epoch, epochs)
    model.train()
    t0, total, count, step = time.perf_counter(), 0.0, 0, first_step
    for x, y, idx in batches:
        method.set_indices(idx)
        with autocast() if autocast is not None else contextlib.nullcontext():
            loss = method.step(model, x, y, optimizer)
        if on_step is not None:
            on_step(step, loss)
        total = total + loss.float() * len(y) if isinstance(loss, torch.Tensor) else total + loss * len(y)
        count += len(y)
        step += 1
        if scheduler is not None:
            scheduler.step()
    return {"train_loss": float(total) / max(count, 1), "examples": count, "steps": step - first_step,
            "time": time.perf_counter() - t0}


def _state_copy(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def fit(model: nn.Module, method: Method, train: tuple[torch.Tensor, torch.Tensor],
        test: tuple[torch.Tensor, torch.Tensor] | None = None, *, epochs: int, batch_size: int = 64,
        lr: float = 0.1, optimizer: str | Callable = "sgd", momentum: float = 0.9,
        weight_decay: float = 5e-4, schedule: str = "onecycle", eval_fn: EvalFn | None = None,
        select: str | None = None, seed: int = 0, autocast: torch.dtype | None = None,
        progress: bool = True) -> History:
    """Train ``model`` in place with ``method`` for ``epochs`` epochs; evaluate on ``test`` after each.

    ``eval_fn(model, x, y) -> dict`` gives the epoch's metrics (default: clean accuracy); ``select`` is
    the metric that picks the best epoch (default: ``"robust"`` if present, else the first one). The
    model ends with the *last* weights; ``history.best_state`` holds the best. ``autocast`` (e.g.
    ``torch.bfloat16`` on a GPU) runs the method's forward passes under ``torch.autocast``.
    """
    if not isinstance(method, Method):
        raise TypeError(f"'method' must be a course_lib.robust.base.Method, got {type(method).__name__}")
    x_train, y_train = _check_pair("train", train)
    if test is not None:
        x_test, y_test = _check_pair("test", test)
    epochs = _validate.integer("epochs", epochs, lo=1)
    batch_size = _validate.integer("batch_size", batch_size, lo=1)
    lr = _validate.positive("lr", lr)
    eval_fn = clean_accuracy_eval if eval_fn is None else eval_fn
    opt = make_optimizer(model, optimizer, lr, momentum, weight_decay)
    n_batches = -(-len(y_train) // batch_size)
    sched = make_scheduler(opt, schedule, lr, epochs * n_batches)
    generator = torch_generator(seed)
    device_type = x_train.device.type
    history = History()
    best_score = -float("inf")
    bar = _progress(range(1, epochs + 1), progress, type(method).__name__)
    last_loss: float | None = None
    steps_done = 0

    def check(step: int, loss: torch.Tensor) -> None:
        nonlocal last_loss
        value = float(loss)       # a host sync per step: fine for the CPU lectures' small models
        if not math.isfinite(value):
            _diverged(value, epoch, step, last_loss, lr)
        last_loss = value

    def autocast_ctx() -> contextlib.AbstractContextManager:
        return torch.autocast(device_type, dtype=autocast, enabled=autocast is not None)

    for epoch in bar:
        batches = _index_batches(method, x_train, y_train, batch_size, generator)
        stats = run_epoch(model, method, batches, opt, epoch=epoch, epochs=epochs, scheduler=sched,
                          autocast=autocast_ctx, on_step=check, first_step=steps_done + 1)
        steps_done += stats["steps"]
        record = {"epoch": epoch, "train_loss": stats["train_loss"], "time": stats["time"]}
        if test is not None:
            model.eval()
            record.update({k: float(v) for k, v in eval_fn(model, x_test, y_test).items()})
        history.records.append(record)
        if select is None:
            select = "robust" if "robust" in record else next(
                (k for k in record if k not in ("epoch", "train_loss", "time")), "train_loss")
        score = -record[select] if select == "train_loss" else record[select]
        if score > best_score:
            best_score, history.best_epoch, history.best_state = score, epoch, _state_copy(model)
        if progress:
            bar.set_postfix({k: round(v, 3) for k, v in record.items() if k not in ("epoch", "time")})
    history.select = select
    history.last_state = _state_copy(model)
    return history


def _index_batches(method: Method, x: torch.Tensor, y: torch.Tensor, batch_size: int,
                   generator: torch.Generator) -> Iterable[Batch]:
    """(x[idx], y[idx], idx) for the method's ``batch_indices``, drawn lazily (after ``start_epoch``)."""
    for idx in method.batch_indices(y, batch_size, generator):
        yield x[idx], y[idx], idx


def _diverged(loss: float, epoch: int, step: int, last_loss: float | None, lr: float) -> None:
    from course_lib.labs.logs import DivergenceError

    last = f"the last finite loss was {last_loss:.4g} (step {step - 1})" if last_loss is not None else \
        "no finite loss before"
    raise DivergenceError(f"training diverged at step {step} (epoch {epoch}): loss={loss}; {last}; try a "
                          f"smaller lr (e.g. lr={lr / 10:g}) or another method/optimizer",
                          {"event": "diverged", "step": step, "epoch": epoch, "last_finite_loss": last_loss})


def _check_pair(name: str, pair: object) -> tuple[torch.Tensor, torch.Tensor]:
    if not (isinstance(pair, (tuple, list)) and len(pair) == 2
            and all(isinstance(t, torch.Tensor) for t in pair)):
        raise TypeError(f"'{name}' must be a pair (x, y) of tensors")
    x, y = pair
    if len(x) != len(y) or len(y) == 0:
        raise ValueError(f"'{name}' must have as many labels as inputs (and at least one): "
                         f"{len(x)} vs {len(y)}")
    return x, y


def _progress(it, enabled: bool, desc: str):
    if not enabled:
        return it
    from tqdm.auto import tqdm
    return tqdm(it, desc=desc, unit="epoch", leave=False)
