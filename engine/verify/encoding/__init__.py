"""Stage 5 (verify), part 1: the Z3 encoding of the compiled IR — the calendar as terms,
expressions, periods, facts, declared abstractions and the solver call."""
