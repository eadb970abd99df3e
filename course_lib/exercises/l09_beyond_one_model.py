"""Checkers for the exercises of lecture 09 (``lectures/exercises/09_beyond_one_model.ipynb``).

The SGM gradient of a linear residual network and its value for a 1-D example (Wu et al. 2020; Wang's
guest lecture, "Skip Gradient Method (SGM)"), the transfer success rate, one step of the universal
perturbation's projected sign ascent and the fooling rate (Moosavi-Dezfooli et al. 2017), and the hardest
training examples by their adversarial loss averaged over epochs (Liu et al. 2021).
"""

from __future__ import annotations

import numpy as np

from course_lib.exercises._core import (
    Wrong,
    call,
    compare_number,
    exercise,
    expect_array,
    expect_function,
    expect_number,
)
from course_lib.seeding import make_rng

__all__ = ["PREDICT_NET", "check_hardest", "check_sgm_gradient", "check_sgm_prediction",
           "check_transfer_rate", "check_uap_step", "sgm_gradient_reference"]

PREDICT_NET = (3, 2.0, 0.5)
"""(L, w, γ) of the prediction: z_{i+1} = z_i + w·z_i for L blocks, read-out z_L; SGM gives (1 + γw)^L."""


def _first_match(out: np.ndarray, candidates: list, atol: float = 1e-9) -> None:
    """Raise the Wrong of the first candidate (value, message, hint) that ``out`` equals."""
    for value, message, hint in candidates:
        value = np.asarray(value, dtype=float)
        if out.shape == value.shape and np.allclose(out, value, rtol=1e-7, atol=atol):
            raise Wrong(message, hint)


def _unchanged(before: list[np.ndarray], after: list[np.ndarray], name: str) -> None:
    if not all(np.array_equal(b, a) for b, a in zip(before, after)):
        raise Wrong(f"{name} changed one of its inputs in place", "compute and return a new array")


# ---- the SGM gradient -----------------------------------------------------------------------------

def sgm_gradient_reference(Ws: list[np.ndarray], a: np.ndarray, gamma: float) -> np.ndarray:
    """∇_{z_0} a·z_L for z_{i+1} = z_i + W_i z_i with each branch's gradient scaled by γ:
    (I + γW_0)ᵀ(I + γW_1)ᵀ ⋯ (I + γW_{L−1})ᵀ a."""
    g = np.asarray(a, dtype=float).copy()
    for W in reversed(Ws):
        g = g + gamma * W.T @ g
    return g


@exercise("the SGM gradient of a linear residual network")
def check_sgm_gradient(sgm_gradient) -> None:
    """``sgm_gradient(Ws, a, gamma)``: the skip-weighted gradient of a·z_L with respect to z_0."""
    f = expect_function(sgm_gradient, ["Ws", "a", "gamma"], "sgm_gradient")
    rng = make_rng(901)
    d = 4
    for gamma in (0.3, 1.0, 0.0, 0.7):
        Ws = [rng.normal(size=(d, d)) for _ in range(3)]
        a = rng.normal(size=d)
        before = [W.copy() for W in Ws] + [a.copy()]
        out = call(f, Ws, a, gamma, name="sgm_gradient")
        _unchanged(before, Ws + [a], "sgm_gradient")
        out = expect_array(out, (d,), "sgm_gradient(Ws, a, gamma)")
        right = sgm_gradient_reference(Ws, a, gamma)
        if np.allclose(out, right, rtol=1e-7, atol=1e-9):
            continue
        eye = np.eye(d)
        product = eye
        for W in Ws:
            product = (eye + gamma * W) @ product            # z_L = Π (I + γW_i) z_0, latest on the left
        skip_scaled = eye
        for W in Ws:
            skip_scaled = (gamma * eye + W) @ skip_scaled
        reversed_order = eye
        for W in Ws:
            reversed_order = reversed_order @ (eye + gamma * W)
        true = sgm_gradient_reference(Ws, a, 1.0)
        _first_match(out, [
            (skip_scaled.T @ a, "you scaled the skip path by γ instead of the residual branch",
             "each block's Jacobian is γ·W_i + I: the skip keeps gradient 1"),
            (product @ a, "you forgot the transpose: that is the forward map applied to a",
             "the gradient of a·(M z_0) is Mᵀa"),
            (reversed_order.T @ a, "your product runs over the blocks in the wrong order",
             "z_L = (I + W_{L−1})⋯(I + W_0) z_0: the first block acts first"),
            (gamma * true, "you multiplied the whole true gradient by γ",
             "γ scales each residual branch, inside the product"),
            (gamma ** len(Ws) * true, "you multiplied the true gradient by γ^L",
             "γ scales each residual branch, inside the product: (γW_i + I)"),
            (true, "this is the true gradient (γ = 1) whatever γ", "use gamma to scale each branch W_i"),
            (a, "this is the skip path alone (γ = 0) whatever γ", "add the branches, scaled by gamma"),
        ])
        err = float(np.abs(out - right).max())
        raise Wrong(f"your gradient differs from (I + γW_0)ᵀ⋯(I + γW_(L−1))ᵀ a by up to {err:.3g} "
                    f"(γ = {gamma})",
                    "start from g = a and go backwards through the blocks: g ← g + γ W_iᵀ g")


@exercise("predict: the SGM gradient of a 1-D residual network")
def check_sgm_prediction(prediction) -> None:
    """z_{i+1} = z_i + w z_i, L = 3, w = 2, γ = ½: the SGM derivative of z_L is (1 + γw)^L = 8."""
    value = expect_number(prediction, "prediction")
    L, w, gamma = PREDICT_NET
    for wrong, message, hint in [
        ((1 + w) ** L, "that is the true derivative (γ = 1)", "each block contributes γw + 1, not w + 1"),
        (gamma * (1 + w) ** L, "that is γ times the true derivative", "γ scales each residual branch"),
        (gamma ** L * (1 + w) ** L, "that is γ^L times the true derivative",
         "γ scales the branch w, not the whole block: (γw + 1)^L"),
        ((gamma + w) ** L, "that scales the skip path by γ", "the skip path keeps derivative 1"),
        (1 + gamma * w * L, "that adds the blocks instead of multiplying them",
         "the chain rule multiplies the blocks' derivatives"),
    ]:
        if abs(value - wrong) < 1e-3:
            raise Wrong(f"prediction = {value:g}: {message}", hint)
    compare_number(value, (1 + gamma * w) ** L, atol=1e-3, what="prediction")


# ---- the transfer success rate --------------------------------------------------------------------

@exercise("the transfer success rate")
def check_transfer_rate(transfer_rate) -> None:
    """``transfer_rate(pred_clean, pred_adv, y)``: among the examples with pred_clean = y, the fraction
    with pred_adv ≠ y."""
    f = expect_function(transfer_rate, ["pred_clean", "pred_adv", "y"], "transfer_rate")
    rng = make_rng(902)
    for _ in range(3):
        n = 40
        y = rng.integers(0, 10, size=n)
        pred_clean = np.where(rng.random(n) < 0.7, y, rng.integers(0, 10, size=n))
        pred_adv = np.where(rng.random(n) < 0.5, y, rng.integers(0, 10, size=n))
        before = [pred_clean.copy(), pred_adv.copy(), y.copy()]
        value = expect_number(call(f, pred_clean, pred_adv, y, name="transfer_rate"), "transfer_rate(...)")
        _unchanged(before, [pred_clean, pred_adv, y], "transfer_rate")
        correct, fooled = pred_clean == y, pred_adv != y
        right = fooled[correct].mean()
        if abs(value - right) < 1e-9:
            continue
        for wrong, message, hint in [
            (fooled.mean(), "you counted every example, also those the target already got wrong",
             "keep only the examples with pred_clean == y"),
            ((pred_adv != pred_clean).mean(), "that is the fooling rate (changed predictions, all examples)",
             "the transfer success rate counts pred_adv != y among the clean-correct examples"),
            ((fooled & correct).sum() / n, "you divided by all the examples",
             "divide by the number correct when clean"),
            (1 - right, "that is the fraction that resisted", "count the fooled ones"),
            ((fooled & correct).sum(), "that is a count, not a fraction",
             "divide by the number correct when clean"),
        ]:
            if abs(value - wrong) < 1e-9:
                raise Wrong(message, hint)
        compare_number(value, right, atol=1e-9, what="transfer_rate(...)")


# ---- the universal perturbation's step ------------------------------------------------------------

@exercise("one step of the universal perturbation")
def check_uap_step(uap_step) -> None:
    """``uap_step(delta, grads, alpha, eps)`` = clip_[−ε, ε](δ + α sign Σ_i g_i), grads of shape (n, d)."""
    f = expect_function(uap_step, ["delta", "grads", "alpha", "eps"], "uap_step")
    rng = make_rng(903)
    n, d, eps, alpha = 6, 10, 0.2, 0.08
    for _ in range(3):
        delta = rng.uniform(-eps, eps, size=d)
        delta[:3] = [eps, -eps, eps - 0.01]
        grads = rng.normal(size=(n, d)) + rng.normal(size=d)
        grads[:, 5] = [3.0, -0.5, -0.5, -0.5, -0.5, -0.5]   # sum > 0 but most signs < 0
        before = [delta.copy(), grads.copy()]
        out = call(f, delta, grads, alpha, eps, name="uap_step")
        _unchanged(before, [delta, grads], "uap_step")
        if np.shape(out) == (n, d):
            raise Wrong("your δ has one row per image",
                        "a universal δ is one vector: sum the gradients over the images")
        out = expect_array(out, (d,), "uap_step(delta, grads, alpha, eps)")
        total = grads.sum(axis=0)
        right = np.clip(delta + alpha * np.sign(total), -eps, eps)
        if np.allclose(out, right, atol=1e-12):
            continue
        _first_match(out, [
            (np.clip(delta - alpha * np.sign(total), -eps, eps), "your step goes down the loss",
             "the attacker ascends: δ + α·sign(Σ g)"),
            (delta + alpha * np.sign(total), "your δ leaves the ε-ball", "clip δ to [−ε, ε] after the step"),
            (np.clip(delta + alpha * np.sign(np.sign(grads).sum(axis=0)), -eps, eps),
             "you took a majority vote of the per-image signs",
             "sum the gradients first, then take the sign"),
            (np.clip(delta + alpha * total, -eps, eps), "you stepped along Σ g, not its sign",
             "the ℓ∞ steepest ascent direction is sign(Σ g)"),
            (np.clip(delta + alpha * total / n, -eps, eps),
             "you stepped along the mean gradient, not its sign",
             "the ℓ∞ steepest ascent direction is sign(Σ g)"),
            (np.clip(alpha * np.sign(total), -eps, eps), "your step restarts from δ = 0",
             "add the step to delta"),
        ])
        err = float(np.abs(out - right).max())
        raise Wrong(f"your δ differs from clip(δ + α·sign Σ g, −ε, ε) by up to {err:.3g}",
                    "np.clip(delta + alpha * np.sign(grads.sum(axis=0)), -eps, eps)")


# ---- the hardest examples -------------------------------------------------------------------------

@exercise("the hardest training examples")
def check_hardest(hardest) -> None:
    """``hardest(losses, k)``: the k example indices with the largest loss averaged over epochs (losses
    has shape (T, n)), hardest first."""
    f = expect_function(hardest, ["losses", "k"], "hardest")
    rng = make_rng(904)
    T, n, k = 6, 30, 4
    for _ in range(3):
        losses = rng.gamma(2.0, 1.0, size=(T, n))
        losses[-1] = losses[-1, ::-1].copy() * 3       # the last epoch alone ranks differently
        before = [losses.copy()]
        out = call(f, losses, k, name="hardest")
        _unchanged(before, [losses], "hardest")
        out = expect_array(out, None, "hardest(losses, k)")
        d = losses.mean(axis=0)
        right = np.argsort(-d, kind="stable")[:k]
        if out.shape == (k,) and np.array_equal(out.astype(int), right):
            continue
        if out.shape == (k,) and np.allclose(out, np.sort(d)[::-1][:k]):
            raise Wrong("you returned the difficulties, not the indices", "np.argsort gives indices")
        if out.shape == (k,) and set(out.astype(int).tolist()) == set(right.tolist()):
            raise Wrong("the right examples, in the wrong order",
                        "hardest first: sort by decreasing difficulty")
        if out.shape == (k,) and set(out.astype(int).tolist()) == set(np.argsort(d)[:k].tolist()):
            raise Wrong("these are the easiest examples", "hard = large average adversarial loss")
        if out.shape == (k,) and set(out.astype(int).tolist()) == set(np.argsort(-losses[-1])[:k].tolist()):
            raise Wrong("you ranked by the last epoch's loss only",
                        "average over the epochs: losses.mean(axis=0)")
        if out.shape != (k,):
            raise Wrong(f"your result has shape {out.shape}, expected ({k},)",
                        "average over axis 0 (the epochs), then keep the top k indices")
        raise Wrong("these are not the k examples with the largest mean loss",
                    "np.argsort(-losses.mean(axis=0))[:k]")
