"""Certified robustness (seed 004, "Verified Robustness"): one import for the lecture.

- Deterministic certificates for ReLU MLPs over ℓ∞ balls: IBP and CROWN linear bounds
  (:mod:`course_lib.robust.certify_bounds`).
- Probabilistic ℓ₂ certificates for any classifier: randomized smoothing
  (:mod:`course_lib.robust.smoothing`).

Verified robust accuracy ≤ "true" robust accuracy ≤ empirical (attack) robust accuracy.
"""

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

__all__ = [
    "ABSTAIN", "GaussianNoiseTraining", "IBPTraining", "binomial_two_sided_p", "certified",
    "certified_accuracy", "certified_accuracy_curve", "clopper_pearson_lower", "crown_bounds",
    "exhaustive_robust", "ibp_bounds", "ibp_loss", "input_box", "margin_envelope", "margin_lower_bounds",
    "margin_spec", "noise_counts", "relu_mlp_layers", "smoothed_certify", "smoothed_predict",
    "smoothing_radius",
]
