"""GAN nets, losses, Lipschitz tools, targets and quality measures (course_lib.gans)."""

import numpy as np
import pytest
import torch
from torch import nn

from course_lib.gans import losses, nets, quality, targets


def linear_critic(w) -> nn.Linear:
    critic = nn.Linear(len(w), 1, bias=False).double()
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([w], dtype=torch.float64))
    return critic


def test_gradient_penalty_zero_for_unit_linear_critic_and_exact_otherwise():
    gen = torch.Generator().manual_seed(0)
    real = torch.randn(64, 2, generator=gen, dtype=torch.float64)
    fake = torch.randn(64, 2, generator=gen, dtype=torch.float64)
    t = torch.rand(64, generator=gen, dtype=torch.float64)
    a_hat = losses.interpolate(real, fake, t)
    # the interpolates lie on the segments [fake_i, real_i]
    np.testing.assert_allclose((a_hat - fake).numpy(), (t[:, None] * (real - fake)).numpy(), atol=1e-12)
    gp_unit = losses.gradient_penalty(linear_critic([0.6, 0.8]), real, fake, t)   # ‖w‖ = 1
    assert gp_unit.item() == pytest.approx(0.0, abs=1e-14)
    critic = linear_critic([1.2, 1.6])   # ‖w‖ = 2: penalty (2 − 1)² = 1 at every point
    gp = losses.gradient_penalty(critic, real, fake)
    assert gp.item() == pytest.approx(1.0, rel=1e-12)
    (grad,) = torch.autograd.grad(gp, critic.weight)   # double backward: d/dw (‖w‖−1)² = 2(‖w‖−1) w/‖w‖
    np.testing.assert_allclose(grad.numpy(), [[1.2, 1.6]], rtol=1e-12)


def test_gradient_penalty_works_on_image_shaped_inputs():
    critic = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 1))
    real, fake = torch.randn(5, 3, 8, 8), torch.randn(5, 3, 8, 8)
    gp = losses.gradient_penalty(critic, real, fake)
    assert gp.ndim == 0 and gp.item() >= 0
    loss = losses.critic_loss("wgan_gp", critic, real, fake)
    loss.backward()
    assert all(p.grad is not None for p in critic.parameters())


def test_loss_formulas_on_a_known_critic():
    critic = linear_critic([1.0, 0.0])
    real = torch.tensor([[1.0, 5.0], [3.0, -1.0]], dtype=torch.float64)
    fake = torch.tensor([[-1.0, 0.0], [0.0, 2.0]], dtype=torch.float64)
    d_r, d_f = torch.tensor([1.0, 3.0]).double(), torch.tensor([-1.0, 0.0]).double()
    sp = torch.nn.functional.softplus
    bce = sp(-d_r).mean() + sp(d_f).mean()
    hinge = torch.relu(1 - d_r).mean() + torch.relu(1 + d_f).mean()
    expect_d = {"wgan": d_f.mean() - d_r.mean(), "hinge": hinge, "vanilla": bce, "nonsaturating": bce}
    expect_g = {"wgan": -d_f.mean(), "hinge": -d_f.mean(), "vanilla": -sp(d_f).mean(),
                "nonsaturating": sp(-d_f).mean()}
    for kind in expect_d:
        assert losses.critic_loss(kind, critic, real, fake).item() == pytest.approx(expect_d[kind].item())
        assert losses.generator_loss(kind, critic, fake).item() == pytest.approx(expect_g[kind].item())
    # zero-sum kinds: L_G + L_D does not depend on the fake samples
    for kind in ("wgan", "vanilla"):
        total, total2 = (losses.generator_loss(kind, critic, f) + losses.critic_loss(kind, critic, real, f)
                         for f in (fake, 3 * fake))
        assert losses.is_zero_sum(kind) and total.item() == pytest.approx(total2.item())
    assert not losses.is_zero_sum("nonsaturating")


def test_weight_clipping_projects_onto_box():
    critic = nets.make_critic(hidden=8)
    with torch.no_grad():
        for p in critic.parameters():
            p.mul_(10)
    losses.clip_weights_(critic, 0.01)
    values = torch.cat([p.flatten() for p in critic.parameters()])
    assert values.abs().max().item() == pytest.approx(0.01)


def test_spectral_norm_gives_unit_top_singular_value():
    torch.manual_seed(0)
    critic = nets.make_critic(hidden=16, spectral=True)
    x = torch.randn(32, 2)
    for _ in range(30):          # each training-mode forward is one power iteration
        critic(x)
    critic.eval()
    sigmas = [torch.linalg.matrix_norm(w, ord=2).item() for w in nets.weight_matrices(critic)]
    np.testing.assert_allclose(sigmas, 1.0, atol=1e-4)
    assert nets.lipschitz_upper_bound(critic) == pytest.approx(1.0, abs=1e-3)
    assert nets.lipschitz_lower_estimate(critic, torch.randn(500, 2)) <= 1.0 + 1e-3


def test_one_hidden_layer_lipschitz_bound_holds():
    gen = torch.Generator().manual_seed(1)
    for _ in range(5):
        X1, X2 = torch.randn(20, 3, generator=gen), torch.randn(20, generator=gen)
        net = nets.one_hidden_layer(X1, X2)
        bound = torch.linalg.matrix_norm(X1, ord=2) * X2.norm()
        assert nets.lipschitz_upper_bound(net) == pytest.approx(bound.item(), rel=1e-5)
        assert nets.lipschitz_lower_estimate(net, torch.randn(2000, 3, generator=gen)) <= bound.item()
        a = torch.randn(3, generator=gen)
        np.testing.assert_allclose(net(a[None]).item(), (X2 @ torch.relu(X1 @ a)).item(), rtol=1e-5)


def test_mlp_shapes_and_spectral_norm_on_conv():
    G = nets.make_generator(noise_dim=3, hidden=8, depth=1)
    assert G(torch.randn(4, 3)).shape == (4, 2)
    conv = nets.apply_spectral_norm(nn.Sequential(nn.Conv2d(3, 4, 3), nn.Flatten(), nn.Linear(4 * 36, 1)))
    assert conv(torch.randn(2, 3, 8, 8)).shape == (2, 1)


def test_targets_are_seeded_and_have_the_right_modes():
    t8 = targets.make_target("8gaussians", scale=2.0, std=0.02)
    np.testing.assert_allclose(np.linalg.norm(t8.centers, axis=1), 2.0)
    a, b = t8.sample_numpy(500, seed=3), t8.sample_numpy(500, seed=3)
    np.testing.assert_array_equal(a, b)
    assert np.abs(np.linalg.norm(a, axis=1) - 2.0).max() < 0.2
    assert targets.make_target("25gaussians").centers.shape == (25, 2)
    ring = targets.make_target("ring").sample_numpy(400)
    assert abs(np.linalg.norm(ring, axis=1).mean() - 2.0) < 0.02
    assert targets.make_target("swissroll").sample(10, dtype=torch.float64).dtype == torch.float64


def test_quality_measures_on_known_samples():
    t8 = targets.make_target("8gaussians")
    exact = np.repeat(t8.centers, 10, axis=0)
    stats = quality.mode_stats(exact, t8)
    assert (stats.modes_covered, stats.high_quality) == (8, 1.0)
    collapsed = np.repeat(t8.centers[:1], 80, axis=0)
    assert quality.mode_stats(collapsed, t8).modes_covered == 1
    far = quality.mode_stats(np.zeros((50, 2)), t8)
    assert (far.modes_covered, far.high_quality) == (0, 0.0)
    assert quality.w2_floor(t8, 1000) < 0.4 < quality.w2_floor(t8, 100)   # the floor shrinks with n
    assert quality.w2_to_target(exact, t8) < 0.1                            # exact shares: only the noise
    assert quality.w2_to_target(np.zeros((300, 2)), t8) == pytest.approx(2.0, abs=0.05)
    assert quality.mode_stats(torch.tensor(exact), t8).modes_covered == 8


Z22 = torch.zeros(2, 2)


@pytest.mark.parametrize("call, name", [
    (lambda: losses.critic_loss("wasserstein", nn.Linear(2, 1), Z22, Z22), "kind"),
    (lambda: losses.generator_loss("bce", nn.Linear(2, 1), Z22), "kind"),
    (lambda: losses.critic_loss("wgan_gp", nn.Linear(2, 1), Z22, Z22, gp_weight=-1), "gp_weight"),
    (lambda: losses.interpolate(torch.zeros(2, 2), torch.zeros(3, 2)), "fake"),
    (lambda: losses.clip_weights_(nn.Linear(2, 1), 0.0), "c"),
    (lambda: nets.mlp(2, 1, hidden=0), "hidden"),
    (lambda: nets.mlp(2, 1, activation="gelu"), "activation"),
    (lambda: nets.one_hidden_layer(torch.zeros(3, 2), torch.zeros(4)), "X2"),
    (lambda: targets.make_target("moons"), "name"),
    (lambda: targets.make_target("ring", std=0), "std"),
    (lambda: quality.mode_stats(np.zeros((3, 2)), targets.make_target("ring")), "target"),
    (lambda: quality.mode_stats(np.zeros((3, 3)), targets.make_target()), "samples"),
])
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_neural_distance_is_below_w1_and_positive():
    from course_lib.gans.distances import wasserstein_p
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(100, 2, generator=gen, dtype=torch.float64)
    y = 0.3 * torch.randn(100, 2, generator=gen, dtype=torch.float64) + torch.tensor([1.0, 0.0]).double()
    value = nets.neural_distance(x, y, hidden=16, steps=100)
    assert 0.1 < value <= wasserstein_p(x.numpy(), y.numpy(), p=1)
    with pytest.raises(ValueError, match="'y'"):
        nets.neural_distance(x, y[:, :1])
