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
# # Exercises 05 · Certified robustness: interval bounds, CROWN, Lipschitz bounds and randomized smoothing
#
# Exercises for [lecture 05](../05_certified_robustness.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, **predict, then run** (commit to a number before running the cell
# that shows it), or **explore** (find something with the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*.

# %%
import numpy as np
import torch
from scipy import stats

from course_lib import robust as C
from course_lib import setup
from course_lib.exercises import l05_certified_robustness as ex

setup(seed=0, threads=1)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): interval bounds through one linear layer
#
# *CS8695, "Verified Robustness"; lecture 05, section 1; Gowal et al. (2018).* If every input lies in the box
# $[l, u]$, write it as centre $c = (u + l)/2$ and radius $r = (u - l)/2$. Then $z = Wa + b$ lies in the box with
# centre $c' = Wc + b$ and radius $r' = |W|\,r$, and no smaller box contains every $z$. Write
# `ibp_linear(l, u, W, b)`: `l`, `u` of shape (N, n) (one box per row), `W` (m, n), `b` (m,); return the pair
# `(lower, upper)`, each (N, m).

# %%
def ibp_linear(l, u, W, b):
    ### BEGIN SOLUTION
    c, r = (u + l) / 2, (u - l) / 2
    centre, radius = c @ W.T + b, r @ np.abs(W).T
    return centre - radius, centre + radius
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_ibp_linear(ibp_linear)

# %% [markdown]
# ### Exercise 2 (implement, ~3 min): … and through a ReLU
#
# *Lecture 05, section 1.* ReLU is monotone, so the box of $\mathrm{ReLU}(z)$ is $[\max(l', 0), \max(u', 0)]$. Write
# `ibp_relu_layer(l, u, W, b)`: the IBP box of $\mathrm{ReLU}(Wa + b)$ for $a \in [l, u]$ (you may call `ibp_linear`).
# Stacking it layer after layer is all of IBP (`C.ibp_bounds` in the library).

# %%
def ibp_relu_layer(l, u, W, b):
    ### BEGIN SOLUTION
    lo, hi = ibp_linear(l, u, W, b)
    return np.maximum(lo, 0), np.maximum(hi, 0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_ibp_relu_layer(ibp_relu_layer)

# %% [markdown]
# ### Exercise 3 (predict, then run, ~3 min): CROWN's lower bound for one ReLU
#
# *CS8695, "Linear approximation of deep neural networks"; lecture 05, section 1.* CROWN bounds an unstable ReLU
# ($l < 0 < u$) from below by the line $\alpha z$ with the adaptive slope $\alpha = 1[u > -l]$. For one neuron with
# $z \in [-1, 2]$, IBP says $\mathrm{ReLU}(z) \in [0, 2]$. What lower bound does CROWN's line give? Predict, then run.

# %%
### BEGIN SOLUTION
prediction = -1.0
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_crown_lower_prediction(prediction)

# %%
relu1 = torch.nn.Sequential(torch.nn.Linear(1, 1), torch.nn.ReLU(), torch.nn.Linear(1, 1))
with torch.no_grad():  # f(x) = ReLU(x) on [0.5 − 1.5, 0.5 + 1.5] = [−1, 2]
    relu1[0].weight.fill_(1), relu1[0].bias.zero_(), relu1[2].weight.fill_(1), relu1[2].bias.zero_()
for name, bounds in [("IBP", C.ibp_bounds), ("CROWN", C.crown_bounds)]:
    lo, hi = bounds(relu1, torch.tensor([[0.5]]), 1.5, domain=None)
    print(f"{name}: ReLU(z) ∈ [{lo.item():g}, {hi.item():g}]")

# %% [markdown]
# ### Exercise 4 (implement, ~8 min): CROWN's linear relaxation of a ReLU
#
# *CS8695, "Geometric interpretation of model linearization"; lecture 05, section 1; Zhang et al. (2018).* On
# $[l, u]$ each ReLU lies between two lines, $\alpha z \le \mathrm{ReLU}(z) \le s z + t$. For an unstable neuron the
# upper line is the chord through $(l, 0)$ and $(u, u)$ and $\alpha = 1[u > -l]$; an active neuron ($l \ge 0$) is
# the identity ($\alpha = s = 1$, $t = 0$) and an inactive one ($u \le 0$) is 0. Write `relu_relaxation(l, u)` for
# arrays of neurons; return `(alpha, s, t)`, each of the shape of `l`.

# %%
def relu_relaxation(l, u):
    ### BEGIN SOLUTION
    unstable, active = (l < 0) & (u > 0), l >= 0
    s = np.where(unstable, u / np.where(unstable, u - l, 1.0), active * 1.0)
    t = np.where(unstable, -s * l, 0.0)
    alpha = np.where(unstable, (u > -l) * 1.0, active * 1.0)
    return alpha, s, t
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_relu_relaxation(relu_relaxation)

# %% [markdown]
# ### Exercise 5 (implement, ~5 min): the randomized-smoothing radius
#
# *CS8695, "Randomized smoothing"; lecture 05, section 3; Cohen et al. (2019).* If the smoothed classifier's top class
# has probability at least $p_A$ and every other class at most $p_B$, it is constant on the ℓ₂ ball of radius
# $R = \frac{\sigma}{2}\big(\Phi^{-1}(p_A) - \Phi^{-1}(p_B)\big)$ ($R = \sigma\Phi^{-1}(p_A)$ when $p_B = 1 - p_A$).
# Write `smoothing_radius(p_a, p_b, sigma)` for arrays of probabilities ($\Phi^{-1}$ is `stats.norm.ppf`).

# %%
def smoothing_radius(p_a, p_b, sigma):
    ### BEGIN SOLUTION
    return sigma / 2 * (stats.norm.ppf(p_a) - stats.norm.ppf(p_b))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_smoothing_radius(smoothing_radius)

# %% [markdown]
# ### Exercise 6 (predict, then run, ~5 min): the largest radius n samples can certify
#
# *Lecture 05, section 3, CERTIFY.* With $n$ noisy samples, all of class A, the one-sided Clopper–Pearson bound at
# level α is $\underline p_A = \alpha^{1/n}$, and the certified radius is $\sigma\Phi^{-1}(\underline p_A)$. Predict it
# for $n$ = 1000, α = 0.001, σ = 0.5 (to 2 %), then run the cell.

# %%
### BEGIN SOLUTION
prediction = 0.5 * stats.norm.ppf(0.001 ** (1 / 1000))
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_max_radius_prediction(prediction)

# %%
p_low = C.clopper_pearson_lower(1000, 1000, 0.001)
print(f"p̲_A = {p_low:.5f}, radius = {C.smoothing_radius(p_low, sigma=0.5):.4f}")

# %% [markdown]
# ### Exercise 7 (implement, ~5 min): a Lipschitz bound of a ReLU network
#
# *Lecture 05, "verified ≤ true ≤ empirical".* ReLU is 1-Lipschitz and $a \mapsto Wa + b$ is $\|W\|_2$-Lipschitz in ℓ₂
# ($\|W\|_2$ the largest singular value), so a ReLU MLP is $L$-Lipschitz with $L = \prod_l \|W_l\|_2$: a margin $m$
# then cannot change sign within ℓ₂ distance $m/(\sqrt2 L)$ of the input. Write `lipschitz_bound(weights)` for a list of
# weight matrices (`np.linalg.norm(W, 2)` is the spectral norm).

# %%
def lipschitz_bound(weights):
    ### BEGIN SOLUTION
    return float(np.prod([np.linalg.norm(W, 2) for W in weights]))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_lipschitz(lipschitz_bound)

# %% [markdown]
# ### Exercise 8 (explore, ~6 min): the largest radius CROWN verifies at a point
#
# *Lecture 05, section 1, "the polyhedral envelope".* `ex.certify_problem()` returns a small fixed ReLU network, a
# point $x_0$ and its predicted label. Find the largest ε (to 5 %) for which
# `C.certified(model, x0, y0, eps, method="crown", domain=None)` is True, and compare with IBP's.

# %%
model, x0, y0 = ex.certify_problem()
### BEGIN SOLUTION
eps_grid = 1e-3 * 1.02 ** np.arange(380)  # 0.001 … 1.8, steps of 2 %
answer = max(e for e in eps_grid if C.certified(model, x0, y0, float(e), method="crown", domain=None))
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_largest_verified(answer)

# %% [markdown]
# ## What to remember
#
# - IBP pushes a box through the network: centre through $W$, radius through $|W|$, then ReLU on both ends. It is
#   sound and cheap, and loose because every neuron takes its own worst case.
# - CROWN replaces each unstable ReLU by two lines and keeps the correlations between neurons; its adaptive lower
#   slope is usually, not always, tighter than IBP.
# - Randomized smoothing certifies an ℓ₂ radius $\frac\sigma2(\Phi^{-1}(p_A) - \Phi^{-1}(p_B))$; with $n$ samples it can
#   never exceed $\sigma\Phi^{-1}(\alpha^{1/n})$.
# - A product of spectral norms is a Lipschitz constant: a certificate too, but usually a loose one.

# %% [markdown]
# ## References
#
# <!-- references: cohen2019smoothing gowal2018ibp liu2023cs8695 zhang2018crown -->
#
# - **Cohen et al. (2019)**. Jeremy Cohen, Elan Rosenfeld, J. Zico Kolter. *Certified adversarial robustness
#   via randomized smoothing*. International Conference on Machine Learning (ICML), 2019.
#   [arXiv:1902.02918](https://arxiv.org/abs/1902.02918)
# - **CS8695 Understanding and building reliable deep neural networks (Chen Liu, 2023)**. Chen Liu.
#   *Understanding and building reliable deep neural networks*. CS8695 Research in Computer Science, course
#   slides, 2023. Semester A, 2023–2024. [github.com/liuchen11](https://github.com/liuchen11)
# - **Gowal et al. (2018)**. Sven Gowal, Krishnamurthy Dvijotham, Robert Stanforth, Rudy Bunel, Chongli Qin,
#   Jonathan Uesato, Relja Arandjelovic, Timothy Mann, Pushmeet Kohli. *On the effectiveness of interval
#   bound propagation for training verifiably robust models*. arXiv preprint, 2018.
#   [arXiv:1810.12715](https://arxiv.org/abs/1810.12715)
# - **Zhang et al. (2018)**. Huan Zhang, Tsui-Wei Weng, Pin-Yu Chen, Cho-Jui Hsieh, Luca Daniel. *Efficient
#   neural network robustness certification with general activation functions*. Advances in Neural
#   Information Processing Systems (NeurIPS), 2018. [arXiv:1811.00866](https://arxiv.org/abs/1811.00866)
