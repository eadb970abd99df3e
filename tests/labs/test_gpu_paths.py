"""The GPU paths of the labs, checked on the CPU: no host synchronisation per training step, lab 2's
oracle computing only what a player's step needs, an fp32 Wasserstein estimate, and the runtime's
choices (compile without dynamic shapes, one GPU per torchrun rank, native bf16 only, IEEE fp32
evaluation, no autograd graph for the verdicts, Inception weights loaded on their device)."""

from __future__ import annotations

import contextlib

import pytest
import torch
from torch import nn

from course_lib.data import cifar10
from course_lib.gans import losses
from course_lib.gans.optim import GameOptimizer
from course_lib.gans.training import game_oracle
from course_lib.labs import at, quality, wgan
from course_lib.labs import device as dv
from course_lib.robust.attacks import check_inputs
from course_lib.robust.base import Wrapper

from .test_lab_at import TINY


class Counted(torch.Tensor):
    """A tensor that counts the reads that make the host wait for the device (``float``, ``item``,
    ``bool``, ``tolist``); the results of operations on it are ``Counted`` too."""

    reads = 0

    def _read(self):
        type(self).reads += 1
        return self.as_subclass(torch.Tensor)

    def __float__(self):
        return float(self._read())

    def item(self):
        return self._read().item()

    def __bool__(self):
        return bool(self._read())

    def tolist(self):
        return self._read().tolist()


# --------------------------------------------------------------------------------- 8. host syncs
def test_the_lab_loop_reads_the_loss_a_few_times_per_epoch_not_once_per_step(tmp_path, monkeypatch,
                                                                                one_thread):
    """8 steps per epoch: the losses stay on the device (the divergence guard too) and are read at the
    end of the epoch only (its mean loss, the guard's check): at most 3 reads per epoch."""

    class CountedLoss(Wrapper):
        def __init__(self, inner):
            self.inner = inner

        def step(self, model, x, y, optimizer):
            return self.inner.step(model, x, y, optimizer).as_subclass(Counted)

    cfg = at.make_config("fgsm_rs", "smoke", **{**TINY, "epochs": 2, "batch_size": 8, "max_batches": None})
    Counted.reads = 0
    monkeypatch.setattr(at, "make_method", lambda c, make=at.make_method: CountedLoss(make(c)))
    at.train(cfg, out=tmp_path, progress=False)
    steps_per_epoch = 64 // 8
    assert 1 <= Counted.reads <= 3 * cfg.epochs < steps_per_epoch * cfg.epochs


def test_method_steps_return_the_loss_on_its_device_without_reading_it():
    from course_lib.robust.methods import PGDAT

    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 3))
    x, y = torch.rand(5, 3, 2, 2), torch.tensor([0, 1, 2, 0, 1])
    loss = PGDAT(eps=0.1, steps=2).step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.1))
    assert isinstance(loss, torch.Tensor) and loss.dim() == 0 and not loss.requires_grad
    assert float(loss) > 0


def test_attacks_check_the_pixel_range_without_reading_a_device_tensor():
    """On the CPU a pixel outside [0, 1] is refused; on another device the check would wait for it and
    is skipped (a meta tensor cannot be read at all: the call passing proves no read)."""
    y = torch.zeros(4, dtype=torch.long)
    with pytest.raises(ValueError, match=r"'x' must have all values in \[0, 1\]"):
        check_inputs(torch.full((4, 3), 1.5), y, 0.1)
    assert check_inputs(torch.empty(4, 3, device="meta"), y.to("meta"), 0.1) == 0.1


def test_crops_and_flips_are_drawn_on_the_images_device():
    x = torch.empty(4, 3, 32, 32, device="meta", dtype=torch.uint8)     # unreadable: nothing is copied
    out = cifar10.random_crop_flip(x)
    assert out.device.type == "meta" and out.shape == x.shape
    loader = cifar10.DeviceLoader(torch.zeros(16, 3, 32, 32, dtype=torch.uint8), torch.arange(16) % 10, 4,
                                  train=True)
    order, aug = loader.generators()
    assert order.device.type == "cpu" and aug.device == loader.x.device


def test_loader_batches_carry_their_indices_and_follow_a_given_order():
    x = torch.arange(12, dtype=torch.uint8).view(12, 1, 1, 1).expand(12, 3, 32, 32).contiguous()
    loader = cifar10.DeviceLoader(x, torch.arange(12) % 10, 4, train=False)
    batches = list(loader.batches([torch.tensor([5, 1, 3, 0]), torch.tensor([2, 2, 7, 8]),
                                   torch.tensor([9, 10, 11, 4]), torch.tensor([0, 0, 0, 0])]))
    assert len(batches) == len(loader) == 3                  # cut to the loader's length
    xb, yb, idx = batches[1]
    assert idx.tolist() == [2, 2, 7, 8] and (xb[:, 0, 0, 0] * 255).round().tolist() == [2, 2, 7, 8]
    assert yb.tolist() == [2, 2, 7, 8]


# ------------------------------------------------------------------------- 9. lab 2's oracle and W
def _tiny_gan(seed: int = 0):
    torch.manual_seed(seed)
    G = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
    D = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 1))
    g = torch.Generator().manual_seed(seed)
    return G, D, (lambda: torch.randn(16, 2, generator=g) + 3), (lambda: torch.randn(16, 2, generator=g))


@pytest.mark.parametrize("method, n_critic, penalties, g_graphs", [("adam", 5, 5, 1), ("eg", 1, 2, 2)])
def test_each_player_step_computes_only_its_own_loss(monkeypatch, method, n_critic, penalties, g_graphs):
    """Alternating adam with 5 critic steps: 5 gradient penalties (not 6) and one generator forward
    with a graph (not 6) per game step; a simultaneous method (EG: two oracle calls) needs both losses
    at each call."""
    G, D, real, noise = _tiny_gan()
    calls = {"gp": 0, "g_graph": 0}
    penalty = losses.gradient_penalty

    def counting_penalty(*a, **k):
        calls["gp"] += 1
        return penalty(*a, **k)

    G.register_forward_hook(lambda m, i, o: calls.__setitem__("g_graph", calls["g_graph"] + o.requires_grad))
    monkeypatch.setattr(losses, "gradient_penalty", counting_penalty)
    opt = GameOptimizer(G, D, method, lr_g=1e-3, lr_d=1e-3, alternating=method == "adam", n_critic=n_critic)
    loss_g, loss_d = opt.step(game_oracle(G, D, "wgan_gp", real, noise))
    assert (calls["gp"], calls["g_graph"]) == (penalties, g_graphs)
    assert loss_g.dtype == loss_d.dtype == torch.float32 and torch.isfinite(loss_g) and torch.isfinite(loss_d)


def test_closures_without_a_player_argument_still_work():
    G, D, real, noise = _tiny_gan()

    def closure():
        fake = G(noise())
        return losses.generator_loss("wgan", D, fake), losses.critic_loss("wgan", D, real(), fake)

    opt = GameOptimizer(G, D, "adam", alternating=True, n_critic=2)
    assert all(torch.isfinite(v) for v in opt.step(closure)) and opt.grad_evals == 3


def test_the_wasserstein_estimate_is_averaged_in_fp32_under_bf16_autocast():
    """The critic's outputs are bf16 under autocast; their mean is taken in fp32 (bf16 keeps ~3 digits:
    the bf16 mean of these 4096 values differs from the fp32 one by more than 1e-3 relative)."""
    torch.manual_seed(0)
    critic = nn.Linear(8, 1)
    fake = torch.randn(4096, 8)
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        out = critic(fake)
        loss = losses.generator_loss("wgan", critic, fake)
        bf16_mean = -out.mean()
    exact = float(-out.float().mean())
    assert out.dtype == bf16_mean.dtype == torch.bfloat16 and loss.dtype == torch.float32
    assert abs(float(bf16_mean) - exact) > 1e-3 * abs(exact)
    assert abs(float(loss) - exact) <= 1e-6 * abs(exact)


@pytest.mark.parametrize("profile, flag, expected", [("smoke", None, True), ("full", None, False),
                                                      ("full", True, True), ("smoke", False, False)])
def test_lab2_uses_deterministic_kernels_in_the_smoke_profile_or_when_asked(monkeypatch, tmp_path, profile,
                                                                           flag, expected):
    seen = []

    class Stop(Exception):
        pass

    def record(seed, *, deterministic=True):
        seen.append(deterministic)
        raise Stop

    monkeypatch.setattr(wgan.rng_, "seed_all", record)
    monkeypatch.setattr(wgan.dv, "make_runtime", lambda *a, **k: dv.Runtime(device=torch.device("cpu")))
    cfg = wgan.make_config("sn_hinge", "adam", profile, deterministic=flag, device="cpu", precision="fp32")
    with pytest.raises(Stop):
        wgan._train(cfg, tmp_path, None, False, False, None)
    assert seen == [expected]
    assert "--deterministic" in wgan._parser().format_help()


# -------------------------------------------------------------------------------------- 10. risks
def test_compiled_models_have_static_shapes(monkeypatch):
    seen = {}
    monkeypatch.setattr(torch, "compile", lambda model, **kw: seen.update(kw) or model)
    dv.Runtime(device=torch.device("cpu"), compile=True).prepare(nn.Linear(2, 2))
    assert seen == {"dynamic": False}


def test_an_explicit_gpu_index_under_torchrun_is_refused():
    under_torchrun = r"'device' is 'cuda:0' under torchrun \(4 processes\).*--device cuda"
    with pytest.raises(ValueError, match=under_torchrun):
        dv.choose_device("cuda:0", local_rank=2, world_size=4)


def test_emulated_bf16_counts_as_no_bf16(monkeypatch):
    """A V100 or T4 reports bf16 support through emulation only: auto precision must pick fp32 there."""
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: including_emulation)
    assert not dv.native_bf16(torch.device("cuda:0"))
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda including_emulation=True: True)
    assert dv.native_bf16(torch.device("cuda:0")) and not dv.native_bf16(torch.device("cpu"))


def test_exact_fp32_turns_tf32_off_inside_and_restores_it():
    knobs = (torch.backends.cudnn.conv, torch.backends.cuda.matmul)
    before = [k.fp32_precision for k in knobs]
    with dv.exact_fp32():
        assert [k.fp32_precision for k in knobs] == ["ieee", "ieee"]
    assert [k.fp32_precision for k in knobs] == before
    with contextlib.suppress(RuntimeError), dv.exact_fp32():
        raise RuntimeError
    assert [k.fp32_precision for k in knobs] == before


def test_evaluation_runs_in_exact_fp32_and_builds_graphs_only_for_the_attacks(one_thread):
    """Every forward of the evaluation runs with TF32 off; a forward with autograd on is an attack's
    (its input requires a gradient), never a verdict's."""
    cfg = at.make_config("clean", "smoke", **TINY)
    model = at.make_model(cfg)
    forwards = []
    model.register_forward_pre_hook(lambda m, inp: forwards.append(
        (torch.is_grad_enabled(), inp[0].requires_grad, torch.backends.cudnn.conv.fp32_precision)))
    x = torch.randint(0, 256, (8, 3, 32, 32), dtype=torch.uint8)
    out = at.evaluate(model, x, torch.arange(8) % 10, cfg, dv.Runtime(device=torch.device("cpu")), steps=2,
                      restarts=1, size=8, beta_size=4)
    assert set(out) >= {"clean", "fgsm", "pgd", "beta"} and len(forwards) > 4
    assert all(prec == "ieee" for *_, prec in forwards)
    assert all(needs_grad for grad_on, needs_grad, _ in forwards if grad_on)


def test_inception_weights_are_loaded_onto_the_requested_device(monkeypatch, tmp_path):
    seen = {}
    path = tmp_path / "inception.pt"
    path.write_bytes(b"not read")
    monkeypatch.setattr(torch.jit, "load",
                        lambda p, map_location=None: seen.update(at=map_location) or nn.Identity())
    quality.InceptionFeatures(path, device="meta")
    assert seen == {"at": "meta"}
