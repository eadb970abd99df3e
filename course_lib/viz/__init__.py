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
"""

from course_lib.viz.style import (
    COLORS,
    METHOD_GROUPS,
    PALETTE,
    ROLE_COLORS,
    color,
    distinct_colors,
    math_text,
    role_color,
    use_style,
)

__all__ = ["COLORS", "METHOD_GROUPS", "PALETTE", "ROLE_COLORS", "color", "distinct_colors", "math_text",
           "role_color", "use_style"]
