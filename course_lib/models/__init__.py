"""course_lib.models (see DESIGN.md)."""
