"""The one training loop every method plugs into (seed 001, "Stochastic Adversarial Training": pick a
mini-batch, let the method find the attacks and its update, step the optimizer; repeat).

``fit`` evaluates after every epoch, keeps the best and the last weights (best by a chosen metric, as
in early stopping against robust overfitting, Rice et al. 2020) and shows a tqdm progress bar.

Optional hooks a :class:`~course_lib.robust.base.Method` may define (all looked up with ``getattr``):

- ``start_epoch(epoch, epochs)``: called before each epoch (schedules: dynamic AT, ATAS warm-up);
- ``batch_indices(y, batch_size, generator)``: the epoch's mini-batches as index tensors (CFOL's class
  sampler); the default is a random permutation cut into batches;
- ``set_indices(idx)``: the dataset indices of the coming batch (per-example state, ATAS).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Method
from course_lib.seeding import torch_generator

EvalFn = Callable[[nn.Module, torch.Tensor, torch.Tensor], dict]


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


def default_batches(y: torch.Tensor, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """A random permutation of the training set cut into mini-batches (the last one may be smaller)."""
    perm = torch.randperm(len(y), generator=generator).to(y.device)
    return list(torch.split(perm, batch_size))


def make_optimizer(model: nn.Module, optimizer: str | Callable, lr: float, momentum: float = 0.9,
                   weight_decay: float = 5e-4) -> torch.optim.Optimizer:
    """``"sgd"`` (momentum and weight decay: the AT default), ``"adam"``, or a factory ``params -> opt``."""
    if callable(optimizer):
        return optimizer(model.parameters())
    _validate.one_of("optimizer", optimizer, ("sgd", "adam"))
    if optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=weight_decay)
    return torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)


def make_scheduler(opt: torch.optim.Optimizer, schedule: str, lr: float, epochs: int, steps_per_epoch: int):
    """``"constant"``, ``"onecycle"`` (lr 0 → lr → 0, the fast-AT default) or ``"piecewise"`` (÷10 at
    50 % and 75 % of training, the PGD-AT default of Rice et al.); stepped after every batch."""
    _validate.one_of("schedule", schedule, ("constant", "onecycle", "piecewise"))
    total = epochs * steps_per_epoch
    if schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=total)
    if schedule == "piecewise":
        return torch.optim.lr_scheduler.MultiStepLR(opt, [total // 2, (3 * total) // 4], gamma=0.1)
    return None


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
    sched = make_scheduler(opt, schedule, lr, epochs, n_batches)
    generator = torch_generator(seed)
    batches_of = getattr(method, "batch_indices", default_batches)
    device_type = x_train.device.type
    history = History()
    best_score = -float("inf")
    bar = _progress(range(1, epochs + 1), progress, type(method).__name__)
    step, last_loss = 1, None
    for epoch in bar:
        if hasattr(method, "start_epoch"):
            method.start_epoch(epoch, epochs)
        model.train()
        t0, total, count = time.perf_counter(), 0.0, 0
        for idx in batches_of(y_train, batch_size, generator):
            if hasattr(method, "set_indices"):
                method.set_indices(idx)
            with torch.autocast(device_type, dtype=autocast, enabled=autocast is not None):
                loss = method.step(model, x_train[idx], y_train[idx], opt)
            if not math.isfinite(loss):           # a float already: checking it costs no host sync
                _diverged(loss, epoch, step, last_loss, lr)
            total += loss * len(idx)
            step, last_loss = step + 1, loss
            count += len(idx)
            if sched is not None:
                sched.step()
        record = {"epoch": epoch, "train_loss": float(total) / count, "time": time.perf_counter() - t0}
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


def _diverged(loss: float, epoch: int, step: int, last_loss: float | None, lr: float) -> None:
    from course_lib.labs.runtime import DivergenceError

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
