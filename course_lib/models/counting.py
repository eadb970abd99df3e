"""Counting what goes through a network: a hardware-independent cost of attacks and training steps."""

from __future__ import annotations

from torch import nn


class ForwardCounter:
    """Counts the forward passes of ``model`` and the examples that go through them:
    ``with ForwardCounter(model) as c: ...; c.calls, c.examples``."""

    def __init__(self, model: nn.Module) -> None:
        self.model, self.calls, self.examples = model, 0, 0

    def _hook(self, module: nn.Module, args: tuple) -> None:
        self.calls += 1
        self.examples += int(args[0].shape[0])

    def __enter__(self) -> ForwardCounter:
        self._handle = self.model.register_forward_pre_hook(self._hook)
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.remove()
