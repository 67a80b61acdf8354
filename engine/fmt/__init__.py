"""``lexlux fmt``: one canonical layout for every file kind (see :mod:`.formatter`)."""
