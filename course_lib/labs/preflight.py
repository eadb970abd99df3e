"""Preflight for the GPU labs: ``python -m course_lib.labs.preflight`` (the first command on a new machine).

On a CUDA machine, in about two minutes, it checks what the labs rely on: bf16 autocast forward and
backward, channels_last, ``torch.compile`` of PreActResNet-18 against eager mode, the gradient penalty's
double backward under autocast, GPU-resident loading and augmentation (``cifar10.DeviceLoader`` on fake
data), NCCL over the visible GPUs (more than one), and peak GPU memory; then it times a few hundred steps
of each lab's main recipe (lab 1: FGSM-RS step of PreActResNet-18, batch 128; lab 2: WGAN-GP Adam step,
5 critic steps, batch 64) and prints the estimated wall time of the full recipes beside the README's.

Without CUDA it runs the checks that are valid on a CPU (a few steps of each recipe, at the full model
size and batch) and reports every check it could not run as ``SKIP`` with the reason. Output: one line
per check, ``PASS|FAIL|SKIP name: detail``, then the environment, then
``preflight: N passed, M failed, K skipped``; the exit status is 1 when a check failed. Paste the whole
output into a bug report.
"""

from __future__ import annotations

import argparse
import copy
import math
import os
import resource
import socket
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F

from course_lib.data import cifar10
from course_lib.labs import device as rt_
from course_lib.seeding import seed_everything, torch_generator

CUDA_ONLY = "needs a CUDA GPU"
# Tolerances of the numerical comparisons, relative to max |reference logits| (or ‖reference gradient‖).
# torch.compile vs eager in the lab's precision, (logits, gradients): the compiled graph rounds and reduces
# in another order (measured on a CPU in fp32: logits 3e-6, gradients 3e-3, through 18 BatchNorm backwards);
# a broken kernel is off by O(1).
TOL_COMPILE = {"fp32": (1e-3, 1e-2), "bf16": (1e-1, 1e-1)}
TOL_BF16 = 5e-2                                # bf16 autocast vs fp32 (logits and gradient penalty)
TOL_LAYOUT = 1e-4                              # channels_last vs NCHW, fp32 without TF32
# The README's estimates (section "GPU labs"), printed beside the measured ones.
README_LAB1 = "README: 1–2 min training + 5–10 min final PGD-50×10 on one modern GPU"
README_LAB2 = ("README: 10–30 min per 100k steps for the DCGAN nets with one critic step, 1–1.5 h for "
               "ResNets with 5; this recipe takes 5 critic steps with a double backward each")


class Skipped(Exception):
    """A check that cannot run here; the message says why."""


@dataclass
class Result:
    status: str          # "PASS", "FAIL" or "SKIP"
    name: str
    detail: str

    def line(self) -> str:
        return f"{self.status} {self.name}: {self.detail}"


def _rel(a: torch.Tensor, b: torch.Tensor) -> float:
    """max |a − b| / max(max |b|, 1e-12), in fp32."""
    a, b = a.detach().float(), b.detach().float()
    return float((a - b).abs().max() / b.abs().max().clamp_min(1e-12))


def _rel_norm(a: list[torch.Tensor], b: list[torch.Tensor]) -> float:
    """‖a − b‖ / ‖b‖ over lists of tensors (gradients)."""
    num = math.sqrt(sum(float((x.float() - y.float()).square().sum()) for x, y in zip(a, b)))
    den = math.sqrt(sum(float(y.float().square().sum()) for y in b))
    return num / max(den, 1e-12)


def _fmt_time(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.1f} min"
    return f"{seconds / 3600:.1f} h"


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.2f} GiB"


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


# --------------------------------------------------------------------------------------------- NCCL
def _nccl_worker(rank: int, world_size: int, port: int) -> None:
    import torch.distributed as dist

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", rank=rank, world_size=world_size)
    try:
        t = torch.full((1,), float(rank + 1), device=f"cuda:{rank}")
        dist.all_reduce(t)
        want = world_size * (world_size + 1) / 2
        if float(t) != want:
            raise RuntimeError(f"all_reduce gave {float(t)} on rank {rank}, expected {want}")
        dist.barrier()
    finally:
        dist.destroy_process_group()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# ------------------------------------------------------------------------------------------ checks
class Preflight:
    """Runs the checks in order and prints one line per check as it finishes."""

    def __init__(self, device: str = "auto", *, steps: int | None = None, warmup: int | None = None,
                 cpu_compile: bool = False, out: Any = None) -> None:
        self.out = out or sys.stdout
        self.results: list[Result] = []
        self.requested = device
        self.cuda = torch.cuda.is_available() and device != "cpu"
        self.steps = steps if steps is not None else (200 if self.cuda else 2)
        self.warmup = warmup if warmup is not None else (10 if self.cuda else 1)
        self.cpu_compile = cpu_compile
        self.rt: rt_.Runtime | None = None
        self.lab1_model: torch.nn.Module | None = None     # compiled once, by the compile check

    # ---- bookkeeping
    def run(self, name: str, fn: Callable[[], str]) -> Result:
        try:
            result = Result("PASS", name, fn())
        except Skipped as why:
            result = Result("SKIP", name, str(why))
        except Exception as err:                                    # noqa: BLE001 - reported, not hidden
            msg = str(err).strip().splitlines()[0][:300] if str(err).strip() else ""
            result = Result("FAIL", name, f"{type(err).__name__}: {msg}")
        self.results.append(result)
        print(result.line(), file=self.out, flush=True)
        return result

    def need_cuda(self, what: str = "") -> None:
        if not self.cuda:
            raise Skipped(f"{CUDA_ONLY} ({self._no_cuda_reason()}){'; ' + what if what else ''}")

    def _no_cuda_reason(self) -> str:
        if self.requested == "cpu":
            return "--device cpu was given"
        if torch.version.cuda is None:
            return f"torch {torch.__version__} is a CPU-only build"
        return "torch.cuda.is_available() is False: no GPU visible or the driver is missing"

    @property
    def device(self) -> torch.device:
        assert self.rt is not None
        return self.rt.device

    def all(self) -> list[Result]:
        self.run("device", self.check_device)
        if self.rt is None:                          # no usable device: nothing else can run
            return self.results
        seed_everything(0)
        if self.cuda:
            torch.cuda.reset_peak_memory_stats(self.device)
        self.run("bf16_autocast", self.check_bf16)
        self.run("channels_last", self.check_channels_last)
        self.run("compile_vs_eager", self.check_compile)
        self.run("gradient_penalty_double_backward", self.check_gradient_penalty)
        self.run("device_loader", self.check_device_loader)
        self.run("nccl", self.check_nccl)
        self.run("lab1_fgsm_rs_speed", self.time_lab1)
        self.run("lab2_wgan_gp_speed", self.time_lab2)
        self.run("peak_memory", self.check_memory)
        return self.results

    # ---- the checks; each returns its PASS detail, raises Skipped, or raises (FAIL)
    def check_device(self) -> str:
        if self.requested.startswith("cuda") and not torch.cuda.is_available():
            raise RuntimeError(f"--device {self.requested}: {self._no_cuda_reason()}")
        self.rt = rt_.make_runtime("cpu" if not self.cuda else self.requested, "auto", compile="auto")
        rt = self.rt
        what = f"precision {rt.precision}, channels_last {rt.channels_last}, compile {rt.compile}"
        if not self.cuda:
            return (f"cpu, {torch.get_num_threads()} threads; {what}; no CUDA ({self._no_cuda_reason()}): "
                    "the CUDA checks are skipped, the speed checks run a few steps on the CPU")
        p = torch.cuda.get_device_properties(rt.device)
        return (f"{rt.device}: {p.name}, compute capability {p.major}.{p.minor}, {_gib(p.total_memory)}, "
                f"{torch.cuda.device_count()} visible, CUDA {torch.version.cuda}, "
                f"cuDNN {torch.backends.cudnn.version()}; {what}")

    def _resnet(self) -> torch.nn.Module:
        from course_lib.models.preact_resnet import preact_resnet18

        return preact_resnet18().to(self.device)

    def _batch(self, n: int) -> tuple[torch.Tensor, torch.Tensor]:
        g = torch_generator(0)
        x = torch.rand(n, 3, 32, 32, generator=g).to(self.device)
        return x, torch.randint(0, 10, (n,), generator=g).to(self.device)

    def check_bf16(self) -> str:
        self.need_cuda("on the CPU the labs train in fp32")
        if not rt_.native_bf16(self.device):
            raise RuntimeError("this GPU has no native bf16 (only an emulation, e.g. V100, T4): the labs' "
                               "--precision auto picks fp32 there")
        model = self._resnet().to(memory_format=torch.channels_last)
        x, y = self._batch(128)
        x = x.contiguous(memory_format=torch.channels_last)
        model.eval()                            # eval mode: the batch does not change BN statistics
        with torch.no_grad(), rt_.exact_fp32():
            ref = model(x)
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
            err = _rel(model(x), ref)
        model.train()
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(x)
            loss = F.cross_entropy(logits.float(), y)
        loss.backward()
        grads = [p.grad for p in model.parameters()]
        if logits.dtype != torch.bfloat16:
            raise RuntimeError(f"autocast produced {logits.dtype} logits, expected bfloat16")
        if any(g is None or g.dtype != torch.float32 or not torch.isfinite(g).all() for g in grads):
            raise RuntimeError("a parameter gradient is missing, not fp32, or not finite under bf16 autocast")
        if err > TOL_BF16:
            raise RuntimeError(f"bf16 logits differ from fp32 by {err:.3g} (relative), tolerance {TOL_BF16}")
        return (f"PreActResNet-18, batch 128: bf16 logits, fp32 finite gradients; eval logits within "
                f"{err:.2g} of fp32 (tolerance {TOL_BF16}, relative to max |logits|)")

    def check_channels_last(self) -> str:
        n = 32 if self.cuda else 8
        model = self._resnet().eval()
        cl = copy.deepcopy(model).to(memory_format=torch.channels_last)
        x, y = self._batch(n)
        xc = x.contiguous(memory_format=torch.channels_last).requires_grad_(True)
        with rt_.exact_fp32():
            ref = model(x)
            out = cl(xc)
            F.cross_entropy(out, y).backward()
        conv = next(m for m in cl.modules() if isinstance(m, torch.nn.Conv2d))
        if not conv.weight.is_contiguous(memory_format=torch.channels_last):
            raise RuntimeError("the model's conv weights are not channels_last after .to(channels_last)")
        err = _rel(out, ref)
        if err > TOL_LAYOUT or xc.grad is None or not torch.isfinite(xc.grad).all():
            raise RuntimeError(f"channels_last logits differ from NCHW by {err:.3g} (tolerance {TOL_LAYOUT}) "
                               "or the input gradient is not finite")
        used = "used by the labs" if self.rt and self.rt.channels_last else "not used by the labs here"
        return (f"PreActResNet-18, batch {n}, fp32 on {self.device}: logits within {err:.2g} of NCHW "
                f"(tolerance {TOL_LAYOUT}), finite input gradient ({used})")

    def check_compile(self) -> str:
        if not self.cuda and not self.cpu_compile:
            raise Skipped(f"{CUDA_ONLY} ({self._no_cuda_reason()}): the labs compile only on CUDA; "
                          "--cpu-compile runs this comparison on the CPU too (needs a C++ compiler)")
        from course_lib.labs import at

        cfg = at.make_config("fgsm_rs", "full")
        rt = self.rt if self.cuda else rt_.make_runtime("cpu", "fp32", compile=True)
        assert rt is not None
        model = at.prepare_model(cfg, rt)        # the lab's model: channels_last, compiled
        eager = copy.deepcopy(rt_.unwrap(model))
        n = 128 if self.cuda else 16
        x, y = self._batch(n)
        x = rt.images(x)
        t0 = time.perf_counter()
        outs, grads = [], []
        for net in (model, eager):
            net.train()
            net.zero_grad(set_to_none=True)
            with rt.autocast():
                logits = net(x)
            F.cross_entropy(logits.float(), y).backward()
            outs.append(logits.detach())
            grads.append([p.grad.detach().clone() for p in rt_.unwrap(net).parameters()])
            if net is model:
                _sync(rt.device)
                compile_s = time.perf_counter() - t0
        tol_out, tol_grad = TOL_COMPILE[rt.precision]
        e_out, e_grad = _rel(outs[0], outs[1]), _rel_norm(grads[0], grads[1])
        if not (e_out <= tol_out and e_grad <= tol_grad):
            raise RuntimeError(f"compiled vs eager ({rt.precision}): logits differ by {e_out:.3g} (tolerance "
                               f"{tol_out}), gradients by {e_grad:.3g} (tolerance {tol_grad}), relative")
        if self.cuda:
            self.lab1_model = model                 # reused by the speed check: one compilation
        return (f"PreActResNet-18, batch {n}, train mode, {rt.precision}: logits within {e_out:.2g} "
                f"(tolerance {tol_out}), gradients within {e_grad:.2g} (tolerance {tol_grad}) of eager, "
                f"relative; first call (compile) {compile_s:.0f} s")

    def check_gradient_penalty(self) -> str:
        from course_lib.gans.losses import critic_loss, gradient_penalty, loss_kind
        from course_lib.models.dcgan import DCGANCritic

        wgan_kind = loss_kind("wgan_gp")

        assert self.rt is not None
        rt = self.rt
        critic = rt.prepare(DCGANCritic(128, norm="none"), ddp=False, compile_ok=False)
        g = torch_generator(1)
        n = 64 if self.cuda else 16
        real = rt.images(torch.rand(n, 3, 32, 32, generator=g) * 2 - 1)
        fake = rt.images(torch.rand(n, 3, 32, 32, generator=g) * 2 - 1)
        t = torch.rand(n, generator=g).to(rt.device)
        with rt.autocast():
            gp = gradient_penalty(critic, real, fake, t)
            gp_v = float(gp.detach())
            loss = critic_loss(wgan_kind, critic, real, fake, gp_weight=10.0)
        params = list(critic.parameters())
        grads = torch.autograd.grad(gp, params, retain_graph=True,     # the double backward itself
                                    allow_unused=True)                 # (the last bias has no effect)
        gnorm = math.sqrt(sum(float(x.float().square().sum()) for x in grads if x is not None))
        loss.backward()
        if not (math.isfinite(gp_v) and gnorm > 0 and math.isfinite(gnorm)
                and all(p.grad is not None and torch.isfinite(p.grad).all() for p in params)):
            raise RuntimeError(f"penalty {gp_v:.4g}, ‖∇_critic penalty‖ = {gnorm:.4g}: "
                               "not finite or zero (the double backward failed)")
        detail = ""
        if rt.precision == "bf16":
            with rt_.exact_fp32():
                gp32_v = float(gradient_penalty(critic, real, fake, t).detach())
            err = abs(gp_v - gp32_v) / max(abs(gp32_v), 1e-12)
            if err > TOL_BF16:
                raise RuntimeError(f"bf16 penalty {gp_v:.4g} vs fp32 {gp32_v:.4g}: relative "
                                   f"difference {err:.3g} > {TOL_BF16}")
            detail = f", within {err:.2g} of fp32 (tolerance {TOL_BF16})"
        return (f"DCGAN critic (width 128), batch {n}, {rt.precision}: penalty {gp_v:.4g}{detail}, "
                f"‖∇_critic penalty‖ = {gnorm:.3g}, finite critic-loss gradients")

    def check_device_loader(self) -> str:
        assert self.rt is not None
        rt = self.rt
        with tempfile.TemporaryDirectory(prefix="course-preflight-") as tmp:
            folder = cifar10.write_fake_cifar10(tmp, n_train=256, n_test=16, seed=0)
            x, y = cifar10.load_cifar10(folder.parent, train=True)
        loader = cifar10.DeviceLoader(x, y, 128, train=True, device=rt.device, seed=0,
                                      channels_last=rt.channels_last)
        loader.set_epoch(1)
        batches = list(loader)
        again = list(loader)
        loader.set_epoch(2)
        other = next(iter(loader))[0]
        if len(batches) != 2:
            raise RuntimeError(f"{len(batches)} batches from 256 images at batch 128, expected 2")
        xb, yb = batches[0]
        problems = []
        if xb.device != rt.device or yb.device != rt.device:
            problems.append(f"batches on {xb.device}, not {rt.device}")
        if xb.shape != (128, 3, 32, 32) or xb.dtype != torch.float32 or yb.dtype != torch.int64:
            problems.append(f"batch {tuple(xb.shape)} {xb.dtype} / {yb.dtype}")
        if not (0 <= float(xb.min()) and float(xb.max()) <= 1):
            problems.append("pixels outside [0, 1]")
        if rt.channels_last and not xb.is_contiguous(memory_format=torch.channels_last):
            problems.append("batches not channels_last")
        if not all(torch.equal(a[0], b[0]) for a, b in zip(batches, again)):
            problems.append("epoch 1 read twice gave other batches (a resume would differ)")
        if torch.equal(other, xb):
            problems.append("epoch 2 repeats epoch 1 (no shuffling or augmentation)")
        if problems:
            raise RuntimeError("; ".join(problems))
        layout = ", channels_last" if rt.channels_last else ""
        return (f"fake CIFAR-10 (official format) → uint8 on {rt.device}, crop+flip there: 2 batches "
                f"128×3×32×32 float32 in [0, 1]{layout}; epochs reproducible, epoch 2 differs")

    def check_nccl(self) -> str:
        self.need_cuda("NCCL is the GPU backend of torchrun runs")
        n = torch.cuda.device_count()
        if n < 2:
            raise Skipped(f"{n} GPU visible: NCCL is used only by torchrun over several GPUs")
        import torch.multiprocessing as mp

        t0 = time.perf_counter()
        ctx = mp.start_processes(_nccl_worker, args=(n, _free_port()), nprocs=n, join=False,
                                 start_method="spawn")
        deadline = time.time() + 120
        while not ctx.join(timeout=5):
            if time.time() > deadline:
                for p in ctx.processes:
                    if p.is_alive():
                        p.terminate()
                raise TimeoutError(f"NCCL init + all_reduce over {n} GPUs did not finish in 120 s "
                                   "(try NCCL_DEBUG=INFO, NCCL_P2P_DISABLE=1)")
        return f"process group over {n} GPUs, all_reduce correct, in {time.perf_counter() - t0:.1f} s"

    def _timed(self, step: Callable[[], Any]) -> float:
        """Seconds per step over ``self.steps`` steps after ``self.warmup`` (compilation, cuDNN autotune)."""
        for _ in range(self.warmup):
            step()
        _sync(self.device)
        t0 = time.perf_counter()
        for _ in range(self.steps):
            last = step()
        _sync(self.device)
        per = (time.perf_counter() - t0) / self.steps
        if not math.isfinite(float(last)):
            raise FloatingPointError(f"the last timed step's loss is {float(last)}")
        return per

    def _where(self, rt: rt_.Runtime) -> str:
        how = rt.precision + (", channels_last" if rt.channels_last else "")
        how += ", compiled" if rt.compile else ""
        return f"{'GPU' if self.cuda else 'CPU'} ({how}), {self.steps} steps after {self.warmup} warm-up"

    def time_lab1(self) -> str:
        from course_lib.labs import at

        assert self.rt is not None
        rt = self.rt
        cfg = at.make_config("fgsm_rs", "full")
        model = self.lab1_model if self.lab1_model is not None else at.prepare_model(cfg, rt)
        method = at.make_method(cfg)
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=cfg.momentum,
                              weight_decay=cfg.weight_decay)
        g = torch_generator(2)
        x = rt.images(torch.randint(0, 256, (cfg.batch_size, 3, 32, 32), generator=g).float().div(255))
        y = torch.randint(0, 10, (cfg.batch_size,), generator=g).to(rt.device)
        model.train()

        def step() -> float:
            with rt.autocast():
                return method.step(model, x, y, opt)

        per = self._timed(step)
        per_epoch = 50_000 // cfg.batch_size
        n_steps = cfg.epochs * per_epoch
        return (f"{per * 1000:.1f} ms/step, batch {cfg.batch_size}, on {self._where(rt)} → full recipe "
                f"{cfg.epochs} epochs × {per_epoch} = {n_steps} steps ≈ {_fmt_time(per * n_steps)} "
                f"training, without the per-epoch and final evaluations ({README_LAB1})")

    def time_lab2(self) -> str:
        from course_lib.gans.optim import GameOptimizer
        from course_lib.gans.training import game_step
        from course_lib.labs import wgan
        from course_lib.models import EMA, build_gan

        cfg = wgan.make_config("wgan_gp", "adam", "full", device="cpu" if not self.cuda else self.requested)
        rt = rt_.make_runtime(cfg.device, cfg.precision, compile=cfg.compile)
        spec = wgan.LOSSES[cfg.loss]
        G, D = build_gan(cfg.arch, z_dim=cfg.z_dim, width=cfg.width, spectral_norm=spec.spectral_norm,
                         critic_norm=spec.critic_norm)
        G = rt.prepare(G, ddp=False)
        D = rt.prepare(D, ddp=False, compile_ok=False)
        ema = EMA(rt_.unwrap(G), cfg.ema_beta)
        opt = GameOptimizer(G, D, cfg.opt, lr_g=cfg.lr_g, lr_d=cfg.lr_d, betas=cfg.betas,
                            n_critic=cfg.n_critic, alternating=True, clip=spec.clip)
        x_train = rt.images(torch.randint(0, 256, (1024, 3, 32, 32), generator=torch_generator(3),
                                          dtype=torch.uint8))

        closure = wgan.game_oracle(cfg, G, D, x_train, rt)      # the lab's own oracle

        def step() -> torch.Tensor:
            loss_g, loss_d = game_step(opt, closure)
            ema.update(rt_.unwrap(G))
            return loss_g + loss_d

        per = self._timed(step)
        return (f"{per * 1000:.1f} ms/step ({cfg.n_critic} critic + 1 generator updates, batch "
                f"{cfg.batch_size}, width {cfg.width}) on {self._where(rt)} → full recipe {cfg.iters} steps "
                f"≈ "
                f"{_fmt_time(per * cfg.iters)}, without evaluations ({README_LAB2})")

    def check_memory(self) -> str:
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * (1 if sys.platform == "darwin" else 1024)
        if not self.cuda:
            raise Skipped(f"{CUDA_ONLY} ({self._no_cuda_reason()}): GPU memory not measured; host peak RSS "
                          f"{_gib(rss)}")
        total = torch.cuda.get_device_properties(self.device).total_memory
        peak = torch.cuda.max_memory_allocated(self.device)
        reserved = torch.cuda.max_memory_reserved(self.device)
        if reserved > 0.95 * total:
            raise RuntimeError(f"peak reserved {_gib(reserved)} of {_gib(total)}: the labs' batches barely "
                               "fit; another process may hold GPU memory (nvidia-smi)")
        return (f"peak {_gib(peak)} allocated, {_gib(reserved)} reserved of {_gib(total)} over the checks "
                f"above; host peak RSS {_gib(rss)}")


# ------------------------------------------------------------------------------------------- main
def summary(results: list[Result]) -> str:
    count = {s: sum(r.status == s for r in results) for s in ("PASS", "FAIL", "SKIP")}
    return f"preflight: {count['PASS']} passed, {count['FAIL']} failed, {count['SKIP']} skipped"


def main(argv: list[str] | None = None, out: Any = None) -> int:
    """Run the preflight, print its report to ``out`` (stdout); returns the exit status (1 on a FAIL)."""
    p = argparse.ArgumentParser(prog="python -m course_lib.labs.preflight",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--device", default="auto", help="auto (default), cpu or cuda[:i]")
    p.add_argument("--steps", type=int, default=None,
                   help="timed steps per lab (default: 200 on CUDA, 2 on CPU)")
    p.add_argument("--warmup", type=int, default=None,
                   help="untimed steps first (default: 10 on CUDA, 1 on CPU)")
    p.add_argument("--cpu-compile", action="store_true",
                   help="also compare torch.compile with eager on a CPU")
    argv = sys.argv[1:] if argv is None else list(argv)
    a = p.parse_args(argv)
    if a.steps is not None and a.steps < 1 or a.warmup is not None and a.warmup < 0:
        p.error("--steps must be >= 1 and --warmup >= 0")
    out = out or sys.stdout
    t0 = time.perf_counter()
    pf = Preflight(a.device, steps=a.steps, warmup=a.warmup, cpu_compile=a.cpu_compile, out=out)
    results = pf.all()
    from course_lib.notebook import environment_report

    print("environment:", file=out)
    for key, value in environment_report().items():
        print(f"  {key}: {value}", file=out)
    print(f"  torch CUDA build: {torch.version.cuda or 'none (CPU-only build)'}; preflight took "
          f"{time.perf_counter() - t0:.0f} s; command: {' '.join([p.prog, *(argv or [])])}",
          file=out)
    print(summary(results), file=out, flush=True)
    return 1 if any(r.status == "FAIL" for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
