"""course_lib.toys (see DESIGN.md)."""
