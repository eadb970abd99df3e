"""course_lib.danskin: Danskin's theorem, its counterexamples and Danskin's Descent Direction (lecture 02).

- ``examples``: counterexample 1 (|x|), counterexample 2 (obtuse u, v), the synthetic example
  (slide and code variants)
- ``directional``: Danskin's directional derivative and the one-sided finite-difference check
- ``hull``: simplex projection (Duchi et al. 2008), min-norm point of a convex hull, the DDD direction
- ``trajectories``: PGD-AT vs DDD on the 2-D examples
- ``ddd``: DDD for torch models (``ddd_direction``) and the training method ``DDi``
- ``landscape``: the non-smooth adversarial loss L_ε(θ) = log(1 + e^{ε|θ|}), its linear-model version and a
  polynomial loss (the 2εL_θx gradient bound)
- ``widgets`` (lazy: ipywidgets): the lecture's angle and ε sliders

The lecture uses the modules (``from course_lib.danskin import ddd, hull``); the names are re-exported too.
"""

from course_lib._lazy import lazy_exports
from course_lib.danskin import ddd, directional, examples, hull, landscape, trajectories
from course_lib.danskin.ddd import DDi, compare_descent, ddd_direction, parameter_gradients
from course_lib.danskin.directional import (
    change_along,
    danskin_derivative,
    directional_derivative,
    one_sided_difference,
    unit_directions,
)
from course_lib.danskin.examples import AbsExample, MaxExample, ObtuseExample, SyntheticExample
from course_lib.danskin.hull import (
    danskin_descent_direction,
    min_norm_point,
    min_norm_weights,
    project_simplex,
)
from course_lib.danskin.landscape import (
    adversarial_logistic_1d,
    adversarial_logistic_1d_bruteforce,
    adversarial_logistic_1d_slope,
    adversarial_logistic_linear,
    adversarial_polynomial_1d,
    adversarial_polynomial_1d_slope,
    gradient_jump_1d,
    polynomial_lipschitz,
    worst_perturbation_1d,
    worst_perturbation_linear,
)
from course_lib.danskin.trajectories import descent_trajectories

_LAZY = {"widgets": None, "counterexample2_demo": "widgets", "counterexample2_numbers": "widgets",
         "landscape_demo": "widgets"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = [
    "AbsExample", "DDi", "MaxExample", "ObtuseExample", "SyntheticExample",
    "adversarial_logistic_1d", "adversarial_logistic_1d_bruteforce", "adversarial_logistic_1d_slope",
    "adversarial_logistic_linear", "adversarial_polynomial_1d", "adversarial_polynomial_1d_slope",
    "change_along", "compare_descent", "counterexample2_demo",
    "counterexample2_numbers", "danskin_derivative", "danskin_descent_direction", "ddd", "ddd_direction",
    "descent_trajectories", "directional", "directional_derivative", "examples", "gradient_jump_1d", "hull",
    "landscape", "landscape_demo", "min_norm_point", "min_norm_weights", "one_sided_difference",
    "parameter_gradients", "polynomial_lipschitz", "project_simplex", "trajectories", "unit_directions",
    "widgets",
    "worst_perturbation_1d", "worst_perturbation_linear",
]
