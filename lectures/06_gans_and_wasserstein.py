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
# # 06 · GANs as min-max games: Wasserstein distances, WGAN and game optimizers
#
# A generator $h_{\mathbf x}$ pushes simple noise $\omega \sim p_\Omega$ forward to a distribution
# $h_{\mathbf x}\#p_\Omega$; training it means making that distribution close to the data. Which
# *distance* we use, how we *estimate* it (a critic, i.e. the dual variable), and which *game algorithm*
# we run decide whether training works.
#
# **What you will learn**
# - push-forward measures ($\omega^2$ for $\omega\sim\mathcal N(0,1)$ is $\chi^2_1$), the Wasserstein distance and its
#   properties, Monge's transport maps vs Kantorovich's plans, and why empirical measures and the plug-in
#   estimate $W(\hat\mu_n, \hat\nu_n)$ converge slowly ($n^{-1/p}$ in dimension $p$);
# - Kantorovich–Rubinstein duality, integral probability metrics, the neural-network distance and the
#   Lipschitz bound $\|\mathbf X_1\|\,\|\mathbf X_2\|$;
# - the Dirac-GAN: GDA spirals out, extragradient converges (the bilinear game of lecture 07);
# - WGAN on 8 Gaussians with weight clipping, gradient penalty and spectral normalization; the vanilla
#   GAN's mode collapse (a fast generator hops from mode to mode); Adam vs extragradient vs SEG+.
#
# Slides followed: EE-556 *Mathematics of Data*, Lecture 11 (Cevher, EPFL, 2022: "Introduction to GANs" to
# "Vanilla GAN") and the talk *Adversarial training should be cast as a non-zero sum game* (Cevher, LIONS, 2024:
# "Another minimax example: GANs", "GANs with SEG+"). Full references at the end.

# %% slideshow={"slide_type": "skip"}
import numpy as np
import matplotlib.pyplot as plt
import torch
from scipy import optimize, stats
from IPython.display import display

from course_lib import check, check_close, make_rng, report, setup, torch_generator
from course_lib.gans import distances as dist, nets, pushforward as pf
from course_lib.gans import dirac_trajectory, make_target, mode_stats, train_gan, w2_floor, w2_to_target
from course_lib.viz import COLORS, animate, color

setup(seed=0, threads=1)   # tiny networks: one thread is fastest

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Push-forward measures
#
# Let $\omega\sim p_\Omega$ and $h_{\mathbf x}:\mathbb R^p\to\mathbb R^m$. The **push-forward**
# $h_{\mathbf x}\#p_\Omega$ is the distribution of $h_{\mathbf x}(\omega)$. Slide example: $p_\Omega=\mathcal N(0,1)$,
# $h_x(\omega)=\omega^x$ with $x=2$ gives the $\chi^2$ law with one degree of freedom. By the change of
# variables over both branches $\omega=\pm\sqrt y$: $p_Y(y) = 2\,\varphi(\sqrt y)\,\frac{1}{2\sqrt y}$.
# We check it with a Kolmogorov–Smirnov test.
#
# What can a test "check"? When the law is right, the KS p-value is uniform on [0, 1]: a test at level 1%
# rejects the *correct* law for 1% of the samples, by design. So "this sample is not rejected" is not a
# statement that holds for every seed; we show its p-value, and check what does hold: over 200 fresh
# samples of ω² the 1% test rejects about 1% of them (at most 5%; more would happen with probability
# below 10⁻⁵), and it has power: it rejects every sample of the wrong map h(ω) = |ω|^2.5.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
samples, ks = pf.chi2_pushforward_test(n=4000, seed=0)
report("KS test of this sample of ω² against χ²(1): p-value", ks.pvalue)
omega = make_rng(5).standard_normal((200, 4000))
p_right = stats.kstest(omega ** 2, stats.chi2(1).cdf, axis=1).pvalue
p_wrong = stats.kstest(np.abs(omega) ** 2.5, stats.chi2(1).cdf, axis=1).pvalue
check("the 1% KS test rejects at most 5% of 200 fresh samples of ω² (share rejected)",
      np.mean(p_right < 0.01) <= 0.05, np.mean(p_right < 0.01))
check("it rejects all 200 samples of |ω|^2.5 against χ²(1) (largest p-value)", np.all(p_wrong < 0.01), p_wrong.max())
y = np.linspace(0.05, 6, 60)
check_close("change-of-variables density = scipy's χ²(1) pdf (max gap)",
            np.abs(pf.change_of_variables_density(y) - stats.chi2(1).pdf(y)).max(), 0.0, tol=1e-12)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
_ = ax.hist(samples, bins=np.linspace(0, 6, 61), density=True, color=COLORS["sky"], label="ω², ω ~ N(0,1)")
_ = ax.plot(y, stats.chi2(1).pdf(y), color=COLORS["black"], label="χ²(1) density")
_ = ax.set(xlabel="y", ylabel="density", title="Push-forward of N(0,1) under h(ω) = ω²", ylim=(0, 1.2))
_ = ax.legend()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The Wasserstein distance
#
# $W_q(\mu,\nu)=\big(\inf_{\pi\in\Gamma(\mu,\nu)}\mathbf E_{(\mathbf a,\mathbf a')\sim\pi}\,d(\mathbf a,\mathbf a')^q\big)^{1/q}$:
# the cheapest way to move the mass of $\mu$ onto $\nu$ (Villani (2009)). Two exact ways to compute it between samples:
# - in **1-D** the optimal plan matches quantiles, so $W_q$ is a *sort*;
# - between two samples of the **same size** with equal weights the optimal plan is a permutation
#   (`scipy.optimize.linear_sum_assignment`).

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** $W_p$ is the cost of the best transport plan; in 1-D it is computed by sorting. Its empirical
#   version converges slowly, like $n^{-1/p}$ and worse in high dimension.
# - **Ask:** why is a distance that sees the geometry (how far mass must move) better for training a
#   generator than one that only sees overlap?
# - **Misconception:** "the empirical W distance of a few samples is the distance between the
#   distributions". It is biased and slow to converge: compare at equal sample sizes.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
rng = make_rng(0)
u, v = rng.normal(size=300), rng.exponential(size=200)
check_close("W1 by sorting = scipy.stats.wasserstein_distance", dist.wasserstein_1d(u, v),
            stats.wasserstein_distance(u, v), tol=1e-12)
x, y2, w = rng.normal(size=(3, 60, 2))
d_xy, d_yx, d_xw, d_yw = (dist.wasserstein_p(a, b) for a, b in [(x, y2), (y2, x), (x, w), (y2, w)])
check("symmetry W2(x, y) = W2(y, x)", abs(d_xy - d_yx) < 1e-12, d_xy)
check("triangle inequality W2(x, w) ≤ W2(x, y) + W2(y, w)", d_xw <= d_xy + d_yw, d_xw)
check_close("identity W2(x, x) = 0", dist.wasserstein_p(x, x), 0.0)

# %% slideshow={"slide_type": "subslide"}
a8 = make_target("8gaussians").sample_numpy(40, seed=0)
b8 = 0.6 * make_rng(1).normal(size=(40, 2))
w2, sigma = dist.optimal_matching(a8, b8, p=2)
fig, ax = plt.subplots(figsize=(5.5, 5))
for i, j in enumerate(sigma):
    _ = ax.plot([a8[i, 0], b8[j, 0]], [a8[i, 1], b8[j, 1]], color=COLORS["gray"], lw=0.8)
_ = ax.scatter(*a8.T, color=COLORS["blue"], label="μ (8 Gaussians)", zorder=3)
_ = ax.scatter(*b8.T, color=COLORS["red"], label="ν (Gaussian)", zorder=3)
_ = ax.set(xlabel="a₁", ylabel="a₂", title=f"Optimal transport plan, W₂ = {w2:.2f}", aspect="equal")
_ = ax.legend(loc="upper right")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Monge's problem and the earth mover's distance
#
# The slide starts from **Monge's problem**: find a *transport map* $T$ with $T(X) \sim \nu$ for $X \sim \mu$ that
# minimises $\mathrm{cost}(T) = \mathbf E_X \|X - T(X)\|$: every grain of earth at $X$ goes to one place $T(X)$.
# (The slide writes $\mathbf E_X\|Y - T(X)\|$; the cost of moving the grain is its own displacement
# $\|X - T(X)\|$, which is what we use.) Its optimal value is the **earth mover's distance**, $W_1$.
# Kantorovich's relaxation lets a grain split (a plan $\pi$ instead of a map), which is why a plan exists when no
# map does: from $\delta_0$ to $\tfrac12\delta_{-1}+\tfrac12\delta_1$ no map works, yet $W_1 = 1$.
# - Two samples of the **same size** $n$ with equal weights: a map is a permutation, Monge's problem is the
#   *assignment problem*, and by Birkhoff's theorem Kantorovich's linear program has a permutation as an optimal
#   vertex: both give the same value.
# - In **1-D** with a convex cost $|x - y|^q$ the *monotone* map (the $i$-th smallest to the $i$-th smallest) is
#   optimal: transport paths never cross.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** Monge moves each grain to one place; Kantorovich lets it split. On two samples of equal size they
#   agree (the LP has a permutation as an optimal vertex); in 1-D the optimal map is the sorted matching.
# - **Ask:** why can two crossing transport paths always be uncrossed without raising the cost in 1-D?
# - **Misconception:** "a transport map always exists". From one point to two points it does not; the plan does.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
rng = make_rng(4)
xm, ym = rng.normal(size=(30, 2)), rng.normal(loc=(2.0, 0.5), scale=0.7, size=(30, 2))
check_close("Monge = Kantorovich on 30 + 30 points: assignment value = transport LP value",
            dist.optimal_matching(xm, ym, p=1)[0], dist.w1_primal_lp(xm, ym)[0], tol=1e-9)
u1, v1 = rng.normal(size=8), rng.normal(loc=2.0, scale=0.5, size=8)
monotone = {q: np.mean(np.abs(np.sort(u1) - np.sort(v1)) ** q) ** (1 / q) for q in (1, 2)}
check_close("1-D: the monotone map is optimal for q = 1 and q = 2 (= the assignment optimum)",
            [monotone[1], monotone[2]], [dist.optimal_matching(u1, v1, p=q)[0] for q in (1, 2)], tol=1e-12)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(8, 2.8))
order_u, order_v = np.argsort(u1), np.argsort(v1)
for i, j in zip(order_u, order_v):
    _ = ax.annotate("", xy=(v1[j], 1), xytext=(u1[i], 0), arrowprops=dict(arrowstyle="->", color=COLORS["gray"]))
_ = ax.scatter(u1, np.zeros(8), color=COLORS["blue"], label="μ̂ (8 samples of N(0, 1))", zorder=3)
_ = ax.scatter(v1, np.ones(8), color=COLORS["red"], label="ν̂ (8 samples of N(2, 0.5²))", zorder=3)
_ = ax.set(xlabel="a (position on the line)", yticks=[0, 1], yticklabels=["μ̂", "ν̂"], ylim=(-0.3, 1.6),
           title=f"The monotone transport map T in 1-D: W₁ = {monotone[1]:.2f}")
_ = ax.legend(loc="upper left", fontsize="small", ncol=2)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Empirical measures converge slowly
#
# We only see $\hat\mu_n$, $n$ samples of $\mu^\natural$. The slide's theorem (sharp rates in
# Weed and Bach (2019)): in the worst case
# $W_1(\mu^\natural,\hat\mu_n)\gtrsim n^{-1/p}$ in dimension $p$. We measure $W_1$ between two independent
# $n$-samples of the uniform law on $[0,1]^p$ (it decays at the same rate) and fit the log-log slope.

# %% slideshow={"slide_type": "subslide"}
ns = np.array([50, 100, 200, 400, 800])
repeats = {1: 100, 2: 3, 10: 2}       # 1-D is a sort (cheap) and noisier; high dimensions concentrate
curves = {p: dist.empirical_w1_curve(p, ns, repeats=r, seed=0) for p, r in repeats.items()}
slopes = {p: dist.loglog_slope(ns, c) for p, c in curves.items()}
fig, ax = plt.subplots()
for (p, c), col in zip(curves.items(), [COLORS["blue"], COLORS["orange"], COLORS["red"]]):
    _ = ax.loglog(ns, c, "o-", color=col, label=f"p = {p}: slope {slopes[p]:.2f}")
    _ = ax.loglog(ns, c[0] * (ns / ns[0]) ** (-1 / max(p, 2)), ":", color=col)
_ = ax.set(xlabel="sample size n", ylabel="W₁(μ̂ₙ, μ̂'ₙ)", title="Empirical W₁ vs n (dotted: n^(−1/max(p,2)))")
_ = ax.legend()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
check("p = 1: W1 decays like n^(-1/2) (slope < -0.4)", slopes[1] < -0.4, slopes[1])
check("p = 10: W1 decays far slower (slope > -0.2, n^(-1/10) is -0.1)", slopes[10] > -0.2, slopes[10])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The plug-in estimator and its error
#
# We see only samples of both laws, so we compute the **plug-in estimate** $W(\hat\mu_n, \hat\nu_n)$. The triangle
# inequality (the slide's eq. 8 is one instance of it) bounds its error by the two empirical errors:
# $$|W(\hat\mu_n, \hat\nu_n) - W(\mu, \nu)| \le W(\mu, \hat\mu_n) + W(\nu, \hat\nu_n),$$
# so the estimate converges at least as fast as the empirical measures: $W_1(\mu, \hat\mu_n)$ decays like $n^{-1/2}$
# in 1-D, but only like $n^{-1/p}$ in dimension $p \ge 3$ in the worst case. Both sides are exact in 1-D: $\mu = \mathcal N(0, 1)$,
# $\nu = \mathcal N(1, 0.5^2)$ (a "generator" $h(\omega) = 1 + 0.5\,\omega$), $W_1(\mu, \nu) = \mathbf E|0.5\,Z - 1|$,
# and $W_1(\mu, \hat\mu_n)$ is a finite sum over the normal quantiles (`w1_to_normal_1d`). In 2-D we compare
# $W_2$ by optimal matching with the closed form of Gaussians, $W_2^2 = \|m\|^2 + 2(1 - 0.5)^2$.

# %% slideshow={"slide_type": "skip"}
rng = make_rng(6)
W_exact, n_plug = dist.w1_normals_1d(0.0, 1.0, 1.0, 0.5), np.array([10, 30, 100, 300, 1000, 3000])
err_1d, bound_1d, sandwich = [], [], True
for n in n_plug:
    e, bnd = [], []
    for _ in range(100):
        a_s, b_s = rng.normal(size=n), 1.0 + 0.5 * rng.normal(size=n)
        e.append(abs(dist.wasserstein_1d(a_s, b_s) - W_exact))
        bnd.append(dist.w1_to_normal_1d(a_s) + dist.w1_to_normal_1d(b_s, 1.0, 0.5))
        sandwich &= e[-1] <= bnd[-1] + 1e-12
    err_1d.append(np.mean(e)), bound_1d.append(np.mean(bnd))
W2_exact, n_plug2 = np.sqrt(1.0 + 2 * 0.5**2), np.array([25, 50, 100, 200, 400])
err_2d = [np.mean([abs(dist.wasserstein_p(rng.normal(size=(n, 2)), [1.0, 0.0] + 0.5 * rng.normal(size=(n, 2)))
                       - W2_exact) for _ in range(8)]) for n in n_plug2]
slope_plug = {"1-D": dist.loglog_slope(n_plug, err_1d), "2-D": dist.loglog_slope(n_plug2, err_2d)}

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(7.5, 4.2))
_ = ax.loglog(n_plug, err_1d, "o-", color=COLORS["blue"], label=f"1-D W₁ error (slope {slope_plug['1-D']:.2f})")
_ = ax.loglog(n_plug, bound_1d, "s--", color=COLORS["sky"], label="1-D bound W₁(μ, μ̂ₙ) + W₁(ν, ν̂ₙ)")
_ = ax.loglog(n_plug2, err_2d, "D-", color=COLORS["orange"], label=f"2-D W₂ error (slope {slope_plug['2-D']:.2f})")
_ = ax.loglog(n_plug, 0.8 * n_plug ** -0.5, ":", color=COLORS["gray"], label="n^(−1/2)")
_ = ax.set(xlabel="sample size n (of each law)", ylabel="mean |W(μ̂ₙ, ν̂ₙ) − W(μ, ν)|",
           title="Plug-in estimates converge to the exact distance")
_ = ax.legend(fontsize="small")
plt.show()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
check("1-D: every one of 600 plug-in errors is below W₁(μ, μ̂ₙ) + W₁(ν, ν̂ₙ)", sandwich)
check("1-D: the mean error decays like n^(−1/2) (fitted slope < −0.4)", slope_plug["1-D"] < -0.4, slope_plug["1-D"])
check("2-D: the mean error decays too (fitted slope < −0.15)", slope_plug["2-D"] < -0.15, slope_plug["2-D"])

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The Wasserstein projection problem
#
# The slide's problem (6) is $\min_{\nu\in\Delta} W_q(\mu, \nu)$: the member of a model family $\Delta$ closest to the
# data. A generative model takes $\Delta = \{h_{\mathbf x}\#p_\Omega\}$; the smallest example is
# $h_{m,s}(\omega) = m + s\,\omega$ with $\omega\sim\mathcal N(0,1)$, so $\Delta$ is the normal laws
# $\mathcal N(m, s^2)$. We project $\hat\mu_n$, 2,000 samples of the skewed χ²(1) law of section 1, with $q = 1$.
# In 1-D, $W_1(\hat\mu_n, \mathcal N(m, s^2)) = \int_0^1 |F_n^{-1}(t) - m - s\,\Phi^{-1}(t)|\,dt$ is convex in $(m, s)$
# (an integral of absolute values of affine functions), so a local solver finds the projection.
# It is not the normal with the sample's mean and standard deviation.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
chi2_sample = make_rng(7).standard_normal(2000) ** 2
objective = lambda ms: dist.w1_to_normal_1d(chi2_sample, ms[0], abs(ms[1]) + 1e-9)  # noqa: E731
proj = optimize.minimize(objective, x0=[1.0, 1.0], method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9})
moments = objective([chi2_sample.mean(), chi2_sample.std()])
grid_best = min(objective([m_, s_]) for m_ in np.linspace(0, 2, 21) for s_ in np.linspace(0.2, 2.2, 21))
report("projection (m, s) and its W₁; the moment-matched normal's W₁", (*proj.x, proj.fun, moments), digits=3)
check("the projection is closer than the moment-matched normal and than every point of a 21 × 21 grid",
      proj.fun < moments and proj.fun <= grid_best + 1e-9, [proj.fun, grid_best])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Kantorovich–Rubinstein duality, IPMs and neural-network distances
#
# (Villani (2009) for the duality; Arora et al. (2017) for neural-network distances.)
#
# $$W_1(\mu,\nu)=\sup_{\mathbf d\ \text{1-Lipschitz}}\ \mathbf E_{\mu}[\mathbf d]-\mathbf E_{\nu}[\mathbf d].$$
# The dual variable $\mathbf d$ is the **critic** (discriminator). On a finite support both sides are
# linear programs: the primal over transport plans, the dual over the values of $\mathbf d$ at the support
# points with $|\mathbf d(p)-\mathbf d(q)|\le\|p-q\|$. They agree.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
rng = make_rng(3)
xs, ys = rng.normal(size=(12, 2)), rng.normal(loc=1.5, size=(9, 2))
aw, bw = rng.dirichlet(np.ones(12)), rng.dirichlet(np.ones(9))
primal, plan = dist.w1_primal_lp(xs, ys, aw, bw)
dual = dist.kr_dual_lp(xs, ys, aw, bw)
check_close("KR duality: dual LP value = primal W1", dual.value, primal, tol=1e-7)

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots(figsize=(5.5, 5))
sc = ax.scatter(*dual.points.T, c=dual.d, s=400 * np.concatenate([aw, bw]) + 20, cmap="viridis",
                marker="o", edgecolors=[COLORS["blue"]] * 12 + [COLORS["red"]] * 9, linewidths=2)
_ = fig.colorbar(sc, ax=ax, label="optimal critic d(a)")
_ = ax.set(xlabel="a₁", ylabel="a₂", aspect="equal",
           title="Optimal 1-Lipschitz critic: high on μ (blue), low on ν (red)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# An **integral probability metric** takes the sup over a class $\mathcal F$:
# $\mathcal F(\mu,\nu)=\sup_{f\in\mathcal F}\mathbf E_\mu f-\mathbf E_\nu f$. $W_1$ is the IPM of all 1-Lipschitz
# functions, a class no finite parameter vector describes. A **neural-network distance** uses
# $h_{\mathbf X_1,\mathbf X_2}(\mathbf a)=\mathbf X_2^T\sigma(\mathbf X_1\mathbf a)$. Constraining its Lipschitz
# constant exactly is out of reach: computing the Lipschitz constant of a ReLU network is NP-hard, already with
# two layers (Virmaux and Scaman (2018)). So we constrain an upper bound. For a 1-Lipschitz $\sigma$ (ReLU):
# $$L_{\mathbf X_1,\mathbf X_2}\le\|\mathbf X_1\|_2\,\|\mathbf X_2\|_2 .$$
# We check the bound on random networks against the largest input-gradient norm we can find.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
gen = torch_generator(0)
ratios = []
for _ in range(20):
    X1, X2 = torch.randn(16, 2, generator=gen), torch.randn(16, generator=gen)
    net = nets.one_hidden_layer(X1, X2)
    found = nets.lipschitz_lower_estimate(net, 3 * torch.randn(4000, 2, generator=gen))
    ratios.append(found / (torch.linalg.matrix_norm(X1, ord=2) * X2.norm()).item())
check("Lipschitz bound on 20 random nets: max ‖∇h‖ / (‖X1‖‖X2‖) ≤ 1", max(ratios) <= 1.0, max(ratios))

# %% [markdown]
# With $\|\mathbf X_1\|_2\le1,\ \|\mathbf X_2\|_2\le1$ every $h$ is 1-Lipschitz, so the neural-network distance is
# **at most** $W_1$. We estimate it by projected gradient ascent on $(\mathbf X_1,\mathbf X_2)$: a WGAN critic in
# miniature.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
real8 = torch.tensor(make_target("8gaussians").sample_numpy(300, seed=1))
blob = 0.5 * torch.randn(300, 2, generator=torch_generator(2), dtype=torch.float64)
nn_dist = nets.neural_distance(real8, blob, hidden=32, steps=200, seed=0)
w1_exact = dist.wasserstein_p(real8.numpy(), blob.numpy(), p=1)
check("neural-network distance ≤ W1 (IPM over a smaller class)", nn_dist <= w1_exact, [nn_dist, w1_exact])

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The Dirac-GAN: the bilinear game inside every GAN
#
# (The example is due to Mescheder et al. (2018).)
#
# Data $\delta_0$, generator $\delta_\theta$, linear critic $d_\psi(a)=\psi a$. The WGAN objective is
# $\Phi(\theta,\psi)=\mathbf E d(\text{real})-\mathbf E d(\text{fake})=-\psi\theta$, so
# $V(\theta,\psi)=[\nabla_\theta\Phi,-\nabla_\psi\Phi]=[-\psi,\theta]$: a pure rotation, exactly
# $\min_x\max_y xy$ of lecture 07. We train it with the **same** `GameOptimizer` as a real GAN, which calls
# the step rules of `course_lib.minimax`.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** a generator that is a point and a linear critic give the bilinear game $\min_\theta\max_\psi
#   \psi\theta$: GDA spirals out by $(1 + \gamma^2)^{1/2}$ per step, EG and OGDA converge. Every GAN carries
#   this game near equilibrium.
# - **Ask:** what does this predict for a GAN trained with plain simultaneous gradient steps?
# - **Misconception:** "GAN training oscillates because the networks are too small". The oscillation is
#   already in the two-parameter game: it is the optimizer.

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
trajs = {m: dirac_trajectory(m, (1.0, 0.0), lr=0.2, steps=100) for m in ("gda", "eg", "ogda")}
radius = {m: float(np.linalg.norm(t[-1])) for m, t in trajs.items()}
check_close("GDA spirals out: ‖z_100‖ = (1 + γ²)^50", radius["gda"], 1.04 ** 50, tol=1e-9)
check("EG converges: ‖z_100‖ < 0.2", radius["eg"] < 0.2, radius["eg"])
check("OGDA converges: ‖z_100‖ < 0.2", radius["ogda"] < 0.2, radius["ogda"])

# %% slideshow={"slide_type": "subslide"}
fig = animate({m.upper(): t[:, None, :] for m, t in trajs.items()}, n_frames=50,
              title="Dirac-GAN: generator θ vs critic ψ (equilibrium at 0)",
              xlabel="generator parameter θ", ylabel="critic parameter ψ",
              markers=[{"x": [0], "y": [0], "name": "equilibrium"}])
fig.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. WGAN on 8 Gaussians: clipping, gradient penalty, spectral normalization
#
# The WGAN game of Arjovsky et al. (2017) (EE-556 Lecture 11, eq. 16): $\min_{\mathbf x}\max_{\mathbf y}\ \mathbf E_{\hat\mu_n}d_{\mathbf y}-\mathbf E_\omega d_{\mathbf y}(h_{\mathbf x}(\omega))$
# with $d_{\mathbf y}$ 1-Lipschitz. Three ways to (pseudo-)enforce the constraint:
# - **weight clipping** $\mathbf y\leftarrow\mathrm{clip}(\mathbf y,[-c,c])$ after every critic step;
# - **gradient penalty** (Gulrajani et al. (2017)) $+\lambda\,\mathbf E_{\hat{\mathbf a}}(\|\nabla_{\mathbf a}d_{\mathbf y}(\hat{\mathbf a})\|-1)^2$ on random
#   interpolates $\hat{\mathbf a}$ between real and fake samples;
# - **spectral normalization** (Miyato et al. (2018)): every weight matrix divided by its top singular value.
#
# Small MLPs (2 hidden layers of 64), Adam, alternating updates with `n_critic` critic steps per generator
# step. Quality: *modes covered* (≥ 1% of samples within 3σ of a centre) and the *high-quality fraction*
# (the share of samples within 3σ of some centre).
#
# After only 300 generator steps every generator is still blurry, and one run depends a lot on its seed: WGAN-GP
# usually covers all 8 modes sharply, but about one seed in eight collapses onto a single mode, and clipping or
# spectral normalization cover anything from none to nearly all modes. So we train each critic with two seeds
# and compare the means: WGAN-GP puts far more samples near the centres than the other two.

# %% slideshow={"slide_type": "skip"}
target = make_target("8gaussians", scale=2.0, std=0.05)
common = dict(method="adam", steps=300, batch_size=256, n_critic=5, lr_g=2e-3, lr_d=5e-3, seed=0, n_snapshots=16)
critics = {"clipping": dict(loss="wgan", clip=0.1), "gradient penalty": dict(loss="wgan_gp", gp_weight=10.0),
           "spectral norm": dict(loss="wgan", spectral=True)}
seeds = {name: [train_gan(target, **kw, **{**common, "seed": s}) for s in (0, 1)]
         for name, kw in critics.items()}
runs = {name: pair[0] for name, pair in seeds.items()}          # the seed-0 runs, drawn below

# %% slideshow={"slide_type": "skip"}
quality = {name: [mode_stats(run.sample(2000), target) for run in pair] for name, pair in seeds.items()}
for name, qs in quality.items():
    print(f"{name:>17}: modes {[q.modes_covered for q in qs]} of 8, "
          f"high-quality fraction {[round(q.high_quality, 2) for q in qs]} (seeds 0, 1)")
modes = {name: np.mean([q.modes_covered for q in qs]) for name, qs in quality.items()}
hq = {name: np.mean([q.high_quality for q in qs]) for name, qs in quality.items()}

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
check("WGAN-GP covers at least half of the 8 modes in 300 generator steps (mean over 2 seeds)",
      modes["gradient penalty"] >= 4, modes["gradient penalty"])
check("WGAN-GP has the largest high-quality fraction of the three (clipping, GP, spectral norm; mean of 2 "
      "seeds)",
      hq["gradient penalty"] > max(hq["clipping"], hq["spectral norm"]), list(hq.values()), digits=2)

# %% slideshow={"slide_type": "subslide"}
fig = animate({name: run.snapshots for name, run in runs.items()}, trail=False,
              title="Generator samples during training", xlabel="a₁", ylabel="a₂", xlim=(-3, 3), ylim=(-3, 3),
              markers=[{"x": target.centers[:, 0], "y": target.centers[:, 1], "name": "modes", "size": 10}])
fig.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. The vanilla GAN and mode collapse
#
# The game of Goodfellow et al. (2014) (EE-556 Lecture 11, eq. 19) with $d_{\mathbf y}=\sigma(\text{logit})$:
# $\min_{\mathbf x}\max_{\mathbf y}\ \mathbf E\log d_{\mathbf y}(\mathbf a)+\mathbf E\log(1-d_{\mathbf y}(h_{\mathbf x}(\omega)))$;
# at the optimal critic the generator minimises the Jensen–Shannon divergence (the game's value is
# $2\,\mathrm{JSD}(\mu\|\nu) - \log 4$, with $\mu = \hat\mu_n$ and $\nu = h_{\mathbf x}\#p_\Omega$).
#
# **Note (correction of a slide).** The slide writes $\mathrm{JSD}(\mu\|\nu) = \tfrac12 D(\mu\|\nu) + \tfrac12 D(\nu\|\mu)$:
# that is the symmetrised Kullback–Leibler divergence, which is infinite for distributions with disjoint supports.
# The Jensen–Shannon divergence compares each distribution with their **mixture** $m = \tfrac12(\mu + \nu)$:
# $$\mathrm{JSD}(\mu\|\nu) = \tfrac12 D(\mu\|m) + \tfrac12 D(\nu\|m),\qquad 0 \le \mathrm{JSD} \le \log 2 .$$
# We use this definition. JSD is constant
# ($\log 2$) between distributions with disjoint supports, so its gradient says little about *where* the
# missing modes are. We use the usual non-saturating generator loss
# $-\mathbf E\log d_{\mathbf y}(h_{\mathbf x}(\omega))$
# (same fixed points, stronger gradients early on) and let the generator move faster than the
# discriminator (Adam, $\gamma_G=3\gamma_D$, simultaneous steps, 1000 steps). Then the generator puts all its
# mass wherever the discriminator currently says "real"; the discriminator learns that this mode is fake,
# and the generator **hops** to another one (Metz et al. (2017), Fig. 1). That is **mode collapse**.
#
# We count two things per snapshot: the modes *covered* (as in section 5), and the modes that are the
# nearest centre of at least 5% of the samples (no quality radius: where the mass is), plus which mode
# holds the most samples and its share of them (1/8 for the target).
#
# How far the collapse goes depends on the seed: for most seeds the mass sits on one or two modes at a
# time, for some it spreads over four or five modes late in training; but even then a single mode holds
# close to half of the samples, far above the target's 1/8. The claims below state what holds for every seed.

# %% [markdown] slideshow={"slide_type": "notes"}
# - **Say:** on 8 Gaussians the vanilla GAN puts its mass on a few modes and hops from one to another during
#   training; the Lipschitz critics of WGAN cover more modes.
# - **Ask:** why does the generator hop instead of spreading over all modes?
# - **Misconception:** "mode collapse is a local minimum". It is a cycle of the game: the critic chases the
#   generator's current modes.

# %% slideshow={"slide_type": "subslide"}
vanilla = train_gan(target, loss="nonsaturating", method="adam", steps=1000, batch_size=128,
                    lr_g=3e-3, lr_d=1e-3, seed=0, n_snapshots=11)


def near_modes(s: np.ndarray):
    """Modes that are the nearest centre of ≥ 5% of the samples (any sample within 5 units of a centre)."""
    return mode_stats(s, target, k=100.0, min_fraction=0.05)


pair = {"vanilla GAN": vanilla, "WGAN-GP": runs["gradient penalty"]}
near = {name: [near_modes(s) for s in run.snapshots[1:]] for name, run in pair.items()}  # skip the init
covered = [mode_stats(s, target).modes_covered for s in vanilla.snapshots[1:]]
dominant = [int(q.counts.argmax()) for q in near["vanilla GAN"]]
top_share = np.array([q.counts.max() / q.counts.sum() for q in near["vanilla GAN"]])
print("vanilla GAN, modes covered:       ", covered)
print("vanilla GAN, modes with ≥ 5% mass:", [q.modes_covered for q in near["vanilla GAN"]])
print("vanilla GAN, most-populated mode: ", dominant)
print("vanilla GAN, its share of samples:", np.round(top_share, 2).tolist())

# %%
fig, axes = plt.subplots(2, 5, figsize=(13, 5.6), sharex=True, sharey=True)
for ax, s, step, mode in zip(axes.flat, vanilla.snapshots[1:], vanilla.snapshot_steps[1:], dominant):
    _ = ax.scatter(*s.T, s=3, alpha=0.4, color=COLORS["red"])
    _ = ax.scatter(*target.centers.T, s=30, marker="x", color=COLORS["black"])
    _ = ax.set(title=f"step {step}: mode {mode}", xlim=(-3, 3), ylim=(-3, 3), aspect="equal")
for ax in axes[1]:
    _ = ax.set(xlabel="a₁")
for ax in axes[:, 0]:
    _ = ax.set(ylabel="a₂")
_ = fig.suptitle("Vanilla GAN: the samples bunch up near a few modes and hop (×: the 8 modes; "
                 "title: the mode with the most samples)")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
for (name, run), col in zip(pair.items(), [COLORS["red"], COLORS["blue"]]):
    frac = run.snapshot_steps[1:] / run.snapshot_steps[-1]
    _ = ax.plot(frac, [q.modes_covered for q in near[name]], "o-", color=col, label=name)
_ = ax.set(xlabel="fraction of training", ylabel="modes with ≥ 5% of the samples (of 8)",
           title="Where the generator's mass is during training", ylim=(0, 8.5))
_ = ax.legend()

# %% slideshow={"slide_type": "fragment"}
# NBVAL_CHECK_OUTPUT
check("vanilla GAN: its most-populated mode holds ≥ 0.3 of the samples on average over the snapshots "
      "(target: 1/8)", top_share.mean() >= 0.3, top_share.mean())
check("vanilla GAN covers ≤ 3 modes at every snapshot (max)", max(covered) <= 3, max(covered))
check("it hops: its most-populated mode changes, ≥ 3 different modes over training",
      len(set(dominant)) >= 3, len(set(dominant)))
check("WGAN-GP at the end: mass on ≥ 7 modes", near["WGAN-GP"][-1].modes_covered >= 7,
      near["WGAN-GP"][-1].modes_covered)

# %% slideshow={"slide_type": "subslide"}
fig = animate({"vanilla GAN": vanilla.snapshots}, trail=False, title="Vanilla GAN samples during training",
              xlabel="a₁", ylabel="a₂", xlim=(-3, 3), ylim=(-3, 3),
              markers=[{"x": target.centers[:, 0], "y": target.centers[:, 1], "name": "modes", "size": 10}])
fig.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. The optimizer matters: Adam vs extragradient vs SEG+
#
# The non-zero-sum talk ("GANs with SEG+") compares GAN training by Adam, stochastic extragradient and SEG+. With
# $z=(\mathbf x,\mathbf y)$ and $V(z)=[\nabla_{\mathbf x}L_G,\nabla_{\mathbf y}L_D]$, each method is one line:
# - EG (Korpelevich (1976)): $\bar z=z-\gamma V(z,\xi)$, $z^+=z-\gamma V(\bar z,\bar\xi)$;
# - SEG+: $\bar z=z-\gamma V(z,\xi)$, $z^+=z-\alpha_k\gamma V(\bar z,\bar\xi)$ with $\alpha_k\downarrow0$
#   (Pethick et al. (2023c)): the extrapolation step stays large, the update step shrinks the noise.
#
# Extragradient methods use two gradient evaluations per step, so we compare them at the **same number
# of gradient evaluations**. The game: WGAN loss with a spectrally normalized critic (Lipschitz by
# construction, no penalty); Adam is the alternating run of section 5 (5 critic steps per generator step),
# EG and SEG+ take plain simultaneous steps $\gamma=0.2$ on both players through `GameOptimizer`.

# %% slideshow={"slide_type": "skip"}
budget = 1200                                   # gradient evaluations for every method
game = dict(loss="wgan", spectral=True, batch_size=256, seed=0, n_snapshots=16)
opt_runs = {
    "Adam": runs["spectral norm"],
    "EG": train_gan(target, method="eg", steps=budget // 2, lr_g=0.2, lr_d=0.2, **game),
    "SEG+": train_gan(target, method="seg_plus", steps=budget // 2, lr_g=0.2, lr_d=0.2,
                      seg_alpha0=1.0, seg_k0=100.0, **game),
}

# %% slideshow={"slide_type": "skip"}
n_vis = opt_runs["EG"].snapshots.shape[1]
floor = w2_floor(target, n_vis)
print(f"after {budget} gradient evaluations (W2 floor, target vs itself: {floor:.2f})")
for name, run in opt_runs.items():
    s = run.snapshot_at(budget)
    q = mode_stats(s, target)
    print(f"{name:>5}: modes {q.modes_covered}/8, high-quality {q.high_quality:.2f}, W2 {w2_to_target(s, target):.2f}")

# %% slideshow={"slide_type": "subslide"}
fig, ax = plt.subplots()
for (name, run), col, style in zip(opt_runs.items(), [color("adam"), color("eg"), color("seg+")],
                                   ["o-", "D--", "s:"]):  # the markers and line styles of the animations
    keep = run.snapshot_evals <= budget
    w2s = [w2_to_target(s, target) for s in run.snapshots[keep]]
    _ = ax.plot(run.snapshot_evals[keep], w2s, style, color=col, label=name, ms=5)
_ = ax.axhline(floor, color=COLORS["gray"], ls=":", label="floor (target vs itself)")
_ = ax.set(xlabel="gradient evaluations", ylabel="W₂(generated, target)", title="Same budget, three game optimizers")
_ = ax.legend()

# %% slideshow={"slide_type": "subslide"}
grid = np.arange(0, budget + 1, 240)            # the same costs for every method
fig = animate({name: np.stack([run.snapshot_at(e) for e in grid]) for name, run in opt_runs.items()}, trail=False,
              title="Generator samples: Adam vs EG vs SEG+", xlabel="a₁", ylabel="a₂", xlim=(-3, 3), ylim=(-3, 3),
              markers=[{"x": target.centers[:, 0], "y": target.centers[:, 1], "name": "modes", "size": 10}])
fig.show()

# %% [markdown]
# Ready to practise? The [exercises of this lecture](exercises/06_gans_and_wasserstein.ipynb) have you compute $W_1$
# by sorting and the JSD with the mixture, write a critic that attains $W_1$ and the WGAN-GP penalty, and predict
# the Dirac-GAN under GDA, with a checker that says what is wrong.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Take-aways (what to remember)
#
# - A GAN is the KR dual of a Wasserstein projection: the critic is the dual variable, and what we can
#   compute (a Lipschitz-constrained network) is a *neural-network distance*, weaker than $W_1$.
# - The Lipschitz constraint is enforced only approximately. With our small budget the gradient penalty
#   puts the most samples near the modes and usually covers all of them, clipping (c = 0.1) and spectral
#   normalization stay blurry; how many modes each covers changes from seed to seed (rerun with other seeds
#   and budgets to see how fragile these comparisons are): GAN training is a game, not a minimisation.
# - Mode collapse is a game effect too: a vanilla GAN whose generator outruns its discriminator keeps its
#   mass on a few modes (one of them holds about half of the samples or more, the target gives each 1/8)
#   and hops between them, while WGAN-GP spreads over all eight.
# - Even the Dirac-GAN rotates: simultaneous GDA spirals out, EG and OGDA converge (lecture 07).
# - Next: lecture 07 studies these dynamics on $\min_x\max_y xy$ and beyond; the GPU lab trains a WGAN on
#   CIFAR-10 with the same losses and `GameOptimizer`.

# %% [markdown] slideshow={"slide_type": "skip"}
# ## References
#
# <!-- references: arjovsky2017wgan arora2017generalization cevher2022ee556 cevher2024nonzero_talk
# goodfellow2014gan gulrajani2017wgangp korpelevich1976extragradient mescheder2018convergence
# metz2017unrolled miyato2018sn pethick2023stochastic villani2009optimal virmaux2018lipschitz weed2019sharp
# -->
#
# - **Arjovsky et al. (2017)**. Martin Arjovsky, Soumith Chintala, Léon Bottou. *Wasserstein generative
#   adversarial networks*. International Conference on Machine Learning (ICML), pp. 214–223, 2017.
#   [arXiv:1701.07875](https://arxiv.org/abs/1701.07875)
# - **Arora et al. (2017)**. Sanjeev Arora, Rong Ge, Yingyu Liang, Tengyu Ma, Yi Zhang. *Generalization and
#   equilibrium in generative adversarial nets (GANs)*. International Conference on Machine Learning (ICML),
#   2017. [arXiv:1703.00573](https://arxiv.org/abs/1703.00573)
# - **Cevher, Adversarial training should be cast as a non-zero sum game (LIONS talk, 2024)**. Volkan
#   Cevher. *Adversarial training should be cast as a non-zero sum game*. Invited talk (slides), Laboratory
#   for Information and Inference Systems (LIONS), EPFL, 2024. [lions.epfl.ch](https://lions.epfl.ch)
# - **EE-556 Mathematics of Data, Lecture 11 (Cevher, EPFL, 2022)**. Volkan Cevher. *Mathematics of Data:
#   From Theory to Computation, Lecture 11: Adversarial machine learning and generative adversarial
#   networks*. EE-556 course slides, EPFL, 2022. Fall 2022. [lions.epfl.ch](https://lions.epfl.ch)
# - **Goodfellow et al. (2014)**. Ian J. Goodfellow, Jean Pouget-Abadie, Mehdi Mirza, Bing Xu, David
#   Warde-Farley, Sherjil Ozair, Aaron Courville, Yoshua Bengio. *Generative adversarial nets*. Advances in
#   Neural Information Processing Systems (NeurIPS), 2014.
#   [arXiv:1406.2661](https://arxiv.org/abs/1406.2661)
# - **Gulrajani et al. (2017)**. Ishaan Gulrajani, Faruk Ahmed, Martin Arjovsky, Vincent Dumoulin, Aaron C.
#   Courville. *Improved training of Wasserstein GANs*. Advances in Neural Information Processing Systems
#   (NeurIPS), 2017. [arXiv:1704.00028](https://arxiv.org/abs/1704.00028)
# - **Korpelevich (1976)**. Galina M. Korpelevich. *The extragradient method for finding saddle points and
#   other problems*. Matecon 12, pp. 747–756, 1976.
#   [scholar.google.com](https://scholar.google.com/scholar?q=%22The+extragradient+method+for+finding+saddle+points+and+other+problems%22)
# - **Mescheder et al. (2018)**. Lars Mescheder, Andreas Geiger, Sebastian Nowozin. *Which training methods
#   for GANs do actually converge?*. International Conference on Machine Learning (ICML), 2018.
#   [arXiv:1801.04406](https://arxiv.org/abs/1801.04406)
# - **Metz et al. (2017)**. Luke Metz, Ben Poole, David Pfau, Jascha Sohl-Dickstein. *Unrolled generative
#   adversarial networks*. International Conference on Learning Representations (ICLR), 2017.
#   [arXiv:1611.02163](https://arxiv.org/abs/1611.02163)
# - **Miyato et al. (2018)**. Takeru Miyato, Toshiki Kataoka, Masanori Koyama, Yuichi Yoshida. *Spectral
#   normalization for generative adversarial networks*. International Conference on Learning Representations
#   (ICLR), 2018. [arXiv:1802.05957](https://arxiv.org/abs/1802.05957)
# - **Pethick et al. (2023c)**. Thomas Pethick, Olivier Fercoq, Puya Latafat, Panagiotis Patrinos, Volkan
#   Cevher. *Solving stochastic weak Minty variational inequalities without increasing batch size*.
#   International Conference on Learning Representations (ICLR), 2023.
#   [openreview.net/forum?id=ejR4E1jaH9k](https://openreview.net/forum?id=ejR4E1jaH9k)
# - **Villani (2009)**. Cédric Villani. *Optimal Transport: Old and New*. Springer, 2009.
#   [doi:10.1007/978-3-540-71050-9](https://doi.org/10.1007/978-3-540-71050-9)
# - **Virmaux and Scaman (2018)**. Aladin Virmaux, Kevin Scaman. *Lipschitz regularity of deep neural
#   networks: analysis and efficient estimation*. Advances in Neural Information Processing Systems
#   (NeurIPS) 31, 2018. [arXiv:1805.10965](https://arxiv.org/abs/1805.10965)
# - **Weed and Bach (2019)**. Jonathan Weed, Francis Bach. *Sharp asymptotic and finite-sample rates of
#   convergence of empirical measures in Wasserstein distance*. Bernoulli 25(4A), pp. 2620–2648, 2019.
#   [arXiv:1707.00087](https://arxiv.org/abs/1707.00087)
