"""Training methods and the training loop (course_lib.robust.methods / weight_methods / cfol / training)."""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from course_lib.robust.base import Method
from course_lib.robust.cfol import CFOL
from course_lib.robust.methods import (
    ATAS,
    BETAAT,
    MART,
    PGDAT,
    TRADES,
    AdversarialMethod,
    DynamicAT,
)
from course_lib.robust.training import History, fit
from course_lib.robust.weight_methods import AWP, SAM

EPS = 0.1


def _data(n: int = 48, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, 1, 4, 4, generator=g)
    y = torch.arange(n) % 3
    return x, y


def _model(seed: int = 0) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 12), nn.ReLU(), nn.Linear(12, 3))


METHODS = {
    "pgd": lambda eps: PGDAT(eps, steps=3),
    "trades": lambda eps: TRADES(eps, steps=3, beta=6.0),
    "mart": lambda eps: MART(eps, steps=3, beta=6.0),
    "beta": lambda eps: BETAAT(eps, steps=3),
    "dynamic": lambda eps: DynamicAT(eps, steps=3, c_max=0.1),
    "atas": lambda eps: ATAS(eps, warmup_epochs=0),
    "awp": lambda eps: AWP(PGDAT(eps, steps=3), gamma=0.01),
    "sam": lambda eps: SAM(PGDAT(eps, steps=3), rho=0.05),
    "cfol": lambda eps: CFOL(PGDAT(eps, steps=3), num_classes=3, eta=0.01),
}


def _params(model: nn.Module) -> list[torch.Tensor]:
    return [p.detach().clone() for p in model.parameters()]


@pytest.mark.parametrize("name", METHODS)
def test_each_method_has_a_finite_loss_and_trains(name):
    x, y = _data()
    method, model = METHODS[name](EPS), _model()
    loss = method.loss(model, x, y)
    assert loss.dim() == 0 and torch.isfinite(loss)
    history = fit(model, method, (x, y), (x, y), epochs=2, batch_size=16, lr=0.05, progress=False)
    assert len(history.records) == 2
    assert all(torch.isfinite(torch.tensor(r["train_loss"])) for r in history.records)
    assert history.last_state is not None and history.best_state is not None


# ε = 0, β = 0, γ = 0, ρ = 0, η = 0: the theory says each method is plain cross-entropy training (ERM)
REDUCTIONS = {
    "pgd eps=0": lambda: PGDAT(0.0),
    "trades eps=0": lambda: TRADES(0.0),
    "trades beta=0": lambda: TRADES(EPS, beta=0.0),
    "beta-at eps=0": lambda: BETAAT(0.0),
    "dynamic eps=0": lambda: DynamicAT(0.0),
    "atas eps=0": lambda: ATAS(0.0),
    "awp gamma=0": lambda: AWP(PGDAT(0.0), gamma=0.0),
    "sam rho=0": lambda: SAM(rho=0.0),
    "cfol gamma=1": lambda: CFOL(AdversarialMethod(), num_classes=3, gamma=1.0),
}


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduces_to_plain_cross_entropy(name):
    x, y = _data()
    model = _model()
    method = REDUCTIONS[name]()
    torch.testing.assert_close(method.loss(model, x, y), F.cross_entropy(model(x), y))
    reference = copy.deepcopy(model)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    ref_opt = torch.optim.SGD(reference.parameters(), lr=0.1)
    method.step(model, x, y, opt)
    AdversarialMethod().step(reference, x, y, ref_opt)
    for p, q in zip(model.parameters(), reference.parameters()):
        torch.testing.assert_close(p, q)


def test_cfol_with_gamma_one_samples_uniformly_and_its_loss_is_the_inner_loss():
    x, y = _data()
    cfol = CFOL(AdversarialMethod(), num_classes=3, gamma=1.0, eta=1.0)
    torch.testing.assert_close(cfol.probabilities, torch.full((3,), 1 / 3))
    model = _model()
    torch.testing.assert_close(cfol.loss(model, x, y), F.cross_entropy(model(x), y))


def test_mart_matches_the_reference_formula():
    x, y = _data()
    model = _model()
    x_adv = (x + 0.05).clamp(0, 1)
    got = MART(EPS, beta=6.0).objective(model, x, x_adv, y)
    logits, logits_adv = model(x), model(x_adv)
    p_adv, p_nat = F.softmax(logits_adv, 1), F.softmax(logits, 1)
    top2 = torch.argsort(p_adv, dim=1)[:, -2:]  # `YisenWang/MART/mart.py`
    new_y = torch.where(top2[:, -1] == y, top2[:, -2], top2[:, -1])
    loss_adv = F.cross_entropy(logits_adv, y) + F.nll_loss(torch.log(1.0001 - p_adv + 1e-12), new_y)
    kl = F.kl_div(torch.log(p_adv + 1e-12), p_nat, reduction="none").sum(1)
    true_p = p_nat.gather(1, y[:, None]).squeeze(1)
    torch.testing.assert_close(got, loss_adv + 6.0 * (kl * (1.0000001 - true_p)).mean())


def test_trades_adds_a_nonnegative_kl_to_the_clean_loss():
    x, y = _data()
    model = _model()
    trades = TRADES(EPS, steps=3)
    x_adv = trades.perturb(model, x, y)
    assert float((x_adv - x).abs().max()) <= EPS + 1e-6
    with torch.no_grad():
        assert float(trades.objective(model, x, x_adv, y)) >= float(F.cross_entropy(model(x), y)) - 1e-6


class _Fixed(AdversarialMethod):
    """A deterministic inner method (x′ = x) so that the weight-space update can be checked by hand."""


def test_awp_is_a_step_from_the_original_weights_with_the_gradient_at_w_plus_v():
    x, y = _data()
    model, gamma, lr = _model(), 0.1, 0.5
    w = _params(model)
    ce = lambda: F.cross_entropy(model(x), y)  # noqa: E731
    mats = [p for p in model.parameters() if p.dim() > 1]
    g = torch.autograd.grad(ce(), mats)
    with torch.no_grad():
        for p, gi in zip(mats, g):
            p.add_(gamma * p.norm() / gi.norm() * gi)
    grad_at_v = torch.autograd.grad(ce(), list(model.parameters()))
    expected = [wi - lr * gi for wi, gi in zip(w, grad_at_v)]
    with torch.no_grad():
        for p, wi in zip(model.parameters(), w):
            p.copy_(wi)
    AWP(_Fixed(), gamma=gamma).step(model, x, y, torch.optim.SGD(model.parameters(), lr=lr))
    for p, e in zip(model.parameters(), expected):
        torch.testing.assert_close(p.detach(), e)


@pytest.mark.parametrize("method", [AWP(_Fixed(), gamma=0.3), SAM(_Fixed(), rho=0.3),
                                    AWP(PGDAT(EPS, steps=2), gamma=0.3)], ids=["awp", "sam", "awp-pgd"])
def test_weight_perturbation_is_restored_exactly(method):
    """With a zero learning rate the optimizer does nothing, so the weights must be bit-identical."""
    x, y = _data()
    model = _model()
    w = _params(model)
    method.step(model, x, y, torch.optim.SGD(model.parameters(), lr=0.0))
    for p, wi in zip(model.parameters(), w):
        assert torch.equal(p.detach(), wi)


class _Quadratic(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.w = nn.Parameter(torch.tensor([1.0, 1.0]))


class _QuadraticLoss(AdversarialMethod):
    """L(w) = ½ wᵀ diag(10, 1) w (SAM, Foret et al. 2021)."""

    def objective(self, model, x, x_adv, y):
        return 0.5 * (10 * model.w[0] ** 2 + model.w[1] ** 2)


def test_sam_gradient_on_the_quadratic_matches_the_research_note():
    model = _Quadratic()
    x, y = torch.zeros(1, 1), torch.zeros(1, dtype=torch.long)
    SAM(_QuadraticLoss(), rho=0.05).step(model, x, y, torch.optim.SGD(model.parameters(), lr=1.0))
    g_sam = torch.tensor([1.0, 1.0]) - model.w.detach()
    torch.testing.assert_close(g_sam, torch.tensor([10.4975, 1.0050]), atol=1e-4, rtol=0)


def test_cfol_probabilities_form_a_distribution_and_move_to_the_worst_class():
    cfol = CFOL(AdversarialMethod(), num_classes=5, gamma=0.5, eta=1e-3)
    error = torch.tensor([0.2, 0.3, 0.4, 0.5, 0.6])  # class 4 is the worst
    gen = torch.Generator().manual_seed(0)
    for _ in range(200):
        y = torch.multinomial(cfol.probabilities, 64, replacement=True, generator=gen)
        wrong = torch.rand(64, generator=gen) < error[y]
        cfol.update(y, wrong)
        p = cfol.probabilities
        assert abs(float(p.sum()) - 1) < 1e-6 and float(p.min()) >= 0.5 / 5 - 1e-7
    assert int(p.argmax()) == 4 and float(p[4]) > 0.3 and float(p[0]) < 0.2
    assert float((cfol.q * error).sum()) > float(error.mean())


def test_cfol_batches_follow_the_class_distribution():
    y = torch.arange(300) % 3
    cfol = CFOL(AdversarialMethod(), num_classes=3, gamma=0.0)
    cfol.w = torch.tensor([0.0, 0.0, 10.0])  # q ≈ (0, 0, 1)
    batches = list(cfol.batch_indices(y, 64, torch.Generator().manual_seed(0)))
    assert [len(b) for b in batches] == [64, 64, 64, 64, 44]
    assert float((y[torch.cat(batches)] == 2).float().mean()) > 0.99
    with pytest.raises(ValueError, match="num_classes"):
        list(CFOL(AdversarialMethod(), num_classes=4).batch_indices(y, 64, torch.Generator()))


def test_dynamic_at_schedule_and_early_stop():
    dyn = DynamicAT(EPS, steps=5, c_max=0.5, decay_fraction=0.5)
    values = []
    for epoch in range(1, 11):
        dyn.start_epoch(epoch, 10)
        values.append(dyn.c_t)
    assert values[0] == 0.5 and values[5:] == [0.0] * 5 and values == sorted(values, reverse=True)
    # with a threshold above every FOSC, examples stop after the first step: x′ = Π(x0 + α·sign g)
    x, y = _data()
    model = _model()
    dyn = DynamicAT(EPS, steps=5, alpha=EPS, c_max=1e9)
    torch.manual_seed(1)
    x_adv = dyn.perturb(model, x, y)
    torch.manual_seed(1)
    one = DynamicAT(EPS, steps=1, alpha=EPS, c_max=1e9).perturb(model, x, y)
    torch.testing.assert_close(x_adv, one)


def test_atas_step_sizes_stay_in_their_bounds_and_state_persists():
    x, y = _data()
    model = _model()
    atas = ATAS(EPS, c=0.01, warmup_epochs=1)
    atas.start_epoch(1, 3)
    atas.set_indices(torch.arange(len(y)))
    atas.perturb(model, x, y)
    torch.testing.assert_close(atas.last_alpha, torch.full((len(y),), EPS))
    atas.start_epoch(2, 3)
    atas.set_indices(torch.arange(len(y)))
    x_adv = atas.perturb(model, x, y)
    assert float(atas.last_alpha.min()) >= EPS / 2 - 1e-7
    assert float(atas.last_alpha.max()) <= 1.75 * EPS + 1e-7
    assert float((x_adv - x).abs().max()) <= EPS + 1e-6
    torch.testing.assert_close(atas._delta[: len(y)], x_adv - x)


def test_fit_keeps_best_and_last_and_accepts_any_method():
    class OnlyLoss(Method):  # a method from another module: only `loss`
        def loss(self, model, x, y):
            return F.cross_entropy(model(x), y)

    x, y = _data()
    model = _model()
    scores = iter([0.5, 0.9, 0.7])

    def eval_fn(m, xt, yt):
        return {"clean": 0.0, "robust": next(scores)}

    history = fit(model, OnlyLoss(), (x, y), (x, y), epochs=3, batch_size=16, eval_fn=eval_fn, progress=False)
    assert isinstance(history, History) and history.select == "robust" and history.best_epoch == 2
    assert list(history.column("robust")) == [0.5, 0.9, 0.7] and history.best["robust"] == 0.9
    for k, v in model.state_dict().items():
        assert torch.equal(history.last_state[k], v)
    assert any(not torch.equal(history.best_state[k], v) for k, v in model.state_dict().items())
    assert all(r["time"] >= 0 for r in history.records)


def test_fit_with_progress_bar_and_default_eval():
    x, y = _data()
    history = fit(_model(), PGDAT(EPS, steps=2), (x, y), (x, y), epochs=1, batch_size=16, progress=True)
    assert set(history.last) >= {"epoch", "train_loss", "time", "clean"}


@pytest.mark.parametrize("kwargs, param", [
    ({"epochs": 0}, "epochs"), ({"batch_size": 0}, "batch_size"), ({"lr": -1.0}, "lr"),
    ({"optimizer": "lbfgs"}, "optimizer"), ({"schedule": "cosine"}, "schedule"), ({"seed": -1}, "seed"),
])
def test_fit_bad_arguments_name_the_parameter(kwargs, param):
    x, y = _data()
    args = {"epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=param):
        fit(_model(), AdversarialMethod(), (x, y), **args, progress=False)


def test_fit_rejects_non_methods_and_bad_data():
    x, y = _data()
    with pytest.raises(TypeError, match="method"):
        fit(_model(), "pgd", (x, y), epochs=1)
    with pytest.raises(ValueError, match="train"):
        fit(_model(), AdversarialMethod(), (x, y[:5]), epochs=1)


@pytest.mark.parametrize("make, param", [
    (lambda: PGDAT(-0.1), "eps"), (lambda: PGDAT(0.1, steps=0), "steps"),
    (lambda: PGDAT(0.1, alpha=0.0), "alpha"),
    (lambda: TRADES(0.1, beta=-1.0), "beta"), (lambda: MART(0.1, beta=-1.0), "beta"),
    (lambda: DynamicAT(0.1, c_max=-1.0), "c_max"),
    (lambda: DynamicAT(0.1, decay_fraction=0.0), "decay_fraction"),
    (lambda: ATAS(0.1, c=0.0), "'c'"), (lambda: ATAS(0.1, beta=2.0), "beta"),
    (lambda: AWP(PGDAT(0.1), gamma=-1.0), "gamma"), (lambda: SAM(rho=-1.0), "rho"),
    (lambda: CFOL(PGDAT(0.1), num_classes=1), "num_classes"),
    (lambda: CFOL(PGDAT(0.1), 3, gamma=1.5), "gamma"),
    (lambda: CFOL(PGDAT(0.1), 3, eta=-1.0), "eta"),
])
def test_method_bad_arguments_name_the_parameter(make, param):
    with pytest.raises(ValueError, match=param):
        make()


def test_wrappers_need_an_input_space_method():
    with pytest.raises(TypeError, match="inner"):
        AWP(Method())
    with pytest.raises(TypeError, match="inner"):
        CFOL(Method(), num_classes=3)


# ------------------------------------------------------------------------ registry and hooks
def _all_method_classes() -> set[type]:
    """Every Method subclass defined in course_lib (all its modules imported), but the abstract bases
    (Method, Wrapper) and private helpers (a leading underscore)."""
    import importlib
    import pkgutil

    import course_lib
    from course_lib.robust.base import Wrapper

    for info in pkgutil.walk_packages(course_lib.__path__, "course_lib."):
        importlib.import_module(info.name)

    def subclasses(cls: type) -> set[type]:
        direct = set(cls.__subclasses__())
        return direct.union(*(subclasses(c) for c in direct))

    return {c for c in subclasses(Method) if c.__module__.startswith("course_lib.")
            and not c.__name__.startswith("_") and c is not Wrapper}


def test_registry_covers_every_concrete_method_and_builds_each():
    from course_lib.robust import METHODS, MethodArgs, build_method

    registered = {spec.method_class for spec in METHODS.values()}
    missing = {c.__name__ for c in _all_method_classes()} - {c.__name__ for c in registered}
    assert not missing, f"Method subclasses without an entry in course_lib.robust.METHODS: {missing}"
    for key, spec in METHODS.items():
        method = build_method(key, MethodArgs(eps=0.1, steps=2, num_classes=3, m=2))
        assert type(method) is spec.method_class, key
    assert build_method("FGSM-RS", eps=0.1).alpha == pytest.approx(0.125)       # aliases, any case
    with pytest.raises(ValueError, match="method"):
        build_method("fgsm_xyz")


class _Recording(AdversarialMethod):
    """ERM that records the hooks the loop calls and samples its own batches (reversed order)."""

    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def start_epoch(self, epoch, epochs):
        self.calls.append(("start_epoch", epoch, epochs))

    def batch_indices(self, y, batch_size, generator):
        self.calls.append(("batch_indices", len(y), batch_size))
        return list(torch.arange(len(y) - 1, -1, -1, device=y.device).split(batch_size))

    def set_indices(self, idx):
        self.calls.append(("set_indices", idx.tolist()))

    def step(self, model, x, y, optimizer):
        self.calls.append(("step", len(y)))
        return super().step(model, x, y, optimizer)


def test_fit_runs_every_hook_through_run_epoch():
    x, y = _data(10)
    rec = _Recording()
    fit(_model(), rec, (x, y), epochs=2, batch_size=4, progress=False)
    first = rec.calls[:8]
    assert first == [("start_epoch", 1, 2), ("batch_indices", 10, 4), ("set_indices", [9, 8, 7, 6]),
                     ("step", 4), ("set_indices", [5, 4, 3, 2]), ("step", 4), ("set_indices", [1, 0]),
                     ("step", 2)]
    assert rec.calls[8] == ("start_epoch", 2, 2)


def test_the_base_method_declares_every_hook_as_a_no_op():
    m = AdversarialMethod()
    assert m.start_epoch(1, 3) is None and m.set_indices(torch.arange(3)) is None
    batches = m.batch_indices(torch.arange(7), 3, torch.Generator().manual_seed(0))
    assert sorted(torch.cat(list(batches)).tolist()) == list(range(7))


def test_wrappers_pass_the_hooks_to_the_inner_method():
    for wrap in (lambda m: AWP(m), lambda m: SAM(m), lambda m: CFOL(m, num_classes=3)):
        inner = DynamicAT(EPS, steps=2, c_max=0.5, decay_fraction=0.5)
        wrap(inner).start_epoch(2, 4)
        assert inner.c_t == pytest.approx(0.25)       # c_max·(1 − (2 − 1)/(0.5·4)): the schedule moved


def test_one_schedule_vocabulary_with_aliases():
    from course_lib.robust.training import SCHEDULES, lr_factor, make_scheduler, schedule_name

    assert SCHEDULES == ("constant", "onecycle", "cyclic", "piecewise")
    assert schedule_name("one-cycle") == "onecycle" and schedule_name("triangle") == "cyclic"
    assert [lr_factor("cyclic", s, 4) for s in range(5)] == [0, 0.5, 1, 0.5, 0]
    assert [lr_factor("piecewise", s, 8) for s in (3, 4, 6)] == [1, 0.1, pytest.approx(0.01)]
    opt = torch.optim.SGD(_model().parameters(), lr=0.2)
    assert isinstance(make_scheduler(opt, "onecycle", 0.2, 10), torch.optim.lr_scheduler.OneCycleLR)
    assert make_scheduler(opt, "constant", 0.2, 10) is None
    with pytest.raises(ValueError, match="schedule"):
        schedule_name("cosine")
