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
# # 00 · Welcome: how to use this course kit
#
# This course teaches **adversarial machine learning as min-max optimization**:
# $\min_\theta \max_{\delta \in \Delta} \ell(\theta; x + \delta, y)$ for robust training,
# $\min_x \max_y \Phi(x, y)$ for the game dynamics behind it, and $\min_G \max_D$ for GANs.
#
# **What you will learn here**
# - how the notebooks work: sliders, animations that play without a kernel, checked claims;
# - how to present them (dashboard or slides) and where the GPU labs are;
# - a first live example: gradient descent on a quadratic, with the step-size threshold $2/L$.
#
# The course follows five slide decks, listed in the References at the end: EE-556 *Mathematics of Data*,
# Lecture 11 (Cevher, EPFL, 2022), the talk *Adversarial training should be cast as a non-zero sum game* (Cevher,
# LIONS, 2024), Yisen Wang's guest lecture *Rethinking the min-max problem for adversarial robustness* (2021), a
# presentation of Latorre et al. (2023) (Cho, 2023) and CS8695 *Understanding and building reliable deep neural
# networks* (Chen Liu, 2023). The warm-up below is standard optimization background that the decks use but do not
# state; see Nesterov (2004).

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** the course reads adversarial ML as one min-max problem, $\min_x \max_{\eta} \ell(x, a + \eta,
#   b)$: attacks solve the inner max, training the outer min, GANs and games make both players learn. Every
#   effect a slide states, a notebook computes and checks.
# - **Ask:** who has seen a model fooled by a perturbation they could not see? What would you have to change
#   in training to prevent it?
# - **Misconception:** "robustness is a property of the data set". It is a property of the model *and* of
#   the attack used to measure it; the course always says which attack.

# %% slideshow={"slide_type": "skip"}
import numpy as np

from course_lib import check, check_close, environment_report, setup
from course_lib.toys import quadratic as q
from course_lib.viz import animate, contour, gd_step_size_demo

setup(seed=0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## How to use the kit
#
# | you want to | do |
# |---|---|
# | play with a lecture | `make lab`, open `lectures/NN_*.ipynb`, *Run → Run All Cells*, then move the sliders |
# | watch an animation | press **▶ play** under a figure, or drag its slider; animations are plotly frames, so they also play in the exported HTML (`make html`) with no kernel |
# | trust a number | cells that start with `# NBVAL_CHECK_OUTPUT` print **✓ claim · measured value**; they raise an error if the claim fails, and CI re-runs them on other machines and seeds, comparing the claims (the measured values differ a little from machine to machine and are not compared) |
# | present in class | `make present NB=lectures/07_minimax_dynamics.ipynb` (a Voila dashboard with large fonts), or the RISE slides button in JupyterLab |
# | train on CIFAR-10 | the GPU labs in `lectures/labs/` (they run in a *smoke* profile on a CPU) |
#
# Your environment:

# %% slideshow={"slide_type": "skip"}
for key, value in environment_report().items():
    print(f"{key:>14}: {value}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A first live example: the step size of gradient descent
#
# On $f(z) = \tfrac12 z^\top A z$ gradient descent reads
# $$z_{k+1} = z_k - \eta \nabla f(z_k) = (I - \eta A)\, z_k ,$$
# so each step multiplies the error by at most the **contraction factor**
# $\rho(\eta) = \max_i |1 - \eta \lambda_i(A)|$. GD converges iff $\rho(\eta) < 1$, i.e. iff
# $\eta < 2/L$ with $L = \lambda_{\max}(A)$. Move the slider past $2/L$ and watch the iterates fly off.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** on a quadratic, gradient descent contracts by $\max_i |1 - \eta\lambda_i|$; it converges
#   exactly when $\eta < 2/L$. Drag the slider past $2/L$ live and let the iterates blow up.
# - **Ask:** before moving the slider: at $\eta$ just above $2/L$, which coordinate diverges first, the
#   steep one or the flat one?
# - **Misconception:** "a smaller step is always safer". Below $2/L$ it is safe but slow along the flat
#   direction; the best step, $2/(L + \mu)$, balances both.

# %% slideshow={"slide_type": "subslide"}
A = np.array([[3.0, 0.0], [0.0, 1.0]])
demo = gd_step_size_demo(A, z0=(1.5, 2.0), eta=0.3, steps=30)
demo.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# The same dynamics as an animation from 12 starting points, for a step size well below, just below and
# just above the threshold $2/L = 2/3$ (press ▶ play).

# %%
angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
z0 = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
runs = {f"η = {eta:.2f}": q.gradient_descent(A, z0, eta, steps=40)[0] for eta in (0.2, 0.6, 0.7)}
levels = contour(lambda X, Y: q.f(A, X, Y), (-3, 3), (-3, 3), name="level lines of f")
fig = animate(runs, background=[levels],
              title="Gradient descent on ½ zᵀAz for three step sizes", xlabel="z₁", ylabel="z₂",
              xlim=(-3, 3), ylim=(-3, 3), n_frames=41, markers=[{"x": [0], "y": [0], "name": "z* = 0"}])
fig

# %% [markdown] slideshow={"slide_type": "slide"}
# ## A checked claim
#
# The slide's statement, measured: the ratio $\|z_{k+1}\| / \|z_k\|$ after many steps equals
# $\rho(\eta)$, GD converges for $\eta < 2/L$ and diverges for $\eta > 2/L$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** a claim is a line that prints ✓ with the measured value, and fails the notebook if it does not
#   hold. What CI compares is the claim and its verdict, never the number, so it holds on every machine and
#   every seed family.
# - **Ask:** why would comparing the measured number itself make a bad test?
# - **Misconception:** "a check that passed once is proven". Each claim is rerun with other seed families; a
#   claim that fails for one of them is restated, never pinned to a lucky seed.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
L = np.linalg.eigvalsh(A).max()
check_close("threshold 2/L", 2 / L, 2 / 3, tol=1e-12)
for eta in (0.2, 0.6, 0.7):
    traj, _ = q.gradient_descent(A, np.array([[1.5, 2.0]]), eta, steps=60)
    norms = np.linalg.norm(traj[:, 0], axis=1)
    check_close(f"η = {eta}: measured ‖z_k+1‖/‖z_k‖ = ρ(η)", norms[-1] / norms[-2],
                q.contraction_factor(A, eta), tol=1e-6)
    check(f"η = {eta} {'<' if eta < 2 / L else '>'} 2/L: GD {'converges' if eta < 2 / L else 'diverges'}",
          (norms[-1] < norms[0]) == (eta < 2 / L), norms[-1])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where next
#
# The lecture map is in the README. A good path: `01_adversarial_examples` → `02_danskin` →
# `03_catastrophic_overfitting` → `04_adversarial_training` → `05_certified_robustness` (or
# `09_beyond_one_model` after 04), and in parallel `07_minimax_dynamics` → `08_weak_minty` →
# `06_gans_and_wasserstein`.
#
# Ready to practise? The [exercises of this lecture](exercises/00_welcome.ipynb) have you implement the GD step and
# its contraction factor and predict step sizes, with a checker that says what is wrong.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - Each lecture states what you will learn, computes every claim it makes and checks it (✓ lines).
# - Sliders and animations let you change a parameter and watch the effect; the animations play without a kernel.
# - Gradient descent on a quadratic converges iff the step is below $2/L$; the min-max lectures ask the same
#   question for games, where the answer is very different.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: cevher2022ee556 cevher2024nonzero_talk cho2023ddd_talk latorre2023ddd liu2023cs8695
# nesterov2004introductory wang2021rethinking_talk -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Cho, Adversarial training descends without descent, paper presentation (OptiML, 2023)**. Hanseul Cho.
#   *Adversarial training descends without descent: Finding actual descent directions based on Danskin's
#   theorem (paper presentation)*. OptiML group meeting, 2023. Slides presenting Latorre et al. (2023), 1
#   February 2023. [openreview.net/forum?id=I3HCE7Ro78H](https://openreview.net/forum?id=I3HCE7Ro78H)
# - **CS8695 Understanding and building reliable deep neural networks (Chen Liu, 2023)**. Chen Liu.
#   *Understanding and building reliable deep neural networks*. CS8695 Research in Computer Science, course
#   slides, 2023. Semester A, 2023–2024. [github.com/liuchen11](https://github.com/liuchen11)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Latorre et al. (2023)**. Fabian Latorre, Igor Krawczuk, Leello Tadesse Dadi, Thomas Pethick, Volkan
#   Cevher. *Finding actual descent directions for adversarial training*. International Conference on
#   Learning Representations (ICLR), 2023. Preprint title: Adversarial training descends without descent:
#   Finding actual descent directions based on Danskin's theorem.
#   [openreview.net/forum?id=I3HCE7Ro78H](https://openreview.net/forum?id=I3HCE7Ro78H)
# - **Nesterov (2004)**. Yurii Nesterov. *Introductory Lectures on Convex Optimization: A Basic Course*.
#   Kluwer Academic Publishers, 2004.
#   [doi:10.1007/978-1-4419-8853-9](https://doi.org/10.1007/978-1-4419-8853-9)
# - **Wang, Rethinking the min-max problem for adversarial robustness (CS498 guest lecture, UIUC, 2021)**.
#   Yisen Wang. *Rethinking the min-max problem for adversarial robustness*. Guest lecture, CS498,
#   University of Illinois Urbana-Champaign, 2021. Slides, 17 March 2021.
#   [yisenwang.github.io](https://yisenwang.github.io/)
