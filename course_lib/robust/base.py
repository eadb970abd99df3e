"""The one interface every training method plugs into (EE-556 Lecture 11: adversarial training as
stochastic subgradient descent on min_θ E max_δ ℓ(θ; x + δ, y)).

A method turns a batch into a parameter update. Most methods only change the loss (PGD-AT, TRADES,
MART, FGSM-RS, ...): they override :meth:`Method.loss`. Methods that also change the update itself
(AWP, SAM: perturb the weights, take the gradient there, restore them) override :meth:`Method.step`.

The epoch loop (:func:`course_lib.robust.training.run_epoch`, used by the CPU lectures' ``fit`` and by
lab 1) calls three hooks, all declared here with a no-op default, so that a method that needs none of
them overrides none:

- :meth:`Method.start_epoch` before each epoch (schedules: dynamic AT, ATAS warm-up, IBP's ε ramp, CFOL's
  record of p);
- :meth:`Method.batch_indices` for the epoch's mini-batches (CFOL's class sampler); the default is a
  random permutation cut into batches;
- :meth:`Method.set_indices` with the dataset indices of the coming batch (per-example state: ATAS).
"""

from __future__ import annotations

from collections.abc import Iterable

import torch
from torch import nn


def default_batches(y: torch.Tensor, batch_size: int, generator: torch.Generator) -> list[torch.Tensor]:
    """A random permutation of the training set cut into mini-batches (the last one may be smaller)."""
    perm = torch.randperm(len(y), generator=generator).to(y.device)
    return list(torch.split(perm, batch_size))


class Method:
    """Base class: ``step`` = zero_grad → ``loss`` → backward → optimizer step; every hook a no-op."""

    name = "method"
    STATE: tuple[str, ...] = ()   # attributes training changes (CFOL's w, ATAS's δ): saved by the lab

    # ------------------------------------------------------------------ the update
    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The scalar training loss on the batch (x in [0, 1], y class indices)."""
        raise NotImplementedError

    def step(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor,
             optimizer: torch.optim.Optimizer) -> torch.Tensor:
        """One parameter update on the batch; returns the loss as a detached 0-d tensor (``float()`` it to
        print it: on a GPU that waits for the step, so the training loops convert once per epoch)."""
        optimizer.zero_grad(set_to_none=True)
        loss = self.loss(model, x, y)
        loss.backward()
        optimizer.step()
        return loss.detach()

    # ------------------------------------------------------------------ hooks of the epoch loop
    def start_epoch(self, epoch: int, epochs: int) -> None:
        """Called before epoch ``epoch`` (1-based) of ``epochs``. Default: nothing."""

    def batch_indices(self, y: torch.Tensor, batch_size: int,
                      generator: torch.Generator) -> Iterable[torch.Tensor]:
        """The epoch's mini-batches as index tensors into the training set (labels ``y``). Default: a
        random permutation (from ``generator``) cut into batches of ``batch_size``."""
        return default_batches(y, batch_size, generator)

    def set_indices(self, idx: torch.Tensor) -> None:
        """The dataset indices of the coming batch, before :meth:`step`. Default: ignored."""

    # ------------------------------------------------------------------ state of a resumable run
    def state_dict(self) -> dict:
        """The attributes in ``STATE`` (tensors, numbers, lists): what a checkpoint needs to resume the
        method exactly. Default: nothing."""
        return {k: getattr(self, k) for k in self.STATE}

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned (keys it lacks keep their current values)."""
        for k in self.STATE:
            if k in state:
                setattr(self, k, state[k])

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items() if not k.startswith("_"))
        return f"{type(self).__name__}({fields})"


def overrides(method: Method, hook: str) -> bool:
    """True when ``method``'s class replaces the default of ``hook`` (e.g. ``"batch_indices"``)."""
    return getattr(type(method), hook) is not getattr(Method, hook)


class Wrapper(Method):
    """A method around an ``inner`` one (AWP, SAM, CFOL): the hooks reach the inner method too."""

    inner: Method

    def start_epoch(self, epoch: int, epochs: int) -> None:
        self.inner.start_epoch(epoch, epochs)

    def set_indices(self, idx: torch.Tensor) -> None:
        self.inner.set_indices(idx)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return self.inner.loss(model, x, y)

    def state_dict(self) -> dict:
        return {**super().state_dict(), "inner": self.inner.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        super().load_state_dict(state)
        self.inner.load_state_dict(state.get("inner", {}))
