"""Transfer attacks and the skip gradient method (Wu et al. 2020): SGM's gradient identities, the hooks'
life cycle and the transfer success rate on a hand example."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.models import CNN, ResidualBlock, ResNet
from course_lib.robust import pgd, scale_grad, sgm, transfer_success_rate
from course_lib.robust.attacks import input_gradient

from .toy_models import threshold_model


def linear_residual(d: int = 5, seed: int = 0) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    """z ↦ a·(z + W z): one residual block whose branch is the linear map W, then a linear read-out a."""
    torch.manual_seed(seed)
    block = ResidualBlock(1)
    block.branch = nn.Linear(d, d, bias=False)
    head = nn.Linear(d, 1, bias=False)
    return nn.Sequential(block, head), block.branch.weight.detach(), head.weight.detach()[0]


def read_out(logits: torch.Tensor) -> torch.Tensor:
    return logits[:, 0]


@pytest.mark.parametrize("gamma", [0.0, 0.3, 1.0])
def test_sgm_gradient_of_a_linear_residual_block_is_the_closed_form(gamma):
    # ∂/∂z a·(z + W z) = (I + W)ᵀ a; SGM: (I + γW)ᵀ a, so γ = 0 leaves the skip path's a alone
    model, W, a = linear_residual()
    z = torch.rand(3, 5, dtype=torch.float32)
    with sgm(model, gamma):
        g = input_gradient(model, z, read_out)
    expected = (torch.eye(5) + gamma * W).T @ a
    assert torch.allclose(g, expected.expand(3, 5), atol=1e-6)
    if gamma == 0.0:
        assert torch.allclose(g, a.expand(3, 5), atol=0)


def test_sgm_with_gamma_one_is_the_true_gradient_exactly_and_forward_is_unchanged():
    torch.manual_seed(0)
    model = ResNet(width=4, blocks=2).eval()
    x, y = torch.rand(6, 1, 8, 8), torch.randint(0, 10, (6,))
    ce = lambda logits: F.cross_entropy(logits, y, reduction="none")  # noqa: E731
    g = input_gradient(model, x, ce)
    with sgm(model, 1.0):
        assert torch.equal(input_gradient(model, x, ce), g)
    with sgm(model, 0.5), torch.no_grad():
        assert torch.equal(model(x), model.eval()(x))
    with sgm(model, 0.5):
        assert not torch.allclose(input_gradient(model, x, ce), g)


def test_sgm_removes_its_hooks_also_on_error_and_leaves_the_weights_alone():
    torch.manual_seed(0)
    model = ResNet(width=4, blocks=2)
    before = [p.clone() for p in model.parameters()]
    with pytest.raises(RuntimeError), sgm(model, 0.2):
        raise RuntimeError("inside")
    assert all(not b.branch._forward_hooks for b in model.blocks)
    x, y = torch.rand(4, 1, 8, 8), torch.randint(0, 10, (4,))
    with sgm(model, 0.2):
        x_adv = pgd(model, x, y, 0.1, steps=3)
    assert (x_adv - x).abs().max() <= 0.1 + 1e-6 and x_adv.min() >= 0 and x_adv.max() <= 1
    assert all(torch.equal(b, p) for b, p in zip(before, model.parameters()))


def test_scale_grad_is_identity_forward_and_scales_backward():
    z = torch.tensor([1.0, -2.0], requires_grad=True)
    out = scale_grad(z, 0.25)
    assert torch.equal(out, z)
    out.sum().backward()
    assert torch.equal(z.grad, torch.tensor([0.25, 0.25]))


def test_sgm_validates_gamma_and_needs_residual_blocks():
    with pytest.raises(ValueError, match="gamma"), sgm(ResNet(width=2, blocks=1), 1.5):
        pass
    with pytest.raises(ValueError, match="ResidualBlock"), sgm(CNN(width=2), 0.5):
        pass


def test_transfer_success_rate_counts_only_examples_the_target_gets_right():
    x = torch.tensor([[0.9], [0.8], [0.2], [0.3]])
    y = torch.tensor([0, 0, 1, 0])               # clean predictions 0, 0, 1, 1: the last one is wrong
    x_adv = torch.tensor([[0.4], [0.9], [0.2], [0.9]])   # predictions 1, 0, 1, 0: fools the first only
    assert transfer_success_rate(threshold_model(), x, x_adv, y) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="x_adv"):
        transfer_success_rate(threshold_model(), x, x_adv[:2], y)
    with pytest.raises(ValueError, match="misclassifies every"):
        transfer_success_rate(threshold_model(), x, x_adv, torch.tensor([1, 1, 0, 0]))


def test_resnet_shapes_and_validation():
    model = ResNet()
    assert model(torch.rand(2, 1, 8, 8)).shape == (2, 10)
    stem, blocks, head = 16 * 9 + 16, 3 * 2 * (16 * 16 * 9 + 16), 16 * 64 * 10 + 10
    assert sum(p.numel() for p in model.parameters()) == stem + blocks + head
    with pytest.raises(ValueError, match="blocks"):
        ResNet(blocks=0)
