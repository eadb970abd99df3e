"""Universal adversarial perturbations (Moosavi-Dezfooli et al. 2017): δ stays in the ε-ball and the
perturbed images in [0, 1], the closed-form maximiser of a linear model, the fooling rate on a hand
example, and the cost of one step."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.models import CNN, ForwardCounter
from course_lib.robust import apply_universal, fooling_rate, universal_perturbation

from .toy_models import threshold_model


def test_universal_delta_stays_in_the_ball_and_images_in_the_box():
    torch.manual_seed(0)
    model = CNN(width=4).eval()
    x, y = torch.rand(40, 1, 8, 8), torch.randint(0, 10, (40,))
    x[:5] = 0.0
    x[5:10] = 1.0
    delta = universal_perturbation(model, x, y, 0.1, alpha=0.07, epochs=3, batch_size=16)
    assert delta.shape == x.shape[1:] and not delta.requires_grad
    assert float(delta.abs().max()) <= 0.1 + 1e-7
    assert float(delta.abs().max()) == pytest.approx(0.1)          # sign steps of 0.07 reach the boundary
    x_adv = apply_universal(x, delta)
    assert x_adv.min() >= 0 and x_adv.max() <= 1
    assert all(p.grad is None for p in model.parameters())          # no weight gradients


def test_linear_model_reaches_the_closed_form_maximiser():
    # logits (w·x, 0), every y = 0: the mean CE log(1 + e^{−w·(x+δ)}) is maximised over ‖δ‖∞ ≤ ε at
    # δ* = −ε sign(w) (x in the interior of the box, so no clipping); sign ascent with α = ε/4 gets there
    # in 4 steps and stays.
    torch.manual_seed(0)
    w = torch.tensor([0.7, -1.3, 0.2, -0.4])
    model = nn.Linear(4, 2, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.stack([w, torch.zeros(4)]))
    x = 0.3 + 0.4 * torch.rand(32, 4)
    delta = universal_perturbation(model, x, torch.zeros(32, dtype=torch.long), 0.1, epochs=3, batch_size=8)
    assert torch.allclose(delta, -0.1 * w.sign(), atol=1e-7)


def test_fooling_rate_on_a_hand_example():
    x = torch.tensor([[0.9], [0.8], [0.2], [0.3]])    # predictions 0, 0, 1, 1
    # x + δ = 0.55, 0.45, 0 (clipped), 0 (clipped): predictions 0, 1, 1, 1: one of four changes
    assert fooling_rate(threshold_model(), x, torch.tensor([-0.35])) == pytest.approx(0.25)
    assert fooling_rate(threshold_model(), x, torch.tensor([0.0])) == 0.0
    with pytest.raises(ValueError, match="delta"):
        fooling_rate(threshold_model(), x, torch.zeros(2))


def test_one_step_costs_one_forward_backward_of_a_batch():
    torch.manual_seed(0)
    model = CNN(width=4)
    x, y = torch.rand(50, 1, 8, 8), torch.randint(0, 10, (50,))
    with ForwardCounter(model) as counter:
        universal_perturbation(model, x, y, 0.1, epochs=2, batch_size=16)
    assert counter.calls == 2 * 4 and counter.examples == 2 * 50    # ⌈50/16⌉ = 4 batches per epoch


def test_universal_perturbation_validates_its_arguments():
    model, x, y = threshold_model(), torch.rand(4, 1), torch.zeros(4, dtype=torch.long)
    for kw, name in [({"eps": -0.1}, "eps"), ({"eps": 0.1, "epochs": 0}, "epochs"),
                     ({"eps": 0.1, "alpha": 0.0}, "alpha"), ({"eps": 0.1, "batch_size": 0}, "batch_size")]:
        with pytest.raises(ValueError, match=name):
            universal_perturbation(model, x, y, **kw)
