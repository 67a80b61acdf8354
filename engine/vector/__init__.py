"""A second evaluation backend over columns of persons (numpy), compiled from the same IR as
the interpreter; see compiler.py (what compiles) and backend.py (the fallback)."""
