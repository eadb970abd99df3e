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
# # Exercises 01 · Adversarial examples: FGSM, PGD, projections and the linear worst case
#
# Exercises for [lecture 01](../01_adversarial_examples.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, **predict, then run** (commit to a number before running the cell
# that shows it), or **explore** (find something with a widget or the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints **✓ solved**,
# or what is wrong with a hint, or *not solved yet*. The functions work on numpy arrays: a batch `x` of shape
# (n, d) with pixels in [0, 1] and the loss gradient `g` with respect to the input, of the same shape.

# %%
import numpy as np
import torch

from course_lib import setup
from course_lib.exercises import l01_adversarial_examples as ex
from course_lib.robust import linear_worst_case, linear_worst_case_demo

setup(seed=0, threads=1)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): the FGSM step
#
# *Lecture 01, section 4; Goodfellow et al. (2015).* FGSM takes the linear model's worst case for the linearised
# loss: $x_{\rm adv} = \mathrm{clip}_{[0,1]}\big(x + \epsilon\,\mathrm{sign}(g)\big)$. Write `fgsm(x, g, eps)`
# (without changing `x` or `g`).

# %%
def fgsm(x, g, eps):
    ### BEGIN SOLUTION
    return np.clip(x + eps * np.sign(g), 0.0, 1.0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_fgsm(fgsm)

# %% [markdown]
# ### Exercise 2 (implement, ~8 min): one PGD step
#
# *Lecture 01, section 4; Madry et al. (2018).* PGD repeats a sign step from the current iterate and projects back
# onto the ε-ball **around the clean input** $x$, then onto the image range:
# $x^{t+1} = \mathrm{clip}_{[0,1]}\big(x + \mathrm{clip}_{[-\epsilon,\epsilon]}(x^t + \alpha\,\mathrm{sign}(g) - x)\big)$.
# Write `pgd_step(x, x_adv, g, eps, alpha)`.

# %%
def pgd_step(x, x_adv, g, eps, alpha):
    ### BEGIN SOLUTION
    delta = np.clip(x_adv + alpha * np.sign(g) - x, -eps, eps)
    return np.clip(x + delta, 0.0, 1.0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_pgd_step(pgd_step)

# %% [markdown]
# ### Exercise 3 (implement, ~15 min): the projection onto the ℓ1 ball
#
# *Lecture 01, section 6 (sparse ℓ1 attacks); Duchi et al. (2008).* The Euclidean projection of $v$ onto
# $\{\|w\|_1 \le \epsilon\}$ is $v$ itself if $\|v\|_1 \le \epsilon$, and otherwise the soft-thresholding
# $w_i = \mathrm{sign}(v_i)\,(|v_i| - \tau)_+$ with the $\tau > 0$ that makes $\|w\|_1 = \epsilon$. With $\mu$ the
# entries of $|v|$ sorted in decreasing order, $\rho = \max\{j : \mu_j - (\sum_{i\le j}\mu_i - \epsilon)/j > 0\}$ and
# $\tau = (\sum_{i\le\rho}\mu_i - \epsilon)/\rho$. Write `project_l1(v, eps)` for a 1-D array `v`.

# %%
def project_l1(v, eps):
    ### BEGIN SOLUTION
    if np.abs(v).sum() <= eps:
        return v.copy()
    mu = np.sort(np.abs(v))[::-1]
    excess = np.cumsum(mu) - eps
    j = np.arange(1, len(v) + 1)
    rho = np.nonzero(mu - excess / j > 0)[0][-1] + 1
    tau = excess[rho - 1] / rho
    return np.sign(v) * np.maximum(np.abs(v) - tau, 0.0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_project_l1(project_l1)

# %% [markdown]
# ### Exercise 4 (predict, then run, ~5 min): the linear worst case in three norms
#
# *Lecture 01, section 3; EE-556 Lecture 11, "A robustness example: linear prediction".* For a linear score,
# $\max_{\|\eta\|_p\le\epsilon}\langle w, a+\eta\rangle = \langle w, a\rangle + \epsilon\|w\|_q$ with $1/p + 1/q = 1$. For
# $w = (3, -4, 1)$ and $\epsilon = 0.5$, predict the gain $\epsilon\|w\|_q$ for the ℓ∞, ℓ2 and ℓ1 balls, then run.

# %%
### BEGIN SOLUTION
prediction = (4.0, 2.55, 2.0)
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_linear_worst_case(prediction)

# %%
w, a = torch.tensor([[3.0, -4.0, 1.0]]), torch.zeros(1, 3)
for norm in ("linf", "l2", "l1"):
    eta, value = linear_worst_case(w, a, 0.5, norm)
    print(f"{norm:>4}: gain {float(value[0]):.3f} at η* = {eta[0].numpy().round(3)}")

# %% [markdown]
# ### Exercise 5 (predict, then run, ~5 min): FGSM as one step of proximal gradient ascent
#
# *Lecture 01, section 5; EE-556 Lecture 11.* One PGA step from $\eta^0 = 0$ is
# $\eta^1 = \mathrm{clip}_{[-\epsilon,\epsilon]}(\alpha g)$. For $g = (0.5, -2, 0.1, 1)$ and $\epsilon = 0.1$, what is
# the **smallest** step $\alpha$ for which $\eta^1$ equals the FGSM step $\epsilon\,\mathrm{sign}(g)$? Predict, then run.

# %%
### BEGIN SOLUTION
prediction = 1.0
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_pga_alpha(prediction)

# %%
for alpha in (0.5, 0.99, 1.0):
    same = np.array_equal(np.clip(alpha * ex.G_PGA, -ex.EPS_PGA, ex.EPS_PGA), ex.EPS_PGA * np.sign(ex.G_PGA))
    print(f"α = {alpha}: one PGA step equals FGSM: {same}")

# %% [markdown]
# ### Exercise 6 (explore, ~10 min): where the ℓ1 maximiser jumps
#
# *Lecture 01, section 3 (the widget).* For $w = (\cos\theta, \sin\theta)$ the ℓ1 maximiser is
# $\epsilon\,\mathrm{sign}(w_{i^*})e_{i^*}$, a single coordinate. Set the widget to the ℓ1 norm and turn θ from 0
# upwards: at which angle $\theta \in (0, \pi/2)$ does the maximiser jump from the first axis to the second? Find it
# in the widget or with `linear_worst_case` on a grid of angles, and report `answer` in radians.

# %%
linear_worst_case_demo(a=(0.5, 0.5), norm="l1", eps=0.2, theta=0.2).show()

# %%
thetas = np.linspace(0.0, np.pi / 2, 1001)
weights = torch.tensor(np.stack([np.cos(thetas), np.sin(thetas)], axis=1))
### BEGIN SOLUTION
eta, _ = linear_worst_case(weights, torch.zeros_like(weights), 0.2, "l1")
answer = float(thetas[int(np.argmax(eta[:, 1].abs().numpy() > 0))])
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_l1_jump(answer)

# %% [markdown]
# ## What to remember
#
# - FGSM is $\mathrm{clip}(x + \epsilon\,\mathrm{sign}\,g)$: the sign is the steepest ℓ∞ step, and it is one proximal
#   gradient ascent step with a large enough α; PGD repeats it from the current iterate and projects onto the ball
#   around the clean input.
# - The projection onto the ℓ1 ball soft-thresholds, which sets small coordinates to 0: ℓ1 attacks are sparse.
# - The linear worst case gains $\epsilon\|w\|_*$ with the dual norm: ℓ∞ ↔ ℓ1, ℓ2 ↔ ℓ2, ℓ1 ↔ ℓ∞.

# %% [markdown]
# ## References
#
# <!-- references: cevher2022ee556 duchi2008projection goodfellow2015explaining madry2018towards -->
#
# - **Duchi et al. (2008)**. John Duchi, Shai Shalev-Shwartz, Yoram Singer, Tushar Chandra. *Efficient
#   projections onto the $\ell_1$-ball for learning in high dimensions*. International Conference on Machine
#   Learning (ICML), pp. 272–279, 2008.
#   [doi:10.1145/1390156.1390191](https://doi.org/10.1145/1390156.1390191)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Goodfellow et al. (2015)**. Ian J. Goodfellow, Jonathon Shlens, Christian Szegedy. *Explaining and
#   harnessing adversarial examples*. International Conference on Learning Representations (ICLR), 2015.
#   [arXiv:1412.6572](https://arxiv.org/abs/1412.6572)
# - **Madry et al. (2018)**. Aleksander Madry, Aleksandar Makelov, Ludwig Schmidt, Dimitris Tsipras, Adrian
#   Vladu. *Towards deep learning models resistant to adversarial attacks*. International Conference on
#   Learning Representations (ICLR), 2018. [arXiv:1706.06083](https://arxiv.org/abs/1706.06083)
