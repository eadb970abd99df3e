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
# # Exercises 04 · Adversarial training: PGD-AT, FOSC, TRADES, MART, AWP and CFOL
#
# Exercises for [lecture 04](../04_adversarial_training.ipynb). Each exercise has a one-line goal, its kind and an
# estimated time: **implement** a short function, **predict, then run** (commit to a number before running the cell
# that shows it), or **explore** (find something with the library and report it). Replace each
# `raise NotImplementedError` or `...` by your answer, then run the check cell below it: it prints
# **✓ solved**, or what is wrong with a hint, or *not solved yet*. Nothing here trains a network: every
# exercise is one piece of a training method, checked on random inputs.

# %%
import numpy as np
import torch
import torch.nn.functional as F

from course_lib import setup
from course_lib.exercises import l04_adversarial_training as ex
from course_lib.robust import metrics, pgd

setup(seed=0, threads=1)

# %% [markdown]
# ### Exercise 1 (implement, ~5 min): one projected PGD step
#
# *EE-556 Lecture 11, "Stochastic adversarial training"; lecture 04, section 1.* PGD-AT's inner max repeats
# $x_{k+1} = \Pi_{B_\infty(x_0, \epsilon)\cap[0,1]^d}\big(x_k + \alpha\,\mathrm{sign}\,g_k\big)$ with
# $g_k = \nabla_x\ell(x_k)$. Write `pgd_step(x0, x, g, eps, alpha)` on numpy arrays of the same shape (one image per
# row): `x0` the clean images, `x` the current iterate, `g` the gradient at `x`. Return a new array.

# %%
def pgd_step(x0, x, g, eps, alpha):
    ### BEGIN SOLUTION
    x_new = x + alpha * np.sign(g)
    return np.clip(np.clip(x_new, x0 - eps, x0 + eps), 0.0, 1.0)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_pgd_step(pgd_step)

# %% [markdown]
# ### Exercise 2 (implement, ~5 min): FOSC in closed form
#
# *Wang's guest lecture, "FOSC"; lecture 04, section 3; Wang et al. (2019).* The first-order stationarity condition of
# the inner max at an iterate $x^k$ of an attack started at $x^0$ is
# $c(x^k) = \max_{x \in B_\infty(x^0, \epsilon)} \langle x - x^k, \nabla_x\ell(x^k)\rangle
# = \epsilon\|g\|_1 - \langle x^k - x^0, g\rangle \ge 0$. Write `fosc(g, x_k, x0, eps)` for a batch: arrays of
# shape (N, …), one value per example, shape (N,).

# %%
def fosc(g, x_k, x0, eps):
    ### BEGIN SOLUTION
    n = len(g)
    return eps * np.abs(g).reshape(n, -1).sum(1) - ((x_k - x0) * g).reshape(n, -1).sum(1)
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_fosc(fosc)

# %% [markdown]
# ### Exercise 3 (predict, then run, ~3 min): a FOSC value by hand
#
# One example with three pixels: $g = (0.5, -1, 2)$, ε = 0.1, and the attack has moved by
# $x^k - x^0 = (0.1, -0.1, 0.05)$. Compute $c(x^k)$ on paper, then run the cell below it.

# %%
### BEGIN SOLUTION
prediction = 0.1
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_fosc_prediction(prediction)

# %%
g3, d3 = np.array([[0.5, -1.0, 2.0]]), np.array([[0.1, -0.1, 0.05]])
print("c(x^k) =", float(metrics.fosc_closed_form(torch.tensor(g3), torch.tensor(d3), torch.zeros(1, 3), 0.1)[0]))

# %% [markdown]
# ### Exercise 4 (explore, ~6 min): which step size makes PGD-10 converge best?
#
# *Wang's guest lecture: step sizes ε/2 and ε/4 give FOSC concentrated near 0.* `ex.fosc_problem()` returns a small
# fixed network, 100 test digits and ε. For α = ε/d with d ∈ {1, 2, 4, 16}, run 10 PGD steps from the clean images
# (`pgd(model, x, y, eps, alpha, 10, random_start=False)`) and compute the median FOSC over the ball ∩ [0, 1]
# (`metrics.fosc(model, x, x_adv, y, eps, box=(0.0, 1.0)).median()`). Report the d with the smallest median.

# %%
model, x, y, eps = ex.fosc_problem()
### BEGIN SOLUTION
median = {d: float(metrics.fosc(model, x, pgd(model, x, y, eps, eps / d, 10, random_start=False), y, eps,
                                box=(0.0, 1.0)).median()) for d in (1, 2, 4, 16)}
answer = min(median, key=median.get)
### END SOLUTION

# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_fosc_step_size(answer)

# %% [markdown]
# ### Exercise 5 (implement, ~8 min): the TRADES loss
#
# *Lecture 04, section 4; Zhang et al. (2019).* TRADES trades accuracy for smoothness:
# $\mathrm{CE}(f(x), y) + \beta\,\frac1N\sum_i \mathrm{KL}\big(p(x_i)\,\|\,p(x'_i)\big)$ with $p = \mathrm{softmax}$.
# Write `trades_loss(logits_nat, logits_adv, y, beta)` in torch (tensors (N, K), labels (N,)); return a scalar
# tensor that autograd can differentiate. `F.kl_div(input, target)` computes KL(target ‖ ·) from
# `input` = log-probabilities; mind its `reduction`.

# %%
def trades_loss(logits_nat, logits_adv, y, beta):
    ### BEGIN SOLUTION
    kl = F.kl_div(F.log_softmax(logits_adv, dim=1), F.softmax(logits_nat, dim=1), reduction="batchmean")
    return F.cross_entropy(logits_nat, y) + beta * kl
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_trades(trades_loss)

# %% [markdown]
# ### Exercise 6 (implement, ~10 min): the MART loss
#
# *Wang's guest lecture, "MART"; lecture 04, section 4; Wang et al. (2020).* MART boosts the misclassified examples:
# $\mathrm{BCE}(p(x'), y) + \beta\,\frac1N\sum_i \mathrm{KL}\big(p(x_i)\,\|\,p(x'_i)\big)\,(1 - p_{y_i}(x_i))$ with
# $\mathrm{BCE} = \frac1N\sum_i\big[-\log p_{y_i}(x'_i) - \log(1 - \max_{k\ne y_i} p_k(x'_i))\big]$. Write
# `mart_loss(logits_nat, logits_adv, y, beta)` in torch (same shapes as exercise 5).

# %%
def mart_loss(logits_nat, logits_adv, y, beta):
    ### BEGIN SOLUTION
    p_nat, p_adv = F.softmax(logits_nat, dim=1), F.softmax(logits_adv, dim=1)
    p_other = p_adv.scatter(1, y[:, None], 0.0).max(dim=1).values
    bce = F.cross_entropy(logits_adv, y) - torch.log(1 - p_other).mean()
    kl = (p_nat * (torch.log(p_nat) - torch.log(p_adv))).sum(dim=1)
    return bce + beta * (kl * (1 - p_nat.gather(1, y[:, None]).squeeze(1))).mean()
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_mart(mart_loss)

# %% [markdown]
# ### Exercise 7 (implement, ~6 min): AWP's layer-wise weight perturbation
#
# *Wang's guest lecture, "AWP"; lecture 04, sections 4 and 6; Wu et al. (2020b).* AWP solves
# $\min_w\max_{\|v_l\|\le\gamma\|w_l\|}\rho(w + v)$ with one ascent step per layer:
# $v_l = \gamma\,\|w_l\|\,g_l/\|g_l\|$ (Frobenius norms, $g_l$ the gradient of the robust loss for layer $l$). SAM
# (lecture 04, section 8) uses one global norm instead. Write `awp_perturbation(weights, grads, gamma)`: lists of
# numpy arrays, one per layer; return the list of $v_l$ (new arrays).

# %%
def awp_perturbation(weights, grads, gamma):
    ### BEGIN SOLUTION
    return [gamma * np.linalg.norm(w) * g / np.linalg.norm(g) for w, g in zip(weights, grads)]
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_awp(awp_perturbation)

# %% [markdown]
# ### Exercise 8 (implement, ~8 min): CFOL's Exp3 update
#
# *Non-zero-sum talk, "CFOL"; lecture 04, section 5; Pethick et al. (2023a).* The class player keeps weights
# $w \in \mathbb R^K$, $q = \mathrm{softmax}(w)$, and batches are drawn from $p = \gamma/K + (1 - \gamma)q$. After a
# batch, every example $i$ adds $\eta\,1[\text{wrong}_i]/p_{y_i}$ to $w_{y_i}$, with $p$ computed once, before the
# batch. Write `cfol_update(w, y, wrong, eta, gamma)`: `w` (K,), labels `y` (N,), booleans `wrong` (N,); return the
# new weights (a new array). A batch usually holds a class more than once.

# %%
def cfol_update(w, y, wrong, eta, gamma):
    ### BEGIN SOLUTION
    q = np.exp(w - w.max())
    p = gamma / len(w) + (1 - gamma) * q / q.sum()
    new = w.copy()
    np.add.at(new, y, eta * wrong / p[y])
    return new
    ### END SOLUTION


# %%
# NBVAL_CHECK_OUTPUT
_ = ex.check_cfol_update(cfol_update)

# %% [markdown]
# ## What to remember
#
# - PGD-AT's inner max is a projected signed ascent: step, project onto the ball around the **clean** image, clip to
#   the pixel range. FOSC says how far an iterate is from stationary: ε‖g‖₁ − ⟨x^k − x⁰, g⟩.
# - TRADES and MART change the outer loss: a KL between clean and adversarial predictions (TRADES), weighted by how
#   wrong the clean prediction is (MART). The direction of the KL and its reduction matter.
# - AWP perturbs each layer relative to its own norm; SAM uses one global norm.
# - CFOL's class player is Exp3: importance-weighted updates with the sampling distribution p.

# %% [markdown]
# ## References
#
# <!-- references: cevher2022ee556 cevher2024nonzero_talk pethick2023cfol wang2019fosc wang2020mart
# wang2021rethinking_talk wu2020awp zhang2019trades -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Pethick et al. (2023a)**. Thomas Pethick, Grigorios G. Chrysos, Volkan Cevher. *Revisiting adversarial
#   training for the worst-performing class*. Transactions on Machine Learning Research (TMLR), 2023.
#   [arXiv:2302.08872](https://arxiv.org/abs/2302.08872)
# - **Wang et al. (2019)**. Yisen Wang, Xingjun Ma, James Bailey, Jinfeng Yi, Bowen Zhou, Quanquan Gu. *On
#   the convergence and robustness of adversarial training*. International Conference on Machine Learning
#   (ICML), 2019. [arXiv:2112.08304](https://arxiv.org/abs/2112.08304)
# - **Wang et al. (2020)**. Yisen Wang, Difan Zou, Jinfeng Yi, James Bailey, Xingjun Ma, Quanquan Gu.
#   *Improving adversarial robustness requires revisiting misclassified examples*. International Conference
#   on Learning Representations (ICLR), 2020.
#   [openreview.net/forum?id=rklOg6EFwS](https://openreview.net/forum?id=rklOg6EFwS)
# - **Wang, Rethinking the min-max problem for adversarial robustness (CS498 guest lecture, UIUC, 2021)**.
#   Yisen Wang. *Rethinking the min-max problem for adversarial robustness*. Guest lecture, CS498,
#   University of Illinois Urbana-Champaign, 2021. Slides, 17 March 2021.
#   [yisenwang.github.io](https://yisenwang.github.io/)
# - **Wu et al. (2020b)**. Dongxian Wu, Shu-Tao Xia, Yisen Wang. *Adversarial weight perturbation helps
#   robust generalization*. Advances in Neural Information Processing Systems (NeurIPS), 2020.
#   [arXiv:2004.05884](https://arxiv.org/abs/2004.05884)
# - **Zhang et al. (2019)**. Hongyang Zhang, Yaodong Yu, Jiantao Jiao, Eric P. Xing, Laurent El Ghaoui,
#   Michael I. Jordan. *Theoretically principled trade-off between robustness and accuracy*. International
#   Conference on Machine Learning (ICML), 2019. [arXiv:1901.08573](https://arxiv.org/abs/1901.08573)
