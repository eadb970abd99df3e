"""Small CPU models for the lectures: an MLP and a two-layer CNN (no BatchNorm, so that the network
is a smooth function of its weights when the activation is smooth: DDD and Danskin need that).

With the course's training recipe (SGD 0.1, momentum 0.9, a few epochs) the CNN reaches ~98 % test
accuracy on 8×8 digits in a few seconds on 2 CPU cores.
"""

from __future__ import annotations

from collections.abc import Sequence

from torch import nn

from course_lib import _validate

ACTIVATIONS = {"relu": nn.ReLU, "celu": nn.CELU, "softplus": nn.Softplus}


def _activation(name: str) -> nn.Module:
    return ACTIVATIONS[_validate.one_of("activation", name, ACTIVATIONS)]()


class MLP(nn.Sequential):
    """Flatten → [Linear → activation] per hidden layer → Linear to ``num_classes`` logits."""

    def __init__(self, in_features: int = 64, hidden: Sequence[int] = (128,), num_classes: int = 10,
                 activation: str = "relu") -> None:
        in_features = _validate.integer("in_features", in_features, lo=1)
        num_classes = _validate.integer("num_classes", num_classes, lo=2)
        widths = [in_features] + [_validate.integer("hidden", h, lo=1) for h in hidden]
        layers: list[nn.Module] = [nn.Flatten()]
        for w_in, w_out in zip(widths[:-1], widths[1:]):
            layers += [nn.Linear(w_in, w_out), _activation(activation)]
        layers.append(nn.Linear(widths[-1], num_classes))
        super().__init__(*layers)


class CNN(nn.Sequential):
    """conv3×3 (width) → act → conv3×3 stride 2 (2·width) → act → FC 128 → act → FC num_classes.

    ``image_size`` is the input's height = width (8 for digits, 16 or 32 when upsampled, 32 for CIFAR).
    """

    def __init__(self, in_channels: int = 1, num_classes: int = 10, width: int = 16, activation: str = "relu",
                 image_size: int = 8) -> None:
        in_channels = _validate.integer("in_channels", in_channels, lo=1)
        num_classes = _validate.integer("num_classes", num_classes, lo=2)
        width = _validate.integer("width", width, lo=1)
        image_size = _validate.integer("image_size", image_size, lo=2)
        side = (image_size + 1) // 2  # output side of the stride-2 conv with padding 1
        super().__init__(
            nn.Conv2d(in_channels, width, 3, padding=1), _activation(activation),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), _activation(activation),
            nn.Flatten(),
            nn.Linear(2 * width * side * side, 128), _activation(activation),
            nn.Linear(128, num_classes),
        )
