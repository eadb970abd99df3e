"""GPU lab 2 (CIFAR-10 WGANs) in its smoke profile on the CPU: models, every loss × optimizer, the
gradient penalty against finite differences, the Lipschitz constraints during training, exact resume
after kill -9, and the CLI's errors."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from course_lib.gans.losses import gradient_penalty
from course_lib.labs import load_checkpoint, read_jsonl, wgan
from course_lib.models import EMA, dcgan

ROOT = Path(__file__).resolve().parents[2]
TINY = dict(iters=2, eval_every=2, ckpt_every=2, sample_every=2, n_eval=16)



def _tiny(loss: str = "wgan_gp", opt: str = "adam", **kw) -> wgan.WGANConfig:
    return wgan.make_config(loss, opt, "smoke", **{**TINY, **kw})


# ------------------------------------------------------------------------------------------- models
@pytest.mark.parametrize("arch", dcgan.ARCHS)
def test_generator_and_critic_shapes(arch):
    G, D = dcgan.build_gan(arch, z_dim=8, width=4, spectral_norm=arch == "resnet")
    x = G(torch.randn(5, 8)).detach()
    assert x.shape == (5, 3, 32, 32) and float(x.abs().max()) <= 1.0
    assert D(x).shape == (5,)


def test_full_size_dcgan_has_the_wgan_gp_paper_widths():
    G, D = dcgan.build_gan("dcgan", width=128)
    assert G.project[0].out_features == 4 * 4 * 4 * 128 and D.head.in_features == 4 * 4 * 4 * 128


def test_ema_is_a_convex_combination():
    G = dcgan.DCGANGenerator(z_dim=4, width=2)
    ema = EMA(G, beta=0.75)
    before = [p.clone() for p in ema.model.parameters()]
    with torch.no_grad():
        for p in G.parameters():
            p.add_(1.0)
    ema.update(G)
    for p_ema, p0, p in zip(ema.model.parameters(), before, G.parameters()):
        torch.testing.assert_close(p_ema, 0.75 * p0 + 0.25 * p)
    assert not any(p.requires_grad for p in ema.model.parameters())


def test_spectral_norm_critic_has_unit_top_singular_values():
    """Each training-mode forward runs one power iteration; once converged, σ_max(W / σ̂) = 1."""
    torch.manual_seed(0)
    D = dcgan.DCGANCritic(width=4, spectral_norm=True)
    with torch.no_grad():
        for _ in range(100):
            D(torch.rand(2, 3, 32, 32))
    D.eval()
    for layer in (m for m in D.modules() if hasattr(m, "parametrizations")):
        sigma = torch.linalg.matrix_norm(layer.weight.detach().flatten(1), ord=2)
        assert float(sigma) == pytest.approx(1.0, abs=1e-2)


def test_model_bad_arguments_name_the_parameter():
    with pytest.raises(ValueError, match="arch"):
        dcgan.build_gan("vgg")
    with pytest.raises(ValueError, match="norm"):
        dcgan.DCGANCritic(4, norm="group")
    with pytest.raises(ValueError, match="beta"):
        EMA(dcgan.DCGANGenerator(4, 2), beta=1.0)


# ---------------------------------------------------------------------------------- gradient penalty
def test_gradient_penalty_matches_finite_differences():
    """GP by double backward: its value from central differences of d, its parameter gradient likewise."""
    torch.manual_seed(0)
    D = dcgan.DCGANCritic(width=2).double()
    real, fake = torch.rand(2, 3, 32, 32, dtype=torch.float64), torch.rand(2, 3, 32, 32, dtype=torch.float64)
    t = torch.tensor([0.3, 0.8], dtype=torch.float64)
    gp = gradient_penalty(D, real, fake, t)
    # value: ∇_â d(â) by central differences over all 3·32·32 input coordinates, batched
    a_hat, h = t[:, None, None, None] * real + (1 - t[:, None, None, None]) * fake, 1e-6
    eye = torch.eye(3072, dtype=torch.float64).view(3072, 3, 32, 32)
    with torch.no_grad():
        grads = torch.stack([(D(a + h * eye) - D(a - h * eye)) / (2 * h) for a in a_hat])
    gp_fd = ((grads.norm(dim=1) - 1) ** 2).mean()
    assert gp.item() == pytest.approx(gp_fd.item(), rel=1e-6)
    # gradient w.r.t. the critic's parameters (the double backward) along a random direction v
    params = list(D.parameters())
    g = [torch.zeros_like(p) if gi is None else gi  # biases of the head do not change ∇_â d
         for gi, p in zip(torch.autograd.grad(gp, params, allow_unused=True), params)]
    v = [torch.randn_like(p) for p in params]

    def gp_at(s: float) -> float:
        with torch.no_grad():
            for p, vi in zip(params, v):
                p.add_(s * vi)
        value = gradient_penalty(D, real, fake, t).item()
        with torch.no_grad():
            for p, vi in zip(params, v):
                p.sub_(s * vi)
        return value

    directional = sum(float((gi * vi).sum()) for gi, vi in zip(g, v))
    fd = (gp_at(h) - gp_at(-h)) / (2 * h)
    assert directional == pytest.approx(fd, rel=1e-5)


# ---------------------------------------------------------------------------------------- training
GRAD_EVALS_PER_STEP = {"adam": None, "gda": None, "eg": 2, "ogda": 1, "seg_plus": 2}


@pytest.mark.parametrize("loss", list(wgan.LOSSES))
@pytest.mark.parametrize("opt", wgan.OPTS)
def test_every_loss_and_optimizer_runs_in_the_smoke_profile(tmp_path, loss, opt):
    cfg = _tiny(loss, opt)
    summary = wgan.train(cfg, tmp_path, progress=False)
    per_step = GRAD_EVALS_PER_STEP[opt] or cfg.n_critic + 1     # alternating: n_critic + 1 closure calls
    assert summary["grad_evals"] == cfg.iters * per_step
    records = read_jsonl(tmp_path / "metrics.jsonl")
    assert [r["iter"] for r in records] == [1, 2]
    assert all(np.isfinite([r["loss_g"], r["loss_d"]]).all() for r in records)
    assert summary["fd_classifier"] >= 0 and summary["swd"] > 0
    png = tmp_path / "samples" / "iter_000002.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert load_checkpoint(tmp_path / "last.pt")["iter"] == 2


@pytest.mark.parametrize(("loss", "opt"), [("sn_hinge", "eg"), ("wgan_clip", "adam")])
def test_resnet_architecture_trains(tmp_path, loss, opt):
    """The SN-GAN ResNets (no batch norm in the critic, whatever the loss's DCGAN default)."""
    cfg = _tiny(loss, opt, arch="resnet", width=4)
    summary = wgan.train(cfg, tmp_path, progress=False)
    assert summary["grad_evals"] == cfg.iters * (2 if opt == "eg" else cfg.n_critic + 1)
    assert np.isfinite(summary["fd_classifier"])


def test_fid_flag_uses_the_inception_extractor(tmp_path, monkeypatch, capsys):
    """The --fid plumbing with a stand-in extractor (the real one needs the optional 81 MB wheel)."""
    class MeanColour(torch.nn.Module):
        def __init__(self, *, device="cpu"):
            super().__init__()

        def forward(self, x):
            return x.mean(dim=(2, 3))

    monkeypatch.setattr(wgan.quality, "InceptionFeatures", MeanColour)
    summary = wgan.main(["--profile", "smoke", "--iters", "1", "--out", str(tmp_path), "--fid",
                         "--no-progress"])
    assert summary["fid"] > 0 and '"fid"' in capsys.readouterr().out
    assert json.loads((tmp_path / "summary.json").read_text())["fid"] == summary["fid"]


@pytest.mark.parametrize("opt", ["adam", "eg"])
def test_weight_clipping_holds_during_training(tmp_path, opt):
    c = wgan.LOSSES["wgan_clip"].clip
    seen = []
    wgan.train(_tiny("wgan_clip", opt, iters=3), tmp_path, progress=False,
               on_step=lambda k, o: seen.append(max(p.detach().abs().max().item() for p in o.params_d)))
    assert len(seen) == 3 and max(seen) <= c


@pytest.mark.parametrize(("opt", "lr_d"), [("adam", None), ("seg_plus", 0.01)])
def test_spectral_normalization_holds_during_training(tmp_path, opt, lr_d):
    """σ_max(W / σ̂) for every normalized weight, σ̂ = uᵀWv the power-iteration estimate the critic used.

    One power iteration per forward tracks σ while the weights move slowly; with the plain-gradient
    step lr_d = 0.1 of the full profile the estimate lags by tens of percent in the first steps."""
    def sigmas(k, o):
        for layer in (m for m in o.critic.modules() if hasattr(m, "parametrizations")):
            par = layer.parametrizations.weight
            W = par.original.detach().flatten(1)
            u, v = par[0]._u, par[0]._v
            seen.append(float(torch.linalg.matrix_norm(W, ord=2) / (u @ W @ v)))

    seen: list[float] = []
    wgan.train(_tiny("sn_hinge", opt, iters=3, lr_d=lr_d), tmp_path, progress=False, on_step=sigmas)
    assert len(seen) == 3 * 4 and max(abs(s - 1) for s in seen) < 0.05


def _final_state(out: Path) -> dict:
    state = load_checkpoint(out / "last.pt")
    return {"G": state["G"], "D": state["D"], "ema": state["ema"]}


def _assert_same_state(a: dict, b: dict) -> None:
    for part in a:
        assert a[part].keys() == b[part].keys()
        for key in a[part]:
            assert torch.equal(a[part][key], b[part][key]), f"{part}.{key} differs"


def _losses(out: Path) -> list:
    return [(r["iter"], r["loss_g"], r["loss_d"]) for r in read_jsonl(out / "metrics.jsonl")]


KILL_SCRIPT = """
import os, signal, sys
from course_lib.labs import wgan
cfg = wgan.make_config("wgan_gp", "adam", "smoke", iters=6, ckpt_every=2)
kill = lambda k, opt: os.kill(os.getpid(), signal.SIGKILL) if k == 5 else None   # mid-way, after ckpt 4
wgan.train(cfg, sys.argv[1], progress=False, on_step=kill)
"""


def test_kill_9_then_resume_gives_the_uninterrupted_final_state(tmp_path):
    reference = wgan.train(wgan.make_config("wgan_gp", "adam", "smoke", iters=6, ckpt_every=2),
                           tmp_path / "ref", progress=False)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    killed = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(tmp_path / "run")], env=env, cwd=ROOT)
    assert killed.returncode == -signal.SIGKILL
    assert load_checkpoint(tmp_path / "run" / "last.pt")["iter"] == 4
    cli = [sys.executable, "-m", "course_lib.labs.wgan", "--profile", "smoke", "--iters", "6",
           "--ckpt-every", "2", "--out", str(tmp_path / "run"), "--resume", "--no-progress"]
    done = subprocess.run(cli, env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1])["fd_classifier"] == reference["fd_classifier"]
    _assert_same_state(_final_state(tmp_path / "ref"), _final_state(tmp_path / "run"))
    assert _losses(tmp_path / "ref") == _losses(tmp_path / "run")


def test_resume_restores_ogda_memory_and_spectral_norm_vectors(tmp_path):
    full = _tiny("sn_hinge", "ogda", iters=4, eval_every=4, ckpt_every=2)
    wgan.train(full, tmp_path / "ref", progress=False)
    half = _tiny("sn_hinge", "ogda", iters=2, eval_every=4, ckpt_every=2)
    wgan.train(half, tmp_path / "run", progress=False)
    wgan.train(full, tmp_path / "run", progress=False, resume=True)
    _assert_same_state(_final_state(tmp_path / "ref"), _final_state(tmp_path / "run"))
    assert _losses(tmp_path / "ref") == _losses(tmp_path / "run")


# --------------------------------------------------------------------------------------------- CLI
def test_config_profiles_follow_the_published_recipe():
    full = wgan.make_config("wgan_gp", "adam", "full")
    assert (full.gp_weight, full.n_critic, full.batch_size, full.lr_g, full.lr_d, full.betas, full.width) == \
        (10.0, 5, 64, 1e-4, 1e-4, (0.5, 0.9), 128)
    assert wgan.make_config("sn_hinge", "eg", "full").n_critic == 1
    assert wgan.make_config("wgan_gp", "adam", "smoke", iters=3).iters == 3


def test_bad_arguments_give_one_line_errors(tmp_path, capsys):
    with pytest.raises(ValueError, match="n_critic"):
        wgan.make_config("wgan_gp", "eg", "smoke", n_critic=5)
    with pytest.raises(ValueError, match="iters"):
        wgan.make_config("wgan_gp", "adam", "smoke", iters=0)
    with pytest.raises(SystemExit) as exit_info:
        wgan.main(["--profile", "full", "--out", str(tmp_path / "x")])
    assert exit_info.value.code == 2 and "--data" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        wgan.main(["--loss", "wgan_lp"])
    assert "invalid choice" in capsys.readouterr().err


def test_an_existing_run_is_not_overwritten_without_resume(tmp_path, capsys):
    wgan.main(["--profile", "smoke", "--iters", "1", "--out", str(tmp_path), "--no-progress"])
    with pytest.raises(SystemExit) as exit_info:
        wgan.main(["--profile", "smoke", "--iters", "1", "--out", str(tmp_path), "--no-progress"])
    assert exit_info.value.code == 2 and "--resume" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:      # resuming with other settings is refused
        wgan.main(["--profile", "smoke", "--iters", "2", "--lr-g", "0.5", "--out", str(tmp_path), "--resume"])
    assert exit_info.value.code == 2 and "lr_g" in capsys.readouterr().err


def test_loss_and_optimizer_accept_the_older_spellings(tmp_path):
    a = wgan._parser().parse_args(["--loss", "wgan-gp", "--opt", "seg+"])
    assert (a.loss, a.opt) == ("wgan_gp", "seg_plus")
    assert wgan._parser().parse_args(["--loss", "SN-hinge"]).loss == "sn_hinge"
    cfg = wgan.make_config("wgan-gp", "seg+", "smoke")
    assert (cfg.loss, cfg.opt) == ("wgan_gp", "seg_plus")
    from course_lib.labs import checkpoints as ck

    ck.check_same_run({**dataclasses.asdict(cfg), "loss": "wgan-gp", "opt": "seg+"}, cfg)   # an older run
    with pytest.raises(ValueError, match="lr_g"):
        ck.check_same_run(dataclasses.asdict(cfg), dataclasses.replace(cfg, lr_g=1.0))


def test_the_lab_and_the_lecture_share_the_gan_iteration():
    """labs.wgan's oracle is gans.training.game_oracle: same losses as the hand-written game."""
    from course_lib.gans.losses import critic_loss, generator_loss
    from course_lib.labs import device

    cfg = _tiny()
    rt = device.make_runtime("cpu", "fp32")
    torch.manual_seed(0)
    G, D = dcgan.build_gan("dcgan", z_dim=cfg.z_dim, width=cfg.width)
    x = torch.randint(0, 256, (20, 3, 32, 32), dtype=torch.uint8)
    torch.manual_seed(1)
    got = wgan.game_oracle(cfg, G, D, x, rt)()
    torch.manual_seed(1)
    real = x[torch.randint(len(x), (cfg.batch_size,))].float() / 255 * 2 - 1
    fake = G(torch.randn(cfg.batch_size, cfg.z_dim))
    want = (generator_loss("wgan-gp", D, fake),
            critic_loss("wgan-gp", D, real, fake, gp_weight=cfg.gp_weight))
    torch.testing.assert_close(got[0], want[0])
    torch.testing.assert_close(got[1], want[1], rtol=1e-4, atol=1e-5)
