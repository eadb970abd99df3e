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
# # 08 · When do the algorithms converge? Weak Minty solutions, EG+, CEG+ and BC-SEG+
#
# **What you will learn**
# - the weak Minty variational inequality (weak MVI) $\langle V(z), z - z^*\rangle \ge \rho\|V(z)\|^2$ and what
#   a negative $\rho$ allows: $V$ may point *away* from the solution;
# - how to estimate $\rho$ and the Lipschitz constant $L$ of $V$ on a box, and which of our examples satisfy
#   $\rho > -1/(2L)$;
# - why EG fails on the linear family with $\rho < 0$ and how EG+ (a shorter update step) fixes it, with the
#   tight threshold $\alpha < 1 + 2\rho L$ drawn as a phase diagram;
# - the CEG+ variants (fixed, adaptive, curvature) on the forsaken cycle, and stochastic SEG stuck on a cycle
#   against the bias-corrected BC-SEG+.
#
# **Slides:** the talk *Adversarial training should be cast as a non-zero sum game* (Cevher, LIONS, 2024), section
# *When do the algorithms converge?* (weak MVI, EG+ for $\rho > -\frac{1}{8L}$ (Diakonikolas et al. (2021)), CEG+
# for $\rho > -\frac{1}{2L}$ (Pethick et al. (2022)), matching lower bounds, stochastic and adaptive variants
# (Pethick et al. (2023c))). Constants are computed in this notebook. Full references at the end.

# %% slideshow={"slide_type": "skip"}
import numpy as np
import plotly.graph_objects as go

from course_lib import check, check_close, setup
from course_lib.minimax import (
    almost_bilinear,
    forsaken,
    global_forsaken,
    linear_weak_mvi,
    lipschitz,
    multipliers,
    power_decay,
    radius_range,
    simulate,
    weak_mvi_rho,
)
from course_lib.viz import COLORS, animate, vector_field

setup(seed=0)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Why −1/(8L) and −1/(2L)?** Diakonikolas et al. (2021) proved that EG+ with the fixed steps $\gamma = 1/L$ and
# $\alpha = 1/2$ (section 3) converges whenever $\rho > -1/(8L)$ (their paper writes the condition with
# $-\rho_{\rm DDJ}/2$ in place of our $\rho$, so their bound $\rho_{\rm DDJ} < 1/(4L)$ reads $\rho > -1/(8L)$ here).
# The bound comes from a worst-case proof and is not tight: on the linear family of section 3, EG+ with these
# steps contracts iff $1/2 < 1 + 2\rho L$, i.e. for $\rho > -1/(4L)$. Pethick et al. (2022) let the update step
# shrink (or adapt) and reach $\rho > -1/(2L)$, and show that no method of this kind does better: on the linear
# family with $\gamma = 1/L$ every $\alpha$ fails once $\rho \le -1/(2L)$ (the phase diagram below).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The weak Minty condition
#
# A solution $z^*$ (a zero of $V$) is a **weak Minty solution** with constant $\rho$ if
# $$\langle V(z), z - z^*\rangle \ge \rho\,\|V(z)\|^2 \quad \text{for all } z.$$
# For $\rho \ge 0$, $-V$ never points away from $z^*$ (monotone games such as $xy$ have $\rho = 0$). For
# $\rho < 0$, $V$ may point away by an amount controlled by $\|V\|^2$. The best constant is
# $\hat\rho = \inf_z \langle V(z), z - z^*\rangle / \|V(z)\|^2$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** weak MVI: there is $z^*$ with $\langle V(z), z - z^*\rangle \ge \rho\|V(z)\|^2$ for all $z$.
#   Monotone games such as $xy$ have ρ = 0; a negative ρ lets $V$ point away from $z^*$ a little, so some
#   nonmonotone games are in.
# - **Ask:** which of the games of lecture 07 satisfy it, and with which ρ?
# - **Misconception:** "nonconvex-nonconcave means no guarantees". Under weak MVI with ρ > −1/(8L), EG+
#   still converges, and CEG+ up to ρ > −1/(2L).

# %% [markdown] slideshow={"slide_type": "subslide"}
# On the almost-bilinear game $\Phi = xy + \epsilon\phi(y)$, $\langle V(z), z\rangle = -\epsilon y^2(1 - y^2)$:
# the dynamics $-V$ push **away** from $z^* = 0$ in the band $|y| < 1$ (orange below).

# %%
ab = almost_bilinear(0.3)
g = np.linspace(-1.5, 1.5, 121)
Z = np.stack(np.meshgrid(g, g), axis=-1)
V = ab.V(Z)
ratio = np.einsum("...d,...d->...", V, Z) / np.maximum(np.einsum("...d,...d->...", V, V), 1e-12)
fig = go.Figure(go.Heatmap(x=g, y=g, z=np.clip(ratio, -0.5, 0.5), zmid=0, colorscale="PuOr_r",
                           colorbar={"title": "⟨V, z−z*⟩/‖V‖²"}))
fig.add_trace(vector_field(ab.V, (-1.5, 1.5), (-1.5, 1.5), n=13, name="−V(z)", color=COLORS["black"]))
fig.update_layout(title="almost bilinear, ε = 0.3: −V points away from z* = 0 where the ratio < 0",
                  xaxis_title="x (min player)", yaxis_title="y (max player)", height=500,
                  legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom"})  # off the colour bar
fig.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. ρ and L of the examples
#
# `weak_mvi_rho` evaluates the ratio $\langle V(z), z - z^*\rangle/\|V(z)\|^2$ on a 201 × 201 grid of the box and
# refines the 8 best points with `scipy.optimize.minimize(..., method="L-BFGS-B", bounds=box)`. L-BFGS-B is a
# quasi-Newton method: it approximates the Hessian from the last few gradients (little memory) and keeps the
# iterates inside bounds (the "B"), so the minimum it polishes stays in the box; a grid point is only accurate to
# the grid spacing. `lipschitz` maximises $\|J_V(z)\|_2$ over the same grid. Both depend on the domain, which
# we state.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
for eps, inside in [(0.1, True), (0.3, False)]:
    rho, _ = weak_mvi_rho(almost_bilinear(eps), [0.0, 0.0], 1.5)
    L, _ = lipschitz(almost_bilinear(eps), 1.5)
    check_close(f"almost bilinear ε = {eps}: ρ = −ε (box 1.5)", rho, -eps, tol=1e-5)
    where = "inside the weak-MVI class, ρ > −1/(2L)" if inside else "outside it, ρ < −1/(2L)"
    check(f"  ε = {eps} lies {where}; L and −1/(2L)", (rho > -1 / (2 * L)) == inside, [L, -1 / (2 * L)])

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
fs = forsaken(0.45)
rho_f, arg_f = weak_mvi_rho(fs, fs.solutions[0], 1.5)
L_f, _ = lipschitz(fs, 1.5)
check_close("forsaken: ρ on [−1.5, 1.5]², at z", [rho_f, *arg_f], [-1.52057, -0.2581, 0.7917], tol=2e-3)
check("forsaken: ρ ≪ −1/(2L), the theory does not cover it", rho_f < -1 / (2 * L_f), [L_f, -1 / (2 * L_f)])
gf = global_forsaken()
rho_g, _ = weak_mvi_rho(gf, [0.0, 0.0], 4 / 3)
L_g, _ = lipschitz(gf, 4 / 3)
check_close("global forsaken (box 4/3): ρ and L", [rho_g, L_g], [-0.11973, 3.0224], tol=1e-4)
check("global forsaken: ρ > −1/(2L), covered by CEG+ / BC-SEG+", rho_g > -1 / (2 * L_g), -1 / (2 * L_g))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. EG vs EG+ on the linear family: a tight threshold
#
# $\Phi = a\,xy + \tfrac b2 x^2 - \tfrac b2 y^2$ with $b < 0$ gives $V(z) = \begin{pmatrix} b & a\\ -a & b\end{pmatrix} z$,
# $L = \sqrt{a^2 + b^2}$ and $\rho = b/L^2$ exactly; the origin repels the flow. **EG+** extrapolates with
# $\gamma$ and updates with a shorter step $\alpha\gamma$:
# $$\bar z = z - \gamma V(z), \qquad z^+ = z - \alpha\gamma V(\bar z).$$
# On eigenvalue $\mu$ the multiplier is $1 - \alpha\gamma\mu + \alpha\gamma^2\mu^2$. With $\gamma = 1/L$ it
# contracts **iff $\alpha < 1 + 2\rho L$**; as $\alpha \to 0$ this is the slide's $\rho > -\frac{1}{2L}$,
# the matching lower bound. EG is $\alpha = 1$: it diverges for every $\rho < 0$.
# Example: $L = 3$, $\rho = -1/9$ ($a = 2\sqrt2$, $b = -1$), threshold $\alpha = 1/3$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** EG+ takes a long extrapolation step and a short update step; it converges exactly when $\alpha
#   < 1 + 2\rho L$ on this family, and the phase diagram shows the tight threshold.
# - **Ask:** read the phase diagram before I run it: where does plain EG fail?
# - **Misconception:** "extragradient fixes every cycling game". Plain EG (α = 1) diverges for every ρ < 0
#   here; the short update step of EG+ is what helps.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
lin = linear_weak_mvi(-1 / 3, L=3.0)
mu = -1 + 2j * np.sqrt(2)
for alpha, name in [(1.0, "1"), (0.5, "1/2"), (1 / 3, "1/3"), (0.25, "1/4")]:
    run = simulate(lin, "eg+", [[1.0, 0.5]], 100, step=1 / 3, alpha=alpha, bound=1e30, every=50)
    measured = (np.linalg.norm(run.z[-1]) / np.linalg.norm(run.z[-2])) ** (1 / 50)
    check_close(f"α = {name}: measured factor ≈ |1 − αγμ + αγ²μ²|", measured,
                abs(multipliers("eg+", mu, 1 / 3, alpha=alpha)), tol=1e-6)

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Phase diagram.** For 41 values of $\rho L \in [-0.5, 0]$ (with $L = 1$) and 40 relaxations $\alpha$,
# run EG+ ($\gamma = 1/L$) for 400 steps and mark whether $\|z\|$ shrank. The frontier is the line
# $\alpha = 1 + 2\rho L$. All 41 games run in one batch: `simulate` also accepts any function $V$ that maps
# $(N, 2)$ arrays to $(N, 2)$ arrays, here one linear game per row.

# %%
rho_L = np.linspace(-0.5, 0.0, 41)
alphas = np.linspace(0.025, 1.0, 40)
M = np.stack([[rho_L, np.sqrt(1 - rho_L**2)], [-np.sqrt(1 - rho_L**2), rho_L]]).transpose(2, 0, 1)  # (41, 2, 2)
batch_V = lambda z: np.einsum("nij,nj->ni", M, z)  # noqa: E731
shrinks = np.array([np.linalg.norm(simulate(batch_V, "eg+", np.ones((41, 2)), 400, step=1.0, alpha=a,
                                            bound=1e30, every=400).final, axis=1) < np.sqrt(2) for a in alphas])
phase = go.Figure(go.Heatmap(x=rho_L, y=alphas, z=shrinks.astype(float), showscale=False,
                             colorscale=[[0, COLORS["red"]], [1, COLORS["green"]]]))
phase.add_scatter(x=rho_L, y=1 + 2 * rho_L, mode="lines", name="α = 1 + 2ρL", line={"color": "black"})
phase.update_layout(title="EG+ on the linear family: converges (green) / diverges (red)", xaxis_title="ρL",
                    yaxis_title="relaxation α (update step αγ, γ = 1/L)", height=460, yaxis_range=[0, 1])
phase.show()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
predicted = alphas[:, None] < 1 + 2 * rho_L[None, :]
clear = np.abs(alphas[:, None] - (1 + 2 * rho_L[None, :])) > 0.02
agree = float(np.mean(shrinks[clear] == predicted[clear]))
check("simulated phase diagram agrees with α < 1 + 2ρL away from the frontier", agree == 1.0, agree)
check("EG (α = 1) diverges for every ρ < 0", not shrinks[-1, rho_L < 0].any())

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Escaping the forsaken cycle: the CEG+ family
#
# Pethick et al. (2022) write the step with a projection $Q$ onto the box $[-1.5, 1.5]^2$:
# $H z = z - \gamma V(z)$, $\bar z = Q(Hz)$, $d = \bar z - \gamma V(\bar z) - Hz$, $z^+ = z + \alpha d$.
# **CEG+** fixes $\gamma = 1/L$, $\alpha = \tfrac12$; **AdaptiveEG+** sets
# $\alpha = \sigma/\gamma + \langle \bar z - z, d\rangle/\|d\|^2$ with $\sigma = -0.99\gamma/2$. This is a projection
# step: without the box, $d = -\gamma V(\bar z)$, and the weak MVI at $\bar z$ says that every solution lies in
# the half-space $\{u : \langle V(\bar z), \bar z - u\rangle \ge \rho\|V(\bar z)\|^2\}$; this $\alpha$ moves $z$
# along $d$ exactly onto the boundary of that half-space, with $\sigma$ in place of the unknown $\rho$ (safe
# whenever $\rho \ge \sigma$, i.e. on the whole class the theory covers), so the distance to every solution does
# not grow. Where $V$ is nearly monotone the step is long, where it is not the step is short;
# **CurvatureEG+** also chooses $\gamma$ locally, $\gamma_0 = \nu/\|J_V(z)\|$ with backtracking. Forsaken is
# *outside* the weak-MVI class (ρ ≪ −1/(2L)), yet the local step $\gamma \approx 0.7 \gg 1/L = 0.08$ lets
# CurvatureEG+ escape. 16 starts on the grid $\{-1.2, -0.45, 0.3, 1.05\}^2$; we plot the points $\bar z^k$.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
starts = np.array([(x, y) for x in (-1.2, -0.45, 0.3, 1.05) for y in (-1.2, -0.45, 0.3, 1.05)])
z_star = fs.solutions[0]
settings = {"EG": ("ceg+", dict(alpha=1.0)), "CEG+": ("ceg+", {}), "AdaptiveEG+": ("adaptive-eg+", {})}
for name, (method, kw) in settings.items():
    run = simulate(fs, method, starts, 500, step=1 / L_f, box=1.5, every=500, **kw)
    d = np.linalg.norm(run.z_bar - z_star, axis=1)
    check(f"{name} (γ = 1/L, 500 steps): starts within 1e-2 of z*", (d < 1e-2).sum() == 0, int((d < 1e-2).sum()))
curv = simulate(fs, "curvature-eg+", starts, 200, step=10.0, box=1.5, nu=0.8, tau=0.8)
d = np.linalg.norm(curv.z_bar - z_star, axis=1)
check("CurvatureEG+ (ν = τ = 0.8, 200 steps): starts within 1e-2 of z*", (d < 1e-2).sum() == 16, int((d < 1e-2).sum()))

# %% slideshow={"slide_type": "subslide"}
ceg = simulate(fs, "ceg+", starts, 200, step=1 / L_f, box=1.5)
lim = (-1.6, 1.6)
fig = animate({"CEG+": ceg.z, "CurvatureEG+": curv.z},
              background=[vector_field(fs.V, lim, lim, n=15)], xlim=lim, ylim=lim, n_frames=50,
              title="forsaken: CEG+ stays on the cycle, CurvatureEG+ reaches z*", xlabel="x (min player)",
              ylabel="y (max player)", markers=[{"x": [z_star[0]], "y": [z_star[1]], "name": "z*"}])
fig.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Stochastic: SEG stuck on a cycle, BC-SEG+ converges
#
# On the GlobalForsaken game ($\Phi = xy + \phi(x) - \phi(y)$, $\phi(u) = \tfrac{2}{21}u^6 - \tfrac13 u^4 + \tfrac13 u^2$,
# weak MVI with $\rho > -1/(2L)$ on the ball of radius 4/3), with additive noise $\sigma = 0.1$ and 20 runs from
# $(1, 1)$, 3000 steps, $\alpha_k = 0.055/\sqrt{1 + k/100}$:
# - **SEG** (Robbins–Monro: both steps $\alpha_k\gamma$ vanish) follows the flow onto the attracting cycle;
# - **BC-SEG+** (Pethick et al. (2023c)) keeps the extrapolation $\gamma = 0.33$ fixed, shrinks only the
#   update $\alpha_k\gamma$, and corrects the bias of $\bar z$ with the same noise sample at $z_k$ and $z_{k-1}$:
#   $\bar z_k = z_k - \gamma \hat V(z_k) + (1 - \alpha_k)(\bar z_{k-1} - z_{k-1} + \gamma\hat V(z_{k-1}))$,
#   $z_{k+1} = z_k - \alpha_k\gamma\hat V(\bar z_k)$.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** with noise, SEG shrinks both of its steps, so it follows the flow of $-V$ onto the attracting
#   cycle; BC-SEG+ keeps the extrapolation step fixed, shrinks only the update and corrects the bias of the
#   extrapolation, and converges to the solution.
# - **Ask:** why does shrinking both steps, as Robbins–Monro does to average the noise out, lead to the
#   cycle?
# - **Misconception:** "a stochastic method converges if its deterministic version does". The deterministic
#   guarantee of EG+ needs a correction to survive noise.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
z0 = np.tile([1.0, 1.0], (20, 1))
decay = power_decay(0.5, 100)
seg = simulate(gf, "seg", z0, 3000, step=0.055 * 0.33, decay=decay, sigma=0.1, seed=0, every=30)
bc = simulate(gf, "bc-seg+", z0, 3000, step=0.33, alpha=0.055, decay=decay, sigma=0.1, seed=0, every=30)
r_seg = radius_range(seg.z, tail=0.1)
check("SEG: every run ends on the attracting cycle (‖z‖ ≈ 1.29–1.33)", 1.2 < r_seg[0] and r_seg[1] < 1.45, r_seg)
r_bc = np.linalg.norm(bc.final, axis=1)
check("BC-SEG+: every run ends near z* = 0, max ‖z_K‖", r_bc.max() < 0.05, r_bc.max(), digits=1)

# %% slideshow={"slide_type": "subslide"}
fig = animate({"SEG": seg.z, "BC-SEG+": bc.z}, xlim=(-1.6, 1.6), ylim=(-1.6, 1.6),
              background=[vector_field(gf.V, (-1.6, 1.6), (-1.6, 1.6), n=15)], n_frames=50, trail=False,
              title="global forsaken with noise σ = 0.1: SEG cycles, BC-SEG+ converges",
              xlabel="x (min player)", ylabel="y (max player)", markers=[{"x": [0], "y": [0], "name": "z* = 0"}])
fig.show()

# %% [markdown]
# Ready to practise? The [exercises of this lecture](exercises/08_weak_minty.ipynb) have you compute the weak-MVI
# ratio, implement the EG+ and AdaptiveEG+ steps and predict the thresholds $\alpha < 1 + 2\rho L$ and
# $\rho L > -\tfrac14$ (EG+ with $\alpha = \tfrac12$), with a checker that says what is wrong.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - The weak Minty condition $\langle V(z), z - z^*\rangle \ge \rho\|V(z)\|^2$ with $\rho < 0$ lets $V$ point away
#   from the solution, but only by a controlled amount; $\rho$ and $L$ depend on the domain.
# - EG fails for every $\rho < 0$ on the linear family; EG+ (shorter update step $\alpha\gamma$) converges iff
#   $\alpha < 1 + 2\rho L$, so the class $\rho > -1/(2L)$ is the most any such method can cover
#   (−1/(8L) is an earlier, looser guarantee).
# - The CEG+ family adapts the update (a projection onto a half-space that contains every solution) and, with a
#   local step size, even escapes the forsaken cycle, which lies outside the theory.
# - With noise, vanishing both steps (SEG) follows the flow onto a cycle; BC-SEG+ keeps the extrapolation fixed,
#   shrinks only the update and corrects the bias, and converges.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: cevher2024nonzero_talk code_stochastic_weak_minty code_weak_minty
# diakonikolas2021efficient pethick2022escaping pethick2023stochastic -->
#
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Diakonikolas et al. (2021)**. Jelena Diakonikolas, Constantinos Daskalakis, Michael I. Jordan.
#   *Efficient methods for structured nonconvex-nonconcave min-max optimization*. International Conference
#   on Artificial Intelligence and Statistics (AISTATS), 2021.
#   [arXiv:2011.00364](https://arxiv.org/abs/2011.00364)
# - **LIONS-EPFL/stochastic-weak-minty-code**. Thomas Pethick, Olivier Fercoq, Puya Latafat, Panagiotis
#   Patrinos, Volkan Cevher. *stochastic-weak-minty-code: code of "Solving stochastic weak Minty variational
#   inequalities without increasing batch size"*. GitHub repository LIONS-EPFL/stochastic-weak-minty-code,
#   2023.
#   [github.com/LIONS-EPFL/stochastic-weak-minty-code](https://github.com/LIONS-EPFL/stochastic-weak-minty-code)
# - **LIONS-EPFL/weak-minty-code**. Thomas Pethick, Puya Latafat, Panagiotis Patrinos, Olivier Fercoq,
#   Volkan Cevher. *weak-minty-code: code of "Escaping limit cycles"*. GitHub repository
#   LIONS-EPFL/weak-minty-code, 2022.
#   [github.com/LIONS-EPFL/weak-minty-code](https://github.com/LIONS-EPFL/weak-minty-code)
# - **Pethick et al. (2022)**. Thomas Pethick, Puya Latafat, Panagiotis Patrinos, Olivier Fercoq, Volkan
#   Cevher. *Escaping limit cycles: Global convergence for constrained nonconvex-nonconcave minimax
#   problems*. International Conference on Learning Representations (ICLR), 2022.
#   [arXiv:2302.09831](https://arxiv.org/abs/2302.09831)
# - **Pethick et al. (2023c)**. Thomas Pethick, Olivier Fercoq, Puya Latafat, Panagiotis Patrinos, Volkan
#   Cevher. *Solving stochastic weak Minty variational inequalities without increasing batch size*.
#   International Conference on Learning Representations (ICLR), 2023.
#   [openreview.net/forum?id=ejR4E1jaH9k](https://openreview.net/forum?id=ejR4E1jaH9k)
