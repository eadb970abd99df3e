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
# # 01 · Adversarial examples: worst cases, FGSM, PGD and BETA
#
# **What you will learn**
# - empirical risk minimisation (ERM) and the losses it uses, and how an *adversarial example* changes the question;
# - the worst case of a linear model in closed form, ⟨x, a⟩ + ε‖x‖_* (dual norms), with a widget, and why sparse
#   linear models are robust to ℓ∞ attacks;
# - FGSM and PGD on a digits classifier, and why **FGSM is one step of proximal gradient ascent (PGA)**;
# - what ℓ∞, ℓ2 and ℓ1 perturbations look like;
# - why cross-entropy makes a weak adversary, and the margin-based **BETA** attack.
#
# **Slides**: EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022: ERM, adversarial examples, linear
# prediction, FGSM, PGA, multiple steps of FGSM) and the talk *Adversarial training should be cast as a non-zero sum
# game* (Cevher, LIONS, 2024: "PGD: a misnomer", 0-1 loss vs cross-entropy, BETA). Full references at the end.
# Notation of the slides: model h_x with **weights x**, input **a**, label **b**, perturbation **η** (δ in the code).

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np
import torch
import torch.nn.functional as F
from scipy.optimize import linprog
from sklearn.linear_model import LogisticRegression

from course_lib import check, check_close, make_rng, seed_everything, setup
from course_lib.data import load_digits
from course_lib.models import CNN
from course_lib.robust import (
    AdversarialMethod,
    beta_attack,
    fgsm,
    fit,
    linear_worst_case,
    linear_worst_case_demo,
    pga,
    pgd,
)
from course_lib.viz import color

setup(seed=0, threads=1)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. ERM and its losses
#
# Supervised learning picks weights by **empirical risk minimisation**
# $\min_{x} \frac1n \sum_{i=1}^n L(h_x(a_i), b_i)$. For a label $b \in \{-1, +1\}$ the losses are functions of the
# *margin* $m = b\,h_x(a)$: the **0-1 loss** $1[m \le 0]$ (what we care about, but with zero gradient almost everywhere),
# the hinge loss $\max(0, 1-m)$, the logistic loss $\log(1+e^{-m})$ (cross-entropy for two classes) and the squared
# loss $(b - h_x(a))^2 = (1-m)^2$ (as $b^2 = 1$), which also penalises confident correct predictions ($m > 1$).

# %%
m = np.linspace(-3, 3, 601)
losses = {"0-1": (m <= 0) * 1.0, "hinge": np.maximum(0, 1 - m), "logistic / log 2": np.logaddexp(0, -m) / np.log(2),
          "squared": (1 - m) ** 2}
fig, ax = plt.subplots(figsize=(6, 3.5))
for (name, value), role in zip(losses.items(), ["black", "orange", "blue", "green"]):
    _ = ax.plot(m, value, label=name, color=color(role))
_ = ax.set(xlabel="margin m = b·h(a)", ylabel="loss", title="Surrogates of the 0-1 loss", ylim=(-0.1, 4))
_ = ax.legend()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
gap = min((losses[name] - losses["0-1"]).min() for name in ("hinge", "logistic / log 2", "squared"))
check("hinge, logistic/log 2 and squared upper-bound the 0-1 loss on the grid (min gap ≥ 0)", gap >= 0, gap)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Adversarial examples
#
# An adversary may move the input inside a ball $\mathcal N = \{\eta: \|\eta\| \le \epsilon\}$ and picks the worst move,
# $\eta \in \arg\max_{\|\eta\|\le\epsilon} L(h_{x}(a+\eta), b)$. Robust training then solves the min-max problem
# $\min_x \frac1n\sum_i \max_{\|\eta_i\|\le\epsilon} L(h_x(a_i+\eta_i), b_i)$ (Huang et al. (2015); Madry et al. (2018);
# EE-556 Lecture 11). Adversarial examples were found by Szegedy et al. (2014). The norm sets the threat:
# ℓ∞ (every pixel a little), ℓ2, or ℓ1 (a few pixels a lot: sparse).
#
# ## 3. The linear model: the worst case in closed form
#
# For $h_x(a) = \langle x, a\rangle$ (EE-556 Lecture 11, "A robustness example: linear prediction"):
# $$\max_{\|\eta\|_p\le\epsilon} \langle x, a+\eta\rangle = \langle x, a\rangle + \epsilon\,\|x\|_q,\qquad \tfrac1p + \tfrac1q = 1,$$
# by the definition of the dual norm. The maximiser is $\epsilon\,\mathrm{sign}(x)$ for ℓ∞ (the FGSM step),
# $\epsilon\,x/\|x\|_2$ for ℓ2, and $\epsilon\,\mathrm{sign}(x_{i^*})e_{i^*}$ at the largest $|x_i|$ for ℓ1 (one coordinate: sparse).
# We check all three in 64 dimensions: against linear programming for ℓ∞ and ℓ1, and for ℓ2 by attaining the value
# at η* while no random point of the sphere beats it.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** for a linear model the inner max has a closed form: $\max_{\|\eta\| \le \varepsilon} \langle x,
#   a + \eta\rangle = \langle x, a\rangle + \varepsilon\|x\|_*$, the dual norm. Show the widget: the worst
#   perturbation is a vertex of the ℓ∞ ball, a point of the sphere for ℓ2.
# - **Ask:** which dual norm appears for an ℓ∞ budget, and what does it say about high-dimensional inputs?
# - **Misconception:** "adversarial examples are a quirk of deep nets". The linear model already has them,
#   and their effect grows with $\|x\|_1$, i.e. with the dimension.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
rng = make_rng(0)
x_w, a0, eps = rng.standard_normal((1, 64)), rng.uniform(0, 1, (1, 64)), 0.1
for norm in ("linf", "l2", "l1"):
    eta, value = linear_worst_case(torch.tensor(x_w), torch.tensor(a0), eps, norm)
    if norm == "linf":  # LP: max ⟨x, η⟩ subject to −ε ≤ η ≤ ε
        best = -linprog(-x_w[0], bounds=[(-eps, eps)] * 64).fun
    elif norm == "l1":  # LP in (u, v) ≥ 0 with η = u − v, Σ(u + v) ≤ ε
        best = -linprog(-np.r_[x_w[0], -x_w[0]], A_ub=np.ones((1, 128)), b_ub=[eps], bounds=(0, None)).fun
    else:  # no random point of the sphere does better; the closed form is attained at η* = εx/‖x‖₂
        u = rng.standard_normal((100_000, 64))
        best = float(eta[0].numpy() @ x_w[0])
        check("ℓ2: 10⁵ random points of the sphere stay below ε‖x‖₂",
              np.max(u @ x_w[0] / np.linalg.norm(u, axis=1)) * eps <= best)
    closed = float(value[0]) - float((x_w @ a0.T)[0, 0])
    check_close(f"{norm}: ⟨x, a⟩ + ε‖x‖_* − ⟨x, a⟩ = max ⟨x, η⟩", closed, best, tol=1e-6)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Try it.** In two dimensions: the input $a$ (black), the ε-ball of the chosen norm around it, the weights $x$
# (arrow, angle θ) and the maximising point $a+\eta^\star$ (orange) where the level line $\langle x,\cdot\rangle = $ const
# last touches the ball. The readout compares the closed form with the best of 2,000 points of the ball's boundary.

# %%
demo = linear_worst_case_demo(a=(0.5, 0.5), norm="linf", eps=0.2, theta=0.5)
demo.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Sparse models are robust
#
# The slide's last remark, in numbers. For $h_x(a) = \langle x, a\rangle + c$ and a label $b = \pm1$, the worst ℓ∞
# perturbation $\eta^\star = -\epsilon\,b\,\mathrm{sign}(x)$ lowers the margin $b\,h_x(a)$ by exactly $\epsilon\|x\|_1$. So a
# point stays correct under every $\|\eta\|_\infty \le \epsilon$ iff $b\,h_x(a) > \epsilon\|x\|_1$: the robust accuracy
# is a closed form, no attack needed. At the same margins, weights with a smaller $\|x\|_1$ are more robust, and an
# ℓ1 penalty makes $x$ sparse. (For logistic regression, ℓ∞ adversarial training minimises
# $\log(1 + e^{-b h_x(a) + \epsilon\|x\|_1})$: an ℓ1 penalty inside the loss, Goodfellow et al. (2015).)
#
# We fit two logistic regressions for digits 3 vs 8 (64 pixels in [0, 1]; scikit-learn, inverse penalty weight C = 0.5),
# one with an ℓ1 penalty and one with an ℓ2 penalty, and compare them. The ball is not clipped to [0, 1] here.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** for a linear model the ℓ∞ attack costs the margin exactly ε‖x‖₁. The ℓ1 penalty keeps few
#   pixels, so ‖x‖₁ is small for the margins it reaches, and the robust accuracy falls more slowly with ε.
# - **Ask:** the ℓ1 model has the *larger* ‖x‖₂. Why does that not matter for an ℓ∞ attack, and which norm of
#   x would matter for an ℓ2 attack?
# - **Misconception:** "robustness needs small weights". What matters is the margin divided by the dual norm
#   of the weights: multiplying x and c by 10 changes neither the predictions nor the robust accuracy.

# %% slideshow={"slide_type": "skip"}
def three_vs_eight(images: torch.Tensor, labels: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    keep = (labels == 3) | (labels == 8)
    return images[keep].flatten(1).double().numpy(), np.where(labels[keep].numpy() == 8, 1.0, -1.0)


split = load_digits()
(a_tr, b_tr), (a_te, b_te) = three_vs_eight(*split[:2]), three_vs_eight(*split[2:])
linear_models = {}
for name, l1_ratio in (("ℓ1 penalty", 1.0), ("ℓ2 penalty", 0.0)):
    clf = LogisticRegression(l1_ratio=l1_ratio, C=0.5, solver="liblinear", max_iter=2000).fit(a_tr, b_tr)
    linear_models[name] = (clf.coef_[0], clf.intercept_[0])
eps_lin = np.round(np.arange(0, 0.31, 0.01), 2)
margins = {name: b_te * (a_te @ w + c) for name, (w, c) in linear_models.items()}
robust_lin = {name: np.array([np.mean(margins[name] > e * np.abs(w).sum()) for e in eps_lin])
              for name, (w, c) in linear_models.items()}

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 3, figsize=(12, 3.6), gridspec_kw={"width_ratios": [1, 1, 1.6]})
for ax, (name, (w, c)) in zip(axes, linear_models.items()):
    im = ax.imshow(w.reshape(8, 8), cmap="RdBu", vmin=-np.abs(w).max(), vmax=np.abs(w).max())
    _ = ax.set_title(f"{name}: {np.count_nonzero(w)} non-zero\n‖x‖₁ = {np.abs(w).sum():.1f}", fontsize=10)
    ax.axis("off")
for name, role in zip(robust_lin, ["green", "purple"]):
    _ = axes[2].plot(eps_lin, robust_lin[name], label=name, color=color(role))
_ = axes[2].set(xlabel="ε (ℓ∞, pixel scale)", ylabel="robust test accuracy", title="3 vs 8: exact robust accuracy")
_ = axes[2].legend()
plt.show()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
for name, (w, c) in linear_models.items():
    eta, _ = linear_worst_case(torch.tensor(-b_te[:, None] * w), torch.tensor(a_te), 0.1)  # min of the margin
    gap = np.abs(b_te * ((a_te + eta.numpy()) @ w + c) - (margins[name] - 0.1 * np.abs(w).sum())).max()
    check_close(f"{name}: η* lowers every margin by exactly ε‖x‖₁ at ε = 0.1 (largest gap)", gap, 0.0, tol=1e-9)
(w1_, _), (w2_, _) = linear_models.values()
check("both reach a clean accuracy above 0.95 (ℓ1, ℓ2)", min(robust_lin[k][0] for k in robust_lin) > 0.95,
      [robust_lin[k][0] for k in robust_lin], digits=3)
check("the ℓ1 model is sparse: fewer than half as many non-zero weights, and a smaller ‖x‖₁ (‖x‖₁: ℓ1, ℓ2)",
      2 * np.count_nonzero(w1_) < np.count_nonzero(w2_) and np.abs(w1_).sum() < np.abs(w2_).sum(),
      [np.abs(w1_).sum(), np.abs(w2_).sum()])
at = np.isin(eps_lin, [0.1, 0.15, 0.2])
check("the ℓ1 model is more robust at ε = 0.1, 0.15 and 0.2 (robust accuracy: ℓ1, ℓ2 at ε = 0.15)",
      bool(np.all(robust_lin["ℓ1 penalty"][at] > robust_lin["ℓ2 penalty"][at])),
      [robust_lin["ℓ1 penalty"][15], robust_lin["ℓ2 penalty"][15]], digits=3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. FGSM and PGD on a digits classifier
#
# A small CNN trained by plain ERM (10 epochs) on scikit-learn's 8×8 digits (pixels in [0, 1]; 1,347 training and 450
# test images).
# **FGSM** (Goodfellow et al. (2015)) takes the linear model's answer for the linearised loss:
# $\eta_{\rm FGSM} = \epsilon\,\mathrm{sign}(\nabla_a L(h_x(a), b))$. **PGD** repeats a sign step and projects back
# (Madry et al. (2018); the non-zero-sum talk calls the name "a misnomer": it is projected gradient *ascent*):
# $\eta^{t} = \mathrm{clip}_{[-\epsilon,\epsilon]}\big(\eta^{t-1} + \alpha\,\mathrm{sign}\nabla_\eta L(h_x(a+\eta^{t-1}), b)\big)$,
# and the image is clipped to [0, 1].

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** FGSM takes one signed-gradient step of size ε; PGD repeats smaller steps and projects back into
#   the ball and into [0, 1]. The accuracy after FGSM is an upper bound on the robust accuracy; PGD lowers
#   it further.
# - **Ask:** if FGSM leaves a high accuracy, is the model robust?
# - **Misconception:** "a weak attack that fails means robustness". Robustness is only ever certified
#   (lecture 05) or bounded from above by the strongest attack we tried.

# %% slideshow={"slide_type": "skip"}
x_train, y_train, x_test, y_test = load_digits()
model = CNN()
_ = fit(model, AdversarialMethod(), (x_train, y_train), epochs=10, lr=0.05, progress=False)
model.eval()


def accuracy(x_adv: torch.Tensor) -> float:
    with torch.no_grad():
        return float((model(x_adv).argmax(1) == y_test).float().mean())


eps = 0.1
x_fgsm, x_pgd = fgsm(model, x_test, y_test, eps), pgd(model, x_test, y_test, eps, steps=10)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
acc_clean, acc_fgsm, acc_pgd = accuracy(x_test), accuracy(x_fgsm), accuracy(x_pgd)
check("ERM reaches high clean test accuracy", acc_clean > 0.9, acc_clean, digits=2)
check(f"FGSM at ε = {eps} (1.6 grey levels) lowers it by more than 0.2", acc_fgsm < acc_clean - 0.2, acc_fgsm, digits=3)
check("PGD-10 is stronger still (accuracy after FGSM, after PGD-10)", acc_pgd < acc_fgsm, [acc_fgsm, acc_pgd], digits=3)
check("both stay in the ε-ball and in [0, 1]", float((x_pgd - x_test).abs().max()) <= eps + 1e-6
      and 0 <= float(x_pgd.min()) and float(x_pgd.max()) <= 1)

# %% slideshow={"slide_type": "subslide"}
show = torch.arange(6)
with torch.no_grad():
    pred_clean, pred_pgd = model(x_test[show]).argmax(1), model(x_pgd[show]).argmax(1)
fig, axes = plt.subplots(3, 6, figsize=(9, 4.8))
rows = [(x_test, "clean: {}", pred_clean, "gray_r"), (x_pgd - x_test, "δ (PGD)", None, "RdBu"),
        (x_pgd, "PGD: {}", pred_pgd, "gray_r")]
for r, (images, label, pred, cmap) in enumerate(rows):
    for c, i in enumerate(show.tolist()):
        vmin, vmax = (-eps, eps) if cmap == "RdBu" else (0, 1)
        _ = axes[r, c].imshow(images[i, 0], cmap=cmap, vmin=vmin, vmax=vmax)
        _ = axes[r, c].set_title(label.format(int(pred[c])) if pred is not None else label, fontsize=10)
        axes[r, c].axis("off")
_ = fig.suptitle(f"PGD-10 at ε = {eps}: the predicted class above each image")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. FGSM is one step of proximal gradient ascent
#
# EE-556 Lecture 11 writes the attack as the composite problem $\max_\eta f(\eta) + \delta_{\mathcal N}(\eta)$ with
# $f(\eta) = L(h_x(a+\eta), b)$; the prox of the indicator is the projection, so **PGA** is
# $\eta^{k+1} = \pi_{\mathcal N}(\eta^k + \alpha\nabla f(\eta^k))$ with the *raw* gradient. From $\eta^0 = 0$ with a step
# so large that $\alpha|\nabla f(0)|_i > \epsilon$ for every coordinate, the clip sends every coordinate to $\pm\epsilon$:
# $\eta^1 = \mathrm{clip}(\alpha\nabla f(0), [-\epsilon, \epsilon]) = \epsilon\,\mathrm{sign}\nabla f(0) = \eta_{\rm FGSM}$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** with a linearised loss, the inner max over the ℓ∞ ball is solved by the sign of the gradient:
#   FGSM is one proximal gradient ascent step with a large enough step size. The cell checks it bit for bit.
# - **Ask:** what changes if the step size α is small?
# - **Misconception:** "FGSM is a heuristic". It is the exact maximiser of the first-order model; its
#   weakness is the linearisation, which lecture 03 measures.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
a_req = x_test.clone().requires_grad_(True)
(g,) = torch.autograd.grad(F.cross_entropy(model(a_req), y_test, reduction="sum"), a_req)
alpha_big = 2 * eps / float(g.abs()[g != 0].min())  # α|∇f(0)|_i ≥ 2ε for every non-zero coordinate
check("one PGA step with α|∇f(0)|ᵢ > ε equals FGSM, bit for bit",
      torch.equal(pga(model, x_test, y_test, eps, alpha=alpha_big), x_fgsm))
check("with a small step (α = 0.01) it does not", not torch.equal(pga(model, x_test, y_test, eps, alpha=0.01), x_fgsm))

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Multiple steps.** Practitioners iterate the *sign* step ("multi-step FGSM" of Kurakin et al. (2016), i.e. PGD)
# instead of PGA; EE-556 Lecture 11 links
# it to majorisation-minimisation: for a loss that is smooth in ℓ∞, maximising the quadratic minorant around $\zeta$ gives
# $\mathrm{clip}(\zeta + t^\star\mathrm{sign}\nabla f(\zeta), [-\epsilon,\epsilon])$. (The slide prints
# $\zeta - t^\star\,\mathrm{sign}$; for the *maximisation* the step goes up the gradient, as in PGD.)
# Below, the mean loss reached after k steps: the sign steps climb much faster than PGA's raw-gradient steps,
# whose size depends on the (tiny) gradient scale.

# %%
steps = [1, 2, 3, 5, 10, 20]
mean_loss = lambda x_adv: float(F.cross_entropy(model(x_adv), y_test).detach())  # noqa: E731
with torch.no_grad():
    curves = {"multi-step FGSM (α = ε/4)": [mean_loss(pgd(model, x_test, y_test, eps, eps / 4, k, random_start=False)) for k in steps],
              "PGA (α = 1)": [mean_loss(pga(model, x_test, y_test, eps, alpha=1.0, steps=k)) for k in steps]}
fig, ax = plt.subplots(figsize=(6, 3.5))
for (name, values), role in zip(curves.items(), ["pgd", "black"]):
    _ = ax.plot(steps, values, "o-", label=name, color=color(role))
_ = ax.axhline(mean_loss(x_fgsm), color=color("fgsm"), ls="--", label="FGSM")
_ = ax.set(xlabel="steps k", ylabel="mean test cross-entropy", title=f"Ascent on the loss, ε = {eps}")
_ = ax.legend()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
loss_fgsm, loss_10 = mean_loss(x_fgsm), curves["multi-step FGSM (α = ε/4)"][4]
check("10 steps of multi-step FGSM reach a higher loss than FGSM (FGSM, 10 steps)", loss_10 > loss_fgsm,
      [loss_fgsm, loss_10], digits=3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. What ℓ∞, ℓ2 and ℓ1 perturbations look like
#
# The same PGD loop with the steepest-ascent step of each norm: $\mathrm{sign}(g)$ for ℓ∞, $g/\|g\|_2$ for ℓ2, and
# for ℓ1 a *sparse* step on the largest 1 % of $|g|$ followed by the projection onto the ℓ1 ball (SLIDE, Tramèr and Boneh
# 2019). The radii are chosen so that each attack fools the model on a similar share of the test set.

# %% slideshow={"slide_type": "subslide"}
seed_everything(0)
attacks = {"ℓ∞, ε = 0.1": pgd(model, x_test, y_test, 0.1, steps=10),
           "ℓ2, ε = 0.8": pgd(model, x_test, y_test, 0.8, steps=10, norm="l2"),
           "ℓ1, ε = 3": pgd(model, x_test, y_test, 3.0, steps=20, norm="l1")}
fig, axes = plt.subplots(2, 3, figsize=(7.5, 5))
for c, (name, x_adv) in enumerate(attacks.items()):
    delta = (x_adv - x_test)[0, 0]
    _ = axes[0, c].imshow(x_adv[0, 0], cmap="gray_r", vmin=0, vmax=1)
    _ = axes[0, c].set_title(f"{name}\naccuracy {accuracy(x_adv):.2f}", fontsize=10)
    _ = axes[1, c].imshow(delta, cmap="RdBu", vmin=-float(delta.abs().max()), vmax=float(delta.abs().max()))
    _ = axes[1, c].set_title("δ", fontsize=10)
for axis in axes.flat:
    axis.axis("off")

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
nonzero = {name: float(((x_adv - x_test).abs() > 1e-6).float().mean()) for name, x_adv in attacks.items()}
check("ℓ1 perturbations are sparse: share of changed pixels", nonzero["ℓ1, ε = 3"] < 0.35, nonzero["ℓ1, ε = 3"], digits=2)
check("ℓ∞ perturbations are dense: share of changed pixels", nonzero["ℓ∞, ε = 0.1"] > 0.5, nonzero["ℓ∞, ε = 0.1"], digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Cross-entropy is a weak adversary; the margin and BETA
#
# What we want to raise is the **robust 0-1 loss** $\max_{\eta}1[\arg\max_j f_j(a+\eta) \ne b]$
# $= 1[\max_\eta \max_{j\ne b} (f_j - f_b)(a+\eta) > 0]$ (non-zero-sum talk, "0-1 loss vs cross-entropy"). Since $1[\cdot > 0]$ is
# non-decreasing, **any maximiser of the margin** $M_j = f_j - f_b$ over the ball and over $j$ also maximises the 0-1 loss;
# a maximiser of the cross-entropy need not. **BETA** (best targeted attack, Robey et al. (2024)) runs one PGD per target
# class $j$ on $M_j$ and keeps the class with the largest margin.
#
# For random *linear* models the margin maximiser is exact, $\max_{j\ne b}[(w_j - w_b)^\top a + \epsilon\|w_j - w_b\|_1]$:
# BETA flips exactly those inputs whose 0-1 loss can be raised, while FGSM on the cross-entropy misses some.
# How many it misses depends on the model: a few dozen of 2,000 inputs for most random models, none at all for some.
# So we draw 10 random models (2,000 inputs each) and count over all of them.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** maximising cross-entropy is not maximising the 0-1 loss: the attack can spend its budget on a
#   class that is already wrong. BETA maximises the margin against each class and keeps the best, so it
#   finds errors PGD on cross-entropy misses.
# - **Ask:** why can increasing the cross-entropy fail to flip the prediction?
# - **Misconception:** "any surrogate loss gives the same attack". The surrogate decides which errors the
#   attack finds, and so how robust a model looks.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
seed_everything(0)
exact, flippable, missed = True, 0, []
for _ in range(10):
    linear = torch.nn.Linear(20, 5).double()
    a_lin, b_lin = 0.3 + 0.4 * torch.rand(2000, 20, dtype=torch.float64), torch.randint(0, 5, (2000,))
    W, bias = linear.weight.detach(), linear.bias.detach()
    dW = W[None] - W[b_lin][:, None]
    best = (dW @ a_lin[:, :, None]).squeeze(2) + bias - bias[b_lin][:, None] + 0.1 * dW.abs().sum(2)
    can_flip = best.scatter(1, b_lin[:, None], -np.inf).amax(1) > 0
    with torch.no_grad():
        flip_beta = linear(beta_attack(linear, a_lin, b_lin, 0.1, steps=1)).argmax(1) != b_lin
        flip_ce = linear(fgsm(linear, a_lin, b_lin, 0.1)).argmax(1) != b_lin
    exact, flippable = exact and torch.equal(flip_beta, can_flip), flippable + int(can_flip.sum())
    missed.append(int((can_flip & ~flip_ce).sum()))
check("10 random linear models: BETA flips exactly the inputs whose 0-1 loss can be raised (how many)",
      exact, flippable)
check("FGSM on cross-entropy misses some of them (missed per model)", sum(missed) > 0, missed)

# %% [markdown] slideshow={"slide_type": "subslide"}
# On the digits CNN: the accuracy left by each attack at ε = 0.1 (lower = stronger attack; same budget of 10 steps
# for PGD, 10 steps per class for BETA). On one network the attacks are close: BETA beats PGD on the cross-entropy
# by about one to three points (a handful of the 450 test images), and for an unlucky training seed by one image.
# So we compare them on average over three CNNs trained from different seeds (the one above and two more).

# %% slideshow={"slide_type": "skip"}
def attack_accuracies(net: torch.nn.Module) -> dict:
    adv = {"FGSM": fgsm(net, x_test, y_test, eps), "PGD-CE": pgd(net, x_test, y_test, eps, steps=10),
           "PGD-margin": pgd(net, x_test, y_test, eps, steps=10, loss="margin"),
           "BETA": beta_attack(net, x_test, y_test, eps, steps=10)}
    with torch.no_grad():
        return {name: float((net(x_adv).argmax(1) == y_test).float().mean()) for name, x_adv in adv.items()}


nets = [model]
for k in (1, 2):
    seed_everything(k)
    nets.append(CNN())
    _ = fit(nets[-1], AdversarialMethod(), (x_train, y_train), epochs=10, lr=0.05, seed=k, progress=False)
    nets[-1].eval()
seed_everything(0)
table = [attack_accuracies(net) for net in nets]
strength = {name: float(np.mean([row[name] for row in table])) for name in table[0]}
print("attack      robust accuracy of CNN 1, 2, 3   mean")
for name, value in strength.items():
    print(f"{name:<11} {'  '.join(f'{row[name]:.3f}' for row in table)}   {value:.3f}")

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
others = {name: value for name, value in strength.items() if name != "BETA"}
check("mean over 3 CNNs: BETA leaves fewer correct than any other attack (BETA, best other)",
      strength["BETA"] < min(others.values()), [strength["BETA"], min(others.values())], digits=3)
check("mean over 3 CNNs: every multi-step attack beats FGSM (FGSM, weakest multi-step)",
      max(strength["PGD-CE"], strength["PGD-margin"]) < strength["FGSM"],
      [strength["FGSM"], max(strength["PGD-CE"], strength["PGD-margin"])], digits=3)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Robust training is a min-max problem: the inner max picks the worst perturbation in a norm ball, the outer min
#   trains on it.
# - For a linear model the worst case is closed-form, ⟨x, a⟩ + ε‖x‖_* with the dual norm; ℓ∞ gives the sign step
#   (FGSM), ℓ1 a single coordinate (sparse). The ℓ∞ attack costs a linear model exactly ε‖x‖₁ of margin; on
#   digits, an ℓ1-penalised (sparse) model is more robust than an ℓ2-penalised one of similar clean accuracy.
# - FGSM is one step of proximal gradient ascent with a large step; PGD iterates sign steps and projects.
# - Cross-entropy is only a surrogate of the 0-1 loss: maximising the margin per target class (BETA) finds
#   adversarial examples that cross-entropy attacks miss.
#
# Now practise: the [exercises of this lecture](exercises/01_adversarial_examples.ipynb) have you implement FGSM, a
# PGD step and the projection onto the ℓ1 ball, with a checker that says what is wrong.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: cevher2022ee556 cevher2024nonzero_talk goodfellow2015explaining huang2015strong
# kurakin2016physical madry2018towards robey2024nonzero szegedy2014intriguing -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Goodfellow et al. (2015)**. Ian J. Goodfellow, Jonathon Shlens, Christian Szegedy. *Explaining and
#   harnessing adversarial examples*. International Conference on Learning Representations (ICLR), 2015.
#   [arXiv:1412.6572](https://arxiv.org/abs/1412.6572)
# - **Huang et al. (2015)**. Ruitong Huang, Bing Xu, Dale Schuurmans, Csaba Szepesvári. *Learning with a
#   strong adversary*. arXiv preprint, 2015. [arXiv:1511.03034](https://arxiv.org/abs/1511.03034)
# - **Kurakin et al. (2016)**. Alexey Kurakin, Ian Goodfellow, Samy Bengio. *Adversarial examples in the
#   physical world*. arXiv preprint, 2016. [arXiv:1607.02533](https://arxiv.org/abs/1607.02533)
# - **Madry et al. (2018)**. Aleksander Madry, Aleksandar Makelov, Ludwig Schmidt, Dimitris Tsipras, Adrian
#   Vladu. *Towards deep learning models resistant to adversarial attacks*. International Conference on
#   Learning Representations (ICLR), 2018. [arXiv:1706.06083](https://arxiv.org/abs/1706.06083)
# - **Robey et al. (2024)**. Alexander Robey, Fabian Latorre, George J. Pappas, Hamed Hassani, Volkan
#   Cevher. *Adversarial training should be cast as a non-zero-sum game*. International Conference on
#   Learning Representations (ICLR), 2024. [arXiv:2306.11035](https://arxiv.org/abs/2306.11035)
# - **Szegedy et al. (2014)**. Christian Szegedy, Wojciech Zaremba, Ilya Sutskever, Joan Bruna, Dumitru
#   Erhan, Ian Goodfellow, Rob Fergus. *Intriguing properties of neural networks*. International Conference
#   on Learning Representations (ICLR), 2014. [arXiv:1312.6199](https://arxiv.org/abs/1312.6199)
