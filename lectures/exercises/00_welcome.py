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
# # Exercises 00 · Gradient descent on a quadratic, and a first look at GDA
#
# Exercises for [lecture 00](../00_welcome.ipynb). Each exercise has a one-line goal, its kind and an estimated
# time: **implement** a short function, **predict, then run** (commit to a number before running the cell that
# shows it), or **explore** (find something with a widget or the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.

# %%
import numpy as np

from course_lib import setup
from course_lib.exercises import l00_welcome as ex
from course_lib.minimax import games
from course_lib.toys import quadratic as q
from course_lib.viz import gd_step_size_demo

setup(seed=0)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): one gradient-descent step on $f(z) = \tfrac12 z^\top A z$
#
# *Lecture 00, "A first live example".* The gradient of $f(z) = \tfrac12 z^\top A z$ ($A$ symmetric) is $Az$, so
# gradient descent reads $z_{k+1} = z_k - \eta A z_k$. Write `gd_step(A, z, eta)` for a **batch** of points: `z` has
# shape (N, 2), one point per row. Return a new array (do not change `z`).

# %%
def gd_step(A, z, eta):
    ### BEGIN SOLUTION
    return z - eta * z @ A.T
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_gd_step(gd_step)

# %% [markdown]
# ### Exercise 2 (implement, ~5 min): the contraction factor $\rho(\eta)$
#
# *Lecture 00, "A first live example".* Since $z_{k+1} = (I - \eta A) z_k$, the error shrinks per step by the
# spectral radius of $I - \eta A$: $\rho(\eta) = \max_i |1 - \eta\lambda_i(A)|$. Write `contraction_factor(A, eta)`
# (the eigenvalues of a symmetric matrix: `np.linalg.eigvalsh`).

# %%
def contraction_factor(A, eta):
    ### BEGIN SOLUTION
    return float(np.max(np.abs(1.0 - eta * np.linalg.eigvalsh(A))))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_contraction_factor(contraction_factor)

# %% [markdown]
# ### Exercise 3 (predict, then run, ~3 min): the step-size threshold for a new matrix
#
# *Lecture 00, "A checked claim": GD converges iff $\eta < 2/L$.* For
# $A = \begin{pmatrix} 5 & 2 \\ 2 & 2 \end{pmatrix}$, what is the largest step size for which gradient descent still
# converges? Work it out on paper (the eigenvalues of a 2×2 matrix from its trace and determinant), write it
# below, then run the widget and drag the slider past your value.

# %%
### BEGIN SOLUTION
prediction = 1 / 3
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_threshold(prediction)

# %%
gd_step_size_demo(ex.A_PREDICT, z0=(1.5, 2.0), eta=0.2, steps=30).show()

# %% [markdown]
# ### Exercise 4 (explore, ~8 min): the fastest fixed step size
#
# *Lecture 00; Nesterov (2004).* Below the threshold, which step size makes GD converge fastest on the same
# matrix, and what is its contraction factor? Evaluate `q.contraction_factor(ex.A_PREDICT, eta)` on a grid of step
# sizes (or your own `contraction_factor`), find the minimiser, and report `answer = (eta_best, rho_best)` to
# two decimals. Then explain the value: which two factors $|1 - \eta\lambda_i|$ are balanced there?

# %%
etas = np.linspace(0.01, 0.33, 321)
### BEGIN SOLUTION
rhos = [q.contraction_factor(ex.A_PREDICT, eta) for eta in etas]
answer = (etas[int(np.argmin(rhos))], min(rhos))
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_best_step(answer)

# %% [markdown]
# ### Exercise 5 (predict, then run, ~5 min): GDA on $\Phi(x, y) = xy$
#
# *EE-556 Lecture 11, "Basic algorithms for minimax".* For $\min_x\max_y xy$ the game field is
# $V(z) = (\partial_x\Phi, -\partial_y\Phi) = (y, -x)$ and gradient descent-ascent is $z_{k+1} = z_k - \alpha V(z_k)$.
# Predict the growth factor $\|z_1\| / \|z_0\|$ of **one** GDA step with $\alpha = 0.5$ (hint: $V(z)$ is orthogonal
# to $z$), then run the cell below.

# %%
### BEGIN SOLUTION
prediction = 1.118
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_gda_growth(prediction)

# %%
z0 = np.array([[1.0, 0.5]])
z1 = z0 - 0.5 * games.bilinear().V(z0)
print(f"measured ‖z₁‖/‖z₀‖ = {np.linalg.norm(z1) / np.linalg.norm(z0):.4f}: GDA spirals out (lecture 07 fixes it)")

# %% [markdown]
# ## What to remember
#
# - Gradient descent on $\tfrac12 z^\top A z$ multiplies the error by $\rho(\eta) = \max_i|1 - \eta\lambda_i|$ per step:
#   it converges iff $\eta < 2/L$, and fastest at $\eta = 2/(L + \mu)$ with $\rho = (L - \mu)/(L + \mu)$.
# - On the bilinear game $xy$, the same kind of step (GDA) moves *away* from the solution by $\sqrt{1 + \alpha^2}$ per
#   step, whatever the step size: games need other algorithms (lectures 07 and 08).

# %% [markdown]
# ## References
#
# <!-- references: cevher2022ee556 nesterov2004introductory -->
#
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Nesterov (2004)**. Yurii Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course*.
#   Kluwer Academic Publishers, 2004.
#   [doi:10.1007/978-1-4419-8853-9](https://doi.org/10.1007/978-1-4419-8853-9)
