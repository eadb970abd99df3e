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

# %% [markdown] slideshow={"slide_type": "slide"}
# # Lecture 02 — Danskin's theorem, its counterexamples and Danskin's Descent Direction
#
# Adversarial training minimises a **robust loss** $f(\theta) = \max_{\delta \in S} g(\theta, \delta)$.
# To descend on $f$ we need its derivative, and Danskin's theorem gives it. This lecture makes one subtle
# point visible and checks it with numbers: the gradient at *one* optimal adversary,
# $-\nabla_\theta g(\theta, \delta^*)$, need **not** be a descent direction when the maximiser is not unique;
# the steepest descent direction comes from the minimum-norm point of the convex hull of the gradients at
# *all* maximisers (Danskin's Descent Direction, DDD / DDi).
#
# **You will learn**
# - Danskin's theorem in its convex (Bertsekas) and general forms, and why the directional derivative is one-sided;
# - two counterexamples to Madry et al.'s corollary, with the "descent" step that ascends;
# - the min-norm point of a convex hull (simplex projection of Duchi et al. (2008)) and the DDD direction;
# - PGD-AT vs DDD on a synthetic example and on a small smooth network, and what DDD costs;
# - DDD with approximate maximisers (Theorem 3); why adversarial losses are non-smooth: the gradient jumps by
#   up to $2\varepsilon L_{\theta x}$, and what that means for convergence.
#
# **Slides followed:** Cho's presentation (OptiML, 2023) of Latorre et al. (2023) (Danskin, counterexamples 1–2, DDD,
# synthetic example, cost); EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022: Danskin, Bertsekas and
# general forms, Corollary A.2); the talk *Adversarial training should be cast as a non-zero sum game* (Cevher,
# LIONS, 2024: counterexample $|x|$, DDi); CS8695 (Chen Liu, 2023: the non-smooth adversarial loss landscape of
# Liu et al. (2020)). Danskin's theorem: Danskin (1966). Full references at the end.

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import check, check_close, make_rng, report, seed_everything, setup
from course_lib.danskin import ddd, directional, examples, hull, landscape, trajectories, widgets
from course_lib.data import load_digits
from course_lib.models import MLP
from course_lib.viz import animate, color, contour

setup(seed=0, threads=1)  # tiny models: one thread avoids OpenMP overhead on 2 shared cores

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Danskin's theorem
#
# Let $S$ be compact, $g(\cdot, \delta)$ differentiable with $\nabla_\theta g$ continuous on $\Theta \times S$,
# $f(\theta) = \max_{\delta\in S} g(\theta,\delta)$ and $S^*(\theta) = \arg\max_{\delta\in S} g(\theta,\delta)$.
#
# - **Convex (Bertsekas) form** (EE-556 Lecture 11): if every $g(\cdot,\delta)$ is convex, $f$ is convex and
#   $\partial f(\theta) = \operatorname{conv}\{\nabla_\theta g(\theta,\delta^*) : \delta^* \in S^*(\theta)\}$;
#   if $S^*(\theta) = \{\delta^*\}$, $f$ is differentiable with $\nabla f(\theta) = \nabla_\theta g(\theta, \delta^*)$.
# - **General form** (EE-556 Lecture 11; Latorre et al. (2023)): $f$ is directionally differentiable and
#   $$D_\gamma f(\theta) = \lim_{t \downarrow 0} \frac{f(\theta + t\gamma) - f(\theta)}{t} = \max_{\delta \in S^*(\theta)} \langle \gamma, \nabla_\theta g(\theta, \delta)\rangle .$$
#
# The limit is **one-sided**: $D_{-\gamma} f \ne -D_\gamma f$ in general. $\gamma$ is a descent direction iff
# $D_\gamma f(\theta) < 0$, i.e. iff $\langle\gamma, \nabla_\theta g(\theta,\delta)\rangle < 0$ for **every** maximiser.
# The corollary of Madry et al. (2018) (A.2 on the EE-556 slide) claims that $-\nabla_\theta g(\theta,\delta^*)$ is a
# descent direction for *any* single maximiser $\delta^*$. Its proof used a two-sided limit (Cho's presentation,
# "A mistake in the proof").
#
# `course_lib.danskin.directional` computes Danskin's formula and checks it against the one-sided difference
# quotient at a point where the maximiser is not unique:

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** for $f(x) = \max_{\delta} g(x, \delta)$, Danskin gives the one-sided directional derivative
#   $f'(x; d) = \max_{\delta^\star \in S(x)} \langle \nabla_x g(x, \delta^\star), d\rangle$: a max over
#   *all* maximisers, not the gradient at one of them.
# - **Ask:** when is $f$ differentiable at $x$?
# - **Misconception (the false corollary):** "the gradient at any maximiser is a descent direction for $f$".
#   True only when the maximiser is unique.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
ex2 = examples.ObtuseExample()  # counterexample 2, u = (1, 0), v = (−1, −1)/√2
theta = 0.3 * np.array([ex2.u[1] - ex2.v[1], ex2.v[0] - ex2.u[0]])  # on the kink <θ, u> = <θ, v>
gammas = directional.unit_directions(12)[0]
report("maximisers δ* at θ", ex2.maximizers(theta, tol=1e-9))
danskin = directional.danskin_derivative(ex2, theta, gammas, tol=1e-9)
finite_diff = directional.one_sided_difference(ex2.robust_loss, theta, gammas, t=1e-7)
check("Danskin's formula = one-sided difference quotient in 12 directions (error < 1e-6)",
      np.abs(danskin - finite_diff).max() < 1e-6)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Counterexample 1: $f(x) = \max_{\delta\in[-1,1]} x\delta = |x|$ (non-zero-sum talk; Cho's presentation)
#
# At $x = 0$ every $\delta \in [-1, 1]$ is a maximiser. Take $\delta^* = 1$: $-\nabla_x g(0, 1) = -1 \ne 0$.
# Is it a descent direction? $f(0 - t) - f(0) = t > 0$: the "descent" step **ascends**. Here $x = 0$ is the
# minimiser, $0 \in \operatorname{conv}\{-1, 1\}$, and no descent direction exists.
#
# **Note (departure from a slide).** Cho's presentation writes $S^*(0) = \{-1, 1\}$; we use $S^*(0) = [-1, 1]$,
# because $g(0, \delta) = 0$ for every $\delta$, so every $\delta \in [-1, 1]$ maximises. The argument only needs the
# two extreme maximisers $\pm 1$, and `ex1.maximizers` returns those two.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** $f(x) = \max_{\delta \in [-1, 1]} x\delta = |x|$. At $x = 0$ every δ is a maximiser; pick
#   $\delta^\star = +1$ and $-\nabla$ moves to $x < 0$, where $f$ grows. The check measures the ascent.
# - **Ask:** which maximiser would have given a descent direction here, and how could an algorithm know?
# - **Misconception:** "PGD-AT descends on the robust loss". It follows $-\nabla$ at one (approximate)
#   maximiser, which may ascend.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
ex1, x0, t = examples.AbsExample(), np.zeros(1), 1e-3
report("extreme maximisers at x = 0", ex1.maximizers(x0))
for delta_star in ex1.maximizers(x0):
    step = -ex1.grad_theta(x0, delta_star)  # −∇_x g(0, δ*)
    change = directional.change_along(ex1.robust_loss, x0, step, t)
    check(f"δ* = {delta_star:+.0f}: f(0 − t∇g) − f(0) > 0 (not a descent direction)",
          change > 0, change)
check("x = 0 is Danskin-stationary: the DDD direction is 0",
      np.all(hull.danskin_descent_direction(ex1.active_gradients(x0)) == 0))

# %% slideshow={"slide_type": "subslide"}
xs = np.linspace(-1, 1, 201)
fig, ax = plt.subplots(figsize=(6, 3.6))
_ = ax.plot(xs, ex1.robust_loss(xs[:, None]), color=color("black"), label="f(x) = |x|")
_ = ax.plot(xs, xs, color=color("blue"), ls="--", label="g(x, δ*=1) = x")
arrow = {"arrowstyle": "->", "color": color("red"), "lw": 2}
_ = ax.annotate("", xy=(-0.5, -0.08), xytext=(0, -0.08), arrowprops=arrow)
_ = ax.plot([0, -0.5], [0, 0.5], "o", color=color("red"))
_ = ax.text(0.97, -0.95, "step x = 0 → −0.5\nalong −∇g(0, 1):\nf goes up from 0 to 0.5", ha="right",
            color=color("red"))  # in the empty lower right corner, off the lines
_ = ax.set(xlabel="parameter x", ylabel="robust loss f(x)",
           title="Counterexample 1: the 'descent' step ascends")
_ = ax.legend(loc="upper center")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Counterexample 2: a point that is *not* a minimiser (Latorre et al. (2023))
#
# $S = [0, 1]$, unit vectors $u, v$ at an obtuse angle, $g(\theta,\delta) = \delta\langle\theta,u\rangle + (1-\delta)\langle\theta,v\rangle + \delta(\delta-1)$.
# The term $\delta(\delta-1)$ makes $g$ convex in $\delta$, so $f(\theta) = \max(\langle\theta,u\rangle, \langle\theta,v\rangle)$
# and $S^*(0) = \{0, 1\}$ with gradients $v$ and $u$. By Danskin,
# $D_{-u} f(0) = D_{-v} f(0) = -\langle u, v\rangle > 0$: both single-maximiser steps ascend. Yet $\theta = 0$ is not a
# minimiser: the min-norm point $w$ of $\operatorname{conv}\{u, v\}$ gives the descent direction $\gamma^* = -w/\|w\|$.
# With $u = (1, 0)$, $v = (-1,-1)/\sqrt 2$ (as in the authors' code, repository `LIONS-EPFL/ddi_at`, file
# `acat/toy.py`) and a step $t = 10^{-3}$:

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
zero, t = np.zeros(2), 1e-3
report("S*(0) and <u, v>", [*ex2.maximizers(zero), ex2.u @ ex2.v])
for name, grad in (("u", ex2.u), ("v", ex2.v)):
    change = directional.change_along(ex2.robust_loss, zero, -grad, t)
    check_close(f"step along −{name}: f(−t{name}) − f(0)", change, 7.07e-4, tol=5e-7)
point = hull.min_norm_point(np.stack([ex2.u, ex2.v]))
gamma_star = -point.w / np.linalg.norm(point.w)
check_close("min-norm point w = (u + v)/2 of conv{u, v}", point.w, (ex2.u + ex2.v) / 2, tol=1e-6)
check_close("step along γ* = −w/‖w‖: f(tγ*) − f(0)",
            directional.change_along(ex2.robust_loss, zero, gamma_star, t), -3.83e-4, tol=5e-7)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Play with the angle.** The left panel shows $u$, $v$, the ascent steps $-u$, $-v$ (dashed) and $\gamma^*$ over the
# contours of $f$. The right panel is the polar curve of $1 + D_\gamma f(0)$ over all unit $\gamma$: directions inside
# the dotted unit circle descend. For an obtuse angle $-u$ and $-v$ lie outside; make the angle acute and they move inside.

# %%
demo2 = widgets.counterexample2_demo(angle=135.0)
demo2.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Danskin's Descent Direction (Latorre et al. (2023), Theorem 2)
#
# With a finite set of maximisers $\{\delta^{(1)},\dots,\delta^{(m)}\}$ and $M = [\nabla_\theta g(\theta,\delta^{(i)})]_i$,
# $$\gamma^* = -\frac{M\alpha^*}{\|M\alpha^*\|},\qquad \alpha^* \in \arg\min_{\alpha\in\Delta_m} \|M\alpha\|^2 .$$
# `hull.min_norm_point` solves this QP by accelerated projected gradient with the sort-based simplex projection of
# Duchi et al. (2008): $\Pi_\Delta(v) = \max(v - \tau, 0)$. Its certificate: at the optimum
# $\langle w, g_i\rangle \ge \|w\|^2$ for every $i$, so $\gamma^*$ decreases every active linearisation.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** take the gradients at several maximisers, find the min-norm point $w$ of their convex hull;
#   $-w/\|w\|$ descends on every linearisation at once, and $w = 0$ means stationarity.
# - **Ask:** what does DDD cost compared with PGD-AT if it uses m maximisers?
# - **Misconception:** "more maximisers always help". On a smooth network their gradients are nearly
#   parallel and DDD ends where PGD-AT does, at m times the cost (section 6).

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
report("projection of (0.5, 0.5, 3) onto the simplex", hull.project_simplex([0.5, 0.5, 3.0]))
G = make_rng(0).normal(size=(10, 50))
point = hull.min_norm_point(G)
check("min-norm point w of 10 random gradients: min_i <w, g_i> ≥ (1 − 1e-8)‖w‖², ‖w‖",
      np.min(G @ point.w) >= (1 - 1e-8) * point.w @ point.w, np.linalg.norm(point.w))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Approximate maximisers: Theorem 3 of Latorre et al. (2023)
#
# In practice PGD returns *approximate* maximisers $S^*_m = \{\delta^{(1)}, \dots, \delta^{(m)}\}$. Theorem 3 of Latorre et al.
# (2023), as Cho's presentation states it: if $S^*_m(\theta)$ **ε-approximates** $S^*(\theta)$ and $\nabla_\theta g(\theta, \delta)$
# is Lipschitz continuous in $\delta$, then $\gamma^*$ computed from $S^*_m$ is still the best direction to move. A
# quantitative form follows from Danskin's formula in two lines (our derivation, not the paper's wording): if every
# $\delta \in S^*$ has a $\delta' \in S^*_m$ with $\|\delta - \delta'\| \le \epsilon$ and $L$ is the Lipschitz constant, then
# $\langle\gamma^*, \nabla_\theta g(\theta,\delta)\rangle \le \langle\gamma^*, \nabla_\theta g(\theta,\delta')\rangle + L\epsilon \le -\|w_m\| + L\epsilon$, so
#
# $$D_{\gamma^*} f(\theta) \le -\|w_m\| + L\,\epsilon ,\qquad w_m = \text{min-norm point of } \operatorname{conv}\{\nabla_\theta g(\theta, \delta') : \delta' \in S^*_m\}.$$
#
# On counterexample 2 ($S^*(0) = \{0, 1\}$, $\nabla_\theta g = v + \delta(u - v)$, so $L = \|u - v\|$) we replace the maximiser
# $\delta = 0$ by $\delta' = a$ and keep $\delta' = 1$: $S^*_m = \{a, 1\}$ approximates $S^*$ within $\epsilon = a$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** PGD gives approximate maximisers; DDD's direction survives if they are close to the true ones and the
#   gradient changes slowly with δ. The bound trades the descent rate ‖w_m‖ against the error Lε.
# - **Ask:** in the figure, why is the exact derivative flat up to a = 0.5, then rising?
# - **Misconception:** "approximate maximisers are as good as exact ones". Far from $S^*$ the hull misses a
#   maximiser, and γ* ascends (a = 0.8).

# %% slideshow={"slide_type": "subslide"}
approx = np.linspace(0, 1, 51)
L_delta = np.linalg.norm(ex2.u - ex2.v)  # Lipschitz constant of δ ↦ ∇_θ g(θ, δ)
D_gamma, bound = [], []
for a in approx:
    w_m = hull.min_norm_point(ex2.grad_theta(zero, np.array([a, 1.0]))).w
    D_gamma.append(directional.danskin_derivative(ex2, zero, -w_m[None] / np.linalg.norm(w_m), tol=1e-9)[0])
    bound.append(-np.linalg.norm(w_m) + L_delta * a)
D_gamma, bound = np.array(D_gamma), np.array(bound)
fig, ax = plt.subplots(figsize=(6.4, 3.4))
_ = ax.plot(approx, D_gamma, color=color("ddd"), label="D_γ* f(0): exact, by Danskin over S* = {0, 1}")
_ = ax.plot(approx, bound, "--", color=color("gray"), label="bound −‖w_m‖ + L·ε")
_ = ax.axhline(0, color=color("black"), lw=0.8)
_ = ax.set(xlabel="approximation error ε = a of the maximiser δ = 0", ylabel="directional derivative",
           title="DDD with approximate maximisers S*_m = {a, 1}")
_ = ax.legend(fontsize=8)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
check("D_γ* f(0) ≤ −‖w_m‖ + L·ε for every approximation error ε = a in [0, 1]", np.all(D_gamma <= bound + 1e-12),
      (D_gamma - bound).max(), digits=2)
check("γ* descends wherever the bound is negative", np.all(D_gamma[bound < 0] < 0), approx[bound < 0].max(),
      digits=2)
check("with a poor approximation (a = 0.8) γ* ascends", D_gamma[approx == 0.8][0] > 0, D_gamma[approx == 0.8][0],
      digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The synthetic example: PGD-AT vs DDD
#
# The synthetic example of Latorre et al. (2023) is $g(\theta,\delta) = \delta(\theta_1^2 + (\theta_2+1)^2) + (1-\delta)(\theta_1^2 + (\theta_2-1)^2)$,
# $\delta\in[0,1]$, so $f(\theta) = \theta_1^2 + (|\theta_2|+1)^2$, minimal at $\theta = 0$ and non-smooth on $\theta_2 = 0$.
# The authors' code (`LIONS-EPFL/ddi_at`, file `acat/toy.py`) adds $-\delta(1-\delta)$: $g$ becomes convex in $\delta$, so **both** endpoints are
# local maximisers and the inner gradient ascent (10 steps of size 1 from $\delta_0\sim U[0,1]$) lands on either one,
# like PGD from random starts on a network. $f$ is unchanged. **Figures below use the code variant**, because it is the
# one whose inner maximisation behaves like an attack; the slide variant gives the same picture (see the exercise).
#
# PGD-AT takes one maximiser per step, DDD takes $m = 10$; both step $\theta \leftarrow \theta + 0.1\,\gamma$ with a unit
# $\gamma$ from $\theta_0 = (1, 0)$, 49 iterations, 20 seeded runs.

# %% slideshow={"slide_type": "subslide"}
toy = examples.SyntheticExample.variant("code")
runs = {name: trajectories.descent_trajectories(toy, m=m, iters=49, n_runs=20, seed=0)
        for name, m in (("PGD", 1), ("DDD", 10))}
F = {name: toy.robust_loss(path) for name, path in runs.items()}
f_toy = lambda X, Y: toy.robust_loss(np.stack([X, Y], -1))  # noqa: E731
background = [contour(f_toy, (-0.3, 1.1), (-0.7, 0.7), ncontours=20, name="contours of f(θ)")]
fig = animate({name: path[:, :5] for name, path in runs.items()}, background=background, n_frames=50,
              title="Synthetic example: PGD-AT zig-zags across θ₂ = 0, DDD goes straight (5 of 20 runs)",
              xlabel="θ₁", ylabel="θ₂", xlim=(-0.3, 1.1), ylim=(-0.7, 0.7),
              markers=[{"x": [0], "y": [0], "name": "minimiser θ = 0"}])
fig.show()

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for name, values in F.items():
    mean, std = values.mean(1), values.std(1)
    _ = ax.plot(mean, color=color(name.lower()), label=f"{name} (mean of 20 runs)")
    _ = ax.fill_between(np.arange(len(mean)), mean - std, mean + std, color=color(name.lower()), alpha=0.2)
_ = ax.axhline(1.0, color=color("black"), ls=":", label="min f = 1")
_ = ax.set(xlabel="iteration", ylabel="robust loss f(θ)",
           title="Robust loss vs iteration (synthetic example)")
_ = ax.legend()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
late = {name: values[10:].mean(0) for name, values in F.items()}  # mean f over iterations 10..49, per run
for name, v in late.items():
    report(f"{name}: mean robust loss over iterations 10-49 (mean, std over runs)", [v.mean(), v.std()])
check("DDD reaches a lower robust loss than PGD-AT (averaged over 20 seeds)",
      late["DDD"].mean() < late["PGD"].mean(), late["PGD"].mean() - late["DDD"].mean(), digits=2)
slide = examples.SyntheticExample.variant("slide")
F_slide = {m: slide.robust_loss(trajectories.descent_trajectories(slide, m=m))[10:].mean() for m in (1, 10)}
check("same with the slide's formula (no −δ(1−δ) term)", F_slide[10] < F_slide[1],
      F_slide[1] - F_slide[10], digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. DDD on a small smooth network (digits)
#
# The DDD theory needs a smooth loss in $\theta$: the authors swap ReLU for **CELU** and BatchNorm for **GroupNorm**,
# and use SGD **without momentum** (Latorre et al. (2023)). CELU (Barron (2017)) is the continuously differentiable
# exponential linear unit, $\mathrm{CELU}(z) = \max(0, z) + \min(0, \alpha(e^{z/\alpha} - 1))$: smooth where ReLU has a
# kink. GroupNorm (Wu and He (2018)) normalises each example's channels in groups, so, unlike BatchNorm, the output for
# one example does not depend on the rest of the batch. We train an MLP 64–64–10 with CELU on 8×8 digits, $\varepsilon = 0.1$ ($\ell_\infty$),
# PGD-7 attacks, 40 steps of normalised SGD (learning rate 0.3), batch 128. `ddd.DDi` with $m = 1$ **is** PGD-AT (one
# maximiser, same normalised step); with $m = 10$ it runs one PGD attack on the 10-times replicated batch and 10
# backward passes. The robust loss (PGD-5) is measured on 100 test digits after every step.

# %% slideshow={"slide_type": "subslide"}
x_train, y_train, x_test, y_test = load_digits()
celu_mlp = lambda: MLP(64, (64,), activation="celu")  # noqa: E731
compare = ddd.compare_descent(celu_mlp, x_train, y_train, eps=0.1, ms=(1, 10), iters=40, lr=0.3,
                              eval_data=(x_test[:100], y_test[:100]), eval_steps=5, seed=0)
fig, ax = plt.subplots(figsize=(6.4, 3.8))
for m, res in compare.items():
    name = "PGD-AT (m = 1)" if m == 1 else f"DDD (m = {m})"
    _ = ax.plot(res["robust_loss"], color=color("pgd" if m == 1 else "ddd"), label=name,
                ls="-" if m == 1 else "--")
_ = ax.set(xlabel="training step", ylabel="robust test loss (nats)", title="CELU MLP on digits, ε = 0.1")
_ = ax.legend()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The cost is measured in examples through the network (hardware-independent) and in seconds (this machine):

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
ratio = compare[10]["examples"] / compare[1]["examples"]
check("DDD / PGD-AT cost in examples through the network = m", ratio == 10, ratio)
gap = abs(compare[10]["robust_loss"][-1] - compare[1]["robust_loss"][-1])
check("on this small network both end at about the same robust loss (|difference| < 0.05 nats)", gap < 0.05,
      gap)

# %%
print(f"measured wall-clock ratio DDD/PGD-AT: {compare[10]['seconds'] / compare[1]['seconds']:.1f}x "
      f"({compare[1]['seconds']:.2f} s vs {compare[10]['seconds']:.2f} s for 40 steps)")

# %% [markdown]
# On this tiny MLP the wall-clock ratio stays below $m$: per-call overhead dominates and the $m$ attacks run as one
# batched call. On a compute-bound network it approaches $m$ (about 10× for `CNN(activation="celu")` on digits in
# our benchmark; the authors report 10–12× on ResNet-18, Latorre et al. (2023)).
#
# Why no difference in the robust loss here? DDD only helps when the maximisers' gradients disagree. On a batch-averaged loss the $m$
# gradients from different PGD starts are almost parallel, so the min-norm point is close to any one of them and
# PGD-AT's step already descends on every linearisation. EE-556 Lecture 11 says the same: "in practice the lack of
# descent does not seem to matter"; the authors report a steeper early increase of robustness on CIFAR-10, at a
# 10–12× cost (Latorre et al. (2023)).

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
seed_everything(0)
net = MLP(64, (64,), activation="celu")
res = ddd.ddd_direction(net, x_train[:128], y_train[:128], eps=0.1, steps=7, m=10)
cosines = torch.nn.functional.normalize(res.grads, dim=1) @ torch.nn.functional.normalize(res.grads, dim=1).T
check("the 10 maximisers' gradients are nearly parallel: min cosine > 0.99", cosines.min() > 0.99,
      cosines.min(), digits=2)
check("γ* descends on every maximiser's linearisation: max_i <γ*, g_i> < 0", res.inner.max() < 0,
      res.inner.max(), digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Adversarial losses are non-smooth (CS8695, Chen Liu)
#
# Liu et al. (2020): $\mathcal L_\varepsilon(\theta) = \max_{|\Delta|\le\varepsilon} \log(1 + e^{\theta\Delta}) = \log(1 + e^{\varepsilon|\theta|})$.
# The maximiser jumps from $\Delta^* = -\varepsilon$ ($\theta \le 0$) to $+\varepsilon$ ($\theta > 0$), so the slope jumps
# from $-\varepsilon/2$ to $+\varepsilon/2$: the gradient is not Lipschitz, $\|\nabla\mathcal L_\varepsilon(\theta_1) - \nabla\mathcal L_\varepsilon(\theta_2)\|
# \le L_{\theta\theta}\|\theta_1-\theta_2\| + 2\varepsilon L_{\theta x}$. For a linear model the same happens at $w = 0$:
# $\mathcal L_\varepsilon(w) = \frac1N\sum_i \log(1 + e^{-y_i w^\top x_i + \varepsilon\|w\|_*})$ (dual norm).

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
thetas = np.linspace(-5, 5, 101)
for eps in (0.6, 1.2):
    closed = landscape.adversarial_logistic_1d(thetas, eps)
    err = np.abs(closed - landscape.adversarial_logistic_1d_bruteforce(thetas, eps)).max()
    check(f"ε = {eps}: closed form log(1 + e^(ε|θ|)) = brute-force max over Δ (error < 1e-12)",
          err < 1e-12)
    check_close(f"ε = {eps}: gradient jump of L_ε at θ = 0", landscape.gradient_jump_1d(eps), eps,
                tol=1e-12)
rng, e1, h = make_rng(0), np.eye(5)[0], 1e-7
X, y = rng.normal(size=(50, 5)), rng.choice([-1.0, 1.0], size=50)
L_lin = lambda w: landscape.adversarial_logistic_linear(w, X, y, eps=0.3, norm="linf")  # noqa: E731
jump = (L_lin(h * e1) - L_lin(0 * e1)) / h + (L_lin(-h * e1) - L_lin(0 * e1)) / h
check_close("linear logistic model, ℓ∞ budget ε = 0.3: slope jump at w = 0 along e₁", jump, 0.3,
            tol=1e-5)

# %% slideshow={"slide_type": "subslide"}
demo_l = widgets.landscape_demo(eps=0.6)
demo_l.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Lipschitz assumptions and the $2\varepsilon L_{\theta x}$ bound (Liu et al. (2020); CS8695)
#
# Write $g(x, \theta) = \mathcal L(f(x + \Delta, \theta))$ and assume, for all $x, \theta$:
# $|g(x,\theta_1) - g(x,\theta_2)| \le L_\theta\|\theta_1-\theta_2\|$,
# $\|\nabla_\theta g(x,\theta_1) - \nabla_\theta g(x,\theta_2)\| \le L_{\theta\theta}\|\theta_1-\theta_2\|$ and
# $\|\nabla_\theta g(x_1,\theta) - \nabla_\theta g(x_2,\theta)\| \le L_{\theta x}\|x_1-x_2\|$. Then $\mathcal L_\varepsilon$ is $L_\theta$-Lipschitz, but its
# gradient only satisfies
#
# $$\|\nabla_\theta\mathcal L_\varepsilon(\theta_1) - \nabla_\theta\mathcal L_\varepsilon(\theta_2)\| \le L_{\theta\theta}\|\theta_1 - \theta_2\| + 2\varepsilon L_{\theta x}:$$
#
# by Danskin $\nabla\mathcal L_\varepsilon(\theta_i) = \nabla_\theta g(x + \Delta_i, \theta_i)$ at the maximisers $\Delta_i$; change $\theta_1 \to \theta_2$
# ($L_{\theta\theta}$), then $\Delta_1 \to \Delta_2$ ($L_{\theta x}$, and $\|\Delta_1 - \Delta_2\| \le 2\varepsilon$). The extra $2\varepsilon L_{\theta x}$ does not
# shrink with $\|\theta_1 - \theta_2\|$: where the maximiser jumps, the gradient jumps.
#
# **A polynomial loss with small and large ε** (CS8695 shows such a figure; the polynomial here is ours):
# $g(\theta, \Delta) = p(\theta - \Delta)$, $p(r) = (r^2 - 1)^2/4$, so $\nabla_\theta g = p'(\theta - \Delta)$ and
# $L_{\theta\theta} = L_{\theta x} = \sup|p''|$ on the region visited.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** smooth $g$ in θ and x does not make the robust loss smooth: the worst case Δ depends on θ and can jump
#   across the ball, which adds up to $2\varepsilon L_{\theta x}$ to any gradient difference.
# - **Ask:** for small ε, where are the kinks of the polynomial example, and why does the minimiser sit on one?
# - **Misconception:** "a larger ε only shifts the loss up". It also moves and flattens the minimiser (large ε:
#   the plateau at θ = 0) and makes the kinks sharper.

# %% slideshow={"slide_type": "subslide"}
thetas = np.linspace(-1.5, 1.5, 601)
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for ax, eps in zip(axes, (0.1, 0.8)):
    L_eps, _ = landscape.adversarial_polynomial_1d(thetas, eps)
    _ = ax.plot(thetas, landscape.adversarial_polynomial_1d(thetas, 0.0)[0], ":", color=color("clean"),
                label="clean loss p(θ)")
    _ = ax.plot(thetas, L_eps, color=color("pgd"), label=f"L_ε(θ) = max p(θ − Δ), ε = {eps}")
    _ = ax.set(xlabel="parameter θ", ylabel="loss", title=f"{'small' if eps < 0.5 else 'large'} ε = {eps}",
               ylim=(-0.05, 1.3))
    _ = ax.legend(loc="upper center", fontsize=8)
_ = fig.suptitle("Polynomial loss: kinks wherever the worst-case Δ jumps")

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
dtheta = np.abs(thetas[:, None] - thetas[None, :])
for eps in (0.1, 0.8):
    slope = landscape.adversarial_polynomial_1d_slope(thetas, eps)
    L = landscape.polynomial_lipschitz(radius=1.5 + eps)  # L_θθ = L_θx = sup |p″| for |θ − Δ| ≤ 1.5 + ε
    excess = (np.abs(slope[:, None] - slope[None, :]) - L * dtheta).max()
    check(f"ε = {eps}: |L′(θ₁) − L′(θ₂)| − L_θθ|θ₁ − θ₂| ≤ 2εL_θx over all 601² pairs", excess <= 2 * eps * L,
          (excess, 2 * eps * L), digits=2)
p1 = lambda r: r**3 - r  # noqa: E731  p′
kink = np.sqrt(1 - 0.1**2)  # p(θ − ε) = p(θ + ε) near θ = 1 for ε = 0.1
jump = np.abs(np.diff(landscape.adversarial_polynomial_1d_slope(np.array([kink - 1e-9, kink + 1e-9]), 0.1)))[0]
check_close("ε = 0.1: slope jump at the kink θ* = √(1 − ε²) (closed form p′(θ*+ε) − p′(θ*−ε))", jump,
            p1(kink + 0.1) - p1(kink - 0.1), tol=1e-6)
check("… it does not shrink with |θ₁ − θ₂| and is ≈ 2ε·p″(1) = 4ε: jump > 3.9ε", jump > 3.9 * 0.1, jump, digits=3)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Convergence of adversarial training (Liu et al. (2020), as in CS8695)
#
# **Theorem.** SGD $\theta_{t+1} = \theta_t - \alpha_t\nabla_\theta\widehat{\mathcal L}_\varepsilon(\theta_t)$ with unbiased, variance-bounded
# stochastic gradients and $\alpha_t = 1/(L_{\theta\theta}\sqrt T)$ for $T$ iterations satisfies
#
# $$\forall \gamma > 2:\quad P\big(\|\nabla_\theta\mathcal L_\varepsilon(\theta_T)\| \ge \gamma\,\varepsilon L_{\theta x}\big) < \frac{4}{\gamma^2 - 2\gamma + 4}.$$
#
# The guarantee is a gradient norm of order $\varepsilon L_{\theta x}$, not 0: at a kink the gradient does not vanish. On the
# polynomial loss, gradient descent with this step size ($T = 2000$, from $\theta_0 = 2$) drives the clean gradient to 0,
# while for ε > 0 it ends oscillating around the kink with $|\nabla\mathcal L_\varepsilon| \approx \varepsilon\,p''(1)$.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
T, last_grads = 2000, {}
for eps in (0.0, 0.1, 0.3):
    L = landscape.polynomial_lipschitz(radius=2.0 + eps)
    theta_t, grads = np.array([2.0]), []
    for _ in range(T):
        grad = landscape.adversarial_polynomial_1d_slope(theta_t, eps)
        grads.append(abs(grad[0]))
        theta_t = theta_t - grad / (L * np.sqrt(T))
    last_grads[eps] = np.array(grads[-100:])
check("ε = 0: the gradient vanishes (|∇L| < 1e-3 over the last 100 steps)", last_grads[0.0].max() < 1e-3,
      last_grads[0.0].max())
for eps in (0.1, 0.3):
    check(f"ε = {eps}: it does not: |∇L_ε| > ε over the last 100 steps", last_grads[eps].min() > eps,
          last_grads[eps].min(), digits=2)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary (what to remember) and exercises
#
# - One maximiser is not enough: $-\nabla_\theta g(\theta,\delta^*)$ can ascend when $S^*(\theta)$ has several elements
#   (counterexamples 1 and 2); the min-norm point of the hull of all active gradients gives the steepest descent direction.
# - DDD costs about $m$ times PGD-AT; it pays off where maximisers disagree (synthetic example), much less on a small
#   smooth network where their gradients are nearly parallel.
# - With approximate maximisers ($\epsilon$ away from the true ones) $\gamma^*$ still descends as long as
#   $\|w_m\| > L\epsilon$ (Theorem 3 of Latorre et al. (2023)).
# - The adversarial loss is non-smooth wherever the maximiser jumps; its gradient jumps by up to $2\varepsilon L_{\theta x}$,
#   and SGD only guarantees a gradient norm of order $\varepsilon L_{\theta x}$ (Liu et al. (2020)).
#
# **Exercises.** (1) In the counterexample-2 widget, find the angle at which $-u$ stops being an ascent direction.
# (2) Rerun section 5 with `examples.SyntheticExample.variant("slide")` and explain why PGD-AT's zig-zag changes.
# (3) Increase ε in section 6 to 0.3: does the minimum cosine between the maximisers' gradients drop?
# The [checked exercises of this lecture](exercises/02_danskin.ipynb) have you implement Danskin's directional
# derivative, the simplex projection and the min-norm point of a hull, with a checker that says what is wrong.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: barron2017celu cevher2022ee556 cevher2024nonzero_talk cho2023ddd_talk code_ddi_at
# danskin1966theory duchi2008projection latorre2023ddd liu2020landscape liu2023cs8695 madry2018towards
# wu2018groupnorm -->
#
# - **Barron (2017)**. Jonathan T. Barron. *Continuously differentiable exponential linear units*. arXiv
#   preprint, 2017. [arXiv:1704.07483](https://arxiv.org/abs/1704.07483)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Cho, Adversarial training descends without descent, paper presentation (OptiML, 2023)**. Hanseul Cho.
#   *Adversarial training descends without descent: Finding actual descent directions based on Danskin's
#   theorem (paper presentation)*. OptiML group meeting, 2023. Slides presenting Latorre et al. (2023), 1
#   February 2023. [openreview.net/forum?id=I3HCE7Ro78H](https://openreview.net/forum?id=I3HCE7Ro78H)
# - **CS8695 Understanding and building reliable deep neural networks (Chen Liu, 2023)**. Chen Liu.
#   *Understanding and building reliable deep neural networks*. CS8695 Research in Computer Science, course
#   slides, 2023. Semester A, 2023–2024. [github.com/liuchen11](https://github.com/liuchen11)
# - **Danskin (1966)**. John M. Danskin. *The theory of max-min, with applications*. SIAM Journal on Applied
#   Mathematics 14(4), pp. 641–664, 1966. [doi:10.1137/0114053](https://doi.org/10.1137/0114053)
# - **Duchi et al. (2008)**. John Duchi, Shai Shalev-Shwartz, Yoram Singer, Tushar Chandra. *Efficient
#   projections onto the $\ell_1$-ball for learning in high dimensions*. International Conference on Machine
#   Learning (ICML), pp. 272–279, 2008.
#   [doi:10.1145/1390156.1390191](https://doi.org/10.1145/1390156.1390191)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Latorre et al. (2023)**. Fabian Latorre, Igor Krawczuk, Leello Tadesse Dadi, Thomas Pethick, Volkan
#   Cevher. *Finding actual descent directions for adversarial training*. International Conference on
#   Learning Representations (ICLR), 2023. Preprint title: Adversarial training descends without descent:
#   Finding actual descent directions based on Danskin's theorem.
#   [openreview.net/forum?id=I3HCE7Ro78H](https://openreview.net/forum?id=I3HCE7Ro78H)
# - **LIONS-EPFL/ddi_at**. Fabian Latorre, Igor Krawczuk, Leello Tadesse Dadi, Thomas Pethick, Volkan
#   Cevher. *ddi_at: code of "Finding actual descent directions for adversarial training"*. GitHub
#   repository LIONS-EPFL/ddi_at, 2023. [github.com/LIONS-EPFL/ddi_at](https://github.com/LIONS-EPFL/ddi_at)
# - **Liu et al. (2020)**. Chen Liu, Mathieu Salzmann, Tao Lin, Ryota Tomioka, Sabine Süsstrunk. *On the
#   loss landscape of adversarial training: Identifying challenges and how to overcome them*. Advances in
#   Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2006.08403](https://arxiv.org/abs/2006.08403)
# - **Madry et al. (2018)**. Aleksander Madry, Aleksandar Makelov, Ludwig Schmidt, Dimitris Tsipras, Adrian
#   Vladu. *Towards deep learning models resistant to adversarial attacks*. International Conference on
#   Learning Representations (ICLR), 2018. [arXiv:1706.06083](https://arxiv.org/abs/1706.06083)
# - **Wu and He (2018)**. Yuxin Wu, Kaiming He. *Group normalization*. European Conference on Computer
#   Vision (ECCV), 2018. [arXiv:1803.08494](https://arxiv.org/abs/1803.08494)
