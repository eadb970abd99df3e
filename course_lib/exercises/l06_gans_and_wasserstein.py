"""Checkers for the exercises of lecture 06 (``lectures/exercises/06_gans_and_wasserstein.ipynb``).

W₁ between two 1-D samples by sorting (against :func:`course_lib.gans.wasserstein_1d`), the Jensen–Shannon
divergence with the mixture (against ``scipy.spatial.distance.jensenshannon``) and its value log 2 on
disjoint supports, a 1-Lipschitz critic that attains W₁ (Kantorovich–Rubinstein duality), the WGAN-GP
penalty (against :func:`course_lib.gans.gradient_penalty`, including its gradient w.r.t. the critic), and
the Dirac-GAN's GDA radius (EE-556 Lecture 11 (Cevher, 2022); Villani (2009); Gulrajani et al. (2017);
Mescheder et al. (2018)).
"""

from __future__ import annotations

import numpy as np
from scipy.spatial.distance import jensenshannon

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.gans import wasserstein_1d
from course_lib.seeding import make_rng

CRITIC_SHIFT = 2.0
"""μ = N(0, 1) and ν = N(CRITIC_SHIFT, 1) in the critic exercise: W₁(μ, ν) = CRITIC_SHIFT."""

DIRAC = {"lr": 0.2, "steps": 50}
"""The Dirac-GAN prediction: GDA from (θ, ψ) = (1, 0) with this learning rate and number of steps."""


def _returned_number(value: object, name: str) -> float:
    if value is None:
        raise Wrong(f"{name} returned None", "did you forget to return the value?")
    if np.ndim(value) != 0 and np.size(value) != 1:
        raise Wrong(f"{name} returned an array of shape {np.shape(value)}, expected one number",
                    "reduce to a single number (a mean or a sum)")
    return expect_number(value, f"{name}(...)")


@exercise("W₁ between two 1-D samples by sorting")
def check_w1_sorted(w1_sorted) -> None:
    """``w1_sorted(u, v)`` for two samples of the same size n: (1/n) Σ |u_(i) − v_(i)| (sorted)."""
    w1_sorted = expect_function(w1_sorted, ["u", "v"], "w1_sorted")
    rng = make_rng(600)
    pairs = [(rng.normal(size=40), rng.exponential(size=40)),
             (rng.normal(size=25), 0.5 + 2 * rng.normal(size=25)),
             (rng.uniform(-1, 1, size=60), rng.normal(size=60) ** 2)]
    for u, v in pairs:
        u_in, v_in = u.copy(), v.copy()
        value = _returned_number(call(w1_sorted, u_in, v_in, name="w1_sorted"), "w1_sorted")
        if not (np.array_equal(u_in, u) and np.array_equal(v_in, v)):
            raise Wrong("w1_sorted changed its input samples in place (u.sort() sorts the caller's array)",
                        "use np.sort(u), which returns a sorted copy")
        right = wasserstein_1d(u, v)
        if abs(value - right) <= 1e-9 * max(1.0, right):
            continue
        su, sv = np.sort(u), np.sort(v)
        where = f"your W₁ = {value:.4g}, expected {right:.4g} for n = {len(u)}"
        candidates = [
            (np.mean(np.abs(u - v)), "that is the mean |u_i − v_i| of the unsorted samples",
             "the optimal plan matches quantiles: sort both samples first"),
            (np.mean(np.abs(su - v)), "you sorted u only", "sort both samples"),
            (np.mean(np.abs(u - sv)), "you sorted v only", "sort both samples"),
            (abs(np.mean(su - sv)), "that is |mean(u) − mean(v)|: the absolute value is outside the mean",
             "average |u_(i) − v_(i)|, the absolute value of each difference"),
            (np.mean(su - sv), "that is mean(u) − mean(v): the absolute value is missing",
             "average |u_(i) − v_(i)|"),
            (np.sqrt(np.mean((su - sv) ** 2)), "that is W₂, the root of the mean squared difference",
             "W₁ averages |u_(i) − v_(i)| (power 1)"),
            (np.mean((su - sv) ** 2), "that is W₂², the mean squared difference",
             "W₁ averages |u_(i) − v_(i)|"),
            (np.sum(np.abs(su - sv)) / (len(u) - 1), "you divided by n − 1",
             "each of the n points carries mass 1/n: take the mean"),
            (np.sum(np.abs(su - sv)), "that is the sum, n times W₁",
             "each point carries mass 1/n: take the mean"),
            (np.mean(np.abs(su - sv[::-1])), "you matched u's smallest with v's largest",
             "sort both in the same (increasing) order"),
        ]
        for candidate, message, hint in candidates:
            if abs(value - candidate) <= 1e-9 * max(1.0, abs(candidate)):
                raise Wrong(f"{where}: {message}", hint)
        raise Wrong(where, "W₁ = (1/n) Σ |u_(i) − v_(i)| with both samples sorted")


def _kl(p: np.ndarray, q: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.sum(np.where(p > 0, p * np.log(p / q), 0.0)))


@exercise("the Jensen–Shannon divergence with the mixture")
def check_jsd(jsd) -> None:
    """``jsd(p, q)`` = ½KL(p‖m) + ½KL(q‖m), m = ½(p + q), natural log, 0·log 0 = 0."""
    jsd = expect_function(jsd, ["p", "q"], "jsd")
    rng = make_rng(601)
    positive = [(rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(5))) for _ in range(3)]
    with_zeros = [(np.array([0.5, 0.5, 0.0, 0.0]), np.array([0.0, 0.25, 0.25, 0.5])),
                  (np.array([0.2, 0.8, 0.0]), np.array([0.0, 0.0, 1.0]))]
    for p, q in positive + with_zeros:
        p_in, q_in = p.copy(), q.copy()
        with np.errstate(all="ignore"):
            raw = call(jsd, p_in, q_in, name="jsd")
        if not (np.array_equal(p_in, p) and np.array_equal(q_in, q)):
            raise Wrong("jsd changed its input p or q in place", "compute the mixture as a new array")
        if raw is None:
            raise Wrong("jsd returned None", "did you forget to return the value?")
        zeros = bool((p == 0).any() or (q == 0).any())
        try:
            value = float(np.asarray(raw, dtype=float).reshape(-1)[0]) if np.size(raw) == 1 else None
        except (TypeError, ValueError):
            raise Wrong(f"jsd returned {type(raw).__name__} {raw!r:.40}, expected a number",
                        "return the divergence as a float") from None
        if value is None:
            raise Wrong(f"jsd returned an array of shape {np.shape(raw)}, expected one number",
                        "sum the terms over the support")
        if not np.isfinite(value):
            if zeros:
                raise Wrong(f"your JSD is {value} for p = {p.tolist()}, q = {q.tolist()}"
                            " (some zero probabilities)",
                            "0·log 0 = 0: skip the terms where p (or q) is 0, e.g. with np.where or "
                            "scipy.special.rel_entr; compare with the mixture m, never with the other law")
            raise Wrong(f"your JSD is {value}", "look for a division by zero or a log of 0")
        right = float(jensenshannon(p, q)) ** 2
        if abs(value - right) <= 1e-9:
            continue
        m = (p + q) / 2
        where = f"for p = {np.round(p, 3).tolist()}, q = {np.round(q, 3).tolist()} your JSD = {value:.4g}"
        if not zeros:
            candidates = [
                ((_kl(p, q) + _kl(q, p)) / 2, "that is the symmetrised KL ½KL(p‖q) + ½KL(q‖p)",
                 "the JSD compares each law with the mixture m = ½(p + q) (the slide's formula is a typo)"),
                (_kl(p, q) + _kl(q, p), "that is KL(p‖q) + KL(q‖p)", "compare each law with the mixture m"),
                (_kl(p, m) + _kl(q, m), "that is twice the JSD", "JSD = ½KL(p‖m) + ½KL(q‖m)"),
                (right / np.log(2), "that is the JSD in bits (log base 2)",
                 "the course uses the natural log"),
                (_kl(p, m), "that is KL(p‖m) only", "average the two divergences to the mixture"),
                (float(jensenshannon(p, q)), "that is the Jensen–Shannon *distance* √JSD",
                 "the divergence is its square: ½KL(p‖m) + ½KL(q‖m)"),
            ]
            for candidate, message, hint in candidates:
                if abs(value - candidate) <= 1e-9:
                    raise Wrong(f"{where}: {message}", hint)
        raise Wrong(f"{where}, expected {right:.4g}",
                    "JSD = ½KL(p‖m) + ½KL(q‖m) with m = ½(p + q), natural log")


@exercise("the JSD between disjoint supports")
def check_jsd_disjoint(prediction) -> None:
    """JSD(δ₀‖δ_θ) for θ ≠ 0: log 2 (the gradient in θ vanishes)."""
    if isinstance(prediction, (float, int)) and np.isinf(prediction):
        raise Wrong("prediction = inf: that is the symmetrised KL between disjoint supports",
                    "the JSD compares each law with the mixture m = ½(δ₀ + δ_θ), which covers both points")
    value = expect_number(prediction, "prediction")
    if abs(value - 1.0) < 0.01:
        raise Wrong(f"prediction = {value:g}: that is log₂ 2, the JSD in bits",
                    "the course uses the natural log")
    if abs(value) < 0.01:
        raise Wrong(f"prediction = {value:g}: the JSD is 0 only when the two laws are equal",
                    "each law puts its mass where the mixture has half of it")
    compare_number(value, np.log(2), atol=0.005, what="prediction")


@exercise("a 1-Lipschitz critic that attains W₁")
def check_critic(critic) -> None:
    """``critic(a)`` (vectorised over a 1-D array) must be 1-Lipschitz and reach E_μ d − E_ν d ≈ W₁(μ, ν)
    for μ = N(0, 1) and ν = N(CRITIC_SHIFT, 1)."""
    critic = expect_function(critic, ["a"], "critic")
    grid = np.linspace(-6.0, 6.0 + CRITIC_SHIFT, 2001)
    values = expect_array(call(critic, grid.copy(), name="critic"), grid.shape, "critic(a)")
    slope = float(np.max(np.abs(np.diff(values) / np.diff(grid))))
    if slope > 1 + 1e-6:
        raise Wrong(f"your critic has slope up to {slope:.3g} > 1: it is not 1-Lipschitz",
                    "the KR dual takes the sup over 1-Lipschitz critics only: |d(a) − d(b)| ≤ |a − b|")
    rng = make_rng(602)
    mu, nu = rng.normal(size=4000), CRITIC_SHIFT + rng.normal(size=4000)
    gap = float(np.mean(call(critic, mu, name="critic")) - np.mean(call(critic, nu, name="critic")))
    w1 = wasserstein_1d(mu, nu)
    if gap < 0:
        raise Wrong(f"E_μ d − E_ν d = {gap:.3g} < 0: your critic scores ν above μ", "flip its sign")
    if gap < w1 - 0.05:
        raise Wrong(f"your critic reaches E_μ d − E_ν d = {gap:.3g}, below W₁ ≈ {w1:.3g}",
                    "ν is μ shifted to the right: which 1-Lipschitz function is as high as possible on μ "
                    "and as low as possible on ν?")


@exercise("the WGAN-GP gradient penalty")
def check_gradient_penalty(gradient_penalty) -> None:
    """``gradient_penalty(critic, real, fake, t)`` = mean over the batch of (‖∇_â d(â)‖₂ − 1)² with
    â = t·real + (1 − t)·fake, differentiable w.r.t. the critic's parameters."""
    import torch

    from course_lib.gans import gradient_penalty as reference

    gradient_penalty = expect_function(gradient_penalty, ["critic", "real", "fake", "t"], "gradient_penalty")
    gen = torch.Generator().manual_seed(int(make_rng(603).integers(2**31)))
    for scale in (0.4, 2.0):   # gradient norms mostly below 1, then mostly above 1
        critic = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1)).double()
        with torch.no_grad():
            for p in critic.parameters():
                p.copy_(scale * torch.randn(p.shape, generator=gen, dtype=torch.float64))
        real = torch.randn(12, 2, generator=gen, dtype=torch.float64)
        fake = torch.randn(12, 2, generator=gen, dtype=torch.float64) + 1.0
        t = torch.rand(12, generator=gen, dtype=torch.float64)
        inputs = [x.clone() for x in (real, fake, t)]
        out = call(gradient_penalty, critic, real, fake, t, name="gradient_penalty")
        if not all(torch.equal(x, y) for x, y in zip(inputs, (real, fake, t), strict=True)):
            raise Wrong("gradient_penalty changed real, fake or t in place", "build â as a new tensor")
        if out is None:
            raise Wrong("gradient_penalty returned None", "did you forget to return the penalty?")
        if not isinstance(out, torch.Tensor) or out.numel() != 1:
            raise Wrong(f"gradient_penalty returned {type(out).__name__} of shape {tuple(np.shape(out))}, "
                        "expected a scalar tensor", "average the per-sample penalties: (…).mean()")
        right = reference(critic, real, fake, t)
        value, expected = float(out.detach()), float(right.detach())
        if abs(value - expected) > 1e-8 * max(1.0, abs(expected)):
            _diagnose_penalty(critic, real, fake, t, value, expected)
        if not out.requires_grad:
            raise Wrong("your penalty cannot be differentiated w.r.t. the critic's parameters",
                        "torch.autograd.grad(..., create_graph=True) keeps the graph for the critic's update")
        params = list(critic.parameters())
        mine = torch.autograd.grad(out, params, allow_unused=True)
        ref = torch.autograd.grad(right, params, allow_unused=True)
        for g, r, p in zip(mine, ref, params, strict=True):
            g = torch.zeros_like(p) if g is None else g
            r = torch.zeros_like(p) if r is None else r
            if not torch.allclose(g, r, rtol=1e-6, atol=1e-9):
                raise Wrong("the value is right but its gradient w.r.t. the critic's parameters is not",
                            "differentiate through ∇_â d(â) (create_graph=True) and do not detach it")


def _diagnose_penalty(critic, real, fake, t, value: float, right: float) -> None:
    import torch

    def norms(a_hat: torch.Tensor) -> torch.Tensor:
        a_hat = a_hat.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(critic(a_hat).sum(), a_hat)
        return g.norm(dim=1)

    tt = t[:, None]
    n_mix, n_swap = norms(tt * real + (1 - tt) * fake), norms(tt * fake + (1 - tt) * real)
    candidates = [
        (((n_swap - 1) ** 2).mean(), "your interpolates are t·fake + (1 − t)·real",
         "â = t·real + (1 − t)·fake, as given"),
        (((norms(real) - 1) ** 2).mean(), "your penalty is evaluated at the real samples only",
         "evaluate ∇d at the interpolates â between real and fake"),
        (((norms(fake) - 1) ** 2).mean(), "your penalty is evaluated at the fake samples only",
         "evaluate ∇d at the interpolates â between real and fake"),
        (((n_mix**2 - 1) ** 2).mean(), "you used the squared norm ‖∇d‖² inside the penalty",
         "(‖∇d(â)‖₂ − 1)²: the norm itself, not its square"),
        ((torch.relu(n_mix - 1) ** 2).mean(), "your penalty is one-sided (only norms above 1 are penalised)",
         "the two-sided penalty (‖∇d‖ − 1)² also pushes norms below 1 up"),
        (((n_mix - 1) ** 2).sum(), "your penalty is a sum over the batch", "average over the batch: .mean()"),
        ((n_mix**2).mean(), "your penalty is ‖∇d‖² without the − 1", "(‖∇d(â)‖₂ − 1)²"),
        ((n_mix - 1).abs().mean(), "your penalty is |‖∇d‖ − 1|, not squared", "(‖∇d(â)‖₂ − 1)²"),
    ]
    for candidate, message, hint in candidates:
        if abs(value - float(candidate)) <= 1e-8 * max(1.0, abs(float(candidate))):
            raise Wrong(f"{message} (penalty {value:.4g}, expected {right:.4g})", hint)
    raise Wrong(f"your penalty is {value:.4g}, expected {right:.4g}",
                "mean over the batch of (‖∇_â d(â)‖₂ − 1)², the norm per sample over the input dimensions")


@exercise("the Dirac-GAN under GDA")
def check_dirac_gda(prediction) -> None:
    """‖z_K‖ after K GDA steps on V(θ, ψ) = (−ψ, θ) from (1, 0): (1 + γ²)^{K/2}."""
    value = expect_number(prediction, "prediction")
    g, k = DIRAC["lr"], DIRAC["steps"]
    right = (1 + g * g) ** (k / 2)
    if value < 1:
        raise Wrong(f"prediction = {value:g} < 1: GDA does not converge on the Dirac-GAN",
                    "V(z) is orthogonal to z, so ‖z − γV(z)‖² = ‖z‖² + γ²‖V(z)‖²")
    if abs(value - 1) < 1e-3:
        raise Wrong("prediction = 1: the radius is not preserved",
                    "‖z − γV(z)‖² = (1 + γ²)‖z‖² on a rotation")
    if abs(value - (1 + g * g) ** k) < 0.01 * right * (1 + g * g) ** (k / 2):
        raise Wrong(f"prediction = {value:g}: you multiplied by 1 + γ² per step",
                    "the factor on ‖z‖ is √(1 + γ²)")
    for off in (-1, 1):
        if abs(value - (1 + g * g) ** ((k + off) / 2)) < 0.002 * right:
            raise Wrong(f"prediction = {value:g} counts {k + off} steps instead of {k}",
                        "z_K is the iterate after K steps: K factors √(1 + γ²)")
    compare_number(value, right, rtol=0.01, what="prediction")
