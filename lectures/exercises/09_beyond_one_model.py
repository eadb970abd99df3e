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
# # Exercises 09 · Transfer attacks, SGM, universal perturbations and hard instances
#
# Exercises for [lecture 09](../09_beyond_one_model.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, or **predict, then run** (commit to a number before running the
# cell that shows it). Replace each `raise NotImplementedError` or `...` by your answer, then run the check cell
# below it: it prints **✓ solved**, or what is wrong with a hint, or *not solved yet*.
#
# Everything here is NumPy on small arrays; the cells after the checks compare your answers with the library
# (`course_lib.robust.sgm`, `universal_perturbation`, `adversarial_difficulty`).

# %%
import numpy as np
import torch
from torch import nn

from course_lib import setup
from course_lib.exercises import l09_beyond_one_model as ex
from course_lib.models import ResidualBlock
from course_lib.robust import saliency, sgm

setup(seed=0)

# %% [markdown]
# ### Exercise 1 (implement, ~8 min): the SGM gradient of a linear residual network
#
# *Wang's guest lecture, "Skip Gradient Method (SGM)"; Wu et al. (2020a).* A linear residual network has blocks
# $z_{i+1} = z_i + W_i z_i$ for $i = 0, \dots, L-1$ and the read-out $a^\top z_L$. SGM multiplies the gradient
# through each residual branch $W_i$ by $\gamma$, the skip path keeping gradient 1:
# $$\nabla^{\gamma}_{z_0} = (I + \gamma W_0)^\top (I + \gamma W_1)^\top \cdots (I + \gamma W_{L-1})^\top a.$$
# Write `sgm_gradient(Ws, a, gamma)` for a list `Ws` of $d\times d$ arrays and a vector `a` of shape (d,).

# %%
def sgm_gradient(Ws, a, gamma):
    ### BEGIN SOLUTION
    g = a.copy()
    for W in reversed(Ws):      # backwards through the blocks: g ← (I + γW_i)ᵀ g
        g = g + gamma * W.T @ g
    return g
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_sgm_gradient(sgm_gradient)

# %% [markdown]
# The library's `sgm(model, gamma)` does the same on any network made of `ResidualBlock`s, by scaling the
# backward pass of each residual branch. With one linear branch it agrees with the formula above
# (`ex.sgm_gradient_reference`, the checker's own solution):

# %%
torch.manual_seed(0)
block = ResidualBlock(1)
block.branch = nn.Linear(4, 4, bias=False)
head = nn.Linear(4, 1, bias=False)
net = nn.Sequential(block, head)
with sgm(net, 0.3):
    g_library = saliency(net, torch.rand(1, 4), torch.tensor([0]))[0]   # ∇ of the read-out (logit 0)
formula = ex.sgm_gradient_reference([block.branch.weight.detach().numpy()], head.weight.detach().numpy()[0], 0.3)
print("largest difference:", float(np.abs(g_library.numpy() - formula).max()))

# %% [markdown]
# ### Exercise 2 (predict, then run, ~3 min): SGM in one dimension
#
# *Lecture 09, section 2.* Three scalar blocks $z_{i+1} = z_i + w z_i$ with $w = 2$ and the read-out $z_3$: the true
# derivative $dz_3/dz_0$ is $(1 + w)^3 = 27$. What does SGM with $\gamma = 0.5$ give?

# %%
### BEGIN SOLUTION
prediction = 8.0
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_sgm_prediction(prediction)

# %%
blocks = [ResidualBlock(1) for _ in range(3)]
for b in blocks:
    b.branch = nn.Linear(1, 1, bias=False)
    nn.init.constant_(b.branch.weight, 2.0)
net_1d = nn.Sequential(*blocks)
for gamma in (1.0, 0.5):
    with sgm(net_1d, gamma):
        print(f"γ = {gamma}: dz_3/dz_0 =", float(saliency(net_1d, torch.zeros(1, 1), torch.tensor([0]))[0, 0]))

# %% [markdown]
# ### Exercise 3 (implement, ~5 min): the transfer success rate
#
# *Lecture 09, section 1.* Adversarial examples crafted on a source model are fed to a target. Given the target's
# predictions on the clean inputs `pred_clean`, on the adversarial inputs `pred_adv`, and the labels `y` (integer
# arrays of shape (n,)), return the **transfer success rate**: among the examples the target classifies correctly
# when clean, the fraction it misclassifies after the attack.

# %%
def transfer_rate(pred_clean, pred_adv, y):
    ### BEGIN SOLUTION
    correct = pred_clean == y
    return float(np.mean(pred_adv[correct] != y[correct]))
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_transfer_rate(transfer_rate)

# %% [markdown]
# ### Exercise 4 (implement, ~6 min): one step of the universal perturbation
#
# *Lecture 09, section 4; Moosavi-Dezfooli et al. (2017).* One δ for all the images of a mini-batch: with the
# input gradients $g_i = \nabla_x \ell(f(x_i + \delta), y_i)$ stacked in `grads` (shape (n, d)), the projected
# sign-ascent step is
# $$\delta \leftarrow \mathrm{clip}_{[-\varepsilon, \varepsilon]}\Big(\delta + \alpha\,\mathrm{sign}\sum_i g_i\Big).$$
# Write `uap_step(delta, grads, alpha, eps)` returning the new δ of shape (d,) (do not change the inputs).

# %%
def uap_step(delta, grads, alpha, eps):
    ### BEGIN SOLUTION
    return np.clip(delta + alpha * np.sign(grads.sum(axis=0)), -eps, eps)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_uap_step(uap_step)

# %% [markdown]
# ### Exercise 5 (implement, ~5 min): the hardest training examples
#
# *Lecture 09, section 5; Liu et al. (2021).* `losses[t, i]` is the adversarial loss of training example $i$ at
# epoch $t$ (shape (T, n), what `adversarial_difficulty` returns as its third value). The difficulty is
# $d_i = \frac1T\sum_t$ `losses[t, i]`. Write `hardest(losses, k)` returning the indices of the $k$ examples with
# the largest difficulty, hardest first (an integer array of shape (k,)).

# %%
def hardest(losses, k):
    ### BEGIN SOLUTION
    return np.argsort(-losses.mean(axis=0), kind="stable")[:k]
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_hardest(hardest)

# %% [markdown]
# ## What to remember
#
# - SGM replaces each residual block's Jacobian $I + \partial f/\partial z$ by $I + \gamma\,\partial f/\partial z$ in the
#   backward pass only: a product over the blocks, so its effect grows with depth.
# - The transfer success rate counts only the examples the target gets right without attack.
# - A universal δ sums the images' gradients before taking the sign: one direction for all.
# - The difficulty of a training example is its adversarial loss averaged over the epochs.

# %% [markdown]
# ## References
#
# <!-- references: liu2021hard moosavi2017universal wang2021rethinking_talk wu2020sgm -->
#
# - **Liu et al. (2021)**. Chen Liu, Zhichao Huang, Mathieu Salzmann, Tong Zhang, Sabine Süsstrunk. *On the
#   impact of hard adversarial instances on overfitting in adversarial training*. arXiv preprint; Journal of
#   Machine Learning Research 25 (2024), article 356, 2021.
#   [arXiv:2112.07324](https://arxiv.org/abs/2112.07324)
# - **Moosavi-Dezfooli et al. (2017)**. Seyed-Mohsen Moosavi-Dezfooli, Alhussein Fawzi, Omar Fawzi, Pascal
#   Frossard. *Universal adversarial perturbations*. IEEE Conference on Computer Vision and Pattern
#   Recognition (CVPR), 2017. [arXiv:1610.08401](https://arxiv.org/abs/1610.08401)
# - **Wang, Rethinking the min-max problem for adversarial robustness (CS498 guest lecture, UIUC, 2021)**.
#   Yisen Wang. *Rethinking the min-max problem for adversarial robustness*. Guest lecture, CS498,
#   University of Illinois Urbana-Champaign, 2021. Slides, 17 March 2021.
#   [yisenwang.github.io](https://yisenwang.github.io/)
# - **Wu et al. (2020a)**. Dongxian Wu, Yisen Wang, Shu-Tao Xia, James Bailey, Xingjun Ma. *Skip connections
#   matter: On the transferability of adversarial examples generated with ResNets*. International Conference
#   on Learning Representations (ICLR), 2020. [arXiv:2002.05990](https://arxiv.org/abs/2002.05990)
