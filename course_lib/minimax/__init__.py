"""course_lib.minimax: min-max dynamics on 2-D games (the non-zero-sum talk (Cevher, 2024), "Basic
algorithms for minimax" to
"When do the algorithms converge?"; closed forms checked in tests/).

    from course_lib.minimax import forsaken, simulate, classify, critical_points
    run = simulate(forsaken(), "eg", z0, steps=500, step=0.08, box=1.5)   # z0: (N, 2)

Modules: ``games`` (Φ, V, J_V from sympy), ``parser`` (safe formula → game), ``algorithms`` (one pure,
array-generic step function per method, also usable on torch tensors), ``simulate`` (many starts,
divergence-safe), ``analysis`` (critical points, local Nash, ρ and L, multipliers, flow, basins),
``widgets`` (live figures for the lectures; lazy, PEP 562 ``__getattr__``: it imports ipywidgets).
"""

from course_lib._lazy import lazy_exports
from course_lib.minimax.algorithms import STEPS
from course_lib.minimax.analysis import (
    Basins,
    NashTest,
    classify,
    critical_points,
    flow,
    jacobian_spectrum,
    lipschitz,
    local_nash,
    multipliers,
    radius_range,
    spectral_radius,
    weak_mvi_rho,
)
from course_lib.minimax.games import (
    GAMES,
    Game,
    almost_bilinear,
    bilinear,
    forsaken,
    global_forsaken,
    linear,
    linear_weak_mvi,
)
from course_lib.minimax.parser import FormulaError, custom_game, parse_formula
from course_lib.minimax.simulate import Run, constant, power_decay, simulate

_LAZY = {"build_game_explorer": "widgets", "build_trajectory_widget": "widgets"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = [
    "GAMES", "STEPS", "Basins", "FormulaError", "Game", "NashTest", "Run", "almost_bilinear", "bilinear",
    "build_game_explorer", "build_trajectory_widget",
    "classify", "constant", "critical_points", "custom_game", "flow", "forsaken", "global_forsaken",
    "jacobian_spectrum", "linear", "linear_weak_mvi", "lipschitz", "local_nash", "multipliers",
    "parse_formula",
    "power_decay", "radius_range", "simulate", "spectral_radius", "weak_mvi_rho",
]
