"""Attacks: constraints, identities (linear model, FGSM = one PGA step, margin ⇒ 0-1 loss), strength
ordering, side-effect freedom, cost, argument checks."""

import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from course_lib.data.digits import load_digits
from course_lib.models import CNN, MLP, ForwardCounter
from course_lib.robust.attacks import NORMS, beta_attack, fgsm, linear_worst_case, pga, pgd, project_l1_ball
from course_lib.robust.losses import attack_objective, margin

DUAL_P = {"linf": 1, "l2": 2, "l1": math.inf}


def _norm(v, norm):
    p = {"linf": math.inf, "l2": 2, "l1": 1}[norm]
    return v.flatten(1).norm(p=p, dim=1)


@pytest.fixture(scope="module")
def trained():
    """A CNN trained for two epochs on 8×8 digits, plus 200 test images."""
    torch.manual_seed(0)
    x_train, y_train, x_test, y_test = load_digits()
    model = CNN()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for _ in range(2):
        for idx in torch.randperm(len(y_train)).split(64):
            opt.zero_grad()
            F.cross_entropy(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
    return model.eval(), x_test[:200], y_test[:200]


def _accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), eps=st.floats(0.0, 3.0), norm=st.sampled_from(NORMS),
       steps=st.integers(1, 3), random_start=st.booleans(), loss=st.sampled_from(["ce", "margin"]))
def test_pgd_stays_in_ball_and_box(seed, eps, norm, steps, random_start, loss):
    torch.manual_seed(seed)
    model = MLP(in_features=16, hidden=(8,))
    x = torch.rand(6, 1, 4, 4)
    x[0] = 0.0  # corners of the box
    x[1] = 1.0
    y = torch.randint(0, 10, (6,))
    x_adv = pgd(model, x, y, eps, steps=steps, norm=norm, random_start=random_start, loss=loss)
    assert float(x_adv.min()) >= 0.0 and float(x_adv.max()) <= 1.0
    assert bool((_norm(x_adv - x, norm) <= eps * (1 + 1e-5) + 1e-6).all())
    for x_other in (fgsm(model, x, y, min(eps, 1.0)), beta_attack(model, x, y, eps, steps=1, norm=norm)):
        assert float(x_other.min()) >= 0.0 and float(x_other.max()) <= 1.0


@pytest.mark.parametrize("norm", NORMS)
def test_linear_model_worst_case_identity(norm):
    """One step with a large step size on the linear 'loss' ⟨w, x⟩ lands on ⟨w, a⟩ + ε‖w‖_* (1e-6)."""
    torch.manual_seed(1)
    d, eps = 64, 0.2
    w = torch.randn(5, d, dtype=torch.float64)
    a = 0.3 + 0.4 * torch.rand(5, d, dtype=torch.float64)  # interior: the box never binds
    eta, value = linear_worst_case(w, a, eps, norm)
    assert torch.allclose(value, (w * a).sum(1) + eps * w.norm(p=DUAL_P[norm], dim=1), atol=1e-12)
    assert torch.allclose((w * (a + eta)).sum(1), value, atol=1e-12)
    assert bool((_norm(eta, norm) <= eps + 1e-12).all())
    # the attack on the model z = (0, ⟨w_i, x⟩) with the margin loss for label 0 maximises ⟨w_i, x⟩
    for i in range(5):
        model = torch.nn.Linear(d, 2, bias=False).double()
        with torch.no_grad():
            model.weight.copy_(torch.stack([torch.zeros(d, dtype=torch.float64), w[i]]))
        x_adv = pgd(model, a[i:i + 1], torch.zeros(1, dtype=torch.int64), eps, alpha=10 * eps, steps=1,
                    norm=norm, random_start=False, loss="margin")
        assert abs(float((w[i] * x_adv[0]).sum()) - float(value[i])) < 1e-6


def test_fgsm_is_one_pga_step_with_large_step(trained):
    """EE-556 Lecture 11: with η⁰ = 0 and α|∇f(0)|_i > ε for all i, clip(α∇f(0), [−ε, ε]) = ε·sign ∇f(0).

    The smallest |∇f(0)_i| is rounding noise (~1e-9 against a median ~1e-2; its value changes with the
    thread count), so α is derived from the gradient the attacks themselves compute: the library's
    objective, same operations, hence the same float32 values as inside ``fgsm`` and ``pga``.
    """
    model, x, y = trained
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(attack_objective(model(x), y, "ce").sum(), x)
    x = x.detach()
    for eps in (0.05, 0.2):
        alpha = 2 * eps / float(g.abs()[g != 0].min())
        assert torch.equal(fgsm(model, x, y, eps), pga(model, x, y, eps, alpha=alpha))
        one_sign_step = pgd(model, x, y, eps, alpha=eps, steps=1, random_start=False)
        assert torch.equal(fgsm(model, x, y, eps), one_sign_step)
        # a small step is not FGSM: PGA moves along the raw gradient
        assert not torch.equal(fgsm(model, x, y, eps), pga(model, x, y, eps, alpha=1e-3))


def test_pgd_is_at_least_as_strong_as_fgsm(trained):
    model, x, y = trained
    torch.manual_seed(0)
    eps = 0.1
    acc_clean, acc_fgsm = _accuracy(model, x, y), _accuracy(model, fgsm(model, x, y, eps), y)
    acc_pgd = _accuracy(model, pgd(model, x, y, eps, steps=10), y)
    acc_beta = _accuracy(model, beta_attack(model, x, y, eps, steps=10), y)
    # clean accuracy of the 2-epoch CNN is 0.72-0.90 over training seeds (another CPU's rounding is, in
    # effect, another seed), FGSM costs it ≥ 0.3, PGD / BETA cost ≥ 0.02 more (4+ of the 200 images)
    assert acc_clean > 0.6 and acc_pgd <= acc_fgsm < acc_clean and acc_beta <= acc_fgsm
    with torch.no_grad():
        ce = lambda x_adv: F.cross_entropy(model(x_adv), y).item()  # noqa: E731
        assert ce(pgd(model, x, y, eps, steps=10)) >= ce(fgsm(model, x, y, eps))


def test_restarts_never_hurt_and_targeted_reaches_target(trained):
    model, x, y = trained
    torch.manual_seed(0)
    one = _accuracy(model, pgd(model, x, y, 0.08, steps=5, restarts=1), y)
    torch.manual_seed(0)
    three = _accuracy(model, pgd(model, x, y, 0.08, steps=5, restarts=3), y)
    assert three <= one
    target = (y + 1) % 10
    for loss in ("ce", "margin"):
        x_adv = pgd(model, x, y, 0.3, steps=20, targeted=True, y_target=target, loss=loss)
        # 0.70-0.96 of the images reach the target over training seeds (seed 0: ce 0.95, margin 0.88);
        # an untargeted attack (same ε, steps) lands on class y + 1 for only 0.04-0.09 of them
        assert _accuracy(model, x_adv, target) > 0.5


def test_margin_maximiser_flips_label_whenever_possible():
    """Random linear models, ℓ∞: BETA misclassifies x exactly when max_{j≠y}[(w_j−w_y)ᵀx + b_j − b_y
    + ε‖w_j − w_y‖₁] > 0, i.e. whenever the 0-1 loss can be raised (dual norms)."""
    torch.manual_seed(3)
    n, d, K, eps = 300, 20, 5, 0.1
    model = torch.nn.Linear(d, K).double()
    x = 0.3 + 0.4 * torch.rand(n, d, dtype=torch.float64)
    y = torch.randint(0, K, (n,))
    W, b = model.weight.detach(), model.bias.detach()
    dW = W[None, :, :] - W[y][:, None, :]                          # (n, K, d): w_j − w_y
    best = (dW @ x[:, :, None]).squeeze(2) + b[None] - b[y][:, None] + eps * dW.abs().sum(2)
    can_flip = best.scatter(1, y[:, None], -math.inf).amax(1) > 0
    with torch.no_grad():
        flipped = model(beta_attack(model, x, y, eps, steps=1)).argmax(1) != y
    assert 0 < int(can_flip.sum()) < n
    assert torch.equal(flipped, can_flip)


def test_attacks_leave_model_untouched(trained):
    model, x, y = trained
    model.zero_grad(set_to_none=True)
    before = [p.detach().clone() for p in model.parameters()]
    for mode in (True, False):
        model.train(mode)
        fgsm(model, x, y, 0.1)
        pgd(model, x, y, 0.1, steps=2, restarts=2)
        beta_attack(model, x[:10], y[:10], 0.1, steps=2)
        assert model.training is mode
    model.eval()
    assert all(torch.equal(p, q) for p, q in zip(model.parameters(), before))
    assert all(p.requires_grad for p in model.parameters())
    assert all(p.grad is None for p in model.parameters())


def test_one_forward_backward_per_step(trained):
    model, x, y = trained
    with ForwardCounter(model) as c:
        pgd(model, x, y, 0.1, steps=7)
    assert (c.calls, c.examples) == (7, 7 * len(x))
    with ForwardCounter(model) as c:
        fgsm(model, x, y, 0.1)
    assert (c.calls, c.examples) == (1, len(x))


def test_attacks_run_under_autocast_and_no_grad(trained):
    model, x, y = trained
    with torch.no_grad(), torch.autocast("cpu", dtype=torch.bfloat16):
        x_adv = pgd(model, x[:20], y[:20], 0.1, steps=2)
    assert x_adv.dtype == torch.float32 and float((x_adv - x[:20]).abs().max()) <= 0.1 + 1e-6


def test_l1_projection_is_nearest_point():
    torch.manual_seed(0)
    v = torch.randn(50, 30, dtype=torch.float64)
    for eps in (0.0, 0.5, 3.0, 100.0):
        w = project_l1_ball(v, eps)
        assert bool((w.abs().sum(1) <= eps + 1e-9).all())
        # optimality: w = sign(v)·max(|v| − θ, 0) with one θ ≥ 0 per row, i.e. a soft threshold
        for t in torch.linspace(0, 1, 5, dtype=torch.float64):  # any other point of the ball is further away
            other = project_l1_ball(v + t * torch.randn_like(v), eps)
            assert bool(((v - w).norm(dim=1) <= (v - other).norm(dim=1) + 1e-9).all())


def test_margin_loss():
    z = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 1.0]])
    assert torch.equal(margin(z, torch.tensor([0, 0])), torch.tensor([-1.0, 5.0]))


@pytest.mark.parametrize("kwargs, name", [
    ({"eps": -0.1}, "eps"), ({"norm": "l3"}, "norm"), ({"steps": 0}, "steps"), ({"loss": "hinge"}, "loss"),
    ({"restarts": 0}, "restarts"), ({"alpha": -1.0}, "alpha"), ({"targeted": True}, "y_target")])
def test_bad_arguments(kwargs, name):
    model = MLP(in_features=4)
    x, y = torch.rand(2, 1, 2, 2), torch.tensor([0, 1])
    args = {"eps": 0.1, **kwargs}
    with pytest.raises(ValueError, match=name):
        pgd(model, x, y, **args)


def test_inputs_outside_unit_box_are_rejected():
    model = MLP(in_features=4)
    y = torch.tensor([0, 1])
    for attack in (fgsm, pgd, beta_attack):
        with pytest.raises(ValueError, match="'x'"):
            attack(model, torch.rand(2, 1, 2, 2) + 1.0, y, 0.1)
    with pytest.raises(ValueError, match="eps"):
        fgsm(model, torch.rand(2, 1, 2, 2), y, -1.0)


# ---------------------------------------------------------------- one attack kernel for every method
def _old_project(x_adv, x, eps):
    """The ℓ∞ projection the methods used to carry (kept here as the reference)."""
    return torch.minimum(torch.maximum(x_adv, x - eps), x + eps).clamp(0.0, 1.0)


def _old_grad(fn, z):
    z = z.detach().requires_grad_(True)
    return torch.autograd.grad(fn(z), z)[0]


def test_methods_perturb_bit_identically_to_their_old_hand_written_loops():
    """TRADES, dynamic AT, ATAS and FGSM-AT now run through ``ascend``; on a fixed seed they give exactly
    (``torch.equal``) the points of the loops they replaced, and the attack computes no weight gradients."""
    from course_lib.robust.fast_at import FGSMAT
    from course_lib.robust.methods import ATAS, TRADES, DynamicAT
    from course_lib.robust.metrics import fosc_closed_form

    g = torch.Generator().manual_seed(0)
    x, y, eps, alpha = torch.rand(24, 1, 5, 5, generator=g), torch.arange(24) % 3, 0.1, 0.03
    x[:4] = 0.0
    torch.manual_seed(1)
    model = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(25, 16), torch.nn.Tanh(),
                                torch.nn.Linear(16, 3))
    ce = lambda z: F.cross_entropy(model(z), y, reduction="sum")  # noqa: E731

    torch.manual_seed(2)
    new = TRADES(eps, alpha, steps=4).perturb(model, x, y)
    torch.manual_seed(2)
    with torch.no_grad():
        p_nat = F.softmax(model(x), dim=1)
    kl = lambda z: F.kl_div(F.log_softmax(model(z), dim=1), p_nat, reduction="sum")  # noqa: E731
    old = _old_project(x + 0.001 * torch.randn_like(x), x, eps)
    for _ in range(4):
        old = _old_project(old + alpha * _old_grad(kl, old).sign(), x, eps)
    assert torch.equal(new, old)

    torch.manual_seed(3)
    new = DynamicAT(eps, alpha, steps=5, c_max=0.05).perturb(model, x, y)
    torch.manual_seed(3)
    old = _old_project(x + torch.empty_like(x).uniform_(-eps, eps), x, eps)
    for k in range(5):
        grad = _old_grad(ce, old)
        move = torch.ones_like(y, dtype=torch.bool) if k == 0 else \
            fosc_closed_form(grad, old, x, eps, box=(0.0, 1.0)) > 0.05
        old = _old_project(old + alpha * grad.sign() * move.view(-1, 1, 1, 1), x, eps)
    assert torch.equal(new, old)

    atas = ATAS(eps, warmup_epochs=0)
    torch.manual_seed(4)
    new = atas.perturb(model, x, y)
    torch.manual_seed(4)
    delta, v = torch.empty_like(x).uniform_(-eps, eps), torch.zeros(len(y))
    x0 = _old_project(x + delta, x, eps)
    grad = _old_grad(ce, x0)
    v = 0.5 * grad.flatten(1).pow(2).sum(1) + 0.5 * v
    step = (2 * eps * 0.01 / (0.01 + v.sqrt())).clamp(eps / 2, 1.75 * eps)
    assert torch.equal(new, _old_project(x0 + step.view(-1, 1, 1, 1) * grad.sign(), x, eps))
    assert torch.equal(atas.last_alpha, step)

    new = FGSMAT(eps, alpha=2 * eps)
    grad = _old_grad(lambda z: F.cross_entropy(model(z), y, reduction="none").sum(), x)
    x_fgsm = (x + (2 * eps * grad.sign()).clamp(-eps, eps)).clamp(0, 1)
    assert torch.equal(new.loss(model, x, y), F.cross_entropy(model(x_fgsm), y))

    for p in model.parameters():
        p.grad = None
    for method in (TRADES(eps, alpha, steps=2), DynamicAT(eps, steps=2), ATAS(eps)):
        method.perturb(model, x, y)
    assert all(p.grad is None and p.requires_grad for p in model.parameters())
