"""course_lib.data (see DESIGN.md)."""
