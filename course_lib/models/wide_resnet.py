"""WideResNet-34-10 (Zagoruyko and Komodakis 2016), the model of the TRADES, MART and AWP tables
(Wang's guest lecture), with the input normalisation inside (attacks work in [0, 1]).

Depth 6n + 4 with n pre-activation blocks per stage and stage widths 16k, 32k, 64k: WRN-34-10 has n = 5,
k = 10 (46.2M parameters): a PreActResNet with three stages after a 16-channel stem.
"""

from __future__ import annotations

from course_lib import _validate
from course_lib.models.preact_resnet import PreActResNet


class WideResNet(PreActResNet):
    """normalise → conv3×3 (16) → 3 stages of ``(depth − 4) / 6`` blocks → norm, act → pool → linear."""

    def __init__(self, depth: int = 34, widen: int = 10, *, num_classes: int = 10, activation: str = "relu",
                 norm: str = "bn") -> None:
        _validate.integer("depth", depth, lo=10)
        if (depth - 4) % 6:
            raise ValueError(f"'depth' must be 6n + 4 (e.g. 16, 28, 34), got {depth}")
        _validate.integer("widen", widen, lo=1)
        n = (depth - 4) // 6
        super().__init__((n, n, n), width=16, channels=(16 * widen, 32 * widen, 64 * widen),
                         num_classes=num_classes, activation=activation, norm=norm)


def wide_resnet34_10(*, num_classes: int = 10) -> WideResNet:
    """WRN-34-10 (46.2M parameters)."""
    return WideResNet(34, 10, num_classes=num_classes)
