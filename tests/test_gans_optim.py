"""Game optimizers (course_lib.gans.optim) against course_lib.minimax steps on the Dirac-GAN; training."""

import numpy as np
import pytest
import torch

from course_lib.gans import dirac, optim, targets
from course_lib.gans.training import train_gan
from course_lib.minimax import algorithms as mm

Z0 = (1.0, 0.5)



def minimax_run(step, V, z0, steps, **kw):
    z, state, zs = np.array(z0, dtype=float), None, [np.array(z0, dtype=float)]
    for k in range(steps):
        extra = {key: (val(k) if callable(val) else val) for key, val in kw.items()}
        z, state = step(V, z, 0.1, state, **extra)
        zs.append(z)
    return np.stack(zs)


@pytest.mark.parametrize("method, step, kw", [
    ("gda", mm.gda_step, {}),
    ("eg", mm.eg_step, {}),
    ("ogda", mm.ogda_step, {}),
    ("seg_plus", mm.eg_plus_step, {"alpha": lambda k: 0.5 / np.sqrt(1 + k / 10)}),
])
@pytest.mark.parametrize("kind", ["wgan", "vanilla", "nonsaturating"])
def test_game_optimizer_on_dirac_gan_matches_minimax_step(method, step, kw, kind):
    extra = {"seg_alpha0": 0.5, "seg_k0": 10.0} if method == "seg_plus" else {}
    traj = dirac.dirac_trajectory(method, Z0, lr=0.1, steps=30, kind=kind, **extra)
    ref = minimax_run(step, dirac.dirac_operator(kind), Z0, 30, **kw)
    np.testing.assert_allclose(traj, ref, rtol=1e-12, atol=1e-14)


def test_alternating_gda_is_agda_with_the_critic_first():
    traj = dirac.dirac_trajectory("gda", Z0, lr=0.1, steps=30, alternating=True)
    V = dirac.dirac_operator("wgan")
    ref = minimax_run(mm.agda_step, lambda z: V(z[..., ::-1])[..., ::-1], Z0[::-1], 30)[:, ::-1]
    np.testing.assert_allclose(traj, ref, rtol=1e-12, atol=1e-14)


def test_dirac_gan_gda_spirals_out_and_eg_converges_at_the_bilinear_rates():
    gda = dirac.dirac_trajectory("gda", (1.0, 0.0), lr=0.1, steps=50)
    eg = dirac.dirac_trajectory("eg", (1.0, 0.0), lr=0.1, steps=50)
    # closed forms: per step GDA grows by √(1+α²), EG shrinks by √(1−α²+α⁴); from (1, 0) at α = 0.1,
    # ‖z_50‖ = 1.282432 (GDA), 0.779788 (EG)
    assert np.linalg.norm(gda[-1]) == pytest.approx(1.282432, rel=1e-6)
    assert np.linalg.norm(eg[-1]) == pytest.approx(0.779788, rel=1e-6)


def test_player_step_sizes_precondition_the_operator():
    traj = dirac.dirac_trajectory("gda", Z0, lr=0.1, steps=1)
    G, D = dirac.DiracGenerator(Z0[0]), dirac.dirac_critic(Z0[1])
    opt = optim.GameOptimizer(G, D, "gda", lr_g=0.1, lr_d=0.3)
    real = torch.zeros(1, 1, dtype=torch.float64)
    from course_lib.gans.losses import critic_loss, generator_loss
    opt.step(lambda: (generator_loss("wgan", D, G(real)), critic_loss("wgan", D, real, G(real))))
    v = dirac.dirac_operator("wgan")(np.array(Z0))
    np.testing.assert_allclose(opt.get_z().numpy(), np.array(Z0) - np.array([0.1, 0.3]) * v, rtol=1e-12)
    np.testing.assert_allclose(traj[1], np.array(Z0) - 0.1 * v, rtol=1e-12)
    assert opt.grad_evals == 1 and opt.k == 1


def test_weight_clipping_in_the_optimizer_keeps_critic_in_box():
    run = train_gan(targets.make_target(), loss="wgan", method="adam", steps=15, batch_size=16, hidden=8,
                    n_critic=2, clip=0.01, lr_d=0.05, n_snapshots=2, n_vis=8)
    values = torch.cat([p.detach().flatten() for p in run.critic.parameters()])
    assert values.abs().max().item() <= 0.01 + 1e-9
    assert run.grad_evals == 15 * 3


@pytest.mark.parametrize("method", optim.GAME_METHODS)
def test_training_is_deterministic_under_a_seed(method):
    kw = dict(loss="wgan_gp", method=method, steps=6, batch_size=16, hidden=8, n_snapshots=3, n_vis=10,
              lr_g=1e-2, lr_d=1e-2)
    a, b = train_gan(targets.make_target(), seed=3, **kw), train_gan(targets.make_target(), seed=3, **kw)
    c = train_gan(targets.make_target(), seed=4, **kw)
    np.testing.assert_array_equal(a.snapshots, b.snapshots)
    np.testing.assert_array_equal(a.losses, b.losses)
    assert a.snapshots.shape == (3, 10, 2) and a.losses.shape == (6, 2)
    assert not np.array_equal(a.snapshots, c.snapshots)
    assert a.grad_evals == 6 * (2 if method in ("eg", "seg_plus") else 1)


def test_spectral_norm_critic_trains_with_every_method():
    for method in ("adam", "eg"):
        run = train_gan(targets.make_target(), loss="hinge", method=method, spectral=True, steps=4,
                        batch_size=16, hidden=8, n_snapshots=2, n_vis=5, lr_g=1e-2, lr_d=1e-2)
        assert np.all(np.isfinite(run.snapshots))


@pytest.mark.parametrize("kwargs, name", [
    (dict(method="sgd"), "method"),
    (dict(method="eg", alternating=True), "alternating"),
    (dict(method="adam", n_critic=3), "n_critic"),
    (dict(method="adam", clip=-1.0), "clip"),
    (dict(method="gda", lr_g=0.0), "lr_g"),
    (dict(method="seg_plus", seg_alpha0=1.5), "seg_alpha0"),
])
def test_bad_optimizer_arguments_name_the_parameter(kwargs, name):
    with pytest.raises(ValueError, match=name):
        optim.GameOptimizer(dirac.DiracGenerator(), dirac.dirac_critic(), **kwargs)


@pytest.mark.parametrize("call, name", [
    (lambda: train_gan(targets.make_target(), steps=0), "steps"),
    (lambda: train_gan(targets.make_target(), loss="l2"), "loss"),
    (lambda: dirac.dirac_trajectory("gda", lr=-0.1), "lr"),
    (lambda: dirac.dirac_operator("hinge"), "kind"),
])
def test_bad_training_arguments_name_the_parameter(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_divergent_training_stops_and_is_marked():
    run = train_gan(targets.make_target(), loss="wgan", method="gda", steps=40, batch_size=16, hidden=8,
                    lr_g=1e3, lr_d=1e3, n_snapshots=5, n_vis=8)
    assert run.diverged_at is not None and run.diverged_at < 40
    assert np.all(np.isfinite(run.snapshots)) and np.all(np.isfinite(run.losses[:-1]))


def test_snapshots_are_indexed_by_gradient_evaluations():
    kw = dict(loss="wgan", batch_size=16, hidden=8, n_snapshots=16, n_vis=4)
    alt = train_gan(targets.make_target(), method="adam", steps=30, n_critic=5, **kw)
    eg = train_gan(targets.make_target(), method="eg", steps=60, **kw)
    np.testing.assert_array_equal(alt.snapshot_evals, np.arange(16) * 12)
    np.testing.assert_array_equal(eg.snapshot_evals, np.arange(16) * 8)
    np.testing.assert_array_equal(alt.snapshot_at(120), alt.snapshots[10])
    np.testing.assert_array_equal(eg.snapshot_at(10**6), eg.snapshots[-1])
    with pytest.raises(ValueError, match="evals"):
        eg.snapshot_at(-1)


@pytest.mark.parametrize("method", ["ogda", "adam"])
def test_conv_nets_channels_last_gradient_penalty_and_exact_resume(method):
    """Non-contiguous gradients (GP double backward, channels_last) flatten; state_dict resumes exactly."""
    from course_lib.gans.losses import critic_loss, generator_loss

    def build():
        torch.manual_seed(0)
        G = torch.nn.Sequential(torch.nn.Linear(4, 2 * 4 * 4), torch.nn.Unflatten(1, (2, 4, 4)))
        D = torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.Flatten(),
                                torch.nn.Linear(48, 1)).to(memory_format=torch.channels_last)
        return G, D, optim.GameOptimizer(G, D, method, lr_g=1e-2, lr_d=1e-2)

    real, w = torch.randn(8, 2, 4, 4), torch.randn(8, 4)

    def closure_for(G, D):
        def closure():
            fake = G(w).contiguous(memory_format=torch.channels_last)
            return generator_loss("wgan_gp", D, fake), critic_loss("wgan_gp", D, real, fake)
        return closure

    G, D, opt = build()
    for _ in range(4):
        opt.step(closure_for(G, D))
    G2, D2, opt2 = build()
    for _ in range(2):
        opt2.step(closure_for(G2, D2))
    G3, D3, opt3 = build()
    G3.load_state_dict(G2.state_dict()), D3.load_state_dict(D2.state_dict())
    opt3.load_state_dict(opt2.state_dict())
    for _ in range(2):
        opt3.step(closure_for(G3, D3))
    torch.testing.assert_close(opt3.get_z(), opt.get_z(), rtol=0, atol=0)
    assert opt3.k == opt.k == 4 and opt3.grad_evals == opt.grad_evals
