"""scikit-learn's 8×8 handwritten digits (shipped inside the wheel: no download) as torch tensors.

1,797 images with 17 grey levels (0–16), scaled to [0, 1]; a fixed stratified train/test split.
``size > 8`` upsamples bilinearly (16×16 and 32×32 inputs make catastrophic overfitting appear on CPU,
scikit-learn documentation, "Recognizing hand-written digits").
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from course_lib import _validate
from course_lib.seeding import effective_seed

Split = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def load_digits(size: int = 8, test_size: float = 0.25, seed: int = 0,
                device: str | torch.device = "cpu") -> Split:
    """Return ``x_train, y_train, x_test, y_test``.

    Images are float32 in [0, 1] with shape ``(n, 1, size, size)``; labels are int64 class indices.
    The split is stratified and fixed by ``seed`` (default: 1,347 train / 450 test images).
    """
    from sklearn.datasets import load_digits as _sk_load_digits
    from sklearn.model_selection import train_test_split

    size = _validate.integer("size", size, lo=8, hi=256)
    test_size = _validate.number("test_size", test_size, lo=0.0, hi=1.0, lo_open=True, hi_open=True)
    seed = effective_seed(seed)
    bunch = _sk_load_digits()
    x = torch.tensor(bunch.images, dtype=torch.float32).unsqueeze(1) / 16.0
    y = torch.tensor(bunch.target, dtype=torch.int64)
    if size != 8:
        x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False).clamp_(0.0, 1.0)
    idx_train, idx_test = train_test_split(torch.arange(len(y)).numpy(), test_size=test_size,
                                           random_state=seed, stratify=y.numpy())
    idx_train, idx_test = torch.as_tensor(idx_train), torch.as_tensor(idx_test)
    return tuple(t.to(device) for t in (x[idx_train], y[idx_train], x[idx_test], y[idx_test]))
