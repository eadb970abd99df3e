"""Pictures are functions of results: course style, plotly animations, widget helpers.

Conventions of every figure the library builds (checked by ``tests/test_viz_style.py``):

- **Colours.** One colour per method within a figure: a method has its role colour (``color("eg")``,
  :data:`~course_lib.viz.style.ROLE_COLORS`), the methods compared together are listed in
  :data:`~course_lib.viz.style.METHOD_GROUPS` and checked distinct at import;
  :func:`~course_lib.viz.style.distinct_colors` gives names that are no role a palette colour no other
  method of the figure has.
- **Math in plotly text** (titles, axis titles, legend names): plain Unicode, no LaTeX. Subscripts and
  superscripts are Unicode characters where every character has one (``minₓ maxᵧ xy``, ``λₘₐₓ(A)``,
  ``‖zₖ‖``, ``ρ(η)ᵏ``, ``θ₁``), else plotly's ``<sub>…</sub>`` / ``<sup>…</sup>`` (``L<sub>ε</sub>(θ)``,
  ``Re eig J<sub>V</sub>``); write them with :func:`~course_lib.viz.style.math_text` (``"min_x max_y xy"``).
  :func:`~course_lib.viz.animate.animate` applies it to its title, axis titles and names.
- **Layout.** Every xy axis has a title; an animation's play / pause buttons end where its frame slider
  starts and the slider's "step k = …" label sits at the slider's right end.

Re-exports: ``style``, ``animate`` (:func:`animate`, :func:`contour`, :func:`vector_field`) and ``export``
are imported eagerly (``course_lib.notebook`` imports this package, so ``import course_lib`` pays for them;
``animate`` imports plotly's figure factory only when drawing a vector field). ``panel``, ``widgets`` and
``demos`` import ipywidgets, ``training`` (a live training figure) a FigureWidget, ``certify`` (lecture
05's matplotlib figures) imports matplotlib and torch: they are **lazy** (PEP 562 ``__getattr__``,
:mod:`course_lib._lazy`).
The function :func:`animate` shadows the submodule of the same name: import the module's other names
from here, not ``course_lib.viz.animate``.
"""

from course_lib._lazy import lazy_exports
from course_lib.viz.animate import animate, contour, vector_field
from course_lib.viz.export import ExportRenderer, activate_from_env
from course_lib.viz.style import (
    COLORS,
    METHOD_GROUPS,
    PALETTE,
    ROLE_COLORS,
    SEQUENTIAL,
    check_method_colors,
    color,
    distinct_colors,
    math_text,
    role_color,
    use_style,
)

_LAZY = {"panel": None, "widgets": None, "Panel": "panel", "figure_widget": "panel", "plain": "panel",
         "gd_step_size_demo": "demos", "certify": None, "plot_accuracy_curves": "certify",
         "plot_envelope": "certify", "plot_status_map": "certify", "training": None,
         "live_training_figure": "training"}
__getattr__, __dir__ = lazy_exports(__name__, _LAZY, globals())

__all__ = ["COLORS", "METHOD_GROUPS", "PALETTE", "ROLE_COLORS", "SEQUENTIAL", "ExportRenderer", "Panel",
           "certify", "plot_accuracy_curves", "plot_envelope", "plot_status_map",
           "activate_from_env", "animate", "check_method_colors", "color", "contour", "distinct_colors",
           "figure_widget", "gd_step_size_demo", "live_training_figure", "math_text", "panel", "plain",
           "role_color", "training", "use_style", "vector_field", "widgets"]
