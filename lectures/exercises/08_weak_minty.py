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
# # Exercises 08 · Weak Minty solutions, EG+ and its thresholds, AdaptiveEG+ and BC-SEG+
#
# Exercises for [lecture 08](../08_weak_minty.ipynb). Each exercise has a one-line goal, its kind and an estimated
# time: **implement** a short function, **predict, then run** (commit to a number or a choice before running the
# cell that shows it), or **explore** (find something with the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.
#
# As in lecture 07: $z = (x, y)$, $V(z) = [\nabla_x\Phi, -\nabla_y\Phi]$; `V` maps a batch of points of shape
# (N, 2) to an array of the same shape, one point per row. The checkers compare your functions with
# `course_lib.minimax` on random nonlinear operators.

# %%
import numpy as np

from course_lib import setup
from course_lib.exercises import l08_weak_minty as ex
from course_lib.minimax import global_forsaken, linear, linear_weak_mvi, multipliers, power_decay, radius_range
from course_lib.minimax import simulate, weak_mvi_rho

setup(seed=0)

# %% [markdown]
# ### Exercise 1 (implement, ~6 min): the weak-MVI ratio
#
# *Talk "Adversarial training should be cast as a non-zero sum game", "When do the algorithms converge?".* $z^*$ is
# a weak Minty solution with constant $\rho$ if $\langle V(z), z - z^*\rangle \ge \rho\|V(z)\|^2$ for all $z$; the
# best constant is the infimum of the ratio
# $$r(z) = \frac{\langle V(z), z - z^*\rangle}{\|V(z)\|^2}.$$
# Write `weak_mvi_ratio(V, z, z_star)` returning $r(z_i)$ for every row of `z` (shape (N,)); `z_star` has shape (2,).

# %%
def weak_mvi_ratio(V, z, z_star):
    ### BEGIN SOLUTION
    v = V(z)
    return np.sum(v * (z - z_star), axis=1) / np.sum(v * v, axis=1)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_weak_mvi_ratio(weak_mvi_ratio)

# %% [markdown]
# ### Exercise 2 (predict, then run, ~4 min): ρ of a linear game
#
# *Lecture 08, section 3.* For $\Phi = 2xy - \tfrac12 x^2 + \tfrac12 y^2$, $V(z) = \begin{pmatrix} -1 & 2\\ -2 & -1
# \end{pmatrix} z$ and $z^* = 0$. Predict $\rho$ (hint: compute $\langle V(z), z\rangle$ and $\|V(z)\|^2$ for this
# matrix), then run the cell below, which estimates it on a box. Is the game inside the class $\rho > -1/(2L)$?

# %%
### BEGIN SOLUTION
prediction = -0.2
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_rho_linear(prediction)

# %%
game = linear(a=2.0, b=-1.0)
rho_hat, _ = weak_mvi_rho(game, [0.0, 0.0], 1.5)
print(f"ρ̂ on [−1.5, 1.5]² = {rho_hat:.4f}; −1/(2L) = {-1 / (2 * np.sqrt(5)):.4f}")

# %% [markdown]
# ### Exercise 3 (implement, ~6 min): the EG+ step
#
# *Lecture 08, section 3; Diakonikolas et al. (2021).* EG+ extrapolates with the full step $\gamma$ and updates with
# the shorter step $\alpha\gamma$ ($0 < \alpha \le 1$):
# $$\bar z = z - \gamma V(z), \qquad z^+ = z - \alpha\gamma V(\bar z).$$
# Write `eg_plus(V, z, gamma, alpha)` returning $z^+$ (a new array; do not change `z`).

# %%
def eg_plus(V, z, gamma, alpha):
    ### BEGIN SOLUTION
    z_bar = z - gamma * V(z)
    return z - alpha * gamma * V(z_bar)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eg_plus(eg_plus)

# %% [markdown]
# ### Exercise 4 (predict, then run, ~4 min): where EG+ stops converging for a given ρL
#
# *Lecture 08, section 3, the phase diagram.* On the linear family with $\gamma = 1/L$, EG+ contracts iff
# $\alpha < 1 + 2\rho L$. For $\rho L = -0.3$, what is the largest relaxation $\alpha$ that still converges? Commit,
# then run the cell below (two values of α around the threshold, 400 steps from $(1, 1)$).

# %%
### BEGIN SOLUTION
prediction = 0.4
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eg_plus_threshold(prediction)

# %%
game = linear_weak_mvi(-0.3, L=1.0)
for alpha in (0.35, 0.45):
    run = simulate(game, "eg+", [[1.0, 1.0]], 400, step=1.0, alpha=alpha, bound=1e30)
    print(f"α = {alpha}: ‖z_400‖ = {np.linalg.norm(run.final):.3g}")

# %% [markdown]
# ### Exercise 5 (explore, ~8 min): where EG+ with α = ½ stops converging
#
# *Lecture 08, "Why −1/(8L) and −1/(2L)?".* Diakonikolas et al. (2021) prove that EG+ with $\gamma = 1/L$ and
# $\alpha = \tfrac12$ converges when $\rho > -1/(8L)$. How far does it really go on the linear family? With $L = 1$
# the eigenvalues of $J_V$ are $\mu = \rho L \pm i\sqrt{1 - (\rho L)^2}$. Evaluate the multiplier modulus
# `abs(multipliers("eg+", mu, 1.0, alpha=0.5))` (vectorised over an array `mu`) on the grid `rho_L` below and
# report the most negative $\rho L$ at which EG+ still contracts, to two decimals.

# %%
rho_L = np.linspace(-0.5, 0.0, 5001)
### BEGIN SOLUTION
mu = rho_L + 1j * np.sqrt(1 - rho_L**2)
prediction = float(rho_L[np.abs(multipliers("eg+", mu, 1.0, alpha=0.5)) < 1].min())
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_half_alpha_limit(prediction)

# %% [markdown]
# ### Exercise 6 (implement, ~15 min): the AdaptiveEG+ step
#
# *Lecture 08, section 4; Pethick et al. (2022).* Without a constraint set, the CEG+ step reads
# $\bar z = z - \gamma V(z)$, $d = -\gamma V(\bar z)$, $z^+ = z + \alpha d$. AdaptiveEG+ picks $\alpha$ per point:
# $$\alpha = \frac{\sigma}{\gamma} + \frac{\langle \bar z - z, d\rangle}{\|d\|^2},$$
# the step that moves $z$ along $d$ onto the boundary of a half-space containing every solution (with $\sigma$ in
# place of the unknown $\rho$). Write `adaptive_eg_plus(V, z, gamma, sigma_ratio)` with `sigma_ratio` $= \sigma/\gamma$
# (negative, e.g. −0.495), for a batch `z` of shape (N, 2): one $\alpha$ **per row**.

# %%
def adaptive_eg_plus(V, z, gamma, sigma_ratio):
    ### BEGIN SOLUTION
    z_bar = z - gamma * V(z)
    d = -gamma * V(z_bar)
    inner = np.sum((z_bar - z) * d, axis=1, keepdims=True)  # one inner product per row
    alpha = sigma_ratio + inner / np.sum(d * d, axis=1, keepdims=True)
    return z + alpha * d
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_adaptive_eg_plus(adaptive_eg_plus)

# %% [markdown]
# ### Exercise 7 (predict, then run, ~4 min): SEG or BC-SEG+ near the solution?
#
# *Lecture 08, section 5; Pethick et al. (2023c).* On the global-forsaken game ($z^* = 0$, weak MVI with
# $\rho > -1/(2L)$ on the ball of radius 4/3) with noise $\sigma = 0.1$, **SEG** shrinks both steps
# ($\alpha_k\gamma$) while **BC-SEG+** keeps the extrapolation $\gamma$ fixed, shrinks only the update and corrects
# the bias. After 3000 steps from $(1, 1)$, which ends near $z^*$: `"SEG"`, `"BC-SEG+"`, `"both"` or `"neither"`?

# %%
### BEGIN SOLUTION
prediction = "BC-SEG+"
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_seg_choice(prediction)

# %%
gf, z0, decay = global_forsaken(), np.tile([1.0, 1.0], (5, 1)), power_decay(0.5, 100)
seg = simulate(gf, "seg", z0, 3000, step=0.055 * 0.33, decay=decay, sigma=0.1, seed=0, every=30)
bc = simulate(gf, "bc-seg+", z0, 3000, step=0.33, alpha=0.055, decay=decay, sigma=0.1, seed=0, every=30)
print("SEG: ‖z‖ over the last 10% of the runs in", np.round(radius_range(seg.z, tail=0.1), 3))
print("BC-SEG+: final ‖z_K‖ of the 5 runs", np.round(np.linalg.norm(bc.final, axis=1), 3))

# %% [markdown]
# ## What to remember
#
# - The weak-MVI constant $\rho$ is the infimum of $\langle V(z), z - z^*\rangle/\|V(z)\|^2$; on the linear family
#   it is $b/L^2$ exactly.
# - EG+ shortens only the update step; on the linear family it converges iff $\alpha < 1 + 2\rho L$. With
#   $\alpha = \tfrac12$ that is $\rho L > -\tfrac14$: the guarantee $-1/(8L)$ is safe but not tight, and no
#   relaxation goes below $-1/(2L)$.
# - AdaptiveEG+ chooses $\alpha$ per point by a projection onto a half-space containing every solution.
# - With noise, shrinking the extrapolation (SEG) follows the flow onto a cycle; BC-SEG+ keeps it and converges.

# %% [markdown]
# ## References
#
# <!-- references: cevher2024nonzero_talk diakonikolas2021efficient pethick2022escaping
# pethick2023stochastic -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Diakonikolas et al. (2021)**. Jelena Diakonikolas, Constantinos Daskalakis, Michael I. Jordan.
#   *Efficient methods for structured nonconvex-nonconcave min-max optimization*. International Conference
#   on Artificial Intelligence and Statistics (AISTATS), 2021.
#   [arXiv:2011.00364](https://arxiv.org/abs/2011.00364)
# - **Pethick et al. (2022)**. Thomas Pethick, Puya Latafat, Panagiotis Patrinos, Olivier Fercoq, Volkan
#   Cevher. *Escaping limit cycles: Global convergence for constrained nonconvex-nonconcave minimax
#   problems*. International Conference on Learning Representations (ICLR), 2022.
#   [arXiv:2302.09831](https://arxiv.org/abs/2302.09831)
# - **Pethick et al. (2023c)**. Thomas Pethick, Olivier Fercoq, Puya Latafat, Panagiotis Patrinos, Volkan
#   Cevher. *Solving stochastic weak Minty variational inequalities without increasing batch size*.
#   International Conference on Learning Representations (ICLR), 2023.
#   [openreview.net/forum?id=ejR4E1jaH9k](https://openreview.net/forum?id=ejR4E1jaH9k)
