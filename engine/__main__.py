"""``python -m lexlux`` runs the command line."""

from .cli.entry import console

console()
