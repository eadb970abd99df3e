"""Hard adversarial instances (Liu et al. 2021): the difficulty is the adversarial loss of each training
example averaged over epochs; recording it does not change training and costs one forward per step."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from course_lib.models import MLP, ForwardCounter
from course_lib.robust import PGDAT, AdversarialMethod, adversarial_difficulty, fit


def data(n: int = 48, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 8, 8, generator=g), torch.randint(0, 10, (n,), generator=g)


def test_with_frozen_weights_the_difficulty_is_the_clean_loss_of_each_example():
    # ε = 0 (x′ = x) and a learning rate so small that the weights do not move: every epoch records
    # ℓ(f(x_i), y_i) of the initial network, so the average over epochs is that loss
    x, y = data()
    torch.manual_seed(0)
    model = MLP()
    expected = F.cross_entropy(model(x), y, reduction="none").detach()
    _, difficulty, losses = adversarial_difficulty(model, PGDAT(0.0), (x, y), epochs=3, lr=1e-12,
                                                   momentum=0.0, weight_decay=0.0, batch_size=16,
                                                   progress=False)
    assert losses.shape == (3, 48) and not torch.isnan(losses).any()
    assert torch.allclose(losses, expected.expand(3, 48), atol=1e-5)
    assert torch.allclose(difficulty, expected, atol=1e-5)


def test_recording_does_not_change_training():
    x, y = data()
    runs = []
    for record in (False, True):
        torch.manual_seed(0)
        model = MLP()
        kw = dict(epochs=2, batch_size=16, seed=0, progress=False)
        torch.manual_seed(1)
        if record:
            history = adversarial_difficulty(model, PGDAT(0.1, steps=2), (x, y), **kw)[0]
        else:
            history = fit(model, PGDAT(0.1, steps=2), (x, y), **kw)
        runs.append((history.column("train_loss"), [p.detach().clone() for p in model.parameters()]))
    assert runs[0][0] == pytest.approx(runs[1][0], abs=1e-6)
    assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(runs[0][1], runs[1][1]))


def test_recording_costs_one_forward_without_gradients_per_step():
    x, y = data(32)
    counts = []
    for record in (False, True):
        model = MLP()
        with ForwardCounter(model) as counter:
            if record:
                adversarial_difficulty(model, PGDAT(0.1, steps=2), (x, y), epochs=1, batch_size=16,
                                       progress=False)
            else:
                fit(model, PGDAT(0.1, steps=2), (x, y), epochs=1, batch_size=16, progress=False)
        counts.append(counter.calls)
    # PGD-AT: 2 attack steps + 1 training forward per batch, 2 batches; the evaluation adds none (no test set)
    assert counts == [2 * 3, 2 * 4]


def test_adversarial_difficulty_needs_an_adversarial_method():
    x, y = data(8)
    from course_lib.robust import SAM
    with pytest.raises(TypeError, match="AdversarialMethod"):
        adversarial_difficulty(MLP(), SAM(AdversarialMethod()), (x, y), epochs=1)
    with pytest.raises(ValueError, match="epochs"):
        adversarial_difficulty(MLP(), PGDAT(0.1), (x, y), epochs=0)
