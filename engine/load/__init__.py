"""Stage package: load."""
