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

# %% [markdown] slideshow={"slide_type": "slide"}
# # 09 · Beyond one model and one input
#
# So far an attack looked at one input and one model, with full access to its gradient. This lecture drops
# each of these assumptions in turn, and then looks at the training examples one by one.
#
# **What you will learn**
# - **transfer attacks**: an adversarial example crafted on one network fools others it never saw;
# - the **skip gradient method** (SGM): decaying the gradient of a ResNet's residual branches makes its
#   adversarial examples transfer better to architectures unlike it;
# - **universal adversarial perturbations**: one δ that fools a large share of *unseen* inputs, far more than
#   random noise of the same size;
# - **hard adversarial instances**: a per-example difficulty, which examples adversarial training fits last,
#   and how fitting them relates to the robust generalisation gap.
#
# **Slides**: Yisen Wang's guest lecture *Rethinking the min-max problem for adversarial robustness* (CS498,
# UIUC, 2021: "Skip connection matters", "Skip Gradient Method (SGM)") and CS8695 *Understanding and building
# reliable deep neural networks* (Chen Liu, 2023: "Adversarial perturbations can be universal!", "Overfitting in
# adversarial training", "Training instances of different difficulty levels"). Everything runs on 8×8 digits with
# small networks on a CPU (references at the end).

# %% slideshow={"slide_type": "skip"}
import matplotlib.pyplot as plt
import numpy as np
import torch

from course_lib import check, report, seed_everything, setup, torch_generator
from course_lib.data import load_digits
from course_lib.models import CNN, MLP, ResNet
from course_lib.robust import (
    PGDAT,
    AdversarialMethod,
    accuracy,
    adversarial_difficulty,
    fit,
    fooling_rate,
    pgd,
    robust_accuracy,
    saliency,
    sgm,
    transfer_success_rate,
    universal_perturbation,
)
from course_lib.viz import color

setup(seed=0, threads=1)


# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Transfer attacks: one example, many models
#
# A **black-box** attacker cannot differentiate the *target* model. It crafts $x' = x + \delta$ on a *source*
# model it owns (white-box) and hopes it transfers. The **transfer success rate** of $x'$ on a target $g$ is,
# among the test examples $g$ classifies correctly, the fraction with $g(x') \ne y$ (Wu et al. (2020a)).
# The same weakness reaches far beyond images (CS8695, "Failure cases of AI"): synonym swaps flip a text
# classifier (Jin et al. (2020a)), printed photos still fool (Kurakin et al. (2016)), an opponent's policy defeats
# a reinforcement-learning agent (Gleave et al. (2020)), and training images are recovered from the weights
# (Haim et al. (2022)).
#
# We train four networks on the same digits with different seeds: the source, a small **ResNet** (3 residual
# blocks $z_{i+1} = z_i + f_{i+1}(z_i)$), and three targets: a plain **CNN** (no skip connection), an **MLP**,
# and a second ResNet.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** the attacker never sees the target's weights or gradients, only the task. Adversarial examples
#   of one network are often adversarial for another trained on the same data: the models learn similar
#   non-robust features.
# - **Ask:** which target do you expect to be easiest to fool from a ResNet: another ResNet, a CNN or an MLP?
# - **Misconception:** "hiding the gradient (a black box) protects the model". Transfer attacks need no gradient
#   of the target.

# %%
x_train, y_train, x_test, y_test = load_digits()


def train_clean(model, seed):
    """Standard (non-adversarial) training: 5 epochs of SGD on the digits."""
    seed_everything(seed)
    fit(model, AdversarialMethod(), (x_train, y_train), epochs=5, lr=0.05, seed=seed, progress=False)
    return model.eval()


source = train_clean(ResNet(), seed=0)
targets = {"CNN": train_clean(CNN(), seed=1), "MLP": train_clean(MLP(), seed=2),
           "ResNet (other seed)": train_clean(ResNet(), seed=3)}
models = {"ResNet (source)": source, **targets}

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
clean_acc = {name: accuracy(m, x_test, y_test) for name, m in models.items()}
check("every model is accurate on clean test digits (> 80 %)", min(clean_acc.values()) > 0.8, clean_acc)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Skip connections and the skip gradient method
#
# Wang's guest lecture ("Skip connection matters"): adversarial examples crafted on ResNets transfer better when
# the attack leans on the skip connections. For $z_{i+1} = z_i + f_{i+1}(z_i)$ the chain rule gives
# $\nabla_x\ell = \frac{\partial\ell}{\partial z_L}\prod_i\big(\frac{\partial f_{i+1}}{\partial z_i} + 1\big)
# \frac{\partial z_0}{\partial x}$. **SGM** decays the residual branches' gradient by $\gamma \in [0, 1]$:
#
# $$\nabla_x^{\gamma}\ell = \frac{\partial \ell}{\partial z_L} \prod_{i=0}^{L-1}
# \Big(\gamma\,\frac{\partial f_{i+1}}{\partial z_i} + 1\Big) \frac{\partial z_0}{\partial x}.$$
#
# The forward pass is unchanged; only the backward pass through each $f_{i+1}$ is multiplied by γ (`sgm(model,
# gamma)`, a context manager). γ = 1 is the true gradient; γ = 0 keeps the skip paths only. Any attack run
# inside the context (here PGD) ascends the decayed gradient.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** SGM does not change the model, only the gradient the attacker follows: it favours the
#   low-level features that pass through the skip connections, which other networks share.
# - **Ask:** with γ = 0, what network's gradient are we computing? (The ResNet with every residual branch
#   frozen as a constant: stem and head only.)
# - **Misconception:** "a decayed gradient is a weaker attack, so it cannot transfer better". It is weaker
#   on the source (checked below) yet stronger on other architectures.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
x64, y64 = x_test[:64], y_test[:64]
g_true = saliency(source, x64, y64)  # ∇ₓ f_y(x), the saliency map of lecture 04
with sgm(source, 1.0):
    g_one = saliency(source, x64, y64)
with sgm(source, 0.2):
    g_decayed = saliency(source, x64, y64)
cosine = float(torch.nn.functional.cosine_similarity(g_true.flatten(), g_decayed.flatten(), dim=0))
check("SGM with γ = 1 is the true input gradient", torch.equal(g_true, g_one), float((g_true - g_one).abs().max()))
check("γ = 0.2 changes the direction (cosine with the true gradient < 0.99)", cosine < 0.99, cosine)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Transfer success rate as a function of γ
#
# PGD-10 on the source (ε = 0.2 in ℓ∞, step ε/4, no random start) under `sgm(source, γ)`, for
# γ ∈ {1, 0.5, 0.2, 0.1, 0}; each target's transfer success rate, and the white-box success rate on the source.

# %%
eps_transfer, gammas = 0.2, [1.0, 0.5, 0.2, 0.1, 0.0]
rates = {name: [] for name in models}
for gamma in gammas:
    with sgm(source, gamma):
        x_adv = pgd(source, x_test, y_test, eps_transfer, alpha=eps_transfer / 4, steps=10, random_start=False)
    for name, m in models.items():
        rates[name].append(transfer_success_rate(m, x_test, x_adv, y_test))

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7.5, 3.8))
for (name, r), c, marker in zip(rates.items(), ["black", "orange", "blue", "green"], "osD^"):
    _ = ax.plot(gammas, r, marker=marker, color=color(c), ls="--" if "source" in name else "-", label=name)
_ = ax.set(xlabel="SGM decay γ of the residual branches' gradient", ylabel="success rate (fraction fooled)",
           title=f"PGD-10 crafted on the ResNet, ε = {eps_transfer}: white-box (dashed) and transfer")
_ = ax.invert_xaxis()
_ = ax.legend(fontsize=9, loc="upper left", bbox_to_anchor=(1.01, 1.0))

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
white_box = rates["ResNet (source)"]
check("SGM is a weaker white-box attack: source success at γ = 0 below γ = 1", white_box[-1] < white_box[0],
      (white_box[0], white_box[-1]))
check("yet it transfers better to the MLP: success at γ = 0.2 above γ = 1", rates["MLP"][2] > rates["MLP"][0],
      (rates["MLP"][0], rates["MLP"][2]))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What appears at this scale, and what does not
#
# - Transfer works: a large share of the adversarial digits crafted on the ResNet fool networks that the
#   attacker never queried.
# - SGM trades white-box strength for transfer to the MLP, the target least like the source; Wu et al.
#   (2020a) report the same direction on ImageNet, with much deeper ResNets and much larger gains.
# - To the CNN the gain is smaller and varies with the seed; to the *other ResNet* a small γ mostly does not
#   help (it often lowers the rate): that target shares the source's skip structure, and the true gradient
#   already transfers well to it. A three-block network is a shallow ResNet: the product over blocks that
#   SGM reshapes is short.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Universal adversarial perturbations
#
# CS8695 (Chen Liu, 2023): "adversarial perturbations can be universal". Moosavi-Dezfooli et al. (2017) look for
# **one** δ for all inputs:
#
# $$\max_{\|\delta\|_\infty \le \varepsilon}\ \mathbb{E}_{(x, y)}\, \ell\big(f(\mathrm{clip}_{[0,1]}(x + \delta)), y\big).$$
#
# We fit it on the *training* images by projected stochastic sign-gradient ascent,
# $\delta \leftarrow \mathrm{clip}_{[-\varepsilon,\varepsilon]}(\delta + \alpha\,\mathrm{sign}\sum_{i\in B}
# \nabla_x \ell_i)$ (one forward-backward per mini-batch), and measure the **fooling rate** on unseen *test*
# images: the fraction whose predicted label changes, $P_x[\hat k(x + \delta) \ne \hat k(x)]$. The baseline is a
# random-sign δ of the same norm, $\varepsilon\,\mathrm{sign}(u)$ with $u$ uniform.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** one image-agnostic pattern, computed once, fools most inputs: the attacker needs no access at
#   test time, not even to the input.
# - **Ask:** why compare with a random δ of the same ℓ∞ norm? (To show the direction matters, not the size:
#   random noise of that size barely changes the predictions.)
# - **Misconception:** "a universal δ is an average of per-image attacks". It solves its own maximisation, of
#   the mean loss, and generalises to images it never saw.

# %%
target = targets["CNN"]
eps_grid = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
deltas = {eps: universal_perturbation(target, x_train, y_train, eps, epochs=3, seed=0) for eps in eps_grid}
u = torch.rand(x_train[0].shape, generator=torch_generator(1))
fool_uap = [fooling_rate(target, x_test, deltas[eps]) for eps in eps_grid]
fool_random = [fooling_rate(target, x_test, eps * torch.sign(u - 0.5)) for eps in eps_grid]

# %% slideshow={"slide_type": "subslide"}
fig, axes = plt.subplots(1, 2, figsize=(10, 3.8), gridspec_kw={"width_ratios": [1.6, 1]})
_ = axes[0].plot(eps_grid, fool_uap, "o-", color=color("pgd"), label="universal δ (fitted on training images)")
_ = axes[0].plot(eps_grid, fool_random, "s--", color=color("gray"), label="random-sign δ, same norm")
_ = axes[0].set(xlabel="ε (ℓ∞ radius, pixel units in [0, 1])", ylabel="fooling rate on test images",
                title="One δ for every input (the CNN)")
_ = axes[0].legend(fontsize=9)
image = axes[1].imshow(deltas[0.2][0].numpy(), cmap="RdBu_r", vmin=-0.2, vmax=0.2)
_ = axes[1].set(title="the universal δ at ε = 0.2", xticks=[], yticks=[])
_ = fig.colorbar(image, ax=axes[1], label="δ (pixel units)")

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
i = eps_grid.index(0.2)
check("at ε = 0.2 the universal δ fools over twice as many test images as a random δ", fool_uap[i] > 2 * fool_random[i],
      (fool_uap[i], fool_random[i]))
check("the universal δ stays in the ε-ball", all(float(d.abs().max()) <= eps + 1e-7 for eps, d in deltas.items()),
      max(float(d.abs().max()) for d in deltas.values()))

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Universal across models too
#
# The same δ, fitted on the CNN, applied to the networks it never saw (fooling rate on the test images, ε = 0.2):
# a universal perturbation is also a transfer attack.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
for name, m in models.items():
    if name != "CNN":
        report(f"fooling rate of the CNN's universal δ on the {name}", fooling_rate(m, x_test, deltas[0.2]), digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Hard adversarial instances
#
# CS8695 ("Overfitting in adversarial training"): robust overfitting comes from **hard adversarial instances**.
# Liu et al. (2021) measure the difficulty of a training example by its adversarial loss averaged over the
# epochs of adversarial training,
#
# $$d_i = \frac1T\sum_{t=1}^{T} \ell\big(f_{\theta_t}(x_i'), y_i\big),\qquad x_i' \text{ the training attack's point
# at epoch } t.$$
#
# We run PGD-AT (ε = 0.15, PGD-3) on a subset of 400 training digits for 40 epochs, so that the network can
# memorise, record every example's loss at each epoch (`adversarial_difficulty`), and follow the hardest 10 %.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** the difficulty is measured during training, from the very attacks training makes; no extra
#   attack is needed. Hard examples are ambiguous or atypical digits.
# - **Ask:** the easy examples' loss falls from the start; when does the hard examples' loss fall, if ever?
# - **Misconception:** "hard examples are just mislabelled ones". Some look ambiguous, others are unusual ways
#   of writing a digit; the theory in the slides links fitting them (small training loss C, large conditional variance
#   σ²) to a large Lipschitz constant, hence to overfitting.

# %%
eps_at, n_subset = 0.15, 400
x_sub, y_sub = x_train[:n_subset], y_train[:n_subset]
seed_everything(0)
at_model = CNN()
history, difficulty, epoch_losses = adversarial_difficulty(at_model, PGDAT(eps_at, steps=3), (x_sub, y_sub),
                                                            epochs=40, lr=0.1, seed=0, progress=False)
at_model.eval()
hard = difficulty.topk(n_subset // 10).indices
easy = torch.ones(n_subset, dtype=torch.bool)
easy[hard] = False

# %% slideshow={"slide_type": "subslide"}
fig = plt.figure(figsize=(10, 3.8))
ax = fig.add_subplot(1, 2, 1)
epochs = np.arange(1, len(epoch_losses) + 1)
_ = ax.plot(epochs, epoch_losses[:, easy].mean(1), "o-", ms=3, color=color("blue"), label="other 90 %")
_ = ax.plot(epochs, epoch_losses[:, hard].mean(1), "s-", ms=3, color=color("red"), label="hardest 10 %")
_ = ax.set(xlabel="epoch", ylabel="mean adversarial loss (cross-entropy)", title="PGD-AT on 400 digits, ε = 0.15")
_ = ax.legend(fontsize=9)
for k, j in enumerate(hard[:8].tolist()):
    sub = fig.add_subplot(2, 8, 5 + (k // 4) * 8 + k % 4)
    _ = sub.imshow(x_sub[j, 0].numpy(), cmap="gray_r", vmin=0, vmax=1)
    _ = sub.set(xticks=[], yticks=[], title=f"label {int(y_sub[j])}")
_ = fig.suptitle("the eight hardest training digits (right)", x=0.75, fontsize=10)

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
hard_curve = epoch_losses[:, hard].mean(1)
robust_hard = robust_accuracy(at_model, x_sub[hard], y_sub[hard], eps_at, steps=10)
robust_easy = robust_accuracy(at_model, x_sub[easy], y_sub[easy], eps_at, steps=10)
check("the hardest 10 % are fitted far less: robust training accuracy below the rest's by > 0.3",
      robust_hard < robust_easy - 0.3, (robust_hard, robust_easy))
check("they are fitted late: their loss at the last epoch is below its peak by > 0.5",
      float(hard_curve[-1]) < float(hard_curve.max()) - 0.5, (float(hard_curve.max()), float(hard_curve[-1])))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Fitting the hard instances and the robust generalisation gap
#
# The **robust generalisation gap** is robust accuracy on training examples minus robust accuracy on test
# examples (PGD-10, ε = 0.15). We retrain the same network, same seed, without the hardest 10 % and compare both
# models on the same training examples (the other 90 %, which both saw) and on the test set.

# %%
seed_everything(0)
no_hard = CNN()
_ = fit(no_hard, PGDAT(eps_at, steps=3), (x_sub[easy], y_sub[easy]), epochs=40, lr=0.1, seed=0, progress=False)
no_hard.eval()
rows = {}
for name, m in {"all 400": at_model, "without the hardest 10 %": no_hard}.items():
    rows[name] = (robust_accuracy(m, x_sub[easy], y_sub[easy], eps_at, steps=10),
                  robust_accuracy(m, x_test, y_test, eps_at, steps=10))

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
train_all, test_all = rows["all 400"]
check("a robust generalisation gap appears: train minus test robust accuracy > 0.1", train_all - test_all > 0.1,
      (train_all, test_all))
for name, (r_train, r_test) in rows.items():
    report(f"trained on {name}: robust accuracy (train 90 %, test), gap", (r_train, r_test, r_train - r_test),
           digits=3)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### What appears at this scale, and what does not
#
# - **Appears**: a per-example difficulty that separates the examples; the easy ones are fitted from the first
#   epochs, the hard ones first *resist* (their loss rises) and are then memorised late in training, the
#   pattern of the slides' "loss values of the groups of instances of different difficulty levels"; a robust
#   train–test gap from the 400-image subset.
# - **Does not appear**: a smaller gap without the hard instances. Here removing them does not shrink the gap
#   and tends to lower test robust accuracy, which suggests they still carry information (unusual ways of
#   writing a digit) at this scale. Nor do we see that fitting them is what makes the late epochs overfit: robust
#   overfitting itself is lecture 04's (best vs last epoch), and the link needs CIFAR-10 scale.
# - Liu et al. (2021) study the link at that scale. GPU lab 1 ([lab 1](labs/lab1_cifar10_adversarial_training.ipynb),
#   `python -m course_lib.labs.at --method pgd`) shows the robust overfitting of PGD-AT on CIFAR-10, and its
#   `--method` option runs the alternatives (TRADES, MART, AWP, …) to compare; the slides' remedies "implicitly
#   downplay hard instances": weaker perturbations, adaptive and easier targets, smaller weights in the loss.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Adversarial examples transfer between models trained on the same task: a black box is no defence.
# - SGM decays the gradient of a ResNet's residual branches by γ; the attack gets weaker on the source and
#   transfers better to architectures unlike it.
# - One universal δ, fitted on training images, fools a large share of unseen images, far more than random
#   noise of the same norm; it transfers across models too.
# - Training examples are not equally hard: the adversarial loss averaged over training ranks them. Adversarial
#   training fits the hard ones last, by memorising them; at scale this is what drives robust overfitting.
#
# **Exercises.** [Exercises 09](exercises/09_beyond_one_model.ipynb): the SGM gradient of a linear residual
# block, the universal perturbation's step, the fooling rate and the hardest examples, with checked feedback.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: gleave2020adversarial haim2022reconstructing jin2020textfooler kurakin2016physical
# liu2021hard liu2023cs8695 moosavi2017universal wang2021rethinking_talk wu2020sgm -->
#
# - **CS8695 Understanding and building reliable deep neural networks (Chen Liu, 2023)**. Chen Liu.
#   *Understanding and building reliable deep neural networks*. CS8695 Research in Computer Science, course
#   slides, 2023. Semester A, 2023–2024. [github.com/liuchen11](https://github.com/liuchen11)
# - **Gleave et al. (2020)**. Adam Gleave, Michael Dennis, Cody Wild, Neel Kant, Sergey Levine, Stuart
#   Russell. *Adversarial policies: attacking deep reinforcement learning*. International Conference on
#   Learning Representations (ICLR), 2020. [arXiv:1905.10615](https://arxiv.org/abs/1905.10615)
# - **Haim et al. (2022)**. Niv Haim, Gal Vardi, Gilad Yehudai, Ohad Shamir, Michal Irani. *Reconstructing
#   training data from trained neural networks*. Advances in Neural Information Processing Systems
#   (NeurIPS), 2022. [arXiv:2206.07758](https://arxiv.org/abs/2206.07758)
# - **Jin et al. (2020a)**. Di Jin, Zhijing Jin, Joey Tianyi Zhou, Peter Szolovits. *Is BERT really robust?
#   A strong baseline for natural language attack on text classification and entailment*. AAAI Conference on
#   Artificial Intelligence, 2020. [arXiv:1907.11932](https://arxiv.org/abs/1907.11932)
# - **Kurakin et al. (2016)**. Alexey Kurakin, Ian Goodfellow, Samy Bengio. *Adversarial examples in the
#   physical world*. arXiv preprint, 2016. [arXiv:1607.02533](https://arxiv.org/abs/1607.02533)
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
