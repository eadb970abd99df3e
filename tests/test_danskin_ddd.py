"""Danskin's Descent Direction on a small torch model, and DDi as a training method."""

import pytest
import torch
from torch import nn

from course_lib.danskin.ddd import (
    DDi,
    compare_descent,
    ddd_direction,
    parameter_gradients,
    robust_loss,
)
from course_lib.models import ForwardCounter
from course_lib.robust.base import Method


def small_problem(seed: int = 0):
    torch.manual_seed(seed)
    model = nn.Sequential(nn.Flatten(), nn.Linear(16, 12), nn.CELU(), nn.Linear(12, 3))
    x = torch.rand(24, 1, 4, 4)
    y = torch.randint(0, 3, (24,))
    return model, x, y


def flat_grad(model):
    return torch.cat([p.grad.reshape(-1) for p in model.parameters()])


def test_direction_is_unit_and_descends_on_every_active_gradient():
    model, x, y = small_problem()
    res = ddd_direction(model, x, y, eps=0.3, alpha=0.1, steps=5, m=6, tol=1e-10, max_iter=5000)
    assert float(res.direction.norm()) == pytest.approx(1.0, abs=1e-5)
    assert res.grads.shape == (6, sum(p.numel() for p in model.parameters()))
    # ⟨γ*, g_i⟩ ≤ −‖w‖ ≤ 0 for every maximiser's gradient, up to the QP's accuracy
    assert float(res.inner.max()) <= -res.w_norm + 1e-4
    assert float(res.weights.sum()) == pytest.approx(1.0, abs=1e-5) and bool((res.weights >= 0).all())
    # the update written into .grad is −γ*, so optimizer.step() moves along γ*
    torch.testing.assert_close(flat_grad(model), -res.direction)


def test_gradients_match_autograd_on_each_perturbed_batch():
    model, x, y = small_problem(1)
    x_adv = torch.stack([x, (x + 0.1).clamp(0, 1)])
    M, losses = parameter_gradients(model, x_adv, y)
    model.zero_grad()
    loss = nn.functional.cross_entropy(model(x_adv[1]), y)
    loss.backward()
    torch.testing.assert_close(M[1], flat_grad(model))
    assert float(losses[1]) == pytest.approx(loss.item())


def test_m_equal_one_is_normalised_pgd_at():
    model, x, y = small_problem(2)
    torch.manual_seed(5)
    res = ddd_direction(model, x, y, eps=0.2, steps=3, m=1, normalize=False)
    torch.testing.assert_close(flat_grad(model), res.grads[0])
    assert float(res.weights[0]) == 1.0


def test_cost_is_m_times_pgd_at_in_examples_through_the_network():
    model, x, y = small_problem(3)
    counts = {}
    for m in (1, 4):
        with ForwardCounter(model) as c:
            ddd_direction(model, x, y, eps=0.1, steps=5, m=m)
        counts[m] = c.examples
    assert counts[1] == (5 + 1) * len(y)
    assert counts[4] == 4 * counts[1]


def test_ddi_is_a_method_and_a_small_step_lowers_the_robust_loss_estimate():
    model, x, y = small_problem(4)
    method = DDi(eps=0.1, alpha=0.05, steps=5, m=8)
    assert isinstance(method, Method)
    opt = torch.optim.SGD(model.parameters(), lr=0.02)
    before = method.step(model, x, y, opt)
    assert method.last is not None and before == pytest.approx(float(method.last.losses.max()))
    losses = [method.step(model, x, y, opt) for _ in range(10)]
    assert losses[-1] < before
    assert method.loss(model, x, y).ndim == 0


def test_bad_arguments_name_the_parameter():
    model, x, y = small_problem()
    with pytest.raises(ValueError, match="'m'"):
        ddd_direction(model, x, y, eps=0.1, m=0)
    with pytest.raises(ValueError, match="'x'"):
        ddd_direction(model, x * float("nan"), y, eps=0.1)
    with pytest.raises(ValueError, match="'eps'"):
        ddd_direction(model, x, y, eps=-0.1)
    with pytest.raises(ValueError, match="'m'"):
        DDi(eps=0.1, m=0)
    with pytest.raises(ValueError, match="'y'"):
        ddd_direction(model, x, y[:3], eps=0.1)
    with pytest.raises(ValueError, match="'norm'"):
        DDi(eps=0.1, norm="l3")


def test_unused_parameters_get_a_zero_direction():
    model, x, y = small_problem(9)
    model.register_parameter("unused", nn.Parameter(torch.ones(3)))  # not used in forward
    ddd_direction(model, x, y, eps=0.1, steps=2, m=2)
    assert torch.all(model.unused.grad == 0)


def test_compare_descent_same_init_and_m_times_the_examples():
    model, x, y = small_problem(6)
    make = lambda: nn.Sequential(nn.Flatten(), nn.Linear(16, 8), nn.CELU(), nn.Linear(8, 3))  # noqa: E731
    res = compare_descent(make, x, y, eps=0.1, ms=(1, 3), iters=3, batch_size=8, steps=2, eval_steps=2)
    assert res[3]["examples"] == 3 * res[1]["examples"] == 3 * 3 * (2 + 1) * 8
    assert res[1]["robust_loss"].shape == (3,) and res[1]["seconds"] > 0
    with pytest.raises(ValueError, match="'ms'"):
        compare_descent(make, x, y, eps=0.1, ms=(0,), iters=1)


def test_robust_loss_is_reproducible_and_above_the_clean_loss():
    model, x, y = small_problem(7)
    a, b = robust_loss(model, x, y, 0.2, steps=3, seed=1), robust_loss(model, x, y, 0.2, steps=3, seed=1)
    assert a == b
    with torch.no_grad():
        assert a >= float(nn.functional.cross_entropy(model(x), y))


def test_ddi_plugs_into_the_shared_training_loop():
    from course_lib.robust.training import fit

    model, x, y = small_problem(8)
    history = fit(model, DDi(eps=0.1, steps=2, m=2), (x, y), epochs=1, batch_size=12, lr=0.05,
                  momentum=0.0, schedule="constant", progress=False)
    assert len(history.records) == 1 and history.records[0]["train_loss"] > 0
