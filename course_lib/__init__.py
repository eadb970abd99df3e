"""course_lib: the helper library behind the lectures on adversarial ML as min-max optimization.

Notebooks start with::

    from course_lib import setup, check, check_close
    setup(seed=0)

Topic packages: ``minimax``, ``danskin``, ``toys``, ``robust``, ``gans``, ``data``, ``models``,
``viz``, ``labs`` (see docs/ARCHITECTURE.md in the course repository).
"""

from course_lib.checks import ClaimError, check, check_close, report
from course_lib.notebook import environment_report, setup
from course_lib.seeding import effective_seed, make_rng, seed_everything, torch_generator

__all__ = ["ClaimError", "check", "check_close", "effective_seed", "environment_report", "make_rng", "report",
           "seed_everything", "setup", "torch_generator"]
__version__ = "0.1.0"
