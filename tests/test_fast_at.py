"""Single-step adversarial training methods: each loss equals its formula, the regularisers behave as
their theory says, and one short run makes a model more robust."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from course_lib.data.digits import load_digits
from course_lib.models.counting import ForwardCounter
from course_lib.models.small import CNN, MLP
from course_lib.robust.attacks import fgsm
from course_lib.robust.base import Method
from course_lib.robust.fast_at import (
    CURE,
    ELLE,
    ELLEA,
    FGSMAT,
    FGSMRS,
    LLR,
    NFGSM,
    GradAlign,
)
from course_lib.robust.methods import AdversarialMethod
from course_lib.robust.metrics import linearity_error, robust_evaluator
from course_lib.robust.training import fit

ALL = [FGSMAT(0.1), FGSMRS(0.1), NFGSM(0.1), GradAlign(0.1), ELLE(0.1), ELLEA(0.1), LLR(0.1), CURE(0.1)]


@pytest.fixture()
def batch():
    torch.manual_seed(0)
    model = MLP(in_features=16, hidden=(32,), activation="softplus")
    return model, torch.rand(32, 1, 4, 4), torch.randint(0, 10, (32,))


@pytest.mark.parametrize("method", ALL, ids=lambda m: m.name)
def test_every_method_is_a_method_and_trains(method, batch):
    model, x, y = batch
    assert isinstance(method, Method)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    before = [p.detach().clone() for p in model.parameters()]
    value = method.step(model, x, y, opt)      # the loss as a detached 0-d tensor
    assert value.dim() == 0 and not value.requires_grad and torch.isfinite(value)
    assert any(not torch.equal(p, q) for p, q in zip(model.parameters(), before))


def test_fgsm_at_trains_on_the_fgsm_point_and_special_cases_agree(batch):
    model, x, y = batch
    expected = F.cross_entropy(model(fgsm(model, x, y, 0.1)), y)
    assert torch.allclose(FGSMAT(0.1).loss(model, x, y), expected)
    assert torch.allclose(NFGSM(0.1, k=0.0).loss(model, x, y), expected)           # no noise: FGSM
    assert torch.allclose(GradAlign(0.1, lam=0.0).loss(model, x, y), expected)     # λ = 0: FGSM
    assert torch.allclose(ELLE(0.1, lam=0.0).loss(model, x, y), expected)
    # FGSM-RS with α = 0 trains on a uniform random point of the ε-ball
    torch.manual_seed(5)
    rs = FGSMRS(0.1, alpha=1e-12).loss(model, x, y)
    torch.manual_seed(5)
    x_rand = (x + (torch.rand_like(x) * 2 - 1) * 0.1).clamp(0, 1)
    assert torch.allclose(rs, F.cross_entropy(model(x_rand), y), atol=1e-5)


def test_nfgsm_perturbation_is_not_projected(batch):
    """‖δ‖∞ can exceed ε (up to (k+1)ε): record the input of the training forward pass."""
    model, x, y = batch
    seen = []
    handle = model.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].detach()))
    NFGSM(0.05, k=2.0).loss(model, 0.25 + 0.5 * x, y)
    handle.remove()
    gap = (seen[-1] - (0.25 + 0.5 * x)).abs().max()
    assert 0.05 < float(gap) <= 0.15 + 1e-6


def test_linearity_error_is_second_order():
    """E_lin = mean (ℓ(x_c) − (1−a)ℓ(x_a) − aℓ(x_b))² scales like ε⁴ for a smooth loss.

    The residual inside the square is second order, ≈ ε²·‖H‖ ~ 1e-5 at the smallest ε used here, five
    orders above float32 rounding of the losses (~1e-7 · ℓ) and ten above float64's: the measured slope
    is the mathematics, not rounding (at ε = 0.01 the residual is ~1e-7 and rounding can move the ratio
    by 20 %). Higher-order terms change each halving's ratio 16 by O(ε) (< 3 % here).
    """
    torch.manual_seed(0)
    model = MLP(in_features=16, hidden=(32,), activation="softplus").double()
    x, y = 0.3 + 0.4 * torch.rand(64, 1, 4, 4, dtype=torch.float64), torch.randint(0, 10, (64,))
    eps = np.array([0.2, 0.1, 0.05])
    values = []
    for e in eps:
        torch.manual_seed(1)  # the same x_a, x_b, a directions at every ε
        values.append(float(linearity_error(model, x, y, float(e)).detach()))
    assert min(values) > 1e-10
    assert 3.8 < np.polyfit(np.log(eps), np.log(values), 1)[0] < 4.2
    assert all(15 < values[i] / values[i + 1] < 17 for i in range(2))


def test_gradalign_regulariser_backpropagates_through_the_input_gradient(batch):
    model, x, y = batch
    grads = []
    for lam in (0.0, 10.0):
        model.zero_grad()
        torch.manual_seed(0)
        GradAlign(0.1, lam=lam).loss(model, x, y).backward()
        grads.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
    assert not torch.allclose(grads[0], grads[1])


def test_elle_a_switches_on_at_a_spike_and_decays():
    method = ELLEA(0.1, lam_max=4000.0, decay=0.99)
    assert [float(method.regulariser_weight(v)) for v in (1.0, 1.1, 0.9, 1.0)] == [0.0, 0.0, 0.0, 0.0]
    assert float(method.regulariser_weight(10.0)) == 4000.0        # 10 > μ + 2σ = 1.0 + 2·0.0816
    assert float(method.regulariser_weight(1.0)) == pytest.approx(3960.0)   # 1 < 2.8 + 2·4.02: decay


def test_elle_a_decides_on_the_device_without_reading_e_lin():
    """The spike test runs on E_lin's device: on a meta tensor, which cannot be read, it still runs."""
    method = ELLEA(0.1)
    for _ in range(4):
        lam = method.regulariser_weight(torch.empty((), device="meta"))
    assert lam.device.type == "meta" and lam.dim() == 0


@pytest.mark.parametrize("make, name", [
    (lambda: FGSMAT(-0.1), "eps"), (lambda: NFGSM(0.1, k=-1), "k"), (lambda: GradAlign(0.1, lam=-1), "lam"),
    (lambda: FGSMRS(0.1, alpha=0), "alpha"), (lambda: ELLEA(0.1, decay=2.0), "decay"),
    (lambda: LLR(0.1, mu=-1), "mu"), (lambda: LLR(0.1, steps=0), "steps"), (lambda: CURE(0.1, h=-1), "h")])
def test_bad_arguments(make, name):
    with pytest.raises(ValueError, match=name):
        make()


def test_fgsm_rs_makes_a_digits_cnn_more_robust():
    x_train, y_train, x_test, y_test = load_digits()
    evaluate = robust_evaluator(0.1, steps=10, alpha=0.1 / 4, fgsm=True)
    results = {}
    for method in (AdversarialMethod(), FGSMRS(0.1)):
        torch.manual_seed(0)
        history = fit(CNN(), method, (x_train, y_train), (x_test, y_test), epochs=10, lr=0.1,
                      eval_fn=evaluate, progress=False)
        results[method.name] = history.last
    assert results["FGSM-RS"]["pgd"] > results["ERM"]["pgd"] + 0.15
    assert results["ERM"]["pgd"] <= results["ERM"]["fgsm"] <= results["ERM"]["clean"]


@pytest.mark.parametrize(("method", "forwards"), [(FGSMRS(0.1), 2), (NFGSM(0.1), 2), (GradAlign(0.1), 3),
                                                  (LLR(0.1, steps=2), 4), (CURE(0.1), 3)],
                         ids=lambda v: getattr(v, "name", str(v)))
def test_single_step_methods_perturb_through_the_attack_kernel(method, forwards, batch, monkeypatch):
    """The single step goes through robust.attacks (ascend / input_gradient), with no extra pass: one
    forward for the attack, one for the loss (GradAlign: one more, the double-backprop gradient)."""
    import course_lib.robust.fast_at as fa

    model, x, y = batch
    used = []
    def counted(name):
        real = getattr(fa, name)

        def call(*args, **kwargs):
            used.append(name)
            return real(*args, **kwargs)
        return call

    for name in ("ascend", "input_gradient"):
        monkeypatch.setattr(fa, name, counted(name))
    count = []
    handle = model.register_forward_hook(lambda *_: count.append(1))
    try:
        method.loss(model, x, y)
    finally:
        handle.remove()
    assert used and len(count) == forwards


def test_n_fgsm_is_not_projected_and_fgsm_rs_is():
    torch.manual_seed(0)
    model = MLP(in_features=16, hidden=(32,), activation="softplus")
    x, y = torch.full((64, 1, 4, 4), 0.5), torch.randint(0, 10, (64,))
    seen = []
    handle = model.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].detach()))
    for method in (FGSMRS(0.1), NFGSM(0.1, k=2.0)):
        seen.clear()
        method.loss(model, x, y)
        dist = float((seen[-1] - x).abs().max())
        assert dist <= (0.1 if isinstance(method, FGSMRS) else 0.3) + 1e-6
        if isinstance(method, NFGSM):
            assert dist > 0.1                       # beyond the ε-ball: no projection
    handle.remove()


# ------------------------------------------------------------------ LLR and CURE
class ScalarLoss(torch.nn.Module):
    """Two logits (0, log(e^q(x) − 1)): for the label y = 0 the cross-entropy is exactly q(x) > 0, so the
    methods' regularisers can be compared with closed forms. q(x) = c + ⟨b, x⟩ + ½·xᵀAx (A = 0: affine)."""

    def __init__(self, d: int, quadratic: bool) -> None:
        super().__init__()
        gen = torch.Generator().manual_seed(0)
        self.b = torch.nn.Parameter(torch.randn(d, generator=gen, dtype=torch.float64))
        m = torch.randn(d, d, generator=gen, dtype=torch.float64)
        self.A = (m @ m.T / d) if quadratic else torch.zeros(d, d, dtype=torch.float64)
        self.c = 3.0 + float(self.b.detach().abs().sum())           # q > 0 on [0, 1]^d

    def q(self, x: torch.Tensor) -> torch.Tensor:
        v = x.flatten(1)
        return self.c + v @ self.b + 0.5 * ((v @ self.A) * v).sum(dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        q = self.q(x)
        return torch.stack([torch.zeros_like(q), torch.log(torch.expm1(q))], dim=1)


def _scalar_batch(quadratic: bool, n: int = 8, d: int = 16):
    model = ScalarLoss(d, quadratic)
    x = 0.3 + 0.4 * torch.rand(n, 1, 4, 4, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    return model, x, torch.zeros(n, dtype=torch.long)


def test_the_scalar_model_has_the_cross_entropy_q():
    model, x, y = _scalar_batch(quadratic=True)
    assert torch.allclose(F.cross_entropy(model(x), y, reduction="none"), model.q(x), atol=1e-10)


def test_llr_and_cure_regularisers_vanish_when_the_loss_is_affine_in_x():
    """ℓ(x) = c + ⟨b, x⟩: the linearisation is exact (γ = 0) and the gradient is constant (CURE term 0), up to
    the float32 rounding of the cross-entropy (the methods compute it in float32): |γ| ≲ a few 2⁻²³·ℓ."""
    model, x, y = _scalar_batch(quadratic=False)
    torch.manual_seed(0)
    ell, gamma, first_order = LLR(0.1).terms(model, x, y)
    assert bool((gamma <= 1e-6 * ell).all())                 # vs ½ε²·tr A ≈ 0.1·ℓ for the quadratic below
    assert torch.allclose(ell.double(), model.q(x), rtol=1e-6)
    assert float(first_order.detach().min()) > 0            # |⟨δ_LL, b⟩| is the affine part: not zero
    curvature = CURE(0.1).curvature(model, x, y).detach()
    assert float(curvature.max()) < 1e-10 * float(model.b.detach().pow(2).sum())


def test_cure_term_is_the_closed_form_h2_norm_Hz_squared():
    """ℓ quadratic with Hessian A: ∇ℓ(x + hz) − ∇ℓ(x) = h·Az exactly, z = sign ∇ℓ(x) / √d."""
    model, x, y = _scalar_batch(quadratic=True)
    v = x.flatten(1)
    z = (model.b + v @ model.A).sign() / 4.0                 # d = 16, no zero gradient coordinate here
    for method, h in ((CURE(0.1, h=0.7), 0.7), (CURE(0.1), 0.1 * 4.0)):   # default h = ε√d
        expected = h ** 2 * (z @ model.A).pow(2).sum(dim=1)
        assert torch.allclose(method.curvature(model, x, y), expected, rtol=1e-5)   # float32 cross-entropy


def test_llr_gamma_is_the_closed_form_on_a_diagonal_quadratic():
    """A = diag(a) ⪰ 0: γ = max_{‖δ‖∞≤ε} ½ δᵀAδ = ½ ε² tr A, reached at any vertex; two PGD steps of ε/2
    from a random start reach a vertex (every |δ_i| grows by ε/2 per step), x stays inside the box."""
    model, x, y = _scalar_batch(quadratic=True)
    model.A = torch.diag(torch.linspace(0.5, 2.0, 16, dtype=torch.float64))
    torch.manual_seed(0)
    _, gamma, _ = LLR(0.1, steps=2).terms(model, x, y)
    assert torch.allclose(gamma, torch.full_like(gamma, 0.5 * 0.1 ** 2 * float(model.A.trace())), rtol=1e-4)
    # with λ = μ = 0 the loss is the clean cross-entropy
    assert torch.allclose(LLR(0.1, lam=0.0, mu=0.0).loss(model, x, y).double(), model.q(x).mean(), rtol=1e-6)


def test_llr_loss_bounds_the_loss_at_its_perturbation(batch):
    """ℓ(x + δ) ≤ ℓ(x) + |⟨δ, ∇ℓ(x)⟩| + γ(ε, x) for δ = δ_LL, so with λ = μ = 1 the LLR loss is at least the
    loss at δ_LL (the γ term is |ℓ(x + δ_LL) − ℓ(x) − ⟨δ_LL, ∇ℓ(x)⟩|)."""
    model, x, y = batch
    seen = []
    handle = model.register_forward_pre_hook(lambda m, inp: seen.append(inp[0].detach()))
    ell, gamma, first_order = LLR(0.1, lam=1.0, mu=1.0).terms(model, x, y)
    handle.remove()
    at_delta = F.cross_entropy(model(seen[-1]), y, reduction="none")
    assert float((seen[-1] - x).abs().max()) <= 0.1 + 1e-6
    assert bool((ell + gamma + first_order >= at_delta - 1e-6).all())


@pytest.mark.parametrize(("method", "forwards"),
                         [(LLR(0.1, steps=1), 3), (LLR(0.1, steps=3), 5), (CURE(0.1), 3)], ids=repr)
def test_llr_and_cure_cost_in_forward_passes(method, forwards, batch):
    """LLR: ℓ(x) with its gradient, ``steps`` steps of the inner maximisation, the loss at δ_LL; CURE: the
    input gradient at x (FGSM step and z), the gradient at x + hz, the FGSM loss."""
    model, x, y = batch
    with ForwardCounter(model) as counter:
        method.loss(model, x, y).backward()
    assert counter.calls == forwards and counter.examples == forwards * len(y)


def test_cure_regulariser_backpropagates_through_the_input_gradient(batch):
    model, x, y = batch
    grads = []
    for lam in (0.0, 10.0):
        model.zero_grad()
        CURE(0.1, lam=lam).loss(model, x, y).backward()
        grads.append(torch.cat([p.grad.flatten() for p in model.parameters()]))
    assert not torch.allclose(grads[0], grads[1])
    assert torch.allclose(CURE(0.1, lam=0.0).loss(model, x, y), FGSMAT(0.1).loss(model, x, y))
