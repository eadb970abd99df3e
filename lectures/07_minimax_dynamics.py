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
# # 07 · Min-max dynamics: GDA, PPM, EG, OGDA, RFBS and spurious attractors
#
# **What you will learn**
# - the min-max template $\min_x \max_y \Phi(x, y)$, its operator $V(z) = [\nabla_x\Phi, -\nabla_y\Phi]$ and
#   local Nash equilibria (LNE);
# - the five "(in)famous" algorithms of the slide as approximations of the proximal point method (PPM), and
#   their exact contraction factors on $\min_x\max_y xy$;
# - the Robbins–Monro template with noise, and **spurious attractors**: limit cycles with no critical point
#   inside (the "almost bilinear" game) and stable solutions that noisy methods forsake (the "forsaken" game);
# - how to explore your own game: type $\Phi(x, y)$ and watch the field, the critical points and the dynamics.
#
# **Slides:** the talk *Adversarial training should be cast as a non-zero sum game* (Cevher, LIONS, 2024),
# sections *Solving the minimax problem: Solution concepts*, *Basic algorithms for minimax*, *Where do the
# algorithms converge?*, *Minimax is more difficult than just optimization*. The examples are those of
# Hsieh et al. (2021); constants are computed in this notebook. Full references at the end.

# %% slideshow={"slide_type": "skip"}
import inspect

import numpy as np
import plotly.graph_objects as go

from course_lib import check, check_close, make_rng, report, setup
from course_lib.minimax import (
    almost_bilinear,
    bilinear,
    build_game_explorer,
    build_trajectory_widget,
    classify,
    critical_points,
    flow,
    forsaken,
    local_nash,
    power_decay,
    radius_range,
    simulate,
    spectral_radius,
)
from course_lib.minimax.algorithms import eg_step, ogda_step
from course_lib.viz import animate, color, contour, vector_field

setup(seed=0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The template and local Nash equilibria
#
# We solve $\min_x \max_y \Phi(x, y)$ with $z = (x, y)$ and the operator
# $V(z) = [\nabla_x \Phi(x, y),\; -\nabla_y \Phi(x, y)]$: $x$ *descends*, $y$ *ascends*, and every algorithm
# below discretises the flow $\dot z = -V(z)$. A point $(x^*, y^*)$ is a **local Nash equilibrium** if
# $\Phi(x^*, y) \le \Phi(x^*, y^*) \le \Phi(x, y^*)$ near it. At a zero of $V$ the second-order test reads:
# strict LNE if $\Phi_{xx} > 0$ and $\Phi_{yy} < 0$; not an LNE if $\Phi_{xx} < 0$ or $\Phi_{yy} > 0$.
#
# For $\Phi = xy$: $V(z) = (y, -x)$, a rotation. The only zero is $0$, the Hessian blocks vanish (the test is
# inconclusive; $0$ *is* a Nash equilibrium since $\Phi(0, \cdot) = \Phi(\cdot, 0) = 0$), and the flow circles.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** write the game as one operator $V(z) = [\nabla_x\Phi, -\nabla_y\Phi]$; a critical point has
#   $V(z) = 0$, a local Nash equilibrium is a local min in $x$ and a local max in $y$.
# - **Ask:** is every critical point of a min-max game a local Nash equilibrium?
# - **Misconception:** "min-max is minimisation of $\Phi$ in $z$". $V$ is not a gradient field: it rotates,
#   and that is what breaks GDA.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
xy = bilinear()
test = local_nash(xy, [0.0, 0.0])
report("second-order test at 0", test.verdict)
check("eig J_V(0) = ±i for xy: the flow ż = −V(z) turns in circles", np.allclose(test.eigenvalues, [1j, -1j]),
      test.eigenvalues.imag)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Five algorithms, all approximations of the proximal point method
#
# | method | update (slide) | how it approximates PPM |
# |---|---|---|
# | GDA | $z^{k+1} = z^k - \alpha V(z^k)$ | uses $V(z^k)$ instead of $V(z^{k+1})$ |
# | PPM | $z^{k+1} = z^k - \alpha V(z^{k+1})$ | implicit: the reference |
# | EG (Korpelevich (1976)) | $z^{k+1} = z^k - \alpha V(z^k - \alpha V(z^k))$ | predicts $z^{k+1}$ by a GDA step, then evaluates $V$ there |
# | OGDA (Daskalakis et al. (2018)) | $z^{k+1} = z^k - \alpha[2V(z^k) - V(z^{k-1})]$ | extrapolates $V(z^{k+1}) \approx 2V(z^k) - V(z^{k-1})$ |
# | RFBS | $z^{k+1} = z^k - \alpha V(2z^k - z^{k-1})$ | extrapolates the point: $z^{k+1} \approx 2z^k - z^{k-1}$ |
#
# Each is one short function in `course_lib.minimax.algorithms`, e.g. the extragradient step:

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** PPM is the implicit reference, $z^{k+1} = z^k - \alpha V(z^{k+1})$; GDA, EG, OGDA and RFBS
#   approximate it. On $xy$ we know each contraction factor exactly: press play and watch GDA spiral out
#   while the others spiral in.
# - **Ask:** what does EG spend to get closer to PPM, compared with OGDA?
# - **Misconception:** "a smaller step size fixes GDA on bilinear games". For any α > 0 GDA's factor
#   $\sqrt{1 + \alpha^2} > 1$.

# %%
print(inspect.getsource(eg_step))
print(inspect.getsource(ogda_step))

# %% [markdown] slideshow={"slide_type": "subslide"}
# On $xy$ all five run from $z_0 = (1, 0)$ with $\alpha = 0.2$ for 100 steps (press ▶). GDA spirals out,
# PPM, EG and OGDA spiral in. OGDA and RFBS produce the *same* iterates on any linear game (RFBS is drawn
# dashed under OGDA's colour).

# %%
methods = {"GDA": "gda", "PPM": "ppm", "EG": "eg", "OGDA": "ogda", "RFBS": "rfbs"}
runs = {name: simulate(xy, m, [[1.0, 0.0]], 100, step=0.2) for name, m in methods.items()}
fig = animate({name: r.z for name, r in runs.items()}, background=[vector_field(xy.V, (-2, 2), (-2, 2))],
              title="min_x max_y xy, α = 0.2", xlabel="x (min player)", ylabel="y (max player)",
              xlim=(-2, 2), ylim=(-2, 2), n_frames=50,
              markers=[{"x": [0], "y": [0], "name": "solution z* = 0"}])
fig.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Contraction factors.** On $xy$, $V(z) = Az$ with eigenvalues $\mu = \pm i$, so every method multiplies
# $\|z\|$ by a fixed factor per step: GDA $\sqrt{1+\alpha^2}$, PPM $1/\sqrt{1+\alpha^2}$,
# EG $\sqrt{1-\alpha^2+\alpha^4}$ (converges iff $\alpha < 1$), OGDA the largest root of
# $\nu^2 - (1-2\alpha\mu)\nu - \alpha\mu$ (converges iff $\alpha < 1/\sqrt{3}$). We measure them over
# steps 500 → 600 and compare with the closed forms.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
alpha = 0.2
for name, m in methods.items():
    run = simulate(xy, m, [[1.0, 0.0]], 600, step=alpha, bound=1e30, every=100)
    measured = (np.linalg.norm(run.z[-1]) / np.linalg.norm(run.z[-2])) ** (1 / 100)
    check_close(f"{name}: measured factor per step ≈ closed form", measured,
                spectral_radius(m, 1j, alpha), tol=1e-6)
z0 = make_rng(0).normal(size=(50, 2))
gap = np.abs(simulate(xy, "ogda", z0, 200, step=0.3).z - simulate(xy, "rfbs", z0, 200, step=0.3).z).max()
check("OGDA and RFBS iterates are equal on xy (max difference over 200 steps)", gap < 1e-12, gap)

# %% [markdown] slideshow={"slide_type": "subslide"}
# Move the step size, switch the algorithm: EG stops converging at $\alpha = 1$, OGDA at $1/\sqrt 3$.

# %%
panel = build_trajectory_widget(xy, [[1.0, 0.0], [0.0, 0.5], [-0.7, -0.7]], method="GDA", step=0.2, steps=60)
panel.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Where do the algorithms converge? The Robbins–Monro template
#
# **A buffet of negative results.** On a constrained domain, even for a smooth Lipschitz $\Phi$, deciding
# whether an approximate min-max point exists is NP-hard, and finding an approximate *local* min-max point (one
# exists for a large enough approximation) is PPAD-complete, as is computing an approximate fixed point of
# projected GDA (Daskalakis et al. (2021)). No efficient method can be expected to solve every game: we ask
# instead *where* the simple ones end.
#
# With noisy operators $V(z, \zeta) = V(z) + U(z, \zeta)$ the slide's template is
# $z^{k+1} = z^k - \alpha_k V(z^k, \zeta^k)$ with vanishing steps, e.g. $\alpha_k = \alpha_0/(1 + k/k_0)^{0.6}$
# ($\sum \alpha_k = \infty$, $\sum \alpha_k^2 < \infty$). Hsieh et al. (2021) show that bounded trajectories
# converge to **internally chain-transitive** (ICT) sets of the flow $\dot z = -V(z)$
# (Benaïm and Hirsch (1996)).

# %% [markdown] slideshow={"slide_type": "subslide"}
# **ICT sets.** Let $\Theta_t(z)$ be the point the flow reaches from $z$ after time $t$. A compact set $A$
# with $\Theta_t(A) = A$ is **internally chain-transitive** if for any $a, b \in A$, $\delta > 0$ and $T > 0$
# there are points $a = z_0, z_1, \dots, z_n = b$ of $A$ and times $t_0, \dots, t_{n-1} \ge T$ with
# $\|\Theta_{t_i}(z_i) - z_{i+1}\| < \delta$: any two points are joined inside $A$ by long flow pieces with
# arbitrarily small jumps (Benaïm and Hirsch (1996)). Equilibria, periodic orbits and cycles of orbits are
# ICT; a set that the flow leaves for good is not. ICT sets can be **spurious**: they contain no critical
# point.
# `simulate(..., sigma=σ, decay=power_decay(0.6, 1000))` adds Gaussian noise to every evaluation of $V$ and
# shrinks the step.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** hardness results say no method finds min-max points on every game; the ICT theorem says where
#   noisy methods with vanishing steps *do* end: on sets the flow keeps and can cross with tiny jumps.
# - **Ask:** is a periodic orbit ICT? Is the segment of a trajectory that flows into an equilibrium? (Yes; no:
#   the flow leaves it for good.)
# - **Misconception:** "an ICT limit set contains a solution". It may contain no critical point at all
#   (sections 4 and 5).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. "Almost bilinear" ≠ bilinear
#
# The slide prints $\Phi(x, y) = xy + \epsilon\phi(x)$ with $\phi(u) = \tfrac12 u^2 - \tfrac14 u^4$.
# **Taken literally with $x$ minimising**, $J_V(0)$ has eigenvalues $+\epsilon/2 \pm i\sqrt{1-\epsilon^2/4}$:
# the origin *attracts* and the cycle of radius $\approx 2/\sqrt3$ *repels* (inside it the flow shrinks,
# outside it explodes) — no spurious attractor. The intended picture needs $\epsilon\phi$ on the **max
# player**, $\Phi = xy + \epsilon\phi(y)$: then the origin repels and one cycle attracts everything.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** a small perturbation of the bilinear game creates a limit cycle with no critical point inside:
#   the algorithms converge to a cycle, a spurious attractor, not to a solution.
# - **Ask:** if training curves stop changing, have we found an equilibrium?
# - **Misconception:** "convergence of the iterates' statistics means convergence to a solution". A cycle is
#   stable too.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
eps = 0.1
printed, intended = almost_bilinear(eps, player="x"), almost_bilinear(eps, player="y")
for game in (printed, intended):
    report(f"{game.name}, test at 0", local_nash(game, [0.0, 0.0]).verdict)
ends = np.linalg.norm(flow(printed, [[1.1, 0.0], [1.2, 0.0]], 24.0)[-1], axis=1)
check("printed formula: from r = 1.1 the flow shrinks, from r = 1.2 it grows (a repelling cycle between)",
      ends[0] < 1.1 and ends[1] > 2.0, ends)
path = flow(intended, [[0.1, 0.0], [3.0, 0.0]], 300.0)
r_min, r_max = radius_range(path, tail=0.1)
check("φ on y: both starts end on one attracting cycle with r ≈ 2/√3 = 1.1547", r_min < 2 / np.sqrt(3) < r_max
      and r_max - r_min < 0.03, [r_min, r_max])

# %% [markdown]
# GDA, EG and the flow from inside and outside, $\alpha = 0.01$ (100 time units). Small steps follow the flow
# onto the cycle. With constant $\alpha \gtrsim \epsilon$, EG, OGDA and PPM would instead converge to the
# unstable origin: the trap is a small-step / Robbins–Monro phenomenon (we checked both regimes by simulation).

# %% slideshow={"slide_type": "subslide"}
starts = np.array([[0.1, 0.0], [2.0, 0.0]])
runs = {name: simulate(intended, m, starts, 10_000, step=0.01, every=50).z for name, m in [("GDA", "gda"),
                                                                                     ("EG", "eg")]}
lim = (-2.2, 2.2)
fig = animate(runs, background=[contour(intended.phi, lim, lim), vector_field(intended.V, lim, lim)],
              title="almost bilinear, ε = 0.1 (φ on y): a cycle with no critical point attracts",
              xlabel="x (min player)", ylabel="y (max player)", xlim=lim, ylim=lim, n_frames=60,
              markers=[{"x": [0], "y": [0], "name": "only critical point (repelling)"}])
fig.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Robbins–Monro runs.** 100 noisy runs each of SGDA and SEG ($\sigma = 0.1$,
# $\alpha_k = 0.05/(1+k/1000)^{0.6}$, $10^4$ steps) from near the origin: both are trapped on the cycle
# (while the step is still sizeable, SGDA circles slightly outside and SEG slightly inside it: first-order
# averaging gives $r \approx \tfrac{2}{\sqrt3}\sqrt{1 \pm \alpha/\epsilon}$).

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
z0 = np.tile([0.05, 0.0], (100, 1))
for name in ("sgda", "seg"):
    run = simulate(intended, name, z0, 10_000, step=0.05, decay=power_decay(0.6, 1000), sigma=0.1, seed=1,
                   every=100)
    r_min, r_max = radius_range(run.z, tail=0.2)  # over the last 2000 steps, all 100 runs
    check(f"{name.upper()}: all runs stay on the cycle, far from the critical point 0; ‖z‖ range",
          0.9 < r_min and r_max < 1.6, [r_min, r_max], digits=2)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The "forsaken" solutions
#
# The slide prints $\Phi(y, x) = y(x - 0.5) + \phi(y) - \phi(x)$, $\phi(u) = \tfrac14u^2 - \tfrac12u^4 + \tfrac16u^6$.
# Which variable minimises, and the constant, decide the picture. We compute, for three readings, the zero
# $z^*$ of $V$, the trace of $J_V(z^*)$ (positive: the flow attracts) and the local-Nash test:

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** here the solution is stable for deterministic methods, but noisy (Robbins–Monro) methods leave
#   it for a cycle; the basins of 3481 starts show where each method ends.
# - **Ask:** which methods keep the solution under noise, and at what cost?
# - **Misconception:** "stochastic gradients only add noise around the same limit". Noise can change *which*
#   attractor is reached.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
variants = {"printed names, c = 0.5": forsaken(0.5, swap=True), "x(y − c) form, c = 0.5": forsaken(0.5),
            "x(y − c) form, c = 0.45": forsaken(0.45)}
for label, game in variants.items():
    z_star = critical_points(game, 1.5)
    test = local_nash(game, z_star[0])
    report(f"{label}: z*, tr J_V(z*)", [*z_star[0], np.trace(game.jacobian(z_star[0]))])
    report(f"{label}: test at z*", test.verdict)
c05 = variants["x(y − c) form, c = 0.5"]
eig = local_nash(c05, c05.solutions[0]).eigenvalues
check("x(y − c) form with c = 0.5: z* repels, Re eig J_V(z*) < 0", eig.real.max() < 0, eig.real[0])

# %% [markdown] slideshow={"slide_type": "subslide"}
# The printed formula with $c = 0.5$ has an attracting $z^*$ inside a *repelling* cycle, outside which
# trajectories escape to infinity; with $c = 0.5$ in the $x(y-c)$ form $z^*$ repels. The picture of the
# paper ("stable solution shielded by an unstable set, inside an attracting spurious cycle") appears with
# $c = 0.45$, the constant in the code of Pethick et al. (2022) (repository `LIONS-EPFL/weak-minty-code`, notebook
# `Forsaken.nb`). The **Hopf point** is the value $c \approx 0.4724$ where $z^*$ changes stability: the two
# eigenvalues of $J_V(z^*)$ cross the imaginary axis, and a limit cycle is born around $z^*$ (a Hopf bifurcation).
# Below it $z^*$ attracts; at $c = 0.5$ it repels. We use
# $\Phi = x(y - 0.45) + \phi(x) - \phi(y)$ from now on.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
game = forsaken(0.45)
z_star = critical_points(game, 1.5)
check("one critical point in [−1.5, 1.5]²", len(z_star) == 1, len(z_star))
check_close("z*", z_star[0], [0.078027, 0.411934], tol=1e-6)
test = local_nash(game, z_star[0])
check_close("eigenvalues of J_V(z*): 0.044746 ± 0.908028i", [test.eigenvalues.real[0], abs(test.eigenvalues.imag[0])],
            [0.044746, 0.908028], tol=1e-6)
check("z* fails the local-Nash test: Φ_yy > 0 (y sits at a local minimum)", test.not_lne, test.phi_yy)
inner = radius_range(flow(game, [[0.2, 0.5]], 80.0, backward=True), z_star[0])
outer = radius_range(flow(game, [[1.0, 1.0]], 80.0), z_star[0])
check("repelling cycle at distance 0.121–0.299 from z*", np.allclose(inner, [0.121, 0.299], atol=2e-3), inner)
check("attracting spurious cycle at distance 0.923–1.917 from z*", np.allclose(outer, [0.923, 1.917], atol=2e-3),
      outer)

# %% [markdown] slideshow={"slide_type": "subslide"}
# The two cycles of the flow (computed by integrating forward from (1, 1) and backward from (0.2, 0.5)) and
# EG trajectories with $\alpha = 0.05$ from starts inside and outside the repelling cycle:

# %%
cycles = {"attracting cycle": flow(game, [[1.0, 1.0]], 60.0, n_points=600)[-80:, 0],
          "repelling cycle": flow(game, [[0.2, 0.5]], 60.0, backward=True, n_points=600)[-80:, 0]}
starts = np.array([[0.15, 0.45], [0.0, 0.35], [1.0, -0.8], [-1.2, 0.3], [0.3, 0.9]])
run = simulate(game, "eg", starts, 3000, step=0.05, box=1.5, every=25)
lim = (-1.6, 1.6)
fig = animate({"EG": run.z}, background=[vector_field(game.V, lim, lim, n=17)], title="forsaken, c = 0.45",
              xlabel="x (min player)", ylabel="y (max player)", xlim=lim, ylim=lim, n_frames=60,
              markers=[{"x": z_star[:, 0], "y": z_star[:, 1], "name": "z* (stable, not Nash)"}])
cycle_style = {"attracting cycle": {"dash": "solid", "color": color("green"), "width": 3},
               "repelling cycle": {"dash": "dot", "color": color("red"), "width": 3}}
for name, c in cycles.items():
    fig.add_scatter(x=c[:, 0], y=c[:, 1], mode="lines", name=name, line=cycle_style[name])
fig.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Basins.** 59 × 59 = 3481 starts on $[-1.45, 1.45]^2$, EG with $\alpha = 0.05$ for 6000 steps (300 time
# units), clipped to the box: almost everything ends on the spurious cycle.

# %%
# NBVAL_CHECK_OUTPUT
g = np.linspace(-1.45, 1.45, 59)
grid = np.stack(np.meshgrid(g, g), axis=-1).reshape(-1, 2)
run = simulate(game, "eg", grid, 6000, step=0.05, box=1.5, every=6000)
basins = classify(run, z_star, tol=1e-2)
check("fraction of starts converging to z* is 1.92% ± 0.3%", abs(basins.fraction("converged") - 0.0192) < 0.003,
      basins.fraction("converged"))
check("fraction trapped on the spurious cycle", basins.fraction("cycle") > 0.97, basins.fraction("cycle"))

# %%
code = (basins.label == "converged").astype(float).reshape(59, 59)
basin_fig = go.Figure(go.Heatmap(x=g, y=g, z=code, colorscale=[[0, color("orange")], [1, color("blue")]],
                                 showscale=False))
basin_fig.add_scatter(x=z_star[:, 0], y=z_star[:, 1], mode="markers", name="z*",
                      marker={"symbol": "star", "size": 14, "color": "black"})
basin_fig.update_layout(title="EG (α = 0.05): blue → z*, orange → spurious cycle", xaxis_title="x₀",
                        yaxis_title="y₀", height=480)
basin_fig.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Noise forsakes the solution.** SGDA started exactly at $z^*$, $\alpha = 0.02$, $10^4$ steps, 100 runs:
# small noise (σ = 0.05) stays: a rare run is kicked across the repelling cycle (0–2 runs in 100, depending on
# the seed); larger noise (σ = 0.5) sends every run across, and none comes back.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
z0 = np.repeat(z_star, 100, axis=0)
escaped = {}
for sigma in (0.05, 0.5):
    run = simulate(game, "sgda", z0, 10_000, step=0.02, sigma=sigma, seed=0, box=1.5, every=10_000)
    escaped[sigma] = float(np.mean(np.linalg.norm(run.final - z_star[0], axis=1) > 0.5))
check("σ = 0.05: at most 1 run in 10 ends on the outer cycle", escaped[0.05] <= 0.1, escaped[0.05])
check("σ = 0.5: every run ends on the outer cycle", escaped[0.5] == 1.0, escaped[0.5])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Try your own game
#
# Type $\Phi(x, y)$ (numbers, `x`, `y`, `+ - * / ^`, `sin cos tan exp log sqrt tanh abs`, `pi`, `e`); the
# text is parsed with a whitelist and never run as Python. The panel shows $-V$, the critical points with
# their local-Nash verdict (hover), and the trajectories from the start and 8 points around it.
# Try `x*y`, `x^2/2 - y^2/2 + x*y`, `x*y + 0.1*(x^2/2 - x^4/4)` or `x*(y - 0.45) + ...`.

# %% [markdown]
# Ready to practise? The [exercises of this lecture](exercises/07_minimax_dynamics.ipynb) have you implement the EG
# and OGDA steps and the local-Nash test, predict the step size at which EG stops converging on $xy$, and find
# OGDA's threshold and the radius of the spurious cycle, with a checker that says what is wrong.

# %% slideshow={"slide_type": "subslide"}
explorer = build_game_explorer("x*y + 0.1*(y^2/2 - y^4/4)", method="EG", step=0.05, steps=600)
explorer.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## What to remember
#
# - A min-max problem is a vector field $V = [\nabla_x\Phi, -\nabla_y\Phi]$; even on $xy$ it rotates, so
#   simultaneous gradient descent-ascent spirals out.
# - PPM, EG and OGDA converge on $xy$ because they approximate the implicit proximal step; their contraction
#   factors are known in closed form.
# - With noise and vanishing steps, iterates follow the flow: they can end on limit cycles with no critical point
#   inside (spurious attractors), or forsake a stable solution shielded by an unstable cycle.
# - Which variable minimises, and the constants, decide the picture: check a formula's orientation before trusting
#   a figure.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: benaim1996asymptotic cevher2024nonzero_talk code_weak_minty daskalakis2018ogda
# daskalakis2021complexity hsieh2021limits korpelevich1976extragradient pethick2022escaping -->
#
# - **Benaïm and Hirsch (1996)**. Michel Benaïm, Morris W. Hirsch. *Asymptotic pseudotrajectories and chain
#   recurrent flows, with applications*. Journal of Dynamics and Differential Equations 8(1), pp. 141–176,
#   1996. [doi:10.1007/BF02218617](https://doi.org/10.1007/BF02218617)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **Daskalakis et al. (2018)**. Constantinos Daskalakis, Andrew Ilyas, Vasilis Syrgkanis, Haoyang Zeng.
#   *Training GANs with optimism*. International Conference on Learning Representations (ICLR), 2018.
#   [arXiv:1711.00141](https://arxiv.org/abs/1711.00141)
# - **Daskalakis et al. (2021)**. Constantinos Daskalakis, Stratis Skoulakis, Manolis Zampetakis. *The
#   complexity of constrained min-max optimization*. ACM Symposium on Theory of Computing (STOC), pp.
#   1466–1478, 2021. [arXiv:2009.09623](https://arxiv.org/abs/2009.09623)
# - **Hsieh et al. (2021)**. Ya-Ping Hsieh, Panayotis Mertikopoulos, Volkan Cevher. *The limits of min-max
#   optimization algorithms: Convergence to spurious non-critical sets*. International Conference on Machine
#   Learning (ICML), 2021. [arXiv:2006.09065](https://arxiv.org/abs/2006.09065)
# - **Korpelevich (1976)**. Galina M. Korpelevich. *The extragradient method for finding saddle points and
#   other problems*. Matecon 12, pp. 747–756, 1976.
#   [scholar.google.com](https://scholar.google.com/scholar?q=%22The+extragradient+method+for+finding+saddle+points+and+other+problems%22)
# - **LIONS-EPFL/weak-minty-code**. Thomas Pethick, Puya Latafat, Panagiotis Patrinos, Olivier Fercoq,
#   Volkan Cevher. *weak-minty-code: code of "Escaping limit cycles"*. GitHub repository
#   LIONS-EPFL/weak-minty-code, 2022.
#   [github.com/LIONS-EPFL/weak-minty-code](https://github.com/LIONS-EPFL/weak-minty-code)
# - **Pethick et al. (2022)**. Thomas Pethick, Puya Latafat, Panagiotis Patrinos, Olivier Fercoq, Volkan
#   Cevher. *Escaping limit cycles: Global convergence for constrained nonconvex-nonconcave minimax
#   problems*. International Conference on Learning Representations (ICLR), 2022.
#   [arXiv:2302.09831](https://arxiv.org/abs/2302.09831)
