"""Stage package: compile."""
