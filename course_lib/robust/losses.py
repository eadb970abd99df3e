"""Attack objectives (per example, to be *maximised* by the attacker).

- cross-entropy: ℓ_CE(z, y) = −z_y + log Σ_j e^{z_j}
- margin (Carlini–Wagner): M(z, y) = max_{j≠y} z_j − z_y; M > 0 ⇔ misclassified, so any maximiser of M
  also maximises the 0-1 loss (Robey et al. (2024); the non-zero-sum talk, "0-1 loss vs cross-entropy").
Targeted attacks maximise −ℓ_CE(z, t) or the targeted margin z_t − max_{j≠t} z_j.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

ATTACK_LOSSES = ("ce", "margin")


def margin(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """M(z, y) = max_{j≠y} z_j − z_y per example (positive iff the prediction is wrong)."""
    z = logits.float()
    z_y = z.gather(1, y[:, None]).squeeze(1)
    z_other = z.scatter(1, y[:, None], float("-inf")).amax(dim=1)
    return z_other - z_y


def attack_objective(logits: torch.Tensor, y: torch.Tensor, loss: str = "ce", *, targeted: bool = False,
                     y_target: torch.Tensor | None = None) -> torch.Tensor:
    """Per-example objective the attacker ascends (untargeted: the loss at y; targeted: minus the loss
    at the target t)."""
    if targeted:
        if loss == "ce":
            return -F.cross_entropy(logits.float(), y_target, reduction="none")
        return -margin(logits, y_target)
    if loss == "ce":
        return F.cross_entropy(logits.float(), y, reduction="none")
    return margin(logits, y)
