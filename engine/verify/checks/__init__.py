"""Stage 5 (verify), part 2: the checks over the encoding — conflicts, hierarchy, dead rules,
gaps, versions and diff, invariants — their findings, witnesses replayed by the evaluator,
accepted findings and the audit as a whole."""
