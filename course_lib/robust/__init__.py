"""course_lib.robust (see DESIGN.md)."""
