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
# # Exercises 03 · Catastrophic overfitting: the sin toy model and the single-step fixes
#
# Exercises for [lecture 03](../03_catastrophic_overfitting.ipynb). Each exercise has a one-line goal, its kind and
# an estimated time: **implement** a short function, **predict, then run** (commit to a number before running the
# cell that shows it), or **explore** (find something with a widget or the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.
#
# The toy model (lecture 03, section 2): two points $a = \pm\pi/2$ with labels $\pm 1$, the classifier
# $h_x(a) = \sin(xa)$ with one parameter $x$, and the margin of both points after a perturbation δ,
# $m(x, \delta) = \sin(x(\pi/2 + \delta))$; the loss is $\ell(m) = \log(1 + e^{-m})$.

# %%
import numpy as np

from course_lib import setup
from course_lib.exercises import l03_catastrophic_overfitting as ex
from course_lib.toys import sin_co

setup(seed=0)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): the FGSM step of the sin toy model
#
# *Non-zero-sum talk, "A toy model for CO"; lecture 03, section 2.* FGSM with zero init and step α = ε maximises the
# linearised loss over $|\delta| \le \epsilon$: $\delta_F = \epsilon\,\mathrm{sign}\,\partial_\delta\,\ell(m(x, \delta))|_{\delta=0}$.
# Since $\ell$ decreases in $m$, this is $\delta_F = -\epsilon\,\mathrm{sign}\,\partial_\delta m(x, 0)$. Write
# `fgsm_delta(x, eps)` for an **array** of parameters `x` (any sign; the check avoids the points where the
# derivative is exactly 0).

# %%
def fgsm_delta(x, eps):
    ### BEGIN SOLUTION
    return -eps * np.sign(x * np.cos(x * np.pi / 2))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_sin_fgsm(fgsm_delta)

# %% [markdown]
# With your step, the loss FGSM-AT minimises is $\ell(m(x, \delta_F(x)))$. At the robust solution $x = 1$ its margin
# is $\cos\epsilon$; as $x \to 7^-$ it tends to $-\cos 7\epsilon$, which is larger once $\epsilon > \pi/8$, although the
# true worst-case margin there is −1. The cell below finds the FGSM-AT minimiser (with the library's step, which
# yours now matches) for B = 8 (lecture 03, section 3).

# %%
xs = sin_co.x_grid(8.0, dx=1e-3)
for eps in (0.3, 0.5):
    fgsm_loss = sin_co.logistic_loss(sin_co.margin(xs, sin_co.attack_delta(xs, eps)))  # the library's FGSM step
    x_star = xs[np.argmin(fgsm_loss)]
    print(f"ε = {eps}: FGSM-AT arg-min x* = {x_star:.3f}, true robust margin there {sin_co.robust_margin(x_star, eps):+.2f}")

# %% [markdown]
# ### Exercise 2 (predict, then run, ~5 min): ε_c for the parameter range B = 12
#
# *Non-zero-sum talk, "A phase transition in adversarial training"; lecture 03, section 4.* For $x \in (0, 8]$ FGSM-AT
# collapses at $\epsilon_c = \pi/8$: there the effective margin near the high-frequency $x \to 7^-$, $-\cos 7\epsilon$,
# beats the robust solution's $\cos\epsilon$. Predict $\epsilon_c$ when the parameter may range over $(0, 12]$, in
# radians (e.g. `np.pi / 5`), **before** running the cell that computes it.

# %%
### BEGIN SOLUTION
prediction = np.pi / 12
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eps_c_b12(prediction)

# %%
B = 12.0
print(f"ε_c(B = {B:g}) = {sin_co.critical_eps(B):.4f} = π / {np.pi / sin_co.critical_eps(B):.2f}")

# %% [markdown]
# ### Exercise 3 (predict, then run, ~3 min): where does the minimiser go?
#
# *Lecture 03, sections 3–4.* Still with $x \in (0, 12]$, FGSM-AT at ε = 0.3 (above your ε_c). Predict the global
# arg-min $x^\star$ of the FGSM effective loss (to ±0.4), then run the cell.

# %%
### BEGIN SOLUTION
prediction = 10.9
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_collapse_point(prediction)

# %%
print(f"x* = {sin_co.global_argmin(0.3, 12.0, dx=1e-3):.3f}")

# %% [markdown]
# ### Exercise 4 (explore, ~8 min): the smallest range that collapses at ε = 0.3
#
# *Lecture 03, section 4: ε_c depends on B.* ε_c(B) decreases with B: at ε = 0.3 FGSM-AT is safe for B = 8 and
# collapses for B = 12. Find the **smallest** B at which it collapses (to ±0.05), with `sin_co.overfits(eps, B)`
# (True when the FGSM-AT minimiser leaves x = 1) or `sin_co.critical_eps(B)`. Pass `dx=1e-3` to keep each call fast.
# Write the result as one assignment, `answer = …` (a grid search or a bisection done in an earlier cell).

# %%
### BEGIN SOLUTION
answer = min(B for B in np.arange(8.0, 12.0, 0.02) if sin_co.overfits(0.3, B, dx=1e-3))
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_collapse_bound(answer)

# %% [markdown]
# ### Exercise 5 (implement, ~6 min): GradAlign's alignment penalty
#
# *Lecture 03, section 8; Andriushchenko and Flammarion (2020).* A locally linear loss has the same input gradient
# everywhere in the ball. GradAlign adds $\lambda\,\mathbb E_i[1 - \cos(\nabla_x\ell(x_i), \nabla_x\ell(x_i + \eta_i))]$
# to the FGSM loss. Write `gradalign(g, g_noisy)`: both arrays have shape (N, …) (one example per row, e.g. N × 1 × 8 × 8);
# return the mean over the N examples of $1 - \cos(g_i, g'_i)$, each example's gradient flattened.

# %%
def gradalign(g, g_noisy):
    ### BEGIN SOLUTION
    a, b = g.reshape(len(g), -1), g_noisy.reshape(len(g_noisy), -1)
    cos = (a * b).sum(1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))
    return float(np.mean(1 - cos))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_gradalign(gradalign)

# %% [markdown]
# ### Exercise 6 (implement, ~8 min): the N-FGSM step
#
# *Lecture 03, section 8; de Jorge et al. (2022).* N-FGSM starts from noise larger than the ball and does **not**
# project back: $\eta \sim U(-k\epsilon, k\epsilon)^d$, $x' = x + \eta + \epsilon\,\mathrm{sign}\,\nabla_x\ell(x + \eta)$,
# so $\|x' - x\|_\infty \le (k + 1)\epsilon$. Write `nfgsm(x, grad_fn, eps, k, rng)`: `grad_fn(z)` returns the input
# gradient at `z` (same shape), `rng` is a `numpy.random.Generator` (use `rng.uniform`). Inputs are unconstrained
# here (no clipping to [0, 1]).

# %%
def nfgsm(x, grad_fn, eps, k, rng):
    ### BEGIN SOLUTION
    eta = rng.uniform(-k * eps, k * eps, size=x.shape)
    return x + eta + eps * np.sign(grad_fn(x + eta))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_nfgsm(nfgsm)

# %% [markdown]
# ## What to remember
#
# - In the sin toy model, FGSM's step is $-\epsilon\,\mathrm{sign}(x\cos(x\pi/2))$: it trusts the slope at δ = 0, and
#   high-frequency parameters make that slope meaningless inside the ball.
# - The collapse radius depends on how far the parameter may go: $\epsilon_c = \pi/(4m + 4)$ for
#   $B \in [4m + 3, 4m + 5]$, so a larger range collapses at a smaller ε.
# - GradAlign penalises misaligned gradients inside the ball (local linearity); N-FGSM replaces the projection by
#   large noise. Both keep the cost of a single step.

# %% [markdown]
# ## References
#
# <!-- references: andriushchenko2020gradalign cevher2024nonzero_talk dejorge2022nfgsm -->
#
# - **Andriushchenko and Flammarion (2020)**. Maksym Andriushchenko, Nicolas Flammarion. *Understanding and
#   improving fast adversarial training*. Advances in Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2007.02617](https://arxiv.org/abs/2007.02617)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **de Jorge et al. (2022)**. Pau de Jorge, Adel Bibi, Riccardo Volpi, Amartya Sanyal, Philip H. S. Torr,
#   Grégory Rogez, Puneet K. Dokania. *Make some noise: Reliable and efficient single-step adversarial
#   training*. Advances in Neural Information Processing Systems (NeurIPS), 2022.
#   [arXiv:2202.01181](https://arxiv.org/abs/2202.01181)
