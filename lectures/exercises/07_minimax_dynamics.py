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
# # Exercises 07 · Min-max dynamics: EG, OGDA, contraction factors, local Nash and limit cycles
#
# Exercises for [lecture 07](../07_minimax_dynamics.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, **predict, then run** (commit to a number before running the
# cell that shows it), or **explore** (find something with the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.
#
# Conventions of the lecture: $z = (x, y)$, $V(z) = [\nabla_x\Phi, -\nabla_y\Phi]$, $x$ minimises. Every step
# function receives `V`, a function mapping a batch of points of shape (N, 2) to an array of the same shape, and
# `z` of shape (N, 2): one point per row. The checkers compare your steps with `course_lib.minimax.algorithms`
# on random nonlinear operators.

# %%
import numpy as np

from course_lib import setup
from course_lib.exercises import l07_minimax_dynamics as ex
from course_lib.minimax import almost_bilinear, bilinear, build_trajectory_widget, flow, radius_range, simulate
from course_lib.minimax import spectral_radius

setup(seed=0)

# %% [markdown]
# ### Exercise 1 (implement, ~8 min): the extragradient step
#
# *Talk "Adversarial training should be cast as a non-zero sum game", "Basic algorithms for minimax"; Korpelevich
# (1976).* EG predicts the next point with a GDA step, then updates from $z$ with the operator evaluated there:
# $$\bar z = z - \alpha V(z), \qquad z^+ = z - \alpha V(\bar z).$$
# Write `eg(V, z, alpha)` returning $z^+$ (a new array; do not change `z`).

# %%
def eg(V, z, alpha):
    ### BEGIN SOLUTION
    z_bar = z - alpha * V(z)
    return z - alpha * V(z_bar)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eg(eg)

# %% [markdown]
# ### Exercise 2 (implement, ~8 min): the optimistic step (OGDA)
#
# *Same section; Daskalakis et al. (2018).* OGDA replaces the implicit $V(z^{k+1})$ of the proximal point method by
# the extrapolation $V(z^{k+1}) \approx V(z^k) + [V(z^k) - V(z^{k-1})]$, one new evaluation of $V$ per step:
# $$z^{k+1} = z^k - \alpha\,[2V(z^k) - V(z^{k-1})].$$
# Write `ogda(V, z, z_prev, alpha)` returning $z^{k+1}$ from $z = z^k$ and $z_{\rm prev} = z^{k-1}$. (The library's
# `ogda_step` stores $V(z^{k-1})$ instead of $z^{k-1}$ to save that evaluation; here you may recompute it.)

# %%
def ogda(V, z, z_prev, alpha):
    ### BEGIN SOLUTION
    return z - alpha * (2 * V(z) - V(z_prev))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_ogda(ogda)

# %% [markdown]
# ### Exercise 3 (implement, ~6 min): EG's contraction factor on $xy$
#
# *Lecture 07, section 2, "Contraction factors".* On $\Phi = xy$, $V(z) = Az$ with eigenvalues $\mu = \pm i$. One EG
# step multiplies each eigen-component by $\nu = 1 - \alpha\mu + (\alpha\mu)^2$, so $\|z\|$ shrinks by $|\nu|$ per
# step. Write `eg_factor(alpha)` returning $|\nu|$ at $\mu = i$ for one step size $\alpha$ (a float).

# %%
def eg_factor(alpha):
    ### BEGIN SOLUTION
    return abs(1 - 1j * alpha + (1j * alpha) ** 2)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eg_factor(eg_factor)

# %% [markdown]
# ### Exercise 4 (predict, then run, ~4 min): the step size at which EG stops converging on $xy$
#
# *Lecture 07, section 2.* From your factor: what is the **largest** $\alpha$ for which EG still converges on
# $\min_x\max_y xy$? Commit to a number, then run the widget below, switch the method to EG and drag the step size
# across your value.

# %%
### BEGIN SOLUTION
prediction = 1.0
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_eg_threshold(prediction)

# %%
build_trajectory_widget(bilinear(), [[1.0, 0.0], [0.0, 0.5]], method="EG", step=0.9, steps=60).show()

# %% [markdown]
# ### Exercise 5 (explore, ~8 min): OGDA's threshold on $xy$
#
# *Lecture 07, section 2.* OGDA's multipliers are the two roots of $\nu^2 - (1 - 2\alpha\mu)\nu - \alpha\mu$; there is
# no one-line formula to read the threshold from. Use `spectral_radius("ogda", 1j, alpha)` (the largest root
# modulus at $\mu = i$ for one step size) on the grid `alphas` to find the largest $\alpha$ at which OGDA still converges on $xy$,
# to three decimals. Then check your value against a run of `simulate`.

# %%
alphas = np.linspace(0.3, 1.0, 7001)  # spacing 1e-4
### BEGIN SOLUTION
radii = np.array([spectral_radius("ogda", 1j, a) for a in alphas])
prediction = float(alphas[radii < 1].max())
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_ogda_threshold(prediction)

# %%
for a in (0.55, 0.6):
    run = simulate(bilinear(), "ogda", [[1.0, 0.0]], 400, step=a, bound=1e30)
    print(f"OGDA, α = {a}: ‖z_400‖ = {np.linalg.norm(run.final):.3g}")

# %% [markdown]
# ### Exercise 6 (implement, ~6 min): the local-Nash test, read from the Jacobian of $V$
#
# *Lecture 07, section 1, "local Nash equilibria"; Jin et al. (2020b).* At a zero of $V$ the Jacobian is
# $J_V = \begin{pmatrix}\Phi_{xx} & \Phi_{xy}\\ -\Phi_{yx} & -\Phi_{yy}\end{pmatrix}$. The point is a **strict local
# Nash equilibrium** iff $\Phi_{xx} > 0$ and $\Phi_{yy} < 0$. Write `is_strict_lne(J)` for one 2×2 array `J` and
# return `True` or `False`. (Careful: the flow $\dot z = -V(z)$ attracting the point is a *different* property.
# The forsaken $z^*$ of section 5 attracts and is not a local Nash equilibrium.)

# %%
def is_strict_lne(J):
    ### BEGIN SOLUTION
    return bool(J[0, 0] > 0 and -J[1, 1] < 0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_strict_lne(is_strict_lne)

# %% [markdown]
# ### Exercise 7 (explore, ~8 min): the radius of the spurious limit cycle
#
# *Lecture 07, section 4, "Almost bilinear ≠ bilinear"; Hsieh et al. (2021).* On
# $\Phi = xy + \epsilon\phi(y)$ with $\epsilon = 0.1$ the only critical point $z^* = 0$ repels, and a cycle with
# no critical point attracts everything. Use `flow(game, starts, t)` (the path of $\dot z = -V(z)$, shape
# (n_points, N, 2)) from a start **near** the origin and `radius_range(path, tail=0.1)` (min and max of $\|z\|$
# over the last 10% of the path) to measure the radius of that cycle, to two decimals.

# %%
game = almost_bilinear(0.1, player="y")
### BEGIN SOLUTION
r_min, r_max = radius_range(flow(game, [[0.05, 0.0]], 300.0), tail=0.1)
prediction = (r_min + r_max) / 2
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_cycle_radius(prediction)

# %% [markdown]
# Can you guess the closed form of that radius? Averaging $\langle V(z), z\rangle = \epsilon\,y\,\phi'(y)$ over a
# circle of radius $r$ gives a function of $r$ whose zero is the cycle.

# %% [markdown]
# ## What to remember
#
# - EG and OGDA both approximate the implicit proximal step: EG evaluates $V$ at a predicted point, OGDA
#   extrapolates the values of $V$ from the last two iterates (RFBS extrapolates the point instead: the same on
#   linear games, not in general).
# - On $xy$ the contraction factors are explicit: EG converges iff $\alpha < 1$, OGDA iff $\alpha < 1/\sqrt3$,
#   GDA never.
# - A strict local Nash equilibrium needs $\Phi_{xx} > 0$ and $\Phi_{yy} < 0$; the flow attracting a point is a
#   different property.
# - The flow of a game can have attracting cycles with no critical point inside (spurious attractors).

# %% [markdown]
# ## References
#
# <!-- references: cevher2024nonzero_talk daskalakis2018ogda hsieh2021limits jin2020local
# korpelevich1976extragradient -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Daskalakis et al. (2018)**. Constantinos Daskalakis, Andrew Ilyas, Vasilis Syrgkanis, Haoyang Zeng.
#   *Training GANs with optimism*. International Conference on Learning Representations (ICLR), 2018.
#   [arXiv:1711.00141](https://arxiv.org/abs/1711.00141)
# - **Hsieh et al. (2021)**. Ya-Ping Hsieh, Panayotis Mertikopoulos, Volkan Cevher. *The limits of min-max
#   optimization algorithms: Convergence to spurious non-critical sets*. International Conference on Machine
#   Learning (ICML), 2021. [arXiv:2006.09065](https://arxiv.org/abs/2006.09065)
# - **Jin et al. (2020b)**. Chi Jin, Praneeth Netrapalli, Michael I. Jordan. *What is local optimality in
#   nonconvex-nonconcave minimax optimization?*. International Conference on Machine Learning (ICML), 2020.
#   [arXiv:1902.00618](https://arxiv.org/abs/1902.00618)
# - **Korpelevich (1976)**. Galina M. Korpelevich. *The extragradient method for finding saddle points and
#   other problems*. Matecon 12, pp. 747–756, 1976.
#   [scholar.google.com](https://scholar.google.com/scholar?q=%22The+extragradient+method+for+finding+saddle+points+and+other+problems%22)
