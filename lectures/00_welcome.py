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
# Slides followed: the optimization background of `001_9a491b73dada696f.txt` (Lecture 11, step sizes
# and convergence of gradient methods) as the warm-up for the min-max lectures of `000_868ecf87260a696f.txt`.

# %%
import numpy as np

from course_lib import check, check_close, environment_report, setup
from course_lib.toys import quadratic as q
from course_lib.viz import animate, contour, gd_step_size_demo

setup(seed=0)

# %% [markdown]
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

# %%
for key, value in environment_report().items():
    print(f"{key:>14}: {value}")

# %% [markdown]
# ## A first live example: the step size of gradient descent
#
# On $f(z) = \tfrac12 z^\top A z$ gradient descent reads
# $$z_{k+1} = z_k - \eta \nabla f(z_k) = (I - \eta A)\, z_k ,$$
# so each step multiplies the error by at most the **contraction factor**
# $\rho(\eta) = \max_i |1 - \eta \lambda_i(A)|$. GD converges iff $\rho(\eta) < 1$, i.e. iff
# $\eta < 2/L$ with $L = \lambda_{\max}(A)$. Move the slider past $2/L$ and watch the iterates fly off.

# %%
A = np.array([[3.0, 0.0], [0.0, 1.0]])
demo = gd_step_size_demo(A, z0=(1.5, 2.0), eta=0.3, steps=30)
demo.show()

# %% [markdown]
# The same dynamics as an animation from 12 starting points, for a step size well below, just below and
# just above the threshold $2/L = 2/3$ (press ▶ play).

# %%
angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
z0 = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
runs = {f"η = {eta:.2f}": q.gradient_descent(A, z0, eta, steps=40)[0] for eta in (0.2, 0.6, 0.7)}
fig = animate(runs, background=[contour(lambda X, Y: q.f(A, X, Y), (-3, 3), (-3, 3))],
              title="Gradient descent on ½ zᵀAz for three step sizes", xlabel="z₁", ylabel="z₂",
              xlim=(-3, 3), ylim=(-3, 3), n_frames=41, markers=[{"x": [0], "y": [0], "name": "z* = 0"}])
fig

# %% [markdown]
# ## A checked claim
#
# The slide's statement, measured: the ratio $\|z_{k+1}\| / \|z_k\|$ after many steps equals
# $\rho(\eta)$, GD converges for $\eta < 2/L$ and diverges for $\eta > 2/L$.

# %%
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

# %% [markdown]
# ## Where next
#
# The lecture map is in the README. A good path: `01_adversarial_examples` → `02_danskin` →
# `03_catastrophic_overfitting` → `04_adversarial_training` → `05_certified_robustness`, and in parallel
# `07_minimax_dynamics` → `08_weak_minty` → `06_gans_and_wasserstein`.
