"""Every training method by one name: the registry the lectures' methods and lab 1's ``--method`` share.

    from course_lib.robust import METHODS, build_method
    method = build_method("pgd", eps=8 / 255, steps=10)        # = PGDAT(8/255, None, 10)
    METHODS["pgd"].method_class, METHODS["pgd"].family         # (PGDAT, "multi_step")

Each :class:`MethodSpec` names a concrete :class:`~course_lib.robust.base.Method` subclass and builds it
from the few numbers a command line gives (:class:`MethodArgs`: ε, the attack step α and steps, the
number of classes, DDi's m, the smoothing σ). ``family`` groups the methods by cost and recipe
(``"clean"``, ``"single_step"``, ``"multi_step"``, ``"weight"``, ``"certified"``); ``double_backward``
marks methods that differentiate twice (torch.compile cannot); ``ddp`` is False for methods that write
their own gradients (DDi); ``nets`` is ``"relu_mlp"`` for methods that bound a ReLU MLP only (IBP).
A test checks that every concrete Method subclass in ``course_lib`` has an entry.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from course_lib import _validate
from course_lib.robust.base import Method


@dataclass(frozen=True)
class MethodArgs:
    """What a command line sets; each builder takes what its method needs (its own defaults otherwise)."""

    eps: float = 8 / 255
    alpha: float | None = None        # attack step of the training method (its default when None)
    steps: int = 10                   # inner PGD steps of the multi-step methods
    num_classes: int = 10
    m: int = 10                       # DDi perturbations per sample
    sigma: float = 0.25               # Gaussian-noise training (randomized smoothing)

    @property
    def pgd_alpha(self) -> float | None:
        """α of the multi-step methods: given, else 2/255 at ε = 8/255 (the recipes), else their default."""
        if self.alpha is not None:
            return self.alpha
        return 2 / 255 if math.isclose(self.eps, 8 / 255) else None


@dataclass(frozen=True)
class MethodSpec:
    """One registered method: its class, how to build it from :class:`MethodArgs`, and how it runs."""

    key: str
    get_class: Callable[[], type[Method]]     # lazy: DDi lives in course_lib.danskin
    build: Callable[[MethodArgs], Method]
    family: str
    double_backward: bool = False
    ddp: bool = True
    nets: str = "any"                         # "any" or "relu_mlp"
    summary: str = ""

    @property
    def method_class(self) -> type[Method]:
        """The registered class (imported on first use)."""
        return self.get_class()


def _robust(name: str) -> Callable[[], type[Method]]:
    def get() -> type[Method]:
        from course_lib import robust
        return getattr(robust, name)
    return get


def _ddi() -> type[Method]:
    from course_lib.danskin.ddd import DDi
    return DDi


def _pgd(a: MethodArgs) -> Method:
    from course_lib.robust.methods import PGDAT
    return PGDAT(a.eps, a.pgd_alpha, a.steps)


def _build(name: str, **fixed) -> Callable[[MethodArgs], Method]:
    def build(a: MethodArgs) -> Method:
        from course_lib import robust
        kwargs = {k: (v(a) if callable(v) else v) for k, v in fixed.items()}
        return getattr(robust, name)(**kwargs)
    return build


_SPECS = [
    MethodSpec("clean", _robust("AdversarialMethod"), _build("AdversarialMethod"), "clean",
               summary="ERM on clean images"),
    MethodSpec("noise", _robust("GaussianNoiseTraining"),
               _build("GaussianNoiseTraining", sigma=lambda a: a.sigma), "clean",
               summary="Gaussian-noise training, the base classifier of randomized smoothing"),
    MethodSpec("fgsm", _robust("FGSMAT"), _build("FGSMAT", eps=lambda a: a.eps, alpha=lambda a: a.alpha),
               "single_step", summary="FGSM, zero init (catastrophic overfitting)"),
    MethodSpec("fgsm_rs", _robust("FGSMRS"), _build("FGSMRS", eps=lambda a: a.eps, alpha=lambda a: a.alpha),
               "single_step", summary="FGSM from a random start (Wong et al. 2020)"),
    MethodSpec("n_fgsm", _robust("NFGSM"), _build("NFGSM", eps=lambda a: a.eps, alpha=lambda a: a.alpha),
               "single_step", summary="N-FGSM, noise and no projection (de Jorge et al. 2022)"),
    MethodSpec("gradalign", _robust("GradAlign"), _build("GradAlign", eps=lambda a: a.eps), "single_step",
               double_backward=True, summary="FGSM + gradient alignment (Andriushchenko & Flammarion)"),
    MethodSpec("elle", _robust("ELLE"), _build("ELLE", eps=lambda a: a.eps), "single_step",
               summary="FGSM + local linearity (Abad Rocamora et al. 2024)"),
    MethodSpec("elle_a", _robust("ELLEA"), _build("ELLEA", eps=lambda a: a.eps), "single_step",
               summary="ELLE with the adaptive λ"),
    MethodSpec("llr", _robust("LLR"), _build("LLR", eps=lambda a: a.eps, alpha=lambda a: a.alpha),
               "single_step", double_backward=True,
               summary="local linearity regularisation (Qin et al. 2019)"),
    MethodSpec("cure", _robust("CURE"), _build("CURE", eps=lambda a: a.eps), "single_step",
               double_backward=True,
               summary="FGSM + curvature regularisation (Moosavi-Dezfooli et al. 2019)"),
    MethodSpec("atas", _robust("ATAS"), _build("ATAS", eps=lambda a: a.eps), "single_step",
               summary="adaptive step per example (Huang et al. 2023)"),
    MethodSpec("pgd", _robust("PGDAT"), _pgd, "multi_step", summary="PGD-AT (Madry et al. 2018)"),
    MethodSpec("trades", _robust("TRADES"), _build("TRADES", eps=lambda a: a.eps, alpha=lambda a: a.pgd_alpha,
                                                    steps=lambda a: a.steps), "multi_step",
               summary="TRADES (Zhang et al. 2019)"),
    MethodSpec("mart", _robust("MART"), _build("MART", eps=lambda a: a.eps, alpha=lambda a: a.pgd_alpha,
                                                steps=lambda a: a.steps), "multi_step",
               summary="MART (Wang et al. 2020)"),
    MethodSpec("alp", _robust("ALP"), _build("ALP", eps=lambda a: a.eps, alpha=lambda a: a.pgd_alpha,
                                              steps=lambda a: a.steps), "multi_step",
               summary="adversarial logit pairing (Kannan et al. 2018)"),
    MethodSpec("clp", _robust("CLP"), _build("CLP"), "clean",
               summary="clean logit pairing, no attack (Kannan et al. 2018)"),
    MethodSpec("mma", _robust("MMA"), _build("MMA", eps=lambda a: a.eps, alpha=lambda a: a.pgd_alpha,
                                              steps=lambda a: a.steps), "multi_step",
               summary="MMA, simplified: CE at the margin point (Ding et al. 2020)"),
    MethodSpec("subset_kl", _robust("SubsetAT"), _build("SubsetAT", eps=lambda a: a.eps,
                                                        alpha=lambda a: a.pgd_alpha, steps=lambda a: a.steps),
               "multi_step", summary="PGD-AT + KL on misclassified examples only (Wang et al. 2020's study)"),
    MethodSpec("beta", _robust("BETAAT"), _build("BETAAT", eps=lambda a: a.eps, alpha=lambda a: a.pgd_alpha,
                                                  steps=lambda a: a.steps,
                                                  num_classes=lambda a: a.num_classes), "multi_step",
               summary="BETA-AT, best targeted attack (Robey et al.)"),
    MethodSpec("dynamic", _robust("DynamicAT"), _build("DynamicAT", eps=lambda a: a.eps,
                                                        alpha=lambda a: a.alpha, steps=lambda a: a.steps),
               "multi_step",
               summary="dynamic AT, FOSC-stopped PGD (Wang et al. 2019)"),
    MethodSpec("cfol", _robust("CFOL"), lambda a: _class("CFOL")(_pgd(a), num_classes=a.num_classes),
               "multi_step", summary="CFOL-AT, class-focused sampling around PGD-AT (Pethick et al.)"),
    MethodSpec("awp", _robust("AWP"), lambda a: _class("AWP")(_pgd(a)), "weight",
               summary="AWP around PGD-AT (Wu et al. 2020)"),
    MethodSpec("rwp", _robust("RWP"), lambda a: _class("RWP")(_pgd(a)), "weight",
               summary="random weight perturbation around PGD-AT, AWP's control (Wu et al. 2020)"),
    MethodSpec("sam", _robust("SAM"), lambda a: _class("SAM")(_pgd(a)), "weight",
               summary="SAM around PGD-AT (Foret et al. 2021)"),
    MethodSpec("ddi", _ddi, lambda a: _ddi()(a.eps, a.pgd_alpha, min(a.steps, 7), a.m), "weight", ddp=False,
               summary="DDi, Danskin's descent direction (Latorre et al. 2023)"),
    MethodSpec("ibp", _robust("IBPTraining"), _build("IBPTraining", eps=lambda a: a.eps), "certified",
               nets="relu_mlp", summary="IBP certified training (Gowal et al. 2018)"),
]


def _class(name: str) -> type[Method]:
    return _robust(name)()


METHODS: dict[str, MethodSpec] = {s.key: s for s in _SPECS}
ALIASES: dict[str, str] = {
    "erm": "clean", "standard": "clean", "fgsm-rs": "fgsm_rs", "fgsmrs": "fgsm_rs", "n-fgsm": "n_fgsm",
    "nfgsm": "n_fgsm", "grad_align": "gradalign", "grad-align": "gradalign", "elle-a": "elle_a",
    "ellea": "elle_a", "pgd_at": "pgd", "pgd-at": "pgd", "pgdat": "pgd", "beta_at": "beta", "beta-at": "beta",
    "dynamic_at": "dynamic", "dynamic-at": "dynamic", "gaussian": "noise", "ibp_training": "ibp",
}


def method_name(name: str) -> str:
    """``name`` as a registry key: itself, or an alias (``"fgsm-rs"`` → ``"fgsm_rs"``; case-insensitive)."""
    if not isinstance(name, str):
        raise TypeError(f"'method' must be a string, got {type(name).__name__}")
    key = name.strip().lower()
    key = ALIASES.get(key, key)
    return str(_validate.one_of("method", key, tuple(METHODS)))


def build_method(name: str, args: MethodArgs | None = None, **kwargs) -> Method:
    """The method registered as ``name`` (or an alias), built from ``args`` or :class:`MethodArgs`
    fields given as keywords."""
    spec = METHODS[method_name(name)]
    if args is None:
        args = MethodArgs(**kwargs)
    elif kwargs:
        raise TypeError("give either 'args' or MethodArgs fields as keywords, not both")
    return spec.build(args)
