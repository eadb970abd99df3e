"""course_lib.robust: adversarial attacks, adversarial training and certified robustness (lectures 01-05).

    from course_lib.robust import PGDAT, fit, pgd, robust_evaluator

- ``attacks``: FGSM, PGA/PGD, β-attack and the closed-form worst case of a linear model
- ``base``, ``methods``, ``fast_at``, ``weight_methods``, ``cfol``: training methods (a :class:`Method`
  has ``step(model, x, y, optimizer)``)
- ``training``: :func:`fit` and its :class:`History`; ``losses``: attack objectives
- ``metrics``: clean / robust accuracy, FOSC, linearity error, weight landscapes, saliency
- certified robustness (seed 004, "Verified Robustness"): deterministic IBP / CROWN certificates for ReLU
  MLPs over ℓ∞ balls (``certify_bounds``) and probabilistic ℓ₂ certificates by randomized smoothing
  (``smoothing``); verified robust accuracy ≤ "true" robust accuracy ≤ empirical (attack) robust accuracy
- ``viz_certify``: the certification figures; ``widgets`` (lazy: ipywidgets): the lecture's sliders
"""

from course_lib._lazy import lazy_exports
from course_lib.robust.attacks import NORMS, beta_attack, fgsm, linear_worst_case, pga, pgd, project_l1_ball
from course_lib.robust.base import Method
from course_lib.robust.certify_bounds import (
    IBPTraining,
    certified,
    certified_accuracy,
    crown_bounds,
    exhaustive_robust,
    ibp_bounds,
    ibp_loss,
    input_box,
    margin_envelope,
    margin_lower_bounds,
    margin_spec,
    relu_mlp_layers,
)
from course_lib.robust.cfol import CFOL
from course_lib.robust.fast_at import ELLE, ELLEA, FGSMAT, FGSMRS, NFGSM, GradAlign
from course_lib.robust.losses import attack_objective
from course_lib.robust.methods import (
    ATAS,
    BETAAT,
    MART,
    PGDAT,
    TRADES,
    AdversarialMethod,
    DynamicAT,
    Standard,
)
from course_lib.robust.metrics import (
    accuracy,
    filter_normalized_direction,
    fosc,
    fosc_closed_form,
    linearity_error,
    per_class_accuracy,
    predict,
    robust_accuracy,
    robust_correct,
    robust_evaluator,
    saliency,
    weight_landscape,
    worst_class,
)
from course_lib.robust.smoothing import (
    ABSTAIN,
    GaussianNoiseTraining,
    binomial_two_sided_p,
    certified_accuracy_curve,
    clopper_pearson_lower,
    noise_counts,
    smoothed_certify,
    smoothed_predict,
    smoothing_radius,
)
from course_lib.robust.training import History, fit
from course_lib.robust.viz_certify import (
    plot_accuracy_curves,
    plot_envelope,
    plot_status_map,
    robustness_status,
)
from course_lib.robust.weight_methods import AWP, SAM

_LAZY = {"linear_worst_case_demo": "widgets"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = [
    "ABSTAIN", "ATAS", "AWP", "BETAAT", "CFOL", "ELLE", "ELLEA", "FGSMAT", "FGSMRS", "MART", "NFGSM", "NORMS",
    "PGDAT", "SAM", "TRADES", "AdversarialMethod", "DynamicAT", "GaussianNoiseTraining", "GradAlign",
    "History", "IBPTraining", "Method", "Standard", "accuracy", "attack_objective", "beta_attack",
    "binomial_two_sided_p", "certified", "certified_accuracy", "certified_accuracy_curve",
    "clopper_pearson_lower", "crown_bounds", "exhaustive_robust", "fgsm", "filter_normalized_direction",
    "fit", "fosc", "fosc_closed_form", "ibp_bounds", "ibp_loss", "input_box", "linear_worst_case",
    "linear_worst_case_demo", "linearity_error", "margin_envelope", "margin_lower_bounds", "margin_spec",
    "noise_counts", "per_class_accuracy", "pga", "pgd", "plot_accuracy_curves", "plot_envelope",
    "plot_status_map", "predict", "project_l1_ball", "relu_mlp_layers", "robust_accuracy", "robust_correct",
    "robust_evaluator", "robustness_status", "saliency", "smoothed_certify", "smoothed_predict",
    "smoothing_radius", "weight_landscape", "worst_class",
]
