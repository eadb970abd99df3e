"""The ``--profile full`` configurations exercised on the CPU: each lab's full recipe with its full model
and full batch size, for 2 training steps on tiny fake CIFAR-10 (official on-disk format); only the number
of steps and the evaluation sizes are cut."""

from __future__ import annotations

import dataclasses
import math

from course_lib import labs as rt
from course_lib.data import cifar10
from course_lib.labs import at, wgan


def test_lab1_full_profile_fgsm_rs_two_steps_on_the_cpu(tmp_path):
    full = at.make_config("fgsm_rs", "full")
    cfg = at.make_config("fgsm_rs", "full", epochs=1, max_batches=2, eval_size=4, eval_steps=1, final_steps=1,
                         final_restarts=1, beta_size=2)
    same = ("arch", "width", "batch_size", "activation", "norm", "lr", "momentum", "weight_decay", "eps",
            "schedule")
    assert {k: getattr(cfg, k) for k in same} == {k: getattr(full, k) for k in same}
    assert (cfg.arch, cfg.width, cfg.batch_size) == ("preact18", 64, 128)
    cifar10.write_fake_cifar10(tmp_path / "data", n_train=2 * cfg.batch_size, n_test=8, seed=0)
    final = at.train(cfg, data=str(tmp_path / "data"), out=tmp_path / "run", device="cpu", progress=False,
                     autoattack=False)
    log = rt.read_jsonl(tmp_path / "run" / "metrics.jsonl")
    epoch = next(r for r in log if r.get("epoch") == 1 and "train_loss" in r)
    assert math.isfinite(epoch["train_loss"]) and final["final"] and 0 <= final["pgd"] <= 1
    start = next(r for r in log if r.get("event") == "start")
    assert start["config"]["profile"] == "full" and start["config"]["batch_size"] == 128
    state = rt.load_checkpoint(tmp_path / "run" / "last.pt")
    assert sum(v.numel() for v in state["model"].values()) > 11_000_000        # PreActResNet-18: 11.2M


def test_lab2_full_profile_wgan_gp_two_steps_on_the_cpu(tmp_path):
    full = wgan.make_config("wgan_gp", "adam", "full")
    cfg = wgan.make_config("wgan_gp", "adam", "full", iters=2, log_every=1, eval_every=2, sample_every=2,
                           ckpt_every=2, n_eval=16, classifier_epochs=1, device="cpu")
    cut = {"iters", "log_every", "eval_every", "sample_every", "ckpt_every", "n_eval", "classifier_epochs",
           "device"}
    assert {k: v for k, v in dataclasses.asdict(cfg).items() if k not in cut} == \
        {k: v for k, v in dataclasses.asdict(full).items() if k not in cut}
    assert (cfg.width, cfg.batch_size, cfg.n_critic, cfg.z_dim) == (128, 64, 5, 128)
    cifar10.write_fake_cifar10(tmp_path / "data", n_train=128, n_test=16, seed=0)
    summary = wgan.train(cfg, tmp_path / "run", data=tmp_path / "data", progress=False)
    assert summary["iter"] == 2 and math.isfinite(summary["loss_d"])
    assert math.isfinite(summary["fd_classifier"])
    assert (tmp_path / "run" / "samples" / "iter_000002.png").is_file()
    state = rt.load_checkpoint(tmp_path / "run" / "last.pt")
    assert state["iter"] == 2 and state["config"]["profile"] == "full"
