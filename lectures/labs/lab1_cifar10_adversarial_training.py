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
# # Lab 1 · Adversarial training on CIFAR-10: catastrophic overfitting, robust overfitting, BETA
#
# Adversarial training solves the min-max problem of EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL,
# 2022, "Adversarial training"): $\min_\theta \mathbb{E}_{(x,y)}\max_{\lVert\delta\rVert_\infty\le\varepsilon}
# \ell(f_\theta(x+\delta), y)$. The inner max is an attack, the outer min is SGD on the loss at the attack.
# This lab runs the slides' headline CIFAR-10 experiments (PreActResNet-18, $\varepsilon = 8/255$), one
# command each, with the same code the CPU lectures use on digits.
#
# **What you will learn here**
# - what a training step of each method costs, counted in forward passes (FGSM-RS ≈ 2×, PGD-10 ≈ 11×);
# - **catastrophic overfitting** (CO): FGSM training becomes ~100 % robust to FGSM and ~0 % to PGD; FGSM-RS,
#   N-FGSM, GradAlign and ELLE avoid it (the ELLE table of the non-zero-sum talk, from Abad Rocamora et al.
#   (2024));
# - **robust overfitting** of PGD-AT (best vs last checkpoint, Rice et al. (2020)) and why **BETA-AT** does
#   not overfit (the BETA table of the non-zero-sum talk, from Robey et al. (2024)); TRADES, MART and AWP
#   (Zhang et al. (2019), Wang et al. (2020), Wu et al. (2020b));
# - how to run it fast on a GPU (bf16 autocast, channels_last, GPU-resident data, `torch.compile`) and how
#   to resume a run after a crash;
# - how to rerun a whole slide table with one command (`--table`) and read it beside the published numbers.
#
# The profile comes from `$COURSE_PROFILE`: **smoke** (default without a GPU) trains a narrow network for a
# few batches of a tiny *fake* data set in the real CIFAR-10 format, so that every line of the lab runs in
# about a minute on a laptop. **Smoke numbers mean nothing**; the GPU numbers to expect are in the tables.
#
# **Slides followed:** EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022: the min-max problem,
# FGSM, PGD, stochastic adversarial training); the talk *Adversarial training should be cast as a non-zero sum
# game* (Cevher, LIONS, 2024; "the non-zero-sum talk" below: CO, the ELLE/LLR/CURE/GradAlign table, BETA and
# its CIFAR-10 table); CS8695 *Understanding and building reliable deep neural networks* (Chen Liu, 2023: CO
# and adaptive step sizes); Yisen Wang's guest lecture *Rethinking the min-max problem for adversarial
# robustness* (2021: robust overfitting, AWP, MART). Recipes and published numbers come from each method's
# paper (References at the end).

# %%
import csv
import os
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from IPython.display import Markdown, display

from course_lib import check, report, seed_everything, setup
from course_lib.data import cifar10
from course_lib.labs import at, read_jsonl, resolve_profile, tables
from course_lib.models import ForwardCounter
from course_lib.viz import color, live_training_figure

PROFILE = resolve_profile()        # $COURSE_PROFILE, else "full" with a GPU, "smoke" without
SMOKE = PROFILE == "smoke"
setup(seed=0, threads=1 if SMOKE else None)  # tiny smoke tensors run fastest on one thread
print("profile:", PROFILE)

# %% [markdown]
# ## 1 · One loop for every inner problem
#
# Every method is a `Method` of `course_lib.robust` whose `step(model, x, y, optimizer)` finds its attack
# and updates $\theta$. The lab's epoch is `course_lib.robust.run_epoch`, the loop `fit` runs in the CPU
# lectures, with the same hooks (dynamic AT's and ATAS's schedules, CFOL's class sampler); the lab only adds
# speed and bookkeeping. `--method` takes any entry of the registry `course_lib.robust.METHODS` that runs
# on a convolutional net (older spellings such as `fgsm-rs` too); the published recipes:
#
# | `--method` | inner max / loss | recipe (full profile) |
# |---|---|---|
# | `clean` | none | 30 epochs, cyclic LR 0.2 |
# | `fgsm` | $\delta = \varepsilon\,\mathrm{sign}\nabla_x\ell$ (zero init, α = ε) | 30 epochs, cyclic LR 0.2 |
# | `fgsm_rs` | $\delta_0\sim U[-\varepsilon,\varepsilon]$, one step α = 1.25ε, clip; Wong et al. (2020) | **15 epochs**, cyclic LR 0 → 0.2 → 0 |
# | `n_fgsm` | noise $U[-2\varepsilon, 2\varepsilon]$, α = ε, no clip; de Jorge et al. (2022) | 30 epochs, cyclic 0.2 |
# | `gradalign` | FGSM + λ(1 − cos(∇ℓ(x), ∇ℓ(x+η))) (double backward: no `torch.compile`) | 30 epochs, cyclic 0.2 |
# | `elle` | FGSM + λ·(local linearity error); Abad Rocamora et al. (2024) | 30 epochs, cyclic 0.2 |
# | `pgd` | PGD-10, α = 2/255, random start; Madry et al. (2018) | 110 epochs, LR 0.1, ÷10 at 100 and 105 (Pang et al. (2021)) |
# | `trades`, `mart` | PGD-10 on KL / CE, then the TRADES / MART loss (β = 6) | as `pgd` |
# | `awp` | PGD-10 + adversarial weight perturbation γ = 0.01 | 200 epochs, ÷10 at 100 and 150 |
# | `beta` | best targeted attack: PGD-10 on each margin $z_j - z_y$, keep the best $j$ | as `pgd` |
# | `ddi` | Danskin's descent direction, m = 10 PGD-7 attacks (CELU, GroupNorm, no momentum; Latorre et al. (2023)) | 30 epochs |
#
# The other entries run with their family's recipe: `noise` as `clean`; `elle_a` and `atas` (single-step) as
# `fgsm`; `dynamic` and `cfol` (multi-step) as `pgd`; `sam` (weight perturbation) as `awp`. `--epochs`,
# `--lr` and `--schedule` (`constant`, `onecycle`, `cyclic` or `piecewise`; older spellings such as
# `one-cycle` too) override a recipe.
#
# The price of the inner max is counted exactly below: the examples that go through the model's forward
# pass in one training step, in units of the batch size.

# %%
# NBVAL_CHECK_OUTPUT
seed_everything(0)
x, y = torch.rand(2, 3, 32, 32), torch.randint(0, 10, (2,))
cost = {}
for name, k in (("clean", 1), ("fgsm", 1), ("fgsm_rs", 1), ("n_fgsm", 1), ("elle", 1), ("pgd", 10),
                ("trades", 10), ("beta", 3)):
    cfg = at.make_config(name, "smoke", attack_steps=k, width=4)
    model = at.make_model(cfg)
    with ForwardCounter(model) as count:
        at.make_method(cfg).step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.01))
    cost[name] = count.examples / len(y)
report("forward passes per training example", cost)
check("forward passes per step: clean 1, FGSM-RS 2, PGD-10 11 (= k + 1)",
      (cost["clean"], cost["fgsm_rs"], cost["pgd"]) == (1, 2, 11))
check("BETA-3 attacks all 9 wrong classes: 9·3 steps + 9 to pick j* + 1 update",
      cost["beta"] == 9 * 3 + 9 + 1, cost["beta"])

# %% [markdown]
# ## 2 · The data: CIFAR-10's own format, held on the device as uint8
#
# `course_lib.data.cifar10` reads `cifar-10-batches-py` (Python-2 pickles: `b'data'` keys, uint8 rows of
# 3072 = 3 × 32 × 32 values), downloads it from the official URL with an md5 check and an atomic unpack
# (`python -m course_lib.data.cifar10 --download data`), and writes tiny fakes in the exact same format.
# The whole training set (150 MB as uint8) lives on the GPU; each batch is cropped (pad 4) and flipped there
# and only then becomes float in $[0, 1]$. The model normalises its input itself, so attacks and ε work in
# pixel units.

# %%
# NBVAL_CHECK_OUTPUT
ROOT = Path("../..")                     # the repository (the notebook runs in lectures/labs)
DATA = Path(os.environ.get("CIFAR10_DIR", ROOT / "data"))   # full profile: CIFAR-10 there (see below)
if SMOKE:
    DATA = Path(tempfile.mkdtemp()) / "cifar"
    cifar10.write_fake_cifar10(DATA, n_train=64, n_test=16)
x_train, y_train = cifar10.load_cifar10(DATA)
check("images are uint8 of shape (N, 3, 32, 32)", x_train.dtype == torch.uint8 and x_train.shape[1:] == (3, 32, 32))
loader = cifar10.DeviceLoader(x_train, y_train, 16, train=True, seed=0)
xb, yb = next(iter(loader))
check("a batch arrives augmented, as float in [0, 1]", xb.dtype == torch.float32 and 0 <= xb.min() <= xb.max() <= 1)

# %% [markdown]
# ## 3 · Launching runs
#
# ```bash
# python -m course_lib.data.cifar10 --download data                       # once: 163 MB, md5-checked
# python -m course_lib.labs.at --method fgsm_rs --profile full --data data   # → runs/lab1/fgsm_rs-full-s0
# python -m course_lib.labs.at --method fgsm_rs --profile full --data data --resume   # after a crash
# torchrun --standalone --nproc_per_node=4 -m course_lib.labs.at --method pgd --profile full --data data
# python -m course_lib.labs.at --method pgd --profile smoke               # CPU, fake data, seconds
# ```
#
# Each run folder holds `metrics.jsonl` (one JSON line per epoch: clean, FGSM and PGD-20 accuracy on 1000 test
# images, per-class PGD accuracy, timings; a final line with PGD-50-10 on the whole test set, BETA-10 and
# AutoAttack when `pyautoattack` is installed), `last.pt` and `best.pt` (by PGD accuracy), written atomically;
# `--resume` continues bit for bit on the CPU. Below, the runs go through the same function as the command
# line, and the figure follows their logs live. In the full profile they use the command line's folders
# (`runs/lab1/<method>-full-s0`) and resume them: a run started in a terminal (or on a cluster) is continued,
# or just plotted if it has finished.

# %%
RUNS = Path(tempfile.mkdtemp()) if SMOKE else ROOT / "runs" / "lab1"   # the command line's run folders


def run(method: str, **overrides) -> dict:
    """Train one method (resuming its folder if it exists) and plot its curves live."""
    out = RUNS / f"{method}-{PROFILE}-s0"            # the command line's default --out
    resume = (out / "last.pt").exists()          # re-running the cell continues an unfinished run
    logged = [r for r in read_jsonl(out / "metrics.jsonl") if "lr" in r] if resume else []
    fig, update = live_training_figure(f"{method}: test accuracy during training", ("clean", "fgsm", "pgd"),
                                       records=logged)
    display(fig)
    cfg = at.make_config(method, PROFILE, **(dict(width=4) if SMOKE else {}), **overrides)
    return at.train(cfg, data=None if SMOKE else str(DATA), out=out, resume=resume, on_epoch=update)


# %% [markdown]
# ## 4 · Catastrophic overfitting at ε = 8/255
#
# FGSM takes one step of size ε from $x$; when the loss stops being linear inside the ball that step stops
# finding the worst case, and training learns to defeat exactly that one step. The signature: FGSM
# accuracy *rises* (above clean accuracy: 94.26 % FGSM vs 81.96 % clean in the non-zero-sum talk's table)
# while PGD accuracy collapses to ~0 within an epoch. A random start (FGSM-RS), noise without clipping
# (N-FGSM) or a linearity regulariser (GradAlign, ELLE) keeps the inner max honest.
#
# In the smoke profile (a few batches of fake data) no overfitting of any kind can show, and the cell
# below only checks that the runs completed; on a GPU the `fgsm` run ends near FGSM 90 % / PGD 0 % and
# `fgsm_rs` near PGD 46 % (Wong et al. (2020)).

# %%
co_methods = ("fgsm", "fgsm_rs") if SMOKE else ("fgsm", "fgsm_rs", "n_fgsm", "gradalign", "elle")
final = {m: run(m) for m in co_methods}

# %%
def epochs_of(m: str) -> list[dict]:
    """The per-epoch records of a run's log."""
    return [r for r in read_jsonl(RUNS / f"{m}-{PROFILE}-s0" / "metrics.jsonl") if "lr" in r]


logs = {m: epochs_of(m) for m in final}
fig, axes = plt.subplots(1, len(logs), figsize=(4 * len(logs), 3), sharey=True, squeeze=False)
for ax, (m, rows) in zip(axes[0], logs.items()):
    for key in ("clean", "fgsm", "pgd"):
        _ = ax.plot([r["epoch"] for r in rows], [r[key] for r in rows], marker="o", label=key, color=color(key))
    _ = ax.set(title=m, xlabel="epoch", ylim=(0, 1))
_ = axes[0, 0].set_ylabel("test accuracy (ε = 8/255)")
_ = axes[0, 0].legend()
plt.tight_layout()

# %%
# NBVAL_CHECK_OUTPUT
if SMOKE:
    check("smoke profile: every run logged finite clean, FGSM and PGD accuracies in every epoch",
          all(np.isfinite([r[k] for k in ("clean", "fgsm", "pgd")]).all() for rows in logs.values() for r in rows))
else:
    last = {m: logs[m][-1] for m in logs}
    check("CO: FGSM-trained model, FGSM accuracy − PGD accuracy > 0.5",
          last["fgsm"]["fgsm"] - last["fgsm"]["pgd"] > 0.5, last["fgsm"]["fgsm"] - last["fgsm"]["pgd"])
    check("FGSM-RS avoids CO at 8/255: PGD accuracy > 0.4", last["fgsm_rs"]["pgd"] > 0.4, last["fgsm_rs"]["pgd"])

# %% [markdown]
# ## 5 · Robust overfitting of PGD-AT, and BETA-AT
#
# With PGD-10 the inner max is solved well, yet after the first learning-rate decay the *test* PGD accuracy
# peaks and then falls while the training robust loss keeps dropping (Rice et al. (2020)): the best checkpoint
# beats the last one by several points. The non-zero-sum talk, after Robey et al. (2024), argues this comes
# from the surrogate: PGD maximises cross-entropy, not the 0-1 loss. BETA maximises each margin $z_j - z_y$
# and keeps the best class, a lower-level problem whose value *is* misclassification, and its best and last
# checkpoints nearly coincide (table below). On a GPU expect PGD-AT best − last ≈ 5–7 points and BETA-AT < 1.5
# points; the smoke profile is too short for robust overfitting and checks only that the best checkpoint is
# kept.

# %%
final.update({m: run(m) for m in ("pgd", "beta")})

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
for m in ("pgd", "beta"):
    rows = epochs_of(m)
    _ = ax.plot([r["epoch"] for r in rows], [r["pgd"] for r in rows], marker="o", label=f"{m}-AT",
                color=color(m))
_ = ax.set(title="test PGD accuracy during training", xlabel="epoch", ylabel="accuracy (ε = 8/255)")
_ = ax.legend()

# %%
# NBVAL_CHECK_OUTPUT
gap = {}
for m in ("pgd", "beta"):
    rows = [r["pgd"] for r in epochs_of(m)]
    gap[m] = max(rows) - rows[-1]
check("best ≥ last for both runs (the best checkpoint is kept)", all(g >= 0 for g in gap.values()))
if not SMOKE:  # the smoke profile is too short for robust overfitting (see the text above)
    check("robust overfitting: PGD-AT best − last > 0.02", gap["pgd"] > 0.02, gap["pgd"])
    check("BETA-AT overfits less than PGD-AT", gap["beta"] < gap["pgd"], gap["beta"])

# %% [markdown]
# ## 6 · Our runs next to the papers
#
# Published numbers, PreActResNet-18, CIFAR-10, ℓ∞ ε = 8/255: FGSM, PGD-AT and BETA-AT from the non-zero-sum
# talk's BETA table (PGD-10, best / last checkpoint); GradAlign and ELLE from its ELLE table (AutoAttack, from
# Abad Rocamora et al. (2024)); FGSM-RS from Wong et al. (2020) with RobustBench's re-evaluation (Croce et al.
# (2021)); N-FGSM from de Jorge et al. (2022). The recipes follow Wong et al. (2020), Andriushchenko and
# Flammarion (2020), de Jorge et al. (2022), Abad Rocamora et al. (2024), Rice et al. (2020) and Pang et al.
# (2021). Ours: the final line of each run's log (last checkpoint; PGD-50-10 on the full test set in the full
# profile).

# %%
published = {
    "fgsm": "clean 81.96 / 75.43, PGD-10 42.64 / **1.49** (best / last; BETA table)",
    "fgsm_rs": "clean 83.34, PGD-50-10 46.06, AA 43.21 (Wong et al., RobustBench); 12 min on an old GPU",
    "n_fgsm": "matches or beats GradAlign at 3× less cost (de Jorge et al. 2022)",
    "gradalign": "clean 80.50, AA 44.66 (ELLE table)",
    "elle": "clean 80.13, AA 42.78 (ELLE table)",
    "pgd": "clean 83.71 / 83.21, PGD-10 46.74 / 39.90 (best / last; BETA table)",
    "beta": "BETA-AT-10: clean 85.37 / 85.30, PGD-10 45.67 / 45.39 (best / last; BETA table)",
}
rows = [f"| `{m}` | {r['clean']:.3f} | {r['fgsm']:.3f} | {r['pgd']:.3f} | {r['beta']:.3f} | {published[m]} |"
        for m, r in final.items()]
head = "| method | clean | FGSM | PGD | BETA | published (%) |\n|---|---|---|---|---|---|\n"
display(Markdown(head + "\n".join(rows) + ("\n\n*smoke profile: not meaningful*" if SMOKE else "")))

# %% [markdown]
# ## 7 · Speed: what the full profile costs, and how to measure it
#
# On a GPU the lab keeps CIFAR-10 on the device as uint8 and augments there, trains under bf16 autocast (fp32
# weights) in channels_last layout, compiles the model (not for GradAlign: `torch.compile` cannot do its
# double backward), and evaluates in fp32 in eager mode (low precision can mask gradients). Wong et al. (2020)
# report FGSM-RS, 15 epochs, in **12 min** with mixed precision (apex fp16); a PGD-10 epoch costs about 11
# clean epochs (section 1), so PGD-AT's 110 epochs (110 × 11 passes) are roughly 40× an FGSM-RS run's 15 (15 ×
# 2) in passes. To measure your GPU: each epoch line of `metrics.jsonl` holds `train_time` and `eval_time`;
# the sum of `train_time` over a run is the number to compare with the papers' wall times, and `python
# benchmarks/labs.py` gives the per-epoch cost ratios on any machine.

# %%
for m in final:
    rows = epochs_of(m)
    train_s, eval_s = sum(r["train_time"] for r in rows), sum(r["eval_time"] for r in rows)
    print(f"{m:9s} {len(rows)} epochs: train {train_s:7.1f} s, evaluation {eval_s:6.1f} s")


# %% [markdown]
# ## 8 · The slides' tables, one command each
#
# A slide's table compares methods trained the same way. `--table NAME` trains every row of one table (a
# method of the registry, a radius ε, the recipe) through the same `train` as above, each row in its own
# folder, and writes `table.csv` and `table.md`: for each row and column, our measurement $m$, the published
# value $p$ and the difference $m - p$ in percentage points. A row whose final record is already logged is
# read back, a started row resumes, so an interrupted table continues where it stopped.
#
# | `--table` | the slide's table | published setting |
# |---|---|---|
# | `elle` | FGSM-RS, N-FGSM, LLR, CURE, GradAlign, ELLE, ELLE-A, PGD-10 at ε = 8/255 and 16/255 (AutoAttack, clean); Abad Rocamora et al. (2024) | PreActResNet-18, 30 epochs |
# | `beta` | PGD-AT, TRADES, MART, BETA-AT (clean, FGSM, PGD best / last, BETA, APGD); Robey et al. (2024) | not stated on the slide |
# | `awp` | AT, TRADES, MART, each ± AWP (natural, FGSM, PGD-20, AutoAttack); Wu et al. (2020b) | WideResNet-34-10, 200 epochs |
# | `mart` | the MART loss table's rows: Standard, ALP, CLP, TRADES, MMA, MART; numbers from Wu et al. (2020b) | WideResNet-34-10, 200 epochs |
# | `ddd` | DDi vs PGD-7-AT (CELU, GroupNorm, no momentum) and PGD-7-AT with ReLU, BN, momentum; Latorre et al. (2023) | ResNet-18; results in figures only |
#
# The course trains PreActResNet-18 with the recipes of section 1 (add `--arch wrn34_10` for the wide
# network); `table.md` states both settings and which attack each column uses on each side (ours: PGD-50-10
# and standard AutoAttack at the end). The GPU time below is an **estimate**: the forward passes of one
# training step of each row's method, counted as in section 1, times the epochs, plus the evaluations, at
# 2.5 s per pass over the 50 000 training images on one GPU (AutoAttack not included).
#
# ```bash
# python -m course_lib.labs.at --table elle --profile full --data data    # → runs/lab1/table-elle-full/
# python -m course_lib.labs.tables --table beta --estimate                # each row's estimated GPU time
# ```

# %%
estimate = {name: sum(tables.estimate_seconds(t).values()) for name, t in tables.TABLES.items()}
for name, seconds in estimate.items():
    print(f"--table {name:5s} {len(tables.TABLES[name].rows):2d} rows, about {seconds / 3600:4.1f} GPU hours")

# %% [markdown]
# In the smoke profile the cell below runs the `beta` table's PGD-AT and BETA-AT rows on the fake data (the
# differences say nothing about the methods, only that the comparison is written); in the full profile it
# shows the tables you have run from the command line.

# %%
TABLE_RUNS = RUNS if SMOKE else ROOT / "runs" / "lab1"
if SMOKE:
    table_lines = tables.run_table("beta", PROFILE, out=TABLE_RUNS / "table-beta-smoke", rows=[0, 3],
                                   quiet=True, config=dict(width=4))     # PGD-AT and BETA-AT
written = sorted(TABLE_RUNS.glob(f"table-*-{PROFILE}/table.csv"))
for path in written:
    display(Markdown(path.with_suffix(".md").read_text()))

# %%
# NBVAL_CHECK_OUTPUT
rows_ok = []
for path in written:
    with open(path) as f:
        for r in csv.DictReader(f):
            if r["measured"] and r["published"]:
                m, p = float(r["measured"]), float(r["published"])
                rows_ok.append(abs(float(r["difference"]) - (m - p)) < 1e-3)
check("every written table: difference = measured − published, in points", all(rows_ok))


# %% [markdown]
# ## What to remember
#
# - Adversarial training is a min-max problem: an attack solves the inner max, SGD the outer min. Its price is
#   the attack: a step of PGD-k costs k + 1 forward-backward passes, FGSM-RS 2.
# - **Catastrophic overfitting:** single-step FGSM training can learn to defeat that one step. FGSM accuracy
#   rises above clean accuracy while PGD accuracy collapses to ~0 within an epoch. A random start (FGSM-RS),
#   larger noise without clipping (N-FGSM) or a local-linearity penalty (GradAlign, ELLE) prevents it at
#   ε = 8/255.
# - **Robust overfitting:** with PGD-AT the test PGD accuracy peaks after the first learning-rate decay and
#   then falls; keep the best checkpoint. BETA-AT, whose inner max targets misclassification rather than
#   cross-entropy, shows almost no gap between best and last.
# - Every method is one entry of `course_lib.robust.METHODS` and runs through the same epoch loop; `--epochs`,
#   `--lr` and `--schedule` override a recipe, `--resume` continues a run.
# - Judge a defence by the strongest attack you can run (PGD-50-10, AutoAttack), never by the attack it was
#   trained against; and judge a smoke run by nothing at all.

# %% [markdown]
# ## References
#
# <!-- references: abadrocamora2024elle andriushchenko2020gradalign cevher2022ee556 cevher2024nonzero_talk
# code_fast_adversarial croce2020autoattack croce2021robustbench dejorge2022nfgsm goodfellow2015explaining
# he2016identity latorre2023ddd liu2023cs8695 madry2018towards pang2021bag rice2020overfitting
# robey2024nonzero wang2020mart wang2021rethinking_talk wong2020fast wu2020awp zhang2019trades -->
#
# - **Abad Rocamora et al. (2024)**. Elias Abad Rocamora, Fanghui Liu, Grigorios G. Chrysos, Pablo M. Olmos,
#   Volkan Cevher. *Efficient local linearity regularization to overcome catastrophic overfitting*.
#   International Conference on Learning Representations (ICLR), 2024.
#   [arXiv:2401.11618](https://arxiv.org/abs/2401.11618)
# - **Andriushchenko and Flammarion (2020)**. Maksym Andriushchenko, Nicolas Flammarion. *Understanding and
#   improving fast adversarial training*. Advances in Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2007.02617](https://arxiv.org/abs/2007.02617)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Croce and Hein (2020)**. Francesco Croce, Matthias Hein. *Reliable evaluation of adversarial
#   robustness with an ensemble of diverse parameter-free attacks*. International Conference on Machine
#   Learning (ICML), 2020. [arXiv:2003.01690](https://arxiv.org/abs/2003.01690)
# - **Croce et al. (2021)**. Francesco Croce, Maksym Andriushchenko, Vikash Sehwag, Edoardo Debenedetti,
#   Nicolas Flammarion, Mung Chiang, Prateek Mittal, Matthias Hein. *RobustBench: a standardized adversarial
#   robustness benchmark*. Advances in Neural Information Processing Systems (NeurIPS), Datasets and
#   Benchmarks Track, 2021. [arXiv:2010.09670](https://arxiv.org/abs/2010.09670)
# - **CS8695 Understanding and building reliable deep neural networks (Chen Liu, 2023)**. Chen Liu.
#   *Understanding and building reliable deep neural networks*. CS8695 Research in Computer Science, course
#   slides, 2023. Semester A, 2023–2024. [github.com/liuchen11](https://github.com/liuchen11)
# - **de Jorge et al. (2022)**. Pau de Jorge, Adel Bibi, Riccardo Volpi, Amartya Sanyal, Philip H. S. Torr,
#   Grégory Rogez, Puneet K. Dokania. *Make some noise: Reliable and efficient single-step adversarial
#   training*. Advances in Neural Information Processing Systems (NeurIPS), 2022.
#   [arXiv:2202.01181](https://arxiv.org/abs/2202.01181)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Goodfellow et al. (2015)**. Ian J. Goodfellow, Jonathon Shlens, Christian Szegedy. *Explaining and
#   harnessing adversarial examples*. International Conference on Learning Representations (ICLR), 2015.
#   [arXiv:1412.6572](https://arxiv.org/abs/1412.6572)
# - **He et al. (2016)**. Kaiming He, Xiangyu Zhang, Shaoqing Ren, Jian Sun. *Identity mappings in deep
#   residual networks*. European Conference on Computer Vision (ECCV), 2016.
#   [arXiv:1603.05027](https://arxiv.org/abs/1603.05027)
# - **Latorre et al. (2023)**. Fabian Latorre, Igor Krawczuk, Leello Tadesse Dadi, Thomas Pethick, Volkan
#   Cevher. *Finding actual descent directions for adversarial training*. International Conference on
#   Learning Representations (ICLR), 2023. Preprint title: Adversarial training descends without descent:
#   Finding actual descent directions based on Danskin's theorem.
#   [openreview.net/forum?id=I3HCE7Ro78H](https://openreview.net/forum?id=I3HCE7Ro78H)
# - **locuslab/fast_adversarial**. Eric Wong, Leslie Rice, J. Zico Kolter. *fast_adversarial: code of "Fast
#   is better than free"*. GitHub repository locuslab/fast_adversarial, 2020.
#   [github.com/locuslab/fast_adversarial](https://github.com/locuslab/fast_adversarial)
# - **Madry et al. (2018)**. Aleksander Madry, Aleksandar Makelov, Ludwig Schmidt, Dimitris Tsipras, Adrian
#   Vladu. *Towards deep learning models resistant to adversarial attacks*. International Conference on
#   Learning Representations (ICLR), 2018. [arXiv:1706.06083](https://arxiv.org/abs/1706.06083)
# - **Pang et al. (2021)**. Tianyu Pang, Xiao Yang, Yinpeng Dong, Hang Su, Jun Zhu. *Bag of tricks for
#   adversarial training*. International Conference on Learning Representations (ICLR), 2021.
#   [arXiv:2010.00467](https://arxiv.org/abs/2010.00467)
# - **Rice et al. (2020)**. Leslie Rice, Eric Wong, J. Zico Kolter. *Overfitting in adversarially robust
#   deep learning*. International Conference on Machine Learning (ICML), 2020.
#   [arXiv:2002.11569](https://arxiv.org/abs/2002.11569)
# - **Robey et al. (2024)**. Alexander Robey, Fabian Latorre, George J. Pappas, Hamed Hassani, Volkan
#   Cevher. *Adversarial training should be cast as a non-zero-sum game*. International Conference on
#   Learning Representations (ICLR), 2024. [arXiv:2306.11035](https://arxiv.org/abs/2306.11035)
# - **Wang et al. (2020)**. Yisen Wang, Difan Zou, Jinfeng Yi, James Bailey, Xingjun Ma, Quanquan Gu.
#   *Improving adversarial robustness requires revisiting misclassified examples*. International Conference
#   on Learning Representations (ICLR), 2020.
#   [openreview.net/forum?id=rklOg6EFwS](https://openreview.net/forum?id=rklOg6EFwS)
# - **Wang, Rethinking the min-max problem for adversarial robustness (CS498 guest lecture, UIUC, 2021)**.
#   Yisen Wang. *Rethinking the min-max problem for adversarial robustness*. Guest lecture, CS498,
#   University of Illinois Urbana-Champaign, 2021. Slides, 17 March 2021.
#   [yisenwang.github.io](https://yisenwang.github.io/)
# - **Wong et al. (2020)**. Eric Wong, Leslie Rice, J. Zico Kolter. *Fast is better than free: Revisiting
#   adversarial training*. International Conference on Learning Representations (ICLR), 2020.
#   [arXiv:2001.03994](https://arxiv.org/abs/2001.03994)
# - **Wu et al. (2020b)**. Dongxian Wu, Shu-Tao Xia, Yisen Wang. *Adversarial weight perturbation helps
#   robust generalization*. Advances in Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2004.05884](https://arxiv.org/abs/2004.05884)
# - **Zhang et al. (2019)**. Hongyang Zhang, Yaodong Yu, Jiantao Jiao, Eric P. Xing, Laurent El Ghaoui,
#   Michael I. Jordan. *Theoretically principled trade-off between robustness and accuracy*. International
#   Conference on Machine Learning (ICML), 2019. [arXiv:1901.08573](https://arxiv.org/abs/1901.08573)
