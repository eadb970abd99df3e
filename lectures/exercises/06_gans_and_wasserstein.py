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
# # Exercises 06 · Wasserstein distances, the JSD, a critic, the gradient penalty and the Dirac-GAN
#
# Exercises for [lecture 06](../06_gans_and_wasserstein.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, **predict, then run** (commit to a number before running the
# cell that shows it), or **explore** (find something with the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.

# %%
import numpy as np
import torch
from scipy.spatial.distance import jensenshannon

from course_lib import make_rng, setup
from course_lib.exercises import l06_gans_and_wasserstein as ex
from course_lib.gans import dirac_trajectory, kr_dual_lp, wasserstein_1d

setup(seed=0, threads=1)

# %% [markdown]
# ### Exercise 1 (implement, ~6 min): W₁ between two 1-D samples by sorting
#
# *EE-556 Lecture 11, "The Wasserstein distance"; Villani (2009).* In 1-D the optimal transport plan matches
# quantiles: the $i$-th smallest point of one sample goes to the $i$-th smallest point of the other. For two
# samples $u, v$ of the same size $n$ (each point of mass $1/n$):
# $$W_1(\hat\mu_u, \hat\mu_v) = \frac1n\sum_{i=1}^n |u_{(i)} - v_{(i)}|,$$
# where $u_{(1)} \le \dots \le u_{(n)}$ is $u$ sorted. Write `w1_sorted(u, v)` (1-D numpy arrays of equal length;
# leave the caller's arrays unchanged) returning a float.

# %%
def w1_sorted(u, v):
    ### BEGIN SOLUTION
    return float(np.mean(np.abs(np.sort(u) - np.sort(v))))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_w1_sorted(w1_sorted)

# %% [markdown]
# ### Exercise 2 (implement, ~10 min): the Jensen–Shannon divergence, with the mixture
#
# *EE-556 Lecture 11, "Vanilla GAN" (with the correction of lecture 06, section 6).* At the optimal discriminator the
# vanilla GAN's generator minimises
# $$\mathrm{JSD}(p\|q) = \tfrac12\,\mathrm{KL}(p\|m) + \tfrac12\,\mathrm{KL}(q\|m), \qquad m = \tfrac12(p + q),$$
# with $\mathrm{KL}(p\|m) = \sum_k p_k \log(p_k/m_k)$ (natural log, and $0 \cdot \log 0 = 0$). Write `jsd(p, q)` for
# two probability vectors of the same length, which may contain zeros. (The symmetrised KL,
# $\tfrac12\mathrm{KL}(p\|q) + \tfrac12\mathrm{KL}(q\|p)$, is a different quantity.)

# %%
def jsd(p, q):
    ### BEGIN SOLUTION
    m = (p + q) / 2

    def kl(a, b):
        mask = a > 0
        return np.sum(a[mask] * np.log(a[mask] / b[mask]))

    return float(0.5 * kl(p, m) + 0.5 * kl(q, m))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_jsd(jsd)

# %% [markdown]
# ### Exercise 3 (predict, then run, ~3 min): the JSD between disjoint supports
#
# *Lecture 06, section 6.* The data is $\delta_0$ and the generator produces $\delta_\theta$ with $\theta = 3$. What is
# $\mathrm{JSD}(\delta_0\|\delta_\theta)$? And for $\theta = 0.01$? Commit to the number, then run the cell below.
# What does that say about the gradient of the JSD with respect to $\theta$?

# %%
### BEGIN SOLUTION
prediction = np.log(2)
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_jsd_disjoint(prediction)

# %%
p, q = np.array([1.0, 0.0]), np.array([0.0, 1.0])   # the support {0, θ}: δ_0 and δ_θ
print(f"JSD(δ_0 ‖ δ_θ) = {jensenshannon(p, q) ** 2:.4f} for every θ ≠ 0; log 2 = {np.log(2):.4f}")

# %% [markdown]
# ### Exercise 4 (implement, ~6 min): a 1-Lipschitz critic that attains W₁
#
# *EE-556 Lecture 11, "Duality of 1-Wasserstein"; lecture 06, section 3.* Kantorovich–Rubinstein duality:
# $$W_1(\mu, \nu) = \sup_{d\ \text{1-Lipschitz}} \mathbf E_\mu[d] - \mathbf E_\nu[d].$$
# For $\mu = \mathcal N(0, 1)$ and $\nu = \mathcal N(2, 1)$, $W_1 = 2$. Write a critic `critic(a)` (vectorised over
# a 1-D array `a`) that is 1-Lipschitz and attains the supremum. The checker measures its slope on a grid and
# compares $\mathbf E_\mu[d] - \mathbf E_\nu[d]$ on samples with $W_1$ computed by sorting.

# %%
def critic(a):
    ### BEGIN SOLUTION
    return -a
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_critic(critic)

# %% [markdown]
# On a finite support the dual is a linear program (`kr_dual_lp`); its optimal critic for two small samples of
# $\mu$ and $\nu$ also decreases from left to right:

# %%
rng = make_rng(1)
xs, ys = rng.normal(size=8), 2 + rng.normal(size=8)
dual = kr_dual_lp(xs, ys)
order = np.argsort(dual.points[:, 0])
print("points:", np.round(dual.points[order, 0], 2))
print("d     :", np.round(dual.d[order], 2))
print(f"dual value {dual.value:.4f} = W1 by sorting {wasserstein_1d(xs, ys):.4f}")

# %% [markdown]
# ### Exercise 5 (implement, ~15 min): the WGAN-GP gradient penalty
#
# *EE-556 Lecture 11, eq. 18; Gulrajani et al. (2017).* The penalty pushes the critic's input-gradient norm towards
# 1 on random interpolates $\hat a_i = t_i\,a^{\rm real}_i + (1 - t_i)\,a^{\rm fake}_i$:
# $$\mathrm{GP} = \frac1B\sum_{i=1}^B \big(\|\nabla_a d(\hat a_i)\|_2 - 1\big)^2 .$$
# Write `gradient_penalty(critic, real, fake, t)` for torch tensors `real`, `fake` of shape (B, 2) and `t` of
# shape (B,). The result is a scalar tensor that the critic's optimizer can differentiate, so the input gradient
# itself must keep its graph: `torch.autograd.grad(outputs, inputs, create_graph=True)`.

# %%
def gradient_penalty(critic, real, fake, t):
    ### BEGIN SOLUTION
    a_hat = (t[:, None] * real + (1 - t[:, None]) * fake).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(a_hat).sum(), a_hat, create_graph=True)
    return ((grad.norm(dim=1) - 1) ** 2).mean()
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_gradient_penalty(gradient_penalty)

# %% [markdown]
# ### Exercise 6 (predict, then run, ~4 min): the Dirac-GAN under GDA
#
# *Lecture 06, section 4; Mescheder et al. (2018).* The Dirac-GAN with a WGAN loss has $V(\theta, \psi) = (-\psi,
# \theta)$, a rotation. Starting from $(\theta, \psi) = (1, 0)$, predict $\|z_{50}\|$ after 50 simultaneous GDA
# steps with learning rate $\gamma = 0.2$ (hint: $V(z) \perp z$ and $\|V(z)\| = \|z\|$). Then run the cell, which
# trains it with `GameOptimizer`, the optimizer of real GANs.

# %%
### BEGIN SOLUTION
prediction = 1.04 ** 25
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_dirac_gda(prediction)

# %%
for method in ("gda", "eg"):
    traj = dirac_trajectory(method, (1.0, 0.0), lr=0.2, steps=50)
    print(f"{method.upper()}: ‖z_50‖ = {np.linalg.norm(traj[-1]):.4f}")

# %% [markdown]
# ## What to remember
#
# - In 1-D, optimal transport is sorting: $W_1$ is the mean distance between matched quantiles.
# - The JSD compares each law with the **mixture**; it is $\log 2$ for every pair of disjoint supports, so it gives
#   the generator no gradient there, while $W_1$ grows with the distance.
# - The KR dual's critic is a 1-Lipschitz function; WGAN-GP enforces the constraint softly, through a penalty
#   whose own gradient flows through $\nabla_a d$ (double backward).
# - Simultaneous GDA spirals out even on the smallest GAN, by $\sqrt{1 + \gamma^2}$ per step.

# %% [markdown]
# ## References
#
# <!-- references: cevher2022ee556 goodfellow2014gan gulrajani2017wgangp mescheder2018convergence
# villani2009optimal -->
#
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
# - **Mescheder et al. (2018)**. Lars Mescheder, Andreas Geiger, Sebastian Nowozin. *Which training methods
#   for GANs do actually converge?*. International Conference on Machine Learning (ICML), 2018.
#   [arXiv:1801.04406](https://arxiv.org/abs/1801.04406)
# - **Villani (2009)**. Cédric Villani. *Optimal Transport: Old and New*. Springer, 2009.
#   [doi:10.1007/978-3-540-71050-9](https://doi.org/10.1007/978-3-540-71050-9)
