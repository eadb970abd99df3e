"""course_lib.toys: small closed-form problems.

- ``quadratic``: gradient descent on a quadratic (lecture 00), used as ``from course_lib.toys import
  quadratic as q``
- ``sin_co``: the 1-D sine toy of catastrophic overfitting (lecture 03), used as a module: its generic
  names (``train``, ``margin``, ``robust_loss``) stay qualified, ``sin_co.train``
- ``widgets`` (lazy: ipywidgets): :func:`sin_toy_demo`
"""

from course_lib._lazy import lazy_exports
from course_lib.toys import quadratic, sin_co
from course_lib.toys.quadratic import contraction_factor, gradient_descent
from course_lib.toys.sin_co import critical_eps, eps_sweep, global_argmin

_LAZY = {"sin_toy_demo": "widgets"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = ["contraction_factor", "critical_eps", "eps_sweep", "global_argmin", "gradient_descent",
           "quadratic", "sin_co", "sin_toy_demo"]
