"""Checkers of lecture 04's exercises (``lectures/exercises/04_adversarial_training.ipynb``): the PGD step of
PGD-AT, FOSC, the TRADES and MART losses, AWP's layer-wise weight perturbation and CFOL's Exp3 update.

    from course_lib.exercises import l04_adversarial_training as ex
    ex.check_pgd_step(pgd_step)
"""

from __future__ import annotations

import functools

import numpy as np
import torch
import torch.nn.functional as F

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.seeding import effective_seed, make_rng

__all__ = ["FOSC_DIVISORS", "check_awp", "check_cfol_update", "check_fosc", "check_fosc_prediction",
           "check_fosc_step_size", "check_mart", "check_pgd_step", "check_trades", "fosc_problem"]


def _returned_number(value: object, what: str) -> float:
    if value is None:
        raise Wrong(f"{what} is None", "did you forget to return it?")
    return expect_number(value, what)


def _match(value: np.ndarray | float, candidates: list, atol: float = 1e-7, rtol: float = 1e-6) -> None:
    """Raise the Wrong of the first candidate (expected value, (message, hint)) that ``value`` equals."""
    for expected, (message, hint) in candidates:
        expected = np.asarray(expected, dtype=float)
        if np.shape(value) == expected.shape and np.allclose(value, expected, atol=atol, rtol=rtol):
            raise Wrong(message, hint)


# ---- PGD step ------------------------------------------------------------------------------------

def _pgd_step(x0, x, g, eps, alpha):
    return np.clip(np.clip(x + alpha * np.sign(g), x0 - eps, x0 + eps), 0.0, 1.0)


@exercise("one projected PGD step")
def check_pgd_step(pgd_step: object) -> None:
    """``pgd_step(x0, x, g, eps, alpha)`` = Π_{B∞(x0, ε) ∩ [0, 1]}(x + α·sign g)."""
    f = expect_function(pgd_step, ["x0", "x", "g", "eps", "alpha"], "pgd_step")
    rng = make_rng(401)
    eps, alpha = 0.2, 0.08
    x0 = rng.choice([0.0, 0.05, 0.5, 0.95, 1.0], size=(8, 16)) * 1.0
    x = np.clip(x0 + rng.uniform(-eps, eps, size=x0.shape), 0, 1)
    g = rng.normal(size=x0.shape)
    args = [a.copy() for a in (x0, x, g)]
    out = expect_array(call(f, *args, eps, alpha), x0.shape, "your x_{k+1}")
    if not all(np.array_equal(a, b) for a, b in zip(args, (x0, x, g))):
        raise Wrong("your function changed one of its inputs", "return a new array (no +=, no out=)")
    expected = _pgd_step(x0, x, g, eps, alpha)
    if np.allclose(out, expected, atol=1e-9):
        return
    _match(out, [
        (_pgd_step(x0, x, -g, eps, alpha), ("your step goes down the loss",
                                            "the inner max ascends: + α·sign(g)")),
        (np.clip(x + alpha * np.sign(g), 0, 1), (
            f"your iterate leaves the ε-ball: max|x − x0| = {np.abs(out - x0).max():.3g} > ε = {eps}",
            "is there a projection onto B∞(x0, ε)?")),
        (np.clip(x + alpha * np.sign(g), x0 - eps, x0 + eps), (
            f"your iterate leaves the pixel range: min {out.min():.3g}, max {out.max():.3g}",
            "clip to [0, 1] as well (the ball ∩ the box)")),
        (np.clip(np.clip(x + alpha * np.sign(g), x - eps, x + eps), 0, 1), (
            "you projected onto the ball around the current iterate x, not around the clean x0",
            "the constraint is ‖x' − x0‖∞ ≤ ε")),
        (np.clip(np.clip(x + alpha * g, x0 - eps, x0 + eps), 0, 1), (
            "your step follows g, not sign(g)", "ℓ∞ steepest ascent moves every coordinate by α·sign(g)")),
        (np.clip(np.clip(x + alpha * g / np.linalg.norm(g), x0 - eps, x0 + eps), 0, 1), (
            "your step is an ℓ2-normalised gradient step", "in ℓ∞ the steepest-ascent direction is sign(g)")),
        (_pgd_step(x0, x0, g, eps, alpha), ("your step starts from x0, not from the current iterate x",
                                           "x_{k+1} = Π(x_k + α·sign g)")),
    ])
    if np.abs(out - x0).max() > eps + 1e-9:
        raise Wrong(f"your iterate leaves the ε-ball: max|x − x0| = {np.abs(out - x0).max():.3g} > ε = {eps}",
                    "is there a projection onto B∞(x0, ε)?")
    if out.min() < -1e-12 or out.max() > 1 + 1e-12:
        raise Wrong(f"your iterate leaves the pixel range [0, 1]: min {out.min():.3g}, max {out.max():.3g}",
                    "clip to [0, 1] as well")
    raise Wrong("your step is not Π(x + α·sign g)",
                "step first, then project onto the ball, then clip to [0, 1]")


# ---- FOSC ----------------------------------------------------------------------------------------

def _fosc(g, xk, x0, eps):
    n = len(g)
    return eps * np.abs(g).reshape(n, -1).sum(1) - ((xk - x0) * g).reshape(n, -1).sum(1)


@exercise("FOSC in closed form")
def check_fosc(fosc: object) -> None:
    """``fosc(g, x_k, x0, eps)`` = ε‖g_i‖₁ − ⟨x_k,i − x0,i, g_i⟩ per example, shape (N,)."""
    f = expect_function(fosc, ["g", "x_k", "x0", "eps"], "fosc")
    rng = make_rng(402)
    eps = 0.1
    x0 = rng.uniform(0, 1, size=(5, 1, 3, 3))
    xk = x0 + rng.uniform(-eps, eps, size=x0.shape)
    g = rng.normal(size=x0.shape)
    args = [a.copy() for a in (g, xk, x0)]
    res = call(f, *args, eps)
    if not all(np.array_equal(a, b) for a, b in zip(args, (g, xk, x0))):
        raise Wrong("your function changed one of its inputs", "compute with new arrays")
    if res is not None and np.ndim(np.asarray(res, dtype=object)) == 0:
        raise Wrong("your FOSC is one number for the whole batch",
                    "one value per example: reduce over all axes "
                    "but the first")
    out = expect_array(res, (5,), "your FOSC")
    expected = _fosc(g, xk, x0, eps)
    if np.allclose(out, expected, atol=1e-9):
        return
    flat = lambda a: a.reshape(5, -1)  # noqa: E731
    _match(out, [
        (eps * np.linalg.norm(flat(g), axis=1) - (flat(xk - x0) * flat(g)).sum(1), (
            "you used the ℓ2 norm of g", "the maximum of ⟨x − x^k, g⟩ over an ℓ∞ ball is ε times the dual "
                                         "norm ‖g‖₁")),
        (eps * np.abs(flat(g)).sum(1) + (flat(xk - x0) * flat(g)).sum(1), (
            "the inner-product term has the wrong sign", "c = max_x ⟨x − x^k, g⟩ = ε‖g‖₁ − ⟨x^k − x⁰, g⟩")),
        (-_fosc(g, xk, x0, eps), ("your FOSC is negative: the sign of both terms is flipped",
                                 "c(x^k) ≥ 0, and 0 at a stationary point")),
        (np.abs(flat(g)).sum(1) - (flat(xk - x0) * flat(g)).sum(1), ("you dropped ε in front of ‖g‖₁",
                                                                    "the ball has radius ε")),
        (eps * np.abs(flat(g)).sum(1), ("you dropped the term ⟨x^k − x⁰, g⟩",
                                       "the maximum is taken relative to x^k, not to x⁰")),
    ])
    raise Wrong(f"your FOSC {np.round(out[:2], 4).tolist()}… is not max over the ball of ⟨x − x^k, g⟩",
                "the maximiser is x⁰ + ε·sign(g)")


@exercise("predict a FOSC value by hand")
def check_fosc_prediction(prediction: object) -> None:
    """g = (0.5, −1, 2), ε = 0.1, x^k − x⁰ = (0.1, −0.1, 0.05): c = 0.35 − 0.25 = 0.1."""
    value = expect_number(prediction, "your FOSC")
    if value < 0:
        raise Wrong(f"your FOSC = {value:g} is negative, but c(x^k) ≥ 0 on the ball",
                    "c = ε‖g‖₁ − ⟨x^k − x⁰, g⟩")
    compare_number(value, 0.1, atol=1e-3, what="your FOSC")


def fosc_problem(seed: int = 404) -> tuple[torch.nn.Module, torch.Tensor, torch.Tensor, float]:
    """The explore exercise's problem: a fixed untrained MLP 64-64-10 and 100 test digits, ε = 0.2."""
    from course_lib.data import load_digits
    from course_lib.models import MLP

    _, _, x, y = load_digits()
    with torch.random.fork_rng():
        torch.manual_seed(effective_seed(seed))
        model = MLP(64, (64,), 10).eval()
    return model, x[:100], y[:100], 0.2


FOSC_DIVISORS = (1, 2, 4, 16)


@functools.cache
def _median_fosc(offset_seed: int) -> dict[int, float]:
    from course_lib.robust import metrics, pgd

    model, x, y, eps = fosc_problem()
    out = {}
    for d in FOSC_DIVISORS:
        x_adv = pgd(model, x, y, eps, eps / d, 10, random_start=False)
        out[d] = float(metrics.fosc(model, x, x_adv, y, eps, box=(0.0, 1.0)).median())
    return out


@exercise("explore: the step size whose PGD converges best")
def check_fosc_step_size(answer: object) -> None:
    """The divisor d ∈ {1, 2, 4, 16} (α = ε/d) with the smallest median FOSC after 10 PGD steps."""
    value = expect_number(answer, "your d")
    if value not in FOSC_DIVISORS:
        raise Wrong(f"your d = {value:g} is not one of {FOSC_DIVISORS}",
                    "answer with the divisor d of α = ε/d")
    med = _median_fosc(effective_seed(0))
    best = min(med.values())
    if med[int(value)] > 1.1 * best:
        side = "too large a step: PGD bounces between corners" if value < min(med, key=med.get) else \
            "too small a step: 10 steps do not reach the boundary"
        raise Wrong(f"with α = ε/{int(value)} the median FOSC is {med[int(value)]:.3g}, not the smallest "
                    f"({side})",
                    "compute the median FOSC for every d and compare")


# ---- TRADES and MART -----------------------------------------------------------------------------

def _logits(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    rng = make_rng(seed)
    nat = torch.tensor(rng.normal(scale=2.0, size=(12, 5)))
    adv = nat + torch.tensor(rng.normal(scale=1.5, size=(12, 5)))
    y = torch.tensor(rng.integers(0, 5, size=12))
    return nat, adv, y


def _loss_value(f, nat, adv, y, beta, what):
    nat_in, adv_in = nat.clone().requires_grad_(True), adv.clone().requires_grad_(True)
    out = call(f, nat_in, adv_in, y.clone(), beta)
    if out is None:
        raise Wrong(f"{what} is None", "did you forget to return it?")
    if isinstance(out, torch.Tensor):
        if out.numel() != 1:
            raise Wrong(f"{what} has shape {tuple(out.shape)}, expected one number (a scalar tensor)",
                        "average over the batch")
        if not out.requires_grad:
            raise Wrong(f"{what} does not depend on the logits through autograd",
                        "stay in torch (no .item(), .numpy() or float()) so that training can differentiate "
                        "it")
    elif isinstance(out, (float, int, np.floating)):
        raise Wrong(f"{what} is a Python number, not a torch tensor",
                    "stay in torch (no .item(), .numpy() or float()) so that training can differentiate it")
    if not (torch.equal(nat_in.detach(), nat) and torch.equal(adv_in.detach(), adv)):
        raise Wrong("your function changed the logits in place", "no in-place operations on the inputs")
    return expect_number(float(torch.as_tensor(out).detach()), what)


def _kl_rows(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    return (p * (p.log() - q.log())).sum(1)


@exercise("the TRADES loss")
def check_trades(trades_loss: object) -> None:
    """``trades_loss(logits_nat, logits_adv, y, beta)`` = CE(f(x), y) + β·mean_i KL(p(x_i) ‖ p(x'_i))."""
    f = expect_function(trades_loss, ["logits_nat", "logits_adv", "y", "beta"], "trades_loss")
    nat, adv, y = _logits(403)
    beta = 6.0
    value = _loss_value(f, nat, adv, y, beta, "your loss")
    p, q = F.softmax(nat, 1), F.softmax(adv, 1)
    ce, kl = F.cross_entropy(nat, y), _kl_rows(p, q).mean()
    expected = float(ce + beta * kl)
    if np.isclose(value, expected, rtol=1e-6):
        return
    _match(value, [
        (float(ce + beta * _kl_rows(q, p).mean()), ("your KL is reversed: KL(p(x') ‖ p(x))",
                                                   "TRADES uses KL(p(x) ‖ p(x')), the clean prediction "
                                                   "first")),
        (float(F.cross_entropy(adv, y) + beta * kl), ("your cross-entropy is at the adversarial logits",
                                                     "TRADES' first term is the clean loss CE(f(x), y)")),
        (float(ce + beta * kl / 5), ("your KL is divided by the number of classes too",
                                    "F.kl_div(..., reduction='mean') averages over every entry: use "
                                    "'batchmean'")),
        (float(ce + beta * kl * 12), ("your KL is summed over the batch, not averaged",
                                     "use reduction='batchmean'")),
        (float(ce + kl), ("your KL term has no β", "weight it by β")),
        (float(beta * ce + kl), ("β multiplies the cross-entropy instead of the KL", "CE + β·KL")),
        (float(ce + beta * (F.softmax(nat, 1) * (F.softmax(nat, 1).log() - adv)).sum(1).mean()), (
            "your KL uses the adversarial logits where log-probabilities belong",
            "F.kl_div expects log_softmax of the adversarial logits")),
    ])
    raise Wrong(f"your loss = {value:.4g} is not CE(f(x), y) + β·KL(p(x) ‖ p(x'))",
                "average the per-example KL over the batch")


def _mart(nat, adv, y, beta, *, weight_adv=False, plain_ce=False, reverse=False, with_true=False,
          no_weight=False):
    p, q = F.softmax(nat, 1), F.softmax(adv, 1)
    other = q if with_true else q.scatter(1, y[:, None], 0.0)
    bce = F.cross_entropy(adv, y) - (0 if plain_ce else torch.log(1 - other.max(1).values).mean())
    kl = _kl_rows(q, p) if reverse else _kl_rows(p, q)
    w = 1 - (q if weight_adv else p).gather(1, y[:, None]).squeeze(1)
    return float(bce + beta * (kl * (1 if no_weight else w)).mean())


@exercise("the MART loss")
def check_mart(mart_loss: object) -> None:
    """``mart_loss(logits_nat, logits_adv, y, beta)`` =
    BCE(p(x'), y) + β·mean_i KL(p(x_i) ‖ p(x'_i))(1 − p_y(x_i))."""
    f = expect_function(mart_loss, ["logits_nat", "logits_adv", "y", "beta"], "mart_loss")
    nat, adv, y = _logits(405)
    beta = 6.0
    value = _loss_value(f, nat, adv, y, beta, "your loss")
    expected = _mart(nat, adv, y, beta)
    tol = dict(rtol=2e-4, atol=1e-6)  # the authors' code adds 1e-12 / 1.0001 inside the logs
    if np.isclose(value, expected, **tol):
        return
    for kw, message, hint in [
        ({"no_weight": True}, "your KL term is not weighted by 1 − p_y(x)",
         "MART focuses on misclassified examples: weight each KL by 1 − p_y(x)"),
        ({"weight_adv": True}, "your weight 1 − p_y uses the adversarial prediction",
         "the weight is 1 − p_y(x) at the clean input"),
        ({"plain_ce": True}, "your first term is plain cross-entropy",
         "BCE adds −log(1 − max_{k≠y} p_k(x')), the margin term"),
        ({"with_true": True}, "your max in the BCE term runs over every class",
         "max over k ≠ y: drop the true class before the max"),
        ({"reverse": True}, "your KL is reversed", "KL(p(x) ‖ p(x')), the clean prediction first"),
    ]:
        if np.isclose(value, _mart(nat, adv, y, beta, **kw), **tol):
            raise Wrong(message, hint)
    raise Wrong(f"your loss = {value:.4g} is not BCE(p(x'), y) + β·mean KL(p(x) ‖ p(x'))·(1 − p_y(x))",
                "build the three pieces (BCE, per-example KL, weight) and check each on one example")


# ---- AWP -----------------------------------------------------------------------------------------

@exercise("AWP's layer-wise weight perturbation")
def check_awp(awp_perturbation: object) -> None:
    """``awp_perturbation(weights, grads, gamma)`` = [γ‖w_l‖·g_l/‖g_l‖ for each layer l] (Frobenius norms)."""
    f = expect_function(awp_perturbation, ["weights", "grads", "gamma"], "awp_perturbation")
    rng = make_rng(406)
    shapes = [(8, 4), (6, 8), (3, 6)]
    weights = [rng.normal(scale=s, size=sh) for s, sh in zip((0.5, 2.0, 1.0), shapes)]
    grads = [rng.normal(scale=s, size=sh) for s, sh in zip((0.01, 1.0, 0.1), shapes)]
    gamma = 0.01
    w_in, g_in = [w.copy() for w in weights], [g.copy() for g in grads]
    out = call(f, w_in, g_in, gamma)
    if not (all(np.array_equal(a, b) for a, b in zip(w_in, weights))
            and all(np.array_equal(a, b) for a, b in zip(g_in, grads))):
        raise Wrong("your function changed the weights or the gradients in place",
                    "return new arrays; the training step adds v to the weights itself")
    if out is None:
        raise Wrong("your perturbation is None", "did you forget to return it?")
    if not isinstance(out, (list, tuple)) or len(out) != len(weights):
        raise Wrong(f"expected a list of {len(weights)} arrays (one per layer), got {type(out).__name__}",
                    "return one perturbation per weight tensor")
    v = [expect_array(a, sh, f"your v[{i}]") for i, (a, sh) in enumerate(zip(out, shapes))]
    expected = [gamma * np.linalg.norm(w) * g / np.linalg.norm(g) for w, g in zip(weights, grads)]
    if all(np.allclose(a, b, rtol=1e-6, atol=1e-12) for a, b in zip(v, expected)):
        return
    total = np.sqrt(sum((g ** 2).sum() for g in grads))
    w_total = np.sqrt(sum((w ** 2).sum() for w in weights))
    candidates = {
        "global": ([gamma * g / total for g in grads], "you normalised all layers together, as SAM does",
                   "AWP scales each layer on its own: ‖v_l‖ = γ‖w_l‖"),
        "global w": ([gamma * w_total * g / total for g in grads],
                     "you used the norms of all layers together",
                     "AWP scales each layer on its own: ‖v_l‖ = γ‖w_l‖"),
        "no w": ([gamma * g / np.linalg.norm(g) for g in grads], "your ‖v_l‖ = γ for every layer",
                 "the size is relative to the layer's weights: ‖v_l‖ = γ‖w_l‖"),
        "sign": ([gamma * np.linalg.norm(w) * np.sign(g) / np.sqrt(g.size) for w, g in zip(weights, grads)],
                 "your direction is sign(g_l)", "AWP moves along g_l/‖g_l‖ (ℓ2 within the layer)"),
        "descent": ([-e for e in expected], "your perturbation goes down the loss",
                    "the inner max ascends: v_l along +g_l"),
        "raw": ([gamma * g for g in grads], "your v_l is γ·g_l, not normalised",
                "divide by ‖g_l‖ and multiply by ‖w_l‖"),
    }
    for cand, message, hint in candidates.values():
        if all(np.allclose(a, b, rtol=1e-6, atol=1e-12) for a, b in zip(v, cand)):
            raise Wrong(message, hint)
    ratio = [np.linalg.norm(a) / np.linalg.norm(w) for a, w in zip(v, weights)]
    raise Wrong(f"your ‖v_l‖/‖w_l‖ = {np.round(ratio, 4).tolist()}, expected γ = {gamma} for every layer, "
                "along g_l", "v_l = γ‖w_l‖·g_l/‖g_l‖")


# ---- CFOL ----------------------------------------------------------------------------------------

def _softmax(w: np.ndarray) -> np.ndarray:
    e = np.exp(w - w.max())
    return e / e.sum()


def _cfol(w, y, wrong, eta, gamma, *, use_q=False, no_iw=False, flip=False, lossy=False):
    K = len(w)
    p = _softmax(w) if use_q else gamma / K + (1 - gamma) * _softmax(w)
    add = eta * (~wrong if flip else wrong) / (1.0 if no_iw else p[y])
    out = w.copy()
    if lossy:
        out[y] += add
    else:
        np.add.at(out, y, add)
    return out


@exercise("CFOL's Exp3 update of the class weights")
def check_cfol_update(cfol_update: object) -> None:
    """``cfol_update(w, y, wrong, eta, gamma)`` = w + η·Σ_i e_{y_i}·1[wrong_i]/p_{y_i},
    p = γ/K + (1 − γ)softmax(w)."""
    f = expect_function(cfol_update, ["w", "y", "wrong", "eta", "gamma"], "cfol_update")
    rng = make_rng(407)
    K = 5
    w = rng.normal(scale=0.5, size=K)
    y = rng.integers(0, K, size=40)
    wrong = rng.random(40) < 0.4
    eta, gamma = 0.1, 0.5
    args = (w.copy(), y.copy(), wrong.copy())
    out = expect_array(call(f, *args, eta, gamma), (K,), "your new w")
    if not np.array_equal(args[0], w):
        raise Wrong("your function changed w in place", "return a new array (w.copy() first)")
    expected = _cfol(w, y, wrong, eta, gamma)
    if np.allclose(out, expected, rtol=1e-9, atol=1e-12):
        return
    for kw, message, hint in [
        ({"lossy": True}, "classes that appear several times in the batch got only one increment",
         "w[y] += … keeps one update per repeated index: use np.add.at (or np.bincount)"),
        ({"use_q": True}, "you divided by q = softmax(w), not by the sampling distribution p",
         "batches are drawn from p = γ/K + (1 − γ)q: the importance weight is 1/p_y"),
        ({"no_iw": True}, "your update has no importance weight", "divide each example's loss by p_{y_i}"),
        ({"flip": True}, "you rewarded the correctly classified examples",
         "the class player gains on the classes the model gets wrong"),
    ]:
        if np.allclose(out, _cfol(w, y, wrong, eta, gamma, **kw), rtol=1e-9, atol=1e-12):
            raise Wrong(message, hint)
    if np.allclose(out - w, 0):
        raise Wrong("your w did not change", "add η·1[wrong_i]/p_{y_i} to w[y_i] for every example")
    raise Wrong(f"your new w {np.round(out, 3).tolist()} is not w + η·Σ_i e_{{y_i}}·1[wrong_i]/p_{{y_i}}",
                "compute p once from the old w, then add every example's term")
