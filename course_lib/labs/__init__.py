"""course_lib.labs (see DESIGN.md)."""
