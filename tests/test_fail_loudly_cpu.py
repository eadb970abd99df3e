"""Fail loudly, CPU part: complex-valued formulas are refused where they are complex; TRADES's inner
attack computes no weight gradients; BETA-AT reads the number of classes once."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from course_lib.minimax.parser import FormulaError, custom_game
from course_lib.robust.methods import BETAAT, TRADES


@pytest.mark.parametrize(("text", "where"), [("log(-1)*x", "Φ is complex"), ("sqrt(x)*y", "Φ is complex"),
                                             ("1/x + y", "not finite")])
def test_formulas_not_real_on_the_box_are_refused_with_a_point(text, where):
    with pytest.raises(FormulaError, match=rf"{where}.* at \(x, y\) = \(.*\) in the drawing box"):
        custom_game(text)


def test_real_formulas_with_log_and_sqrt_are_accepted():
    game = custom_game("log(1 + x^2)*y + sqrt(4 + y^2)")
    assert game is not None


def _net(n_classes: int = 10) -> nn.Module:
    torch.manual_seed(0)
    return nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.BatchNorm1d(16), nn.ReLU(),
                         nn.Linear(16, n_classes))


def _record_forwards(model: nn.Module) -> list[tuple[int, bool, bool]]:
    """(batch size, train mode, any parameter requires grad) of every forward."""
    calls: list[tuple[int, bool, bool]] = []
    model.register_forward_hook(lambda m, inp, out: calls.append(
        (inp[0].shape[0], m.training, any(p.requires_grad for p in m.parameters()))))
    return calls


def test_trades_inner_attack_runs_with_frozen_weights():
    model = _net()
    calls = _record_forwards(model)
    x, y = torch.rand(8, 3, 2, 2), torch.randint(0, 10, (8,))
    TRADES(0.1, 0.02, steps=3).perturb(model, x, y)
    assert len(calls) == 4                               # the clean forward and 3 attack steps
    assert not any(requires for _, _, requires in calls[1:])   # no weight gradients in the backward
    assert all(p.requires_grad and p.grad is None for p in model.parameters())


def test_beta_at_takes_the_number_of_classes_once_without_a_batch_of_one():
    for given in (7, None):
        model = _net(7)
        calls = _record_forwards(model)
        method = BETAAT(0.1, 0.05, steps=1, num_classes=given)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        x, y = torch.rand(6, 3, 2, 2), torch.randint(0, 7, (6,))
        model.train()
        per_step = []
        for _ in range(3):
            before = len(calls)
            method.step(model, x, y, opt)
            per_step.append(len(calls) - before)
        assert method.num_classes == 7
        assert all(n > 1 for n, training, _ in calls if training)        # no batch-of-one train forward
        if given:
            assert per_step[0] == per_step[1] == per_step[2]
        else:                                     # one eval-mode forward, in the first step only
            assert per_step[0] == per_step[1] + 1 == per_step[2] + 1
