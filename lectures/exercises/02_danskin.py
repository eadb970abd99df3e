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
# # Exercises 02 · Danskin's theorem, the simplex and the min-norm point
#
# Exercises for [lecture 02](../02_danskin.ipynb). Each exercise has a one-line goal, its kind and an estimated
# time: **implement** a short function, **predict, then run** (commit to an answer before running the cell that
# shows it), or **explore** (find something with a widget or the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints **✓ solved**,
# or what is wrong with a hint, or *not solved yet*.

# %%
import numpy as np

from course_lib import setup
from course_lib.danskin import directional, examples, landscape, widgets
from course_lib.exercises import l02_danskin as ex

setup(seed=0, threads=1)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): Danskin's directional derivative
#
# *Lecture 02, section 1; Danskin (1966); EE-556 Lecture 11.* For $f(\theta) = \max_{\delta\in S} g(\theta, \delta)$,
# $D_\gamma f(\theta) = \max_{\delta\in S^*(\theta)} \langle\gamma, \nabla_\theta g(\theta,\delta)\rangle$. Given the
# gradients at the maximisers as the rows of `grads` (shape (k, d)) and a direction `gamma` (shape (d,)), write
# `danskin_derivative(grads, gamma)` returning the number $D_\gamma f$.

# %%
def danskin_derivative(grads, gamma):
    ### BEGIN SOLUTION
    return float(np.max(grads @ gamma))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_danskin_derivative(danskin_derivative)

# %% [markdown]
# ### Exercise 2 (predict, then run, ~3 min): the sign of a Danskin directional derivative
#
# *Lecture 02, section 3 (counterexample 2); Latorre et al. (2023).* Take counterexample 2 with unit vectors $u = (1, 0)$
# and $v$ at an angle of **60°** from $u$: $f(\theta) = \max(\langle\theta, u\rangle, \langle\theta, v\rangle)$ and
# $S^*(0)$ has both maximisers. Is $-u$ (minus the gradient at one maximiser) a descent direction at $\theta = 0$?
# Predict the sign of $D_{-u} f(0)$: `-1` (descends), `0` or `+1` (ascends), then run.

# %%
### BEGIN SOLUTION
prediction = -1
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_sign(prediction)

# %%
acute, zero, u = examples.ObtuseExample.from_angle(60.0), np.zeros(2), np.array([1.0, 0.0])
print("D_{−u} f(0) =", directional.danskin_derivative(acute, zero, -u))
print("f(−tu) − f(0) for t = 1e-3:", directional.change_along(acute.robust_loss, zero, -u, 1e-3))

# %% [markdown]
# ### Exercise 3 (implement, ~12 min): the projection onto the simplex
#
# *Lecture 02, section 4; Duchi et al. (2008).* The Euclidean projection onto $\Delta = \{y \ge 0, \sum_i y_i = 1\}$
# is $\Pi_\Delta(v) = \max(v - \tau, 0)$: with $\mu$ the entries of $v$ sorted in decreasing order,
# $\rho = \max\{j : \mu_j - (\sum_{i\le j}\mu_i - 1)/j > 0\}$ and $\tau = (\sum_{i\le\rho}\mu_i - 1)/\rho$. Write
# `project_simplex(v)` for a 1-D array.

# %%
def project_simplex(v):
    ### BEGIN SOLUTION
    mu = np.sort(v)[::-1]
    excess = np.cumsum(mu) - 1.0
    rho = np.sum(mu - excess / np.arange(1, len(v) + 1) > 0)
    return np.maximum(v - excess[rho - 1] / rho, 0.0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_project_simplex(project_simplex)

# %% [markdown]
# ### Exercise 4 (implement, ~15 min): the min-norm point of a convex hull
#
# *Lecture 02, section 4; Latorre et al. (2023), Theorem 2.* Danskin's Descent Direction is $-w/\|w\|$ with
# $w = G^\top\alpha^*$, $\alpha^* \in \arg\min_{\alpha\in\Delta_m} \tfrac12\|G^\top\alpha\|^2$ (rows of $G$: the gradients at
# the maximisers). Write `min_norm_point(G)` returning $w$ (shape (p,)): projected gradient on α, starting from
# uniform weights, with step $1/\|GG^\top\|_2$ and your `project_simplex` (a few thousand iterations are cheap here).

# %%
def min_norm_point(G):
    ### BEGIN SOLUTION
    Q = G @ G.T
    step = 1.0 / max(np.linalg.eigvalsh(Q)[-1], 1e-12)
    alpha = np.full(len(G), 1.0 / len(G))
    for _ in range(5000):
        alpha = project_simplex(alpha - step * Q @ alpha)
    return G.T @ alpha
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_min_norm_point(min_norm_point)

# %% [markdown]
# ### Exercise 5 (explore, ~8 min): the angle where $-u$ stops ascending
#
# *Lecture 02, section 3 (the widget); Cho's presentation.* In counterexample 2, both single-maximiser steps $-u$ and
# $-v$ ascend when the angle between $u$ and $v$ is obtuse. Turn the widget's angle down from 135°: at which angle
# (in degrees) does $-u$ stop being an ascent direction (its polar curve crosses the dotted unit circle)? Report
# `answer`; you may also scan the angles with `directional.danskin_derivative` and `examples.ObtuseExample.from_angle`.

# %%
widgets.counterexample2_demo(angle=135.0).show()

# %%
angles = np.arange(0.0, 180.5, 0.5)
### BEGIN SOLUTION
signs = [directional.danskin_derivative(examples.ObtuseExample.from_angle(a), np.zeros(2), np.array([-1.0, 0.0]))
         for a in angles]
answer = float(angles[int(np.argmax(np.array(signs) > 0))])
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_ascent_angle(answer)

# %% [markdown]
# ### Exercise 6 (predict, then run, ~5 min): the gradient jump of the adversarial loss
#
# *Lecture 02, section 7; CS8695 (Chen Liu); Liu et al. (2020).* For
# $\mathcal L_\varepsilon(\theta) = \max_{|\Delta|\le\varepsilon}\log(1 + e^{\theta\Delta}) = \log(1 + e^{\varepsilon|\theta|})$,
# predict the jump of the slope at $\theta = 0$ (right slope minus left slope) for $\varepsilon = 0.8$, then run.

# %%
### BEGIN SOLUTION
prediction = 0.8
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_gradient_jump(prediction)

# %%
h = 1e-7
L = lambda theta: landscape.adversarial_logistic_1d(np.array([theta]), 0.8)[0]  # noqa: E731
print(f"right slope {(L(h) - L(0)) / h:+.4f}, left slope {(L(0) - L(-h)) / h:+.4f}")

# %% [markdown]
# ## What to remember
#
# - Danskin's directional derivative is a **max** over the maximisers: $-\nabla_\theta g(\theta,\delta^*)$ for one
#   maximiser descends only when it descends on every active gradient (acute angles), not in general.
# - The projection onto the simplex thresholds, $\max(v - \tau, 0)$; projected gradient with it finds the min-norm
#   point of a hull, whose negative is Danskin's Descent Direction.
# - The adversarial loss is non-smooth where the maximiser jumps: its slope jumps by ε at θ = 0.

# %% [markdown]
# ## References
#
# <!-- references: cevher2022ee556 cho2023ddd_talk danskin1966theory duchi2008projection latorre2023ddd
# liu2020landscape liu2023cs8695 -->
#
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
# - **Liu et al. (2020)**. Chen Liu, Mathieu Salzmann, Tao Lin, Ryota Tomioka, Sabine Süsstrunk. *On the
#   loss landscape of adversarial training: Identifying challenges and how to overcome them*. Advances in
#   Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2006.08403](https://arxiv.org/abs/2006.08403)
