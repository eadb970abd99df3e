"""Pictures are functions of results: course style, plotly animations, widget helpers."""

from course_lib.viz.style import COLORS, PALETTE, ROLE_COLORS, color, use_style

__all__ = ["COLORS", "PALETTE", "ROLE_COLORS", "color", "use_style"]
