"""Hard adversarial instances (Liu et al. 2021; CS8695 by Chen Liu, "Overfitting in adversarial training",
"Training instances of different difficulty levels").

The difficulty of a training example is its adversarial loss averaged over the epochs of adversarial
training, d_i = (1/T) Σ_t ℓ(f_{θ_t}(x′_i), y_i), with x′_i the training attack's point for x_i at epoch t.
Hard instances (large d_i) are the ones the network fits last, by memorising them; the paper relates
fitting them to robust overfitting.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from course_lib import _validate
from course_lib.robust.base import Wrapper
from course_lib.robust.methods import AdversarialMethod
from course_lib.robust.training import History, fit


class _LossRecorder(Wrapper):
    """Trains like ``inner`` and writes each example's loss ℓ(f(x′), y) at the inner attack's x′ into
    ``losses[epoch − 1, index]`` (one extra forward without gradients per step)."""

    def __init__(self, inner: AdversarialMethod, n: int, epochs: int) -> None:
        self.inner, self.name = inner, inner.name
        self.losses = torch.full((epochs, n), float("nan"))
        self._epoch, self._idx = 0, None

    def start_epoch(self, epoch: int, epochs: int) -> None:
        self._epoch = epoch
        super().start_epoch(epoch, epochs)

    def set_indices(self, idx: torch.Tensor) -> None:
        self._idx = idx
        super().set_indices(idx)

    def loss(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        x_adv = self.inner.perturb(model, x, y)
        with torch.no_grad():
            per_example = F.cross_entropy(model(x_adv).float(), y, reduction="none")
        self.losses[self._epoch - 1, self._idx.cpu()] = per_example.cpu()
        return self.inner.objective(model, x, x_adv, y)


def adversarial_difficulty(model: nn.Module, method: AdversarialMethod,
                           train: tuple[torch.Tensor, torch.Tensor], *, epochs: int,
                           **fit_kw) -> tuple[History, torch.Tensor, torch.Tensor]:
    """d_i = (1/T) Σ_{t=1}^T ℓ(f_{θ_t}(x′_i), y_i): train ``model`` in place with ``method`` (Liu et al.
    2021's difficulty, from the adversarial examples of training itself) and return the fit
    :class:`History`, the difficulty d (n,) and the per-epoch losses (T, n).

    ``method`` must split its loss into ``perturb`` and ``objective`` (an :class:`AdversarialMethod`, e.g.
    PGD-AT); ``fit_kw`` go to :func:`~course_lib.robust.training.fit`. The cost is that of training plus
    one forward without gradients per step.
    """
    if not isinstance(method, AdversarialMethod):
        raise TypeError("'method' must be an AdversarialMethod (perturb + objective), got "
                        f"{type(method).__name__}")
    epochs = _validate.integer("epochs", epochs, lo=1)
    recorder = _LossRecorder(method, len(train[1]), epochs)
    history = fit(model, recorder, train, epochs=epochs, **fit_kw)
    losses = recorder.losses
    return history, losses.mean(dim=0), losses
