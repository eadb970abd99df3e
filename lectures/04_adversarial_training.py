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
# # 04 · Adversarial training: the min-max recipe, its variants, and how to evaluate them
#
# Adversarial training solves $\min_\theta \frac1n\sum_i \max_{\|\delta_i\|_\infty\le\varepsilon}
# \ell(f_\theta(x_i+\delta_i), y_i)$: an attack solves the inner max, an optimizer the outer min. Every
# method in this lecture changes one of the two, and every one plugs into the same training loop.
#
# **You will learn**
# - the Madry algorithm as stochastic subgradient descent, and PGD-AT on handwritten digits;
# - robust overfitting: the gap between training and test robustness, best vs last epoch;
# - FOSC, a convergence score of the inner max, and dynamic adversarial training that schedules it;
# - TRADES, MART, AWP and BETA-AT side by side (clean, PGD-20, BETA, worst class, time per epoch);
# - CFOL, which protects the worst class; weight loss landscapes (AT vs AT-AWP); saliency maps; SAM.
#
# **Slides followed:** seed 001 (`001_9a491b73dada696f.txt`: stochastic adversarial training, saliency
# maps, SAM), seed 002 (`002_61191e174a549d9f.txt`: FOSC, dynamic AT, weight loss landscape, AWP,
# MART), seed 000 (`000_868ecf87260a696f.txt`: BETA and BETA-AT, the CIFAR-10 comparison table, CFOL).
# Formulas and defaults: research note `adversarial.md` §4.3. Everything runs on 8×8 digits with a
# small MLP on a CPU; the numbers are smaller than CIFAR-10's, the effects are the same kind.

# %%
import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import check, report, seed_everything, setup
from course_lib.data import load_digits
from course_lib.models import MLP
from course_lib.robust import (
    AWP,
    BETAAT,
    CFOL,
    MART,
    PGDAT,
    SAM,
    TRADES,
    DynamicAT,
    Standard,
    fit,
    metrics,
    pgd,
)
from course_lib.viz import COLORS, color

setup(seed=0, threads=1)  # tiny models: one thread avoids OpenMP overhead on 2 shared cores

# %%
x_train, y_train, x_test, y_test = load_digits()
EPS, EPOCHS, STEPS = 0.2, 12, 5  # ε in [0, 1] pixel units (0.2 ≈ 3 of 16 grey levels)
evaluate = metrics.robust_evaluator(EPS, steps=10, num_classes=10)  # clean, PGD-10, worst class


def train(method, epochs=EPOCHS, data=(x_train, y_train), test=(x_test, y_test), seed=0, **kw):
    """Same seed, same MLP, same loop for every method."""
    seed_everything(seed)
    model = MLP(hidden=(256,))
    history = fit(model, method, data, test, epochs=epochs, batch_size=64, lr=0.1, eval_fn=evaluate, seed=seed, **kw)
    return model.eval(), history


# %% [markdown]
# ## 1. The Madry algorithm: stochastic subgradient descent on the robust loss
#
# Seed 001, "Stochastic Adversarial Training": for each mini-batch $B$,
# (a) find $\eta_i^\star \in \arg\max_{\|\eta\|_\infty\le\varepsilon} L(h_\theta(a_i+\eta), b_i)$ approximately,
# (b) step $\theta \leftarrow \theta - \frac{\alpha_k}{|B|}\sum_{i\in B}\nabla_\theta L(h_\theta(a_i+\eta_i^\star), b_i)$.
# Step (b) uses Danskin's theorem (lecture 02: it is a descent direction only when the maximiser is unique).
# PGD-AT (Madry et al. 2018) solves (a) with $k$ steps of projected signed gradient ascent from a random
# start, $\delta \leftarrow \Pi_{B_\infty(\varepsilon)\cap[0,1]}(\delta + \alpha\,\mathrm{sign}\nabla_\delta\ell)$,
# here $k = 5$, $\alpha = 2.5\varepsilon/k$. In the library a method is a loss (`perturb` = the inner max,
# `objective` = the outer loss), and `fit` is the one loop for all of them.

# %%
erm, h_erm = train(Standard())
at, h_at = train(PGDAT(EPS, steps=STEPS))
fig, ax = plt.subplots(figsize=(7, 3.8))
for h, name, c in [(h_erm, "standard training", color("clean")), (h_at, "PGD-AT", color("pgd"))]:
    ax.plot(h.column("epoch"), h.column("clean"), "--", color=c, label=f"{name}: clean")
    ax.plot(h.column("epoch"), h.column("robust"), "-", color=c, label=f"{name}: PGD-10, ε = {EPS}")
_ = ax.set(xlabel="epoch", ylabel="test accuracy", title="Digits: standard vs adversarial training")
_ = ax.legend(fontsize=9)

# %%
# NBVAL_CHECK_OUTPUT
check("standard training is accurate (clean test accuracy > 0.9)", h_erm.last["clean"] > 0.9, h_erm.last["clean"], digits=2)
check("... but not robust (PGD-10 accuracy < 0.15)", h_erm.last["robust"] < 0.15, h_erm.last["robust"], digits=2)
check("PGD-AT is robust (PGD-10 accuracy > 0.35)", h_at.last["robust"] > 0.35, h_at.last["robust"], digits=2)
check("PGD-AT keeps clean accuracy > 0.85", h_at.last["clean"] > 0.85, h_at.last["clean"], digits=2)

# %% [markdown]
# ## 2. Robust overfitting: train long, compare best and last
#
# Rice et al. (2020) observed that the robust *test* accuracy of PGD-AT peaks and then decays while the
# robust *training* loss keeps falling; seed 002 calls it the robust generalization gap, seed 000 shows
# it for PGD-AT and not for BETA-AT. `fit` keeps the best and the last weights. To see the effect on a CPU
# we memorise a small training set: 100 images, 150 epochs, a wider MLP, ε = 0.1.

# %%
seed_everything(0)
small = MLP(hidden=(256, 256))
h_long = fit(small, PGDAT(0.1, steps=STEPS), (x_train[:100], y_train[:100]), (x_test[:200], y_test[:200]),
             epochs=150, batch_size=50, lr=0.1, schedule="constant",
             eval_fn=metrics.robust_evaluator(0.1, steps=5))
small.eval()
train_robust = metrics.robust_accuracy(small, x_train[:100], y_train[:100], 0.1, steps=10)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(h_long.column("epoch"), h_long.column("robust"), color=color("pgd"), label="test, PGD-5")
ax.plot(h_long.column("epoch"), h_long.column("train_loss"), color=color("fgsm"), label="training adversarial loss")
ax.axvline(h_long.best_epoch, color=COLORS["gray"], ls=":", label=f"best epoch ({h_long.best_epoch})")
_ = ax.set(xlabel="epoch", ylabel="accuracy / loss", title="PGD-AT on 100 digits for 150 epochs", ylim=(0, 2))
_ = ax.legend(fontsize=9)

# %%
# NBVAL_CHECK_OUTPUT
check("the training set is memorised robustly (train PGD-10 accuracy > 0.95)", train_robust > 0.95, train_robust, digits=2)
gap = train_robust - h_long.last["robust"]
check("robust generalization gap: train − test robust accuracy > 0.25", gap > 0.25, gap, digits=2)
check("the last epoch is not the best: robust test accuracy peaked earlier (best − last > 0)",
      h_long.best_epoch < len(h_long.records) and h_long.best["robust"] > h_long.last["robust"],
      h_long.best["robust"] - h_long.last["robust"], digits=3)
report("best epoch (of 150)", h_long.best_epoch)

# %% [markdown]
# `fit` keeps the epoch with the highest robust test accuracy, so "best ≥ last" holds by construction; the check
# asks for more: that the peak came *before* the last epoch. On this small problem the decay after the peak is a
# few test images (0.02–0.035 over the five seed families we tried), not the 7-point drop of
# PGD-AT on CIFAR-10 in seed 000's table (46.7 best vs 39.9 last); the GPU lab reproduces that one.
# What is large here is the gap between training and test robustness.
#
# ## 3. FOSC: how well is the inner max solved? (seed 002)
#
# For an iterate $x^k$ of the attack started at $x^0$,
# $c(x^k) = \max_{x\in\mathcal X}\langle x - x^k, \nabla_x \ell(x^k)\rangle$, with
# $\mathcal X = B_\infty(x^0, \varepsilon)$; closed form $\varepsilon\|\nabla_x\ell(x^k)\|_1 -
# \langle x^k - x^0, \nabla_x\ell(x^k)\rangle \ge 0$, and $c = 0$ at a first-order stationary point. Digits
# have many pixels at 0, so we take $\mathcal X = B_\infty(x^0,\varepsilon)\cap[0,1]^d$, the set PGD searches
# (`box=(0, 1)`). Seed 002: step sizes ε/2 and ε/4 give the best robustness and FOSC concentrated near 0.

# %%
def fosc_of(model, alpha, steps, n=300):
    seed_everything(0)
    x_adv = pgd(model, x_test[:n], y_test[:n], EPS, alpha, steps)
    return metrics.fosc(model, x_test[:n], x_adv, y_test[:n], EPS, box=(0.0, 1.0)).numpy()


by_alpha = {f"ε/{d}" if d > 1 else "ε": fosc_of(at, EPS / d, 10) for d in (1, 2, 4, 16)}
by_steps = {f"{k} steps": fosc_of(at, EPS / 4, k) for k in (1, 3, 10, 30)}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6), sharey=True)
for ax, data, title in [(axes[0], by_alpha, "PGD-10, step size α"), (axes[1], by_steps, "α = ε/4, number of steps")]:
    ax.boxplot(list(data.values()), showfliers=False)
    ax.set_xticks(range(1, len(data) + 1), list(data))
    _ = ax.set(title=title, ylabel="FOSC c(x^k)" if ax is axes[0] else None)
med = {k: float(np.median(v)) for k, v in {**by_alpha, **by_steps}.items()}
print("median FOSC:", {k: round(v, 3) for k, v in med.items()})

# %%
# NBVAL_CHECK_OUTPUT
check("FOSC ≥ 0 for every PGD iterate", min(v.min() for v in by_alpha.values()) >= -1e-5,
      min(v.min() for v in by_alpha.values()))
check("more steps, smaller FOSC (median, 1 → 30 steps): at least 10 times smaller",
      med["30 steps"] < med["1 steps"] / 10, (med["1 steps"], med["30 steps"]), digits=2)
check("ε/4 converges better than ε/16 in 10 steps (median FOSC): at least 10 times smaller",
      med["ε/4"] < med["ε/16"] / 10, (med["ε/16"], med["ε/4"]), digits=2)

# %% [markdown]
# **Dynamic AT** (Wang et al. 2019, seed 002) uses FOSC as a schedule: after the first PGD step an example
# keeps moving only while $c(x^k) > c_t$, with $c_t = \max(c_{\max}(1 - t/T'), 0)$ — weak attacks early,
# full PGD late (the authors: $c_{\max} = 0.5$, $T' = 100$ of 120 epochs, on CIFAR-10's scale; we set
# $c_{\max}$ from the FOSC values above).

# %%
c_max = med["1 steps"]
dyn, h_dyn = train(DynamicAT(EPS, steps=STEPS, c_max=c_max))

# %%
# NBVAL_CHECK_OUTPUT
report("c_max (median FOSC of 1-step PGD)", c_max, digits=2)
check("dynamic AT is as robust as PGD-AT (PGD-10 accuracy within 0.05; measured: dynamic − PGD-AT)",
      h_dyn.last["robust"] > h_at.last["robust"] - 0.05, h_dyn.last["robust"] - h_at.last["robust"], digits=2)

# %% [markdown]
# ## 4. Changing the inner max or the outer loss: TRADES, MART, AWP, BETA-AT
#
# | method | outer loss (inner max) |
# |---|---|
# | PGD-AT | $\mathrm{CE}(f(x'), y)$, $x'$ = PGD on CE |
# | TRADES | $\mathrm{CE}(f(x), y) + \beta\,\mathrm{KL}(p(x)\,\|\,p(x'))$, $x'$ = PGD on the KL, β = 6 |
# | MART | $\mathrm{BCE}(p(x'), y) + \beta\,\mathrm{KL}(p(x)\,\|\,p(x'))\,(1 - p_y(x))$, β = 6 (seed 002) |
# | AWP | PGD-AT at weights $w + v$, $\|v_l\| = \gamma\|w_l\|$ the worst-case layer-wise perturbation, γ = 0.01 |
# | BETA-AT | CE at $x + \delta_{j^\star}$, $\delta_j$ = PGD on the margin $f_j - f_y$, $j^\star$ = the largest margin (seed 000) |
#
# BCE is $-\log p_y(x') - \log(1 - \max_{k\ne y}p_k(x'))$. We evaluate each model's last epoch with PGD-20
# and with BETA-10 (the best targeted attack: maximising the margin maximises the 0-1 loss), and report
# the worst class under PGD-10 (column "worst class"; seed 000: on CIFAR-10 the worst class is at 23.5 % when the mean is 51 %).

# %%
runs = {"PGD-AT": (at, h_at)}
for method in [TRADES(EPS, steps=STEPS, beta=6.0), MART(EPS, steps=STEPS, beta=6.0),
               AWP(PGDAT(EPS, steps=STEPS), gamma=0.01), BETAAT(EPS, steps=STEPS)]:
    runs[method.name] = train(method)
seed_everything(0)
table = {name: {"clean": h.last["clean"], "PGD-20": metrics.robust_accuracy(m, x_test, y_test, EPS, steps=20),
                "BETA-10": metrics.robust_accuracy(m, x_test, y_test, EPS, attack="beta", steps=10),
                "worst class": h.last["worst"]} for name, (m, h) in runs.items()}

# %%
print(f"{'method':12s}" + "".join(f"{k:>12s}" for k in table["PGD-AT"]) + f"{'s/epoch':>9s}")
for name, row in table.items():
    print(f"{name:12s}" + "".join(f"{v:12.2f}" for v in row.values()) + f"{np.mean(runs[name][1].column('time')):9.2f}")

# %%
# NBVAL_CHECK_OUTPUT
check("every method is far more robust than standard training (PGD-20 > 0.3; measured: the lowest)",
      all(r["PGD-20"] > 0.3 for r in table.values()), min(r["PGD-20"] for r in table.values()), digits=2)
check("the worst class is far below the mean, by > 0.15 for every model (measured: the smallest gap)",
      all(r["worst class"] < r["PGD-20"] - 0.15 for r in table.values()),
      min(r["PGD-20"] - r["worst class"] for r in table.values()), digits=2)
check("BETA finds more errors than PGD-20 on every model (measured: the smallest PGD-20 − BETA-10)",
      all(r["BETA-10"] < r["PGD-20"] for r in table.values()),
      min(r["PGD-20"] - r["BETA-10"] for r in table.values()), digits=2)
check("TRADES has a better worst class than PGD-AT, by more than 0.05",
      table["TRADES"]["worst class"] > table["PGD-AT"]["worst class"] + 0.05,
      (table["PGD-AT"]["worst class"], table["TRADES"]["worst class"]), digits=2)

# %% [markdown]
# BETA finds adversarial examples that PGD on cross-entropy misses on every model (seed 000: maximising
# CE is a weak surrogate for the 0-1 loss), so a PGD-only evaluation overstates robustness. TRADES
# lifts the worst class at this budget: by about 0.1 (from 0.00–0.07 to 0.15–0.21) in each of the five seed
# families we tried (`COURSE_SEED_OFFSET` = 0…4), which is what the check asks for with a 0.05 margin. MART's
# worst class is not reliably better: it ranged from 0.00 to 0.14 over the same seeds (a class has ~45 test
# images, so one class's accuracy moves by several points from seed to seed), so we do not claim it. On
# CIFAR-10 (seed 002) AWP's gain shows after 200 epochs, not 12.
#
# ## 5. CFOL: protect the worst class (seed 000)
#
# Class-focused online learning plays $\min_\theta\max_{q\in\Delta_K}\sum_y q_y L_y(\theta)$: the class
# player runs Exp3 with weights $w$ ($q = \mathrm{softmax}(w)$) and batches are sampled from
# $p = \gamma/K + (1-\gamma)q$; after each batch $w_{y_i} \mathrel{+}= \eta\,1[f(x'_i)\ne y_i]/p_{y_i}$.
# The authors use γ = 1/2 and η = 5·10⁻⁶ for 50 000 images × 200 epochs; 1 347 images × 12 epochs need a
# larger η. Try η = 5·10⁻³: $q$ then chases whichever class is worst and the per-class accuracies oscillate
# (Exp3's guarantee is for the average iterate, not the last).
#
# The worst class is one class of about 45 test images, so its accuracy moves by a few images from seed to seed:
# with one seed, CFOL's gain on the worst class ranged from 0.02 to 0.15 over the seed families we tried. We
# therefore train PGD-AT and CFOL with 3 seeds and compare the worst class **on average over the 3 seeds**; the
# sampling distribution $p$ and the bar plots are those of the first seed.

# %%
CFOL_SEEDS = (0, 1, 2)  # 3 seeds
cfol_methods, per_at, per_cfol = [], [], []
for seed in CFOL_SEEDS:
    cfol_methods.append(CFOL(PGDAT(EPS, steps=STEPS), num_classes=10, gamma=0.5, eta=1e-3))
    model_at = at if seed == 0 else train(PGDAT(EPS, steps=STEPS), seed=seed)[0]
    model_cfol = train(cfol_methods[-1], seed=seed)[0]
    seed_everything(0)
    for model, out in [(model_at, per_at), (model_cfol, per_cfol)]:
        out.append(metrics.per_class_accuracy(metrics.robust_correct(model, x_test, y_test, EPS, steps=20), y_test, 10))
    cfol = model_cfol if seed == 0 else cfol
p = cfol_methods[0].probabilities

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
axes[0].bar(np.arange(10) - 0.2, per_at[0].numpy(), 0.4, color=color("pgd"), label="PGD-AT")
axes[0].bar(np.arange(10) + 0.2, per_cfol[0].numpy(), 0.4, color=color("beta"), label="CFOL-AT")
_ = axes[0].set(xlabel="class (digit)", ylabel="PGD-20 accuracy", title="robust accuracy per class (first seed)")
_ = axes[0].legend(fontsize=9)
axes[1].bar(np.arange(10), p.numpy(), color=color("beta"))
axes[1].axhline(0.1, color=COLORS["gray"], ls=":")
_ = axes[1].set(xlabel="class (digit)", ylabel="p", title="CFOL sampling distribution p after training")

# %%
# NBVAL_CHECK_OUTPUT
check("p is a distribution (sums to 1)", abs(float(p.sum()) - 1) < 1e-6, float(p.sum()))
check("every class keeps p ≥ γ/K = 0.05", float(p.min()) >= 0.05 - 1e-7, float(p.min()), digits=3)
worst_at = sorted(range(10), key=lambda k: float(per_at[0][k]))[:2]
check("CFOL's most sampled class is one of PGD-AT's two worst classes", int(p.argmax()) in worst_at, int(p.argmax()))
corr = float(np.corrcoef(p.numpy(), 1 - per_at[0].numpy())[0, 1])
check("p follows PGD-AT's per-class robust error (correlation > 0.5)", corr > 0.5, corr, digits=2)
worst = {name: float(np.mean([float(v.min()) for v in per])) for name, per in [("PGD-AT", per_at), ("CFOL", per_cfol)]}
check("CFOL raises the worst-class robust accuracy (PGD-AT → CFOL, mean over 3 seeds)", worst["CFOL"] > worst["PGD-AT"],
      (worst["PGD-AT"], worst["CFOL"]), digits=2)
report("mean robust accuracy over classes and seeds, PGD-AT → CFOL",
       (float(torch.stack(per_at).mean()), float(torch.stack(per_cfol).mean())), digits=2)

# %% [markdown]
# ## 6. Weight loss landscapes: AT vs AT-AWP (seed 002)
#
# $g(a) = \rho(w + a d) = \frac1n\sum_i\max_{\|x'_i - x_i\|\le\varepsilon}\ell(f_{w + a d}(x'_i), y_i)$ along a
# random filter-normalised direction $d$ (Li et al. 2018). Seed 002: with adversarial examples generated
# once at $w$ the picture is misleading; "the correct way" regenerates them at every $a$. AWP's aim is a
# flatter landscape.

# %%
alphas = np.linspace(-1, 1, 9)
awp = runs["PGD-AT-AWP"][0]
land = {name: metrics.weight_landscape(m, x_test[:200], y_test[:200], alphas, EPS, steps=10, seed=1)
        for name, m in [("PGD-AT", at), ("PGD-AT-AWP", awp)]}
pregen = metrics.weight_landscape(at, x_test[:200], y_test[:200], alphas, EPS, steps=10, seed=1, regenerate=False)
fig, ax = plt.subplots(figsize=(7, 3.8))
ax.plot(alphas, land["PGD-AT"], "o-", color=color("pgd"), label="PGD-AT (regenerated)")
ax.plot(alphas, pregen, "o--", color=color("pgd"), alpha=0.5, label="PGD-AT (pre-generated: the wrong way)")
ax.plot(alphas, land["PGD-AT-AWP"], "s-", color=color("fgsm"), label="PGD-AT-AWP (regenerated)")
_ = ax.set(xlabel="a (along the filter-normalised direction d)", ylabel="robust loss ρ(w + a d)",
           title="Weight loss landscape")
_ = ax.legend(fontsize=9)

# %%
# NBVAL_CHECK_OUTPUT
rise = {k: float(v[[0, -1]].mean() - v[len(v) // 2]) for k, v in land.items()}
check("AWP's landscape is flatter (smaller rise at |a| = 1; measured: PGD-AT, AWP)", rise["PGD-AT-AWP"] < rise["PGD-AT"],
      (rise["PGD-AT"], rise["PGD-AT-AWP"]), digits=3)
check("pre-generated examples underestimate the robust loss away from w (at a = −1: pre-generated, regenerated)",
      pregen[0] < land["PGD-AT"][0], (pregen[0], land["PGD-AT"][0]), digits=3)

# %% [markdown]
# ## 7. Saliency maps: adversarial training makes gradients interpretable (seed 001)
#
# The saliency map $\nabla_x f_y(x)$ shows which pixels move the true-class score. Seed 001 (Zeiss
# retinopathy example): "adversarial training helps".

# %%
idx = [0, 1, 2, 3, 4]
maps = {"image": x_test[idx], "standard": metrics.saliency(erm, x_test[idx], y_test[idx]),
        "PGD-AT": metrics.saliency(at, x_test[idx], y_test[idx])}
fig, axes = plt.subplots(3, len(idx), figsize=(8, 5))
for row, (name, m) in enumerate(maps.items()):
    for col in range(len(idx)):
        axes[row, col].imshow(m[col, 0].abs().numpy() if row else m[col, 0].numpy(), cmap="gray_r")
        axes[row, col].set_xticks([]), axes[row, col].set_yticks([])
    axes[row, 0].set_ylabel(name)
_ = fig.suptitle("|∇ₓ f_y(x)|: standard vs adversarial training")


# %%
# NBVAL_CHECK_OUTPUT
def on_digit(model):
    """Share of the saliency mass |∇ₓ f_y| that falls on the digit's strokes (pixels > 0.25)."""
    s = metrics.saliency(model, x_test, y_test).abs()
    return float((s * (x_test > 0.25)).sum() / s.sum())


share = {"standard": on_digit(erm), "PGD-AT": on_digit(at)}
check("AT's saliency is more concentrated on the digit (share on the strokes: standard, PGD-AT)",
      share["PGD-AT"] > share["standard"], (share["standard"], share["PGD-AT"]), digits=2)

# %% [markdown]
# ## 8. SAM: the same min-max in weight space (seed 001)
#
# Sharpness-aware minimisation solves $\min_w \max_{\|\eta\|_2\le\rho} L(w + \eta)$ with the first-order
# maximiser $\eta^\star = \rho\,\nabla L(w)/\|\nabla L(w)\|_2$, then steps with the gradient at $w + \eta^\star$
# (dropping the second-order term, as the slide does); ρ = 0.05. AWP is its adversarial-training cousin.
#
# The plot shows one random filter-normalised direction. One direction is one draw: along some directions SAM's
# rise is *larger* than standard training's. The check therefore averages the rise at |a| = 1 over 6 random
# directions; SAM's average was smaller in every seed family we tried, by about 5–10 %: a small but systematic
# flattening after 12 epochs with ρ = 0.05.

# %%
sam, h_sam = train(SAM(rho=0.05))
clean_land = {name: metrics.weight_landscape(m, x_test, y_test, alphas, 0.0, seed=1) for name, m in
              [("standard", erm), ("SAM", sam)]}
fig, ax = plt.subplots(figsize=(7, 3.8))
for (name, v), c in zip(clean_land.items(), [color("clean"), color("eg")]):
    ax.plot(alphas, v, "o-", color=c, label=name)
_ = ax.set(xlabel="a", ylabel="test loss L(w + a d)", title="Clean weight loss landscape")
_ = ax.legend(fontsize=9)

# %%
# NBVAL_CHECK_OUTPUT
def mean_rise(model, directions=range(1, 7)):
    """Rise of the clean test loss at |a| = 1, averaged over 6 random filter-normalised directions."""
    v = np.array([metrics.weight_landscape(model, x_test, y_test, alphas, 0.0, seed=s) for s in directions])
    return float((v[:, [0, -1]].mean(1) - v[:, len(alphas) // 2]).mean())


sharp = {"standard": mean_rise(erm), "SAM": mean_rise(sam)}
check("SAM keeps clean accuracy > 0.9", h_sam.last["clean"] > 0.9, h_sam.last["clean"], digits=2)
check("SAM's minimum is flatter than standard training's (mean rise over 6 directions: standard, SAM)",
      sharp["SAM"] < sharp["standard"], (sharp["standard"], sharp["SAM"]), digits=3)

# %% [markdown]
# ## 9. Is our robust accuracy honest? A cross-check with AutoAttack
#
# A robust accuracy is only an upper bound: a weak attack makes any defence look good. The benchmark
# `python benchmarks/autoattack_check.py` trains a PGD-AT CNN on digits and attacks it with this library's
# strongest attack (PGD on CE and on the margin, 50 steps × 3 restarts, plus BETA-50) and with the official
# AutoAttack (`pip install pyautoattack`); ours must not be more than 1 point above AutoAttack's.
#
# **Status of the numbers we used** (research note §4.3): TRADES, MART, AWP, CFOL, dynamic AT and ATAS
# formulas and defaults were read in the authors' code. BETA-AT's algorithm was confirmed against the
# bilevel formulation on the seed 000 slides; its paper's training details (α, steps) are unconfirmed.
# PGD-AT's MNIST/CIFAR-10 defaults (Madry et al.) and the SAM perturbation's general-$q$ form are from
# memory (unconfirmed); the $\ell_2$ form used here is the one derived on the seed 001 slide.
