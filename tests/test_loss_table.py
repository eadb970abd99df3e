"""The rows of MART's loss table (course_lib.robust.loss_table: ALP, CLP, MMA, the S⁻/S⁺ study) and RWP."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.models import ForwardCounter
from course_lib.robust import (
    ALP,
    AWP,
    CLP,
    MMA,
    PGDAT,
    RWP,
    AdversarialMethod,
    SubsetAT,
    logit_pairing,
    margin_point,
    partner_permutation,
)

EPS = 0.1


def _data(n: int = 24, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, 2, 2, generator=g), torch.arange(n) % 3


def _linear(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(4, 3))


def test_logit_pairing_is_the_mean_squared_distance_of_logit_vectors():
    a = torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    b = torch.tensor([[1.0, 0.0, 3.0], [1.0, 1.0, 1.0]])
    assert float(logit_pairing(a, b)) == pytest.approx((4.0 + 3.0) / 2)


def test_alp_equals_its_formula_on_a_linear_model_and_its_pairing_vanishes_at_x():
    x, y = _data()
    model, lam = _linear(), 0.7
    x_adv = (x + 0.05).clamp(0, 1)
    w = model[1].weight.detach()
    dist = ((x - x_adv).flatten(1) @ w.T).pow(2).sum(1).mean()          # ‖W(x − x′)‖², the bias cancels
    expected = F.cross_entropy(model(x_adv), y) + lam * dist
    torch.testing.assert_close(ALP(EPS, lam=lam).objective(model, x, x_adv, y), expected)
    torch.testing.assert_close(ALP(EPS, lam=lam).objective(model, x, x, y), F.cross_entropy(model(x), y))
    torch.testing.assert_close(ALP(EPS, lam=0.0).objective(model, x, x_adv, y),
                               PGDAT(EPS).objective(model, x, x_adv, y))


def test_partner_permutation_is_an_involution_with_at_most_one_fixed_point():
    for n in (1, 2, 7, 10):
        pi = partner_permutation(n, torch.Generator().manual_seed(n))
        assert sorted(pi.tolist()) == list(range(n))
        assert torch.equal(pi[pi], torch.arange(n))
        assert int((pi == torch.arange(n)).sum()) == n % 2


def test_clp_on_a_hand_built_pair():
    x = torch.tensor([[[[0.0, 0.0], [0.0, 0.0]]], [[[1.0, 0.0], [0.0, 0.0]]]])   # two clean examples
    y = torch.tensor([0, 1])
    model = _linear()
    lam = 0.5
    w = model[1].weight.detach()
    pair = float(w[:, 0].pow(2).sum())                    # ‖f(x₁) − f(x₂)‖² = ‖W e₁‖², both examples
    torch.manual_seed(0)
    x_pair = CLP(lam).perturb(model, x, y)
    assert torch.equal(x_pair, x.flip(0))                 # n = 2: the two swap
    got = CLP(lam).objective(model, x, x_pair, y)
    torch.testing.assert_close(got, F.cross_entropy(model(x), y) + lam * torch.tensor(pair))
    torch.testing.assert_close(CLP(0.0).loss(model, x, y), F.cross_entropy(model(x), y))


class _Line(nn.Module):
    """Logits (0, x₁ − 0.5) on a 1-pixel input: class 1 iff x₁ > 0.5."""

    def forward(self, x):
        z = x.flatten(1)[:, :1] - 0.5
        return torch.cat([torch.zeros_like(z), z], dim=1)


def test_margin_point_finds_the_boundary_by_bisection():
    x = torch.tensor([[0.2], [0.45], [0.7], [0.2]])
    x_end = torch.tensor([[1.0], [0.55], [0.9], [0.4]])
    y = torch.tensor([0, 0, 0, 0])
    got = margin_point(_Line(), x, x_end, y, bisections=12).squeeze(1)
    assert got[0] == pytest.approx(0.5, abs=0.8 * 2 ** -12 + 1e-6) and got[0] > 0.5   # misclassified end
    assert got[1] == pytest.approx(0.5, abs=0.1 * 2 ** -12 + 1e-6) and got[1] > 0.5
    assert got[2] == pytest.approx(0.7)                   # already misclassified: t* = 0, x itself
    assert got[3] == pytest.approx(0.4)                   # no flip on the segment: t* = 1, the end point


def test_mma_is_ce_at_the_margin_point_if_correct_and_clean_ce_if_not():
    x = torch.tensor([[0.2], [0.7]])
    y = torch.tensor([0, 0])                              # the first is correct, the second misclassified
    model, mma = _Line(), MMA(0.4, alpha=0.2, steps=2, bisections=10)
    torch.manual_seed(0)
    x_adv = mma.perturb(model, x, y)
    assert float((x_adv - x).abs().max()) <= 0.4 + 1e-6
    assert x_adv[0, 0] == pytest.approx(0.5, abs=0.4 * 2 ** -10 + 1e-6)        # x + 0.4 crosses 0.5
    ce = F.cross_entropy(model(torch.stack([x_adv[0], x[1]])), y, reduction="none")
    torch.testing.assert_close(mma.objective(model, x, x_adv, y), ce.mean())
    torch.testing.assert_close(MMA(0.0).loss(model, x, y), F.cross_entropy(model(x), y))


def test_subset_kl_on_s_minus_plus_s_plus_is_the_full_kl():
    x, y = _data()
    model = _linear()
    x_adv = (x + 0.05).clamp(0, 1)
    ce_adv = F.cross_entropy(model(x_adv), y)
    kl = F.kl_div(F.log_softmax(model(x_adv), 1), F.softmax(model(x), 1), reduction="none").sum(1).mean()
    minus = SubsetAT(EPS, beta=2.0, subset="misclassified").objective(model, x, x_adv, y)
    plus = SubsetAT(EPS, beta=2.0, subset="correct").objective(model, x, x_adv, y)
    torch.testing.assert_close(minus + plus - ce_adv, ce_adv + 2.0 * kl)
    assert float(minus.detach()) >= float(ce_adv.detach()) - 1e-7
    assert float(plus.detach()) >= float(ce_adv.detach()) - 1e-7
    with pytest.raises(ValueError, match="subset"):
        SubsetAT(EPS, subset="all")


def test_subset_weak_attack_uses_fgsm_on_the_subset_and_pgd_elsewhere():
    from course_lib.robust import fgsm

    x, y = _data()
    model = _linear()
    wrong = model(x).argmax(1) != y
    assert 0 < int(wrong.sum()) < len(y)
    fg = fgsm(model, x, y, EPS)
    for subset, in_s in [("misclassified", wrong), ("correct", ~wrong)]:
        torch.manual_seed(0)
        got = SubsetAT(EPS, steps=2, beta=0.0, subset=subset, weak_attack=True).perturb(model, x, y)
        torch.manual_seed(0)
        pgd_point = PGDAT(EPS, steps=2).perturb(model, x, y)
        assert torch.equal(got[in_s], fg[in_s]) and torch.equal(got[~in_s], pgd_point[~in_s])
    assert SubsetAT(EPS, beta=0.0, subset="correct", weak_attack=True).name == "FGSM on S⁺"
    torch.manual_seed(0)
    plain = SubsetAT(EPS, steps=2, beta=0.0).loss(model, x, y)
    torch.manual_seed(0)
    torch.testing.assert_close(plain, PGDAT(EPS, steps=2).loss(model, x, y))   # β = 0, no weak attack: PGD-AT


class _Fixed(AdversarialMethod):
    """x′ = x: the weight-space update alone."""


def test_rwp_perturbation_has_awp_layer_norms_and_a_random_direction():
    model = _linear()
    params = [p.detach() for p in model.parameters() if p.dim() > 1]
    grads = [torch.ones_like(p) for p in params]
    torch.manual_seed(0)
    v_rwp = RWP(_Fixed(), gamma=0.05).perturbation(params, grads)
    v_awp = AWP(_Fixed(), gamma=0.05).perturbation(params, grads)
    for p, vr, va in zip(params, v_rwp, v_awp):
        assert float(vr.norm()) == pytest.approx(0.05 * float(p.norm()), rel=1e-5)
        assert float(va.norm()) == pytest.approx(0.05 * float(p.norm()), rel=1e-5)
        cos = float((vr * va).sum() / (vr.norm() * va.norm()))
        assert abs(cos) < 0.9                              # not the (all-ones) gradient direction


def test_rwp_restores_the_weights_and_skips_awps_ascent_pass():
    x, y = _data()
    model = _linear()
    w = [p.detach().clone() for p in model.parameters()]
    RWP(_Fixed(), gamma=0.3).step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.0))
    assert all(torch.equal(p.detach(), wi) for p, wi in zip(model.parameters(), w))
    counts = {}
    for name, method in [("awp", AWP(_Fixed(), 0.01)), ("rwp", RWP(_Fixed(), 0.01))]:
        with ForwardCounter(model) as c:
            method.step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.0))
        counts[name] = c.calls
    assert counts == {"awp": 2, "rwp": 1}                 # AWP: ascent pass + update pass; RWP: update only
    assert math.isclose(RWP(_Fixed(), 0.0).gamma, 0.0)


NEW_METHODS = {
    "alp": lambda: ALP(EPS, steps=2, lam=0.5), "clp": lambda: CLP(0.5), "mma": lambda: MMA(EPS, steps=2),
    "subset_kl": lambda: SubsetAT(EPS, steps=2), "rwp": lambda: RWP(PGDAT(EPS, steps=2), gamma=0.01),
}


@pytest.mark.parametrize("name", NEW_METHODS)
def test_each_method_has_a_finite_loss_and_trains(name):
    from course_lib.robust import build_method, fit

    x, y = _data(48)
    model = nn.Sequential(nn.Flatten(), nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))
    method = NEW_METHODS[name]()
    assert torch.isfinite(method.loss(model, x, y))
    history = fit(model, method, (x, y), (x, y), epochs=2, batch_size=16, lr=0.05, progress=False)
    assert all(math.isfinite(r["train_loss"]) for r in history.records)
    assert type(build_method(name, eps=EPS, steps=2)) is type(method)


@pytest.mark.parametrize("make, param", [
    (lambda: ALP(EPS, lam=-1.0), "lam"), (lambda: CLP(lam=-1.0), "lam"),
    (lambda: MMA(EPS, bisections=-1), "bisections"),
    (lambda: SubsetAT(EPS, beta=-1.0), "beta"), (lambda: RWP(PGDAT(EPS), gamma=-1.0), "gamma"),
])
def test_bad_arguments_name_the_parameter(make, param):
    with pytest.raises(ValueError, match=param):
        make()
