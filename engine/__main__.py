"""``python -m lexlux`` runs the command line."""

from .cli import main

main()
