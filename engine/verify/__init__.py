"""Stage package: verify."""
