"""The GPU labs fail loudly and safely: defaults that train for every loss × optimizer of lab 2, a
divergence guard (one line, an event in metrics.jsonl, last.pt kept and resumable), --resume that means
resume, data errors that name the file and the fix, and the AutoAttack / DDP-seed defects."""

from __future__ import annotations

import math
import pickle
import shutil

import numpy as np
import pytest
import torch

from course_lib import labs as rt
from course_lib.data import cifar10
from course_lib.labs import at, wgan

from .test_lab_at import TINY


# ------------------------------------------------------------------- 1. lab 2 defaults train everywhere
def test_every_loss_and_optimizer_trains_on_its_defaults_in_the_smoke_profile(tmp_path):
    """All 4 × 5 combinations with the profile's own step sizes (6 iterations; wgan_gp with a game
    optimizer used to reach NaN at iteration 4-5). The FD classifier is trained once and shared."""
    classifier = None
    for loss in wgan.LOSSES:
        for opt in wgan.OPTS:
            out = tmp_path / f"{loss}-{opt}"
            if classifier is not None:
                out.mkdir()
                shutil.copy(classifier, out / "classifier.pt")
            cfg = wgan.make_config(loss, opt, "smoke")
            summary = wgan.train(cfg, out, progress=False)
            classifier = out / "classifier.pt"
            records = rt.read_jsonl(out / "metrics.jsonl")
            assert [r["iter"] for r in records] == list(range(1, cfg.iters + 1)), (loss, opt)
            values = [r[k] for r in records for k in ("loss_g", "loss_d", "fd_classifier", "swd") if k in r]
            assert np.isfinite(values).all(), (loss, opt, values)
            assert np.isfinite(summary["fd_classifier"]), (loss, opt)


def test_game_step_sizes_are_per_loss():
    for loss in wgan.LOSSES:
        for opt in ("gda", "eg", "ogda", "seg_plus"):
            cfg = wgan.make_config(loss, opt, "full")
            assert (cfg.lr_g, cfg.lr_d) == wgan.GAME_LR[loss]
    assert wgan.GAME_LR["wgan_gp"] != wgan.GAME_LR["sn_hinge"]


# ----------------------------------------------------------------------------- 2. divergence guard
def test_wgan_divergence_stops_at_the_step_logs_it_and_keeps_last_pt(tmp_path):
    cfg = wgan.make_config("wgan_gp", "eg", "smoke")   # eg reads opt.lr_g/lr_d each step

    def explode(k, opt):             # a huge step size from iteration 3 on (after the checkpoint at 2)
        if k == 2:
            opt.lr_g = opt.lr_d = 1e12

    with pytest.raises(rt.DivergenceError) as exc:
        wgan.train(cfg, tmp_path, progress=False, on_step=explode)
    msg = str(exc.value)
    assert "\n" not in msg and "iteration 3" in msg and "--lr-d" in msg and "--lr-g" in msg
    assert "last finite values (iteration 2)" in msg and "last.pt (iteration 2) is kept" in msg
    event = rt.read_jsonl(tmp_path / "metrics.jsonl")[-1]
    assert event["event"] == "diverged" and event["iter"] == 3
    assert all(math.isfinite(v) for v in event["last_finite"].values())
    state = rt.load_checkpoint(tmp_path / "last.pt")
    assert state["iter"] == 2
    assert all(torch.isfinite(t).all() for t in state["G"].values() if t.is_floating_point())
    summary = wgan.train(cfg, tmp_path, progress=False, resume=True)      # resumable from there
    assert summary["iter"] == cfg.iters and np.isfinite(summary["fd_classifier"])


def test_wgan_cli_exits_nonzero_with_one_line_on_divergence(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        wgan.main(["--profile", "smoke", "--opt", "eg", "--lr-g", "1e6", "--lr-d", "1e6", "--no-progress",
                   "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert exc.value.code == rt.DIVERGED_EXIT_CODE and err.count("\n") == 1
    assert "diverged at iteration 1" in err and "--lr-d" in err
    assert not (tmp_path / "last.pt").exists()


def test_lab1_divergence_stops_logs_and_keeps_the_previous_epoch(tmp_path, monkeypatch, one_thread):
    from course_lib.robust.base import Wrapper

    cfg = at.make_config("clean", "smoke", **{**TINY, "epochs": 2, "max_batches": 2})
    make_method = at.make_method

    class HugeStepAt3(Wrapper):         # step 3 (the first of epoch 2) with the learning rate × 1e30
        def __init__(self, inner):
            self.inner, self.n = inner, 0

        def step(self, model, x, y, opt):
            self.n += 1
            scale = 1e30 if self.n == 3 else 1.0
            for g in opt.param_groups:
                g["lr"] *= scale
            loss = self.inner.step(model, x, y, opt)
            for g in opt.param_groups:
                g["lr"] /= scale
            return loss

    monkeypatch.setattr(at, "make_method", lambda c: HugeStepAt3(make_method(c)))
    with pytest.raises(rt.DivergenceError) as exc:
        at.train(cfg, out=tmp_path, progress=False)
    msg = str(exc.value)
    assert "\n" not in msg and "--lr" in msg and "last.pt (epoch 1) is kept" in msg
    event = rt.read_jsonl(tmp_path / "metrics.jsonl")[-1]
    assert event["event"] == "diverged" and event["epoch"] == 2 and event["step"] == 4
    assert rt.load_checkpoint(tmp_path / "last.pt")["epoch"] == 1
    monkeypatch.undo()
    final = at.train(cfg, out=tmp_path, progress=False, resume=True)
    assert final["final"] and 0 <= final["clean"] <= 1


def test_robust_fit_raises_on_a_non_finite_loss():
    from course_lib.robust.methods import AdversarialMethod
    from course_lib.robust.training import fit

    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))
    x, y = torch.randn(32, 4), torch.randint(0, 3, (32,))
    with pytest.raises(rt.DivergenceError, match=r"diverged at step \d+ \(epoch \d\).*smaller lr"):
        fit(model, AdversarialMethod(), (x, y), epochs=3, lr=1e30, schedule="constant", progress=False)


# ------------------------------------------------------------------------------ 3. resume = resume
def test_resume_without_a_checkpoint_is_an_error_naming_the_folder(tmp_path, capsys, one_thread):
    empty = tmp_path / "nothing-here"
    with pytest.raises(SystemExit) as exc:
        wgan.main(["--profile", "smoke", "--resume", "--no-progress", "--out", str(empty)])
    assert exc.value.code == 2 and str(empty) in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        at.main(["--method", "clean", "--profile", "smoke", "--quiet", "--resume", "--out", str(empty)])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and str(empty) in err and err.count("\n") == 1


def test_resume_from_another_run_names_the_differing_settings(tmp_path, capsys, one_thread):
    wgan.train(wgan.make_config("wgan_gp", "adam", "smoke", iters=2), tmp_path / "w", progress=False)
    with pytest.raises(SystemExit) as exc:
        wgan.main(["--profile", "smoke", "--loss", "sn_hinge", "--resume", "--no-progress",
                   "--out", str(tmp_path / "w")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "loss: 'wgan_gp' → 'sn_hinge'" in err
    at.train(at.make_config("clean", "smoke", **TINY), out=tmp_path / "a", progress=False)
    with pytest.raises(SystemExit) as exc:
        at.main(["--method", "pgd", "--profile", "smoke", "--quiet", "--resume",
                 "--out", str(tmp_path / "a")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "method: 'clean' → 'pgd'" in err


# ----------------------------------------------------------------------------------------- 4. data
def test_truncated_batch_file_names_the_file_its_md5_and_the_fix(tmp_path):
    folder = cifar10.write_fake_cifar10(tmp_path, n_train=10, n_test=4)
    path = folder / "data_batch_3"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(cifar10.DataFileError) as exc:
        cifar10.load_cifar10(tmp_path, train=True)
    msg = str(exc.value)
    assert str(path) in msg and f"--download {tmp_path}" in msg
    assert cifar10.FILE_MD5["data_batch_3"] in msg and "truncated" in msg


def test_altered_batch_file_is_named(tmp_path):
    folder = cifar10.write_fake_cifar10(tmp_path, n_train=10, n_test=4)
    with open(folder / "test_batch", "wb") as f:
        pickle.dump({"data": np.zeros((4, 100), np.uint8), "labels": [0, 1, 2, 3]}, f)
    with pytest.raises(cifar10.DataFileError, match=r"test_batch.*\(4, 100\).*--download"):
        cifar10.load_cifar10(tmp_path, train=False)


def test_missing_split_names_what_is_missing(tmp_path):
    folder = cifar10.write_fake_cifar10(tmp_path, n_train=10, n_test=4)
    (folder / "test_batch").unlink()
    with pytest.raises(cifar10.DatasetNotFoundError, match=r"test split is missing \(test_batch"):
        cifar10.load_cifar10(tmp_path, train=True)


def test_lab_cli_reports_a_corrupt_data_file_in_one_line(tmp_path, capsys):
    folder = cifar10.write_fake_cifar10(tmp_path / "data", n_train=10, n_test=4)
    (folder / "data_batch_1").write_bytes(b"\x80\x02}q\x00")
    with pytest.raises(SystemExit) as exc:
        wgan.main(["--profile", "smoke", "--data", str(tmp_path / "data"), "--no-progress",
                   "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "data_batch_1" in err and "--download" in err


# --------------------------------------------------------------------------------------- 6. defects
def test_autoattack_runs_on_a_channels_last_model(monkeypatch):
    """pyautoattack's APGD-T calls .view(n, -1) on the input gradient: a channels_last model or input
    makes it raise; the final evaluation hands it NCHW-contiguous copies."""
    pyautoattack = pytest.importorskip("pyautoattack")
    real = pyautoattack.AutoAttack

    def apgd_t_only(model, **kw):                      # the failing attack only, with few iterations
        aa = real(model, **{**kw, "version": "custom", "attacks": ["apgd-t"]})
        aa.apgd_targeted.n_iter, aa.apgd_targeted.n_target_classes = 3, 2
        return aa

    monkeypatch.setattr(pyautoattack, "AutoAttack", apgd_t_only)
    torch.manual_seed(0)
    runtime = rt.Runtime(device=torch.device("cpu"), channels_last=True)
    model = runtime.prepare(at.make_model(at.make_config("clean", "smoke"))).eval()
    x = torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
    with torch.no_grad():
        y = model(runtime.images(x.float() / 255)).argmax(1)      # all correct: APGD-T attacks each one
    with pytest.raises(RuntimeError, match="view size"):        # what the old code did
        aa = apgd_t_only(model, norm="Linf", eps=8 / 255, device="cpu", seed=0)
        aa.run_standard_evaluation(runtime.images(x.float() / 255), y, batch_size=4)
    acc = at.autoattack_accuracy(model, x, y, 8 / 255, runtime)
    assert acc is not None and 0 <= acc <= 1
    assert any(not p.is_contiguous() for p in model.parameters() if p.dim() == 4)   # its layout is kept


def test_rank_seeds_go_through_effective_seed(monkeypatch):
    assert rt.rank_seed(5, 0) == 5 and rt.rank_seed(5, 1) == 6
    monkeypatch.setenv("COURSE_SEED_OFFSET", "10")
    assert rt.rank_seed(5, 1) == 16


def test_device_loader_augments_each_rank_differently_with_a_shared_permutation():
    x = torch.arange(8 * 3 * 32 * 32, dtype=torch.int64).remainder(251).to(torch.uint8).view(8, 3, 32, 32)
    r0, r1 = (cifar10.DeviceLoader(x, torch.arange(8), 4, train=True, seed=0, rank=r, world_size=2)
              for r in (0, 1))
    assert set(next(iter(r0))[1].tolist()).isdisjoint(next(iter(r1))[1].tolist())    # disjoint shards
    # the same images in the same order on both "ranks": only the augmentation stream differs
    same, other = (cifar10.DeviceLoader(x, torch.zeros(8, dtype=torch.int64), 8, train=True, seed=0, rank=r)
                   for r in (0, 1))
    other._indices = same._indices           # rank 1 with rank 0's batch: compare the crops and flips
    assert not torch.equal(next(iter(same))[0], next(iter(other))[0])
    rank0 = cifar10.DeviceLoader(x, torch.arange(8), 8, train=True, seed=0)
    assert torch.equal(next(iter(rank0))[0], next(iter(same))[0])     # one process: unchanged stream
