"""course_lib.robust: adversarial attacks, adversarial training and certified robustness (lectures 01-05).

    from course_lib.robust import PGDAT, fit, pgd, robust_evaluator

- ``attacks``: FGSM, PGA/PGD, β-attack and the closed-form worst case of a linear model
- ``base``, ``methods``, ``loss_table``, ``fast_at``, ``weight_methods``, ``cfol``: training methods (a
  :class:`Method` has ``step(model, x, y, optimizer)``)
- ``training``: :func:`run_epoch` (the one epoch loop), :func:`fit` and its :class:`History`, the LR
  schedules (:data:`SCHEDULES`); ``registry``: every method by name (:data:`METHODS`, :func:`build_method`);
  ``losses``: attack objectives
- ``metrics``: clean / robust accuracy, FOSC, linearity error, weight landscapes, saliency
- certified robustness (CS8695 by Chen Liu, "Verified Robustness"): deterministic IBP / CROWN certificates
for ReLU
  MLPs over ℓ∞ balls (``certify_bounds``) and probabilistic ℓ₂ certificates by randomized smoothing
  (``smoothing``); verified robust accuracy ≤ "true" robust accuracy ≤ empirical (attack) robust accuracy
- beyond one model and one input (lecture 09): transfer attacks and the skip gradient method
  (``transfer``), universal adversarial perturbations (``universal``), hard adversarial instances
  (``difficulty``)
- ``widgets`` (lazy: ipywidgets): the lecture's sliders; the certification figures are in ``viz.certify``
"""

from course_lib._lazy import lazy_exports
from course_lib.robust.attacks import NORMS, beta_attack, fgsm, linear_worst_case, pga, pgd, project_l1_ball
from course_lib.robust.base import Method
from course_lib.robust.certify_bounds import (
    ROBUSTNESS_LEVELS,
    EnvelopeMap,
    IBPTraining,
    certified,
    certified_accuracy,
    crown_bounds,
    envelope_map,
    exhaustive_robust,
    ibp_bounds,
    ibp_loss,
    input_box,
    margin_envelope,
    margin_lower_bounds,
    margin_spec,
    relu_mlp_layers,
    robustness_status,
)
from course_lib.robust.cfol import CFOL
from course_lib.robust.difficulty import adversarial_difficulty
from course_lib.robust.fast_at import CURE, ELLE, ELLEA, FGSMAT, FGSMRS, LLR, NFGSM, GradAlign
from course_lib.robust.loss_table import (
    ALP,
    CLP,
    MMA,
    SubsetAT,
    logit_pairing,
    margin_point,
    partner_permutation,
)
from course_lib.robust.losses import attack_objective
from course_lib.robust.methods import (
    ATAS,
    BETAAT,
    MART,
    PGDAT,
    TRADES,
    AdversarialMethod,
    DynamicAT,
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
from course_lib.robust.registry import METHODS, MethodArgs, MethodSpec, build_method, method_name
from course_lib.robust.smoothing import (
    ABSTAIN,
    GaussianNoiseTraining,
    binomial_two_sided_p,
    certified_accuracy_curve,
    clopper_pearson_lower,
    neyman_pearson_bounds,
    noise_counts,
    smoothed_certify,
    smoothed_predict,
    smoothing_radius,
)
from course_lib.robust.training import SCHEDULES, History, fit, make_scheduler, run_epoch
from course_lib.robust.transfer import scale_grad, sgm, transfer_success_rate
from course_lib.robust.universal import apply_universal, fooling_rate, universal_perturbation
from course_lib.robust.weight_methods import AWP, RWP, SAM

_LAZY = {"linear_worst_case_demo": "widgets"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = [
    "ABSTAIN", "ATAS", "AWP", "BETAAT", "CFOL", "CURE", "ELLE", "ELLEA", "FGSMAT", "FGSMRS", "LLR", "MART",
    "NFGSM", "NORMS",
    "PGDAT", "SAM", "TRADES", "AdversarialMethod", "DynamicAT", "GaussianNoiseTraining", "GradAlign",
    "History", "IBPTraining", "METHODS", "Method", "MethodArgs", "MethodSpec", "SCHEDULES", "accuracy",
    "attack_objective", "beta_attack", "binomial_two_sided_p", "build_method", "certified",
    "certified_accuracy", "certified_accuracy_curve", "clopper_pearson_lower", "crown_bounds",
    "exhaustive_robust", "fgsm", "filter_normalized_direction", "fit", "fosc", "fosc_closed_form",
    "ibp_bounds", "ibp_loss", "input_box", "linear_worst_case", "linear_worst_case_demo", "linearity_error",
    "make_scheduler", "margin_envelope", "margin_lower_bounds", "margin_spec", "method_name", "noise_counts",
    "per_class_accuracy", "pga", "pgd", "predict", "project_l1_ball", "relu_mlp_layers", "robust_accuracy",
    "robust_correct", "robust_evaluator", "robustness_status", "run_epoch", "saliency", "smoothed_certify",
    "smoothed_predict", "smoothing_radius", "weight_landscape", "worst_class", "EnvelopeMap",
    "ROBUSTNESS_LEVELS", "envelope_map", "neyman_pearson_bounds",
    "adversarial_difficulty", "apply_universal", "fooling_rate", "scale_grad", "sgm", "transfer_success_rate",
    "universal_perturbation",
    "ALP", "CLP", "MMA", "RWP", "SubsetAT", "logit_pairing", "margin_point", "partner_permutation",
]
