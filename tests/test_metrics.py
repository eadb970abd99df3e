"""Robustness metrics (course_lib.robust.metrics)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from torch import nn

from course_lib.robust import metrics as M


def _linear(seed: int = 0, d: int = 16, k: int = 3) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(d, k))


def _mlp(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 3))


def _data(n: int = 60, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return 0.3 + 0.4 * torch.rand(n, 1, 4, 4, generator=g), torch.arange(n) % 3


def test_accuracy_and_predict():
    x, y = _data()
    model = _linear()
    pred = model(x).argmax(1)
    assert torch.equal(M.predict(model, x, batch_size=7), pred)
    assert M.accuracy(model, x, pred) == 1.0
    assert M.accuracy(model, x, y) == pytest.approx(float((pred == y).float().mean()))


def test_robust_accuracy_of_a_linear_model_matches_the_closed_form():
    """Inside the box, the worst case of z_j − z_y over B∞(x, ε) is (w_j − w_y)ᵀx + b_j − b_y + ε‖w_j − w_y‖₁
    (EE-556 Lecture 11, dual norms), so the example is robust iff that is < 0 for every j ≠ y."""
    x, _ = _data()
    model = _linear()
    W, b = model[1].weight.detach(), model[1].bias.detach()
    z = x.flatten(1) @ W.T + b
    y = z.argmax(1)  # every example correct: robustness is decided by the margin alone
    diff = W[None, :, :] - W[y][:, None, :]  # (n, K, d): w_j − w_y
    gap = (z - z.gather(1, y[:, None])).scatter(1, y[:, None], float("-inf"))
    dual = diff.abs().sum(-1)
    t = (-gap / dual).amin(1).sort().values  # the radius at which each example stops being robust
    eps = min(float(t[len(t) // 2 - 1] + t[len(t) // 2]) / 2, 0.25)  # between two examples: half are robust
    worst = (gap + eps * dual).amax(1)
    exact = float((worst < 0).float().mean())
    assert 0 < exact < 1
    for attack in ("beta", "pgd-margin", "ensemble"):
        assert M.robust_accuracy(model, x, y, eps, attack=attack, steps=20) == pytest.approx(exact)
    assert M.robust_accuracy(model, x, y, eps, attack="pgd", steps=20, restarts=2) >= exact
    assert M.robust_accuracy(model, x, y, 0.0) == M.accuracy(model, x, y)


def test_per_class_accuracy_and_worst_class():
    y = torch.tensor([0, 0, 1, 1, 1, 2])
    ok = torch.tensor([True, False, True, True, True, False])
    per = M.per_class_accuracy(ok, y, 3)
    torch.testing.assert_close(per, torch.tensor([0.5, 1.0, 0.0], dtype=per.dtype))
    assert M.worst_class(per) == (2, 0.0)


def test_robust_evaluator_keys():
    x, y = _data()
    out = M.robust_evaluator(0.05, steps=3, num_classes=3)(_mlp(), x, y)
    assert set(out) == {"clean", "robust", "worst"}
    assert out["worst"] <= out["robust"] <= out["clean"]


def test_fosc_closed_form_equals_the_linear_program():
    g = torch.tensor([[0.3, -1.2, 0.5, 0.0, 2.0]])
    x0 = torch.tensor([[0.2, 0.4, 0.6, 0.8, 0.5]])
    eps = 0.1
    xk = x0 + torch.tensor([[0.05, -0.1, 0.0, 0.02, 0.1]])
    # max_{x ∈ B∞(x0, ε)} ⟨x − x^k, g⟩ as an LP (linprog minimises)
    res = linprog(-g.numpy()[0], bounds=list(zip((x0 - eps).numpy()[0], (x0 + eps).numpy()[0])))
    lp = -res.fun - float((xk * g).sum())
    assert float(M.fosc_closed_form(g, xk, x0, eps)) == pytest.approx(lp, abs=1e-6)


def test_fosc_with_the_box_equals_the_linear_program_over_ball_and_box():
    g = torch.tensor([[0.3, -1.2, 0.5, 0.7, -2.0]])
    x0 = torch.tensor([[0.0, 0.05, 0.6, 0.95, 0.5]])  # some coordinates near the box [0, 1]
    eps, xk = 0.1, x0.clone()
    lo, hi = (x0 - eps).clamp(min=0), (x0 + eps).clamp(max=1)
    res = linprog(-g.numpy()[0], bounds=list(zip(lo.numpy()[0], hi.numpy()[0])))
    lp = -res.fun - float((xk * g).sum())
    assert float(M.fosc_closed_form(g, xk, x0, eps, box=(0.0, 1.0))) == pytest.approx(lp, abs=1e-6)
    boxed = float(M.fosc_closed_form(g, xk, x0, eps, box=(0.0, 1.0)))
    assert boxed < float(M.fosc_closed_form(g, xk, x0, eps))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), eps=st.floats(0.01, 0.5))
def test_fosc_is_zero_at_the_maximiser_of_a_linear_loss_and_nonnegative_inside(seed, eps):
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(4, 10, generator=g)  # loss ⟨a, x⟩: gradient a everywhere
    x0 = torch.rand(4, 10, generator=g)
    maximiser = x0 + eps * a.sign()
    assert float(M.fosc_closed_form(a, maximiser, x0, eps).abs().max()) < 1e-5
    inside = x0 + eps * (2 * torch.rand(4, 10, generator=g) - 1)
    assert float(M.fosc_closed_form(a, inside, x0, eps).min()) >= -1e-5


def test_fosc_of_a_model_uses_the_cross_entropy_gradient():
    x, y = _data()
    model = _mlp()
    xk = (x + 0.05).clamp(0, 1)
    xr = xk.clone().requires_grad_(True)
    (g,) = torch.autograd.grad(nn.functional.cross_entropy(model(xr), y, reduction="sum"), xr)
    c = M.fosc(model, x, xk, y, 0.05)
    torch.testing.assert_close(c, M.fosc_closed_form(g, xk, x, 0.05))
    assert c.shape == (len(y),) and float(c.min()) >= -1e-6


def test_linearity_error():
    x, y = _data()
    model = _mlp()
    assert M.linearity_error(model, x, y, 0.0) < 1e-12
    assert M.linearity_error(model, x, y, 0.3, generator=torch.Generator().manual_seed(0)) > 0
    constant = _linear()
    nn.init.zeros_(constant[1].weight)  # logits do not depend on x: the loss is affine (constant) in x
    assert M.linearity_error(constant, x, y, 0.3) < 1e-12


def test_filter_normalized_direction():
    model = _mlp()
    d = M.filter_normalized_direction(model, seed=1)
    for p, v in zip(model.parameters(), d):
        if p.dim() == 1:
            assert torch.count_nonzero(v) == 0
        else:
            torch.testing.assert_close(v.norm(dim=1), p.detach().norm(dim=1))


def test_weight_landscape_restores_the_weights_and_matches_the_loss_at_zero():
    x, y = _data()
    model = _mlp()
    w = [p.detach().clone() for p in model.parameters()]
    alphas = [-0.5, 0.0, 0.5]
    clean = M.weight_landscape(model, x, y, alphas, eps=0.0)
    assert clean.shape == (3,)
    with torch.no_grad():
        assert clean[1] == pytest.approx(float(nn.functional.cross_entropy(model(x), y)), rel=1e-6)
    adv = M.weight_landscape(model, x, y, alphas, eps=0.1, steps=3)
    fixed = M.weight_landscape(model, x, y, alphas, eps=0.1, steps=3, regenerate=False)
    assert np.all(adv >= clean - 1e-6) and np.all(np.isfinite(fixed))
    for p, wi in zip(model.parameters(), w):
        assert torch.equal(p.detach(), wi)
    assert model.training


def test_saliency_of_a_linear_model_is_the_weight_row():
    x, y = _data(n=6)
    model = _linear()
    s = M.saliency(model, x, y)
    torch.testing.assert_close(s.flatten(1), model[1].weight.detach()[y])


@pytest.mark.parametrize("call, param", [
    (lambda m, x, y: M.robust_accuracy(m, x, y, -0.1), "eps"),
    (lambda m, x, y: M.robust_accuracy(m, x, y, 0.1, attack="apgd"), "attack"),
    (lambda m, x, y: M.robust_accuracy(m, x, y, 0.1, steps=0), "steps"),
    (lambda m, x, y: M.predict(m, x, batch_size=0), "batch_size"),
    (lambda m, x, y: M.fosc(m, x, x, y, -1.0), "eps"),
    (lambda m, x, y: M.weight_landscape(m, x, y, [[0.0]], 0.1), "alphas"),
    (lambda m, x, y: M.weight_landscape(m, x, y, [0.0], 0.1, direction=[torch.zeros(1)]), "direction"),
    (lambda m, x, y: M.per_class_accuracy(y == y, y, 0), "num_classes"),
])
def test_bad_arguments_name_the_parameter(call, param):
    x, y = _data(n=6)
    with pytest.raises(ValueError, match=param):
        call(_mlp(), x, y)
