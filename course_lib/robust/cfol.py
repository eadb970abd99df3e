"""CFOL-AT (Pethick, Chrysos, Cevher, TMLR 2023; the non-zero-sum talk, "Robustness of the worst-performing
class"):
adversarial training against the worst class, min_θ max_{q∈Δ_K} Σ_y q_y L_y(θ), the class player run as
Exp3 (Auer et al. 2002; `LIONS-EPFL/class-focused-online-learning-code`,
`cfol/class_sampler.py`).

- class weights w ∈ ℝ^K start at 0, q = softmax(w);
- mini-batches are drawn from p = γ·uniform + (1 − γ)·q: a class from p, then a uniform example of it;
- after each batch: w_{y_i} += η·1[f(x′_i) ≠ y_i] / p_{y_i} for every example i (importance-weighted
  0-1 loss of the adversarial prediction; one batch uses one fixed p).
"""

from __future__ import annotations

from collections.abc import Iterator

import torch
import torch.nn.functional as F

from course_lib import _validate
from course_lib.robust.base import Wrapper
from course_lib.robust.methods import AdversarialMethod


class CFOL(Wrapper):
    """Wraps an input-space method (e.g. ``PGDAT``): same loss, but class-focused sampling.

    ``gamma`` = 1/2 and ``eta`` = 5e-6 are the authors' CIFAR-10 values (per example, 50 000 examples
    × 200 epochs); small data sets need a larger η. ``probabilities`` is the current sampling
    distribution p, ``q`` the adversary's distribution.
    """

    name = "CFOL"
    STATE = ("w", "history")

    def __init__(self, inner: AdversarialMethod, num_classes: int, gamma: float = 0.5,
                 eta: float = 5e-6) -> None:
        if not isinstance(inner, AdversarialMethod):
            raise TypeError(f"'inner' must be an AdversarialMethod (PGDAT, TRADES, ...), "
                            f"got {type(inner).__name__}")
        self.inner = inner
        self.num_classes = _validate.integer("num_classes", num_classes, lo=2)
        self.gamma = _validate.number("gamma", gamma, lo=0.0, hi=1.0)
        self.eta = _validate.nonnegative("eta", eta)
        self.name = f"CFOL-{inner.name}"
        self.w = torch.zeros(self.num_classes)
        self.history: list[torch.Tensor] = []  # p at the start of every epoch (for plots)

    @property
    def q(self) -> torch.Tensor:
        """The adversary's class distribution softmax(w)."""
        return F.softmax(self.w, dim=0)

    @property
    def probabilities(self) -> torch.Tensor:
        """The sampling distribution p = γ/K + (1 − γ)·q (sums to 1, every p_k ≥ γ/K)."""
        return self.gamma / self.num_classes + (1 - self.gamma) * self.q

    def update(self, y: torch.Tensor, wrong: torch.Tensor) -> None:
        """w_{y_i} += η·1[wrong_i]/p_{y_i}, summed over the batch with p fixed (code: ``batch_update``)."""
        self.w = self.w.to(y.device)
        p = self.probabilities
        self.w = self.w.index_add(0, y, self.eta * wrong.to(p.dtype) / p[y])

    def start_epoch(self, epoch: int, epochs: int) -> None:
        self.history.append(self.probabilities.detach().clone())
        self.inner.start_epoch(epoch, epochs)

    def batch_indices(self, y: torch.Tensor, batch_size: int,
                      generator: torch.Generator) -> Iterator[torch.Tensor]:
        """As many batches as a plain epoch; each drawn from the *current* p (a generator, so p moves
        between batches)."""
        counts = torch.bincount(y, minlength=self.num_classes)
        if len(counts) != self.num_classes or bool((counts == 0).any()):
            raise ValueError(f"'y' must contain every class 0..{self.num_classes - 1} (num_classes)")
        order = torch.argsort(y)
        offsets = torch.cumsum(counts, 0) - counts
        gen = generator if generator.device == y.device else None
        for size in torch.split(torch.arange(len(y)), batch_size):
            p = self.probabilities.to(y.device)
            c = torch.multinomial(p, len(size), replacement=True, generator=gen)
            u = torch.rand(len(size), generator=gen, device=y.device)
            yield order[offsets[c] + (u * counts[c]).long()]

    def step(self, model, x, y, optimizer):
        x_adv = self.inner.perturb(model, x, y)
        optimizer.zero_grad(set_to_none=True)
        loss = self.inner.objective(model, x, x_adv, y)
        loss.backward()
        with torch.no_grad():
            wrong = model(x_adv).argmax(dim=1) != y
        optimizer.step()
        self.update(y, wrong)
        return loss.detach()
