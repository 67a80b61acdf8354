"""Stage 5 (verify): a digest of every query slice of a knowledge base, to show that the
encoding is canonical — the same terms in the same order whatever the process (hash
seed), the folder the rules are read from, or the install (editable checkout or wheel).

Z3's search depends on the terms of a query and their order (each query is translated
into fresh contexts, :mod:`.solve`), so two installs that built different texts for one
query could take different paths and times.  A slice is what the queries of the checks
about one output share: the constraints of the output and of what it reads, with their
tracking labels (a parameter without a value is missing, the default of the checks;
the dead-rule check drops those constraints, nothing else), and the terms the
checks build their goals from (each conclusion's ``applies``, ``bad``, ``winner`` and
values; the output's status).  Its digest is the SHA-256 of Z3's SMT-LIB text of all of
them, in order.  Timeline outputs are not encoded here (their encodings are the long
ones, and the checks other than the readings check skip them).

``python -m lexlux.verify.encoding.canonical [RULES ...]`` prints one digest per line:
``<jurisdiction> <reading or -> <output> <digest>``.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import z3

from ...compile.model import KnowledgeBase
from .encode import LawEncoding, query_constraints


def _slice_text(enc: LawEncoding, name: str) -> str:
    out = enc.output(name)
    if out.not_encodable:
        return f"not encodable: {out.not_encodable}"
    constraints, calls, facts = query_constraints([enc], {0: {name}})
    solver = z3.Solver()
    for _, formula in constraints:
        solver.add(formula)
    parts = [solver.sexpr(), " ".join(str(label) for label, _ in constraints),
             " ".join(sorted(facts)), str(len(calls))]
    terms = [out.has_value, out.no_value, out.in_conflict, *out.value]
    for c in out.conclusions:
        terms += [c.applies, c.bad, c.winner, *c.values]
    parts += [t.sexpr() if z3.is_expr(t) else repr(t) for t in terms]
    return "\n".join(parts)


def slice_digests(kb: KnowledgeBase) -> Iterator[tuple[str, str, str, str]]:
    """(jurisdiction, reading or "-", output, digest) of every output concluded, under the
    reading the evaluator chooses, and under each declared reading for the outputs that
    reading concludes."""
    from ..checks.context import Audit  # the checks build on the encoding: import late
    for jurisdiction in sorted(kb.vocabularies):
        audit = Audit(kb, jurisdiction)
        readings = sorted({r.reading for r in kb.rules.values()
                           if r.jurisdiction == jurisdiction and r.reading})
        for reading in [None, *readings]:
            enc = audit.encoding(reading=reading)
            for name in audit.outputs():
                if reading is not None and not any(
                        r.reading == reading for r in kb.rules_concluding(jurisdiction, name)):
                    continue          # the same as under the chosen reading
                text = _slice_text(enc, name)
                yield (jurisdiction, reading or "-", name,
                       hashlib.sha256(text.encode()).hexdigest())


def main(argv: Sequence[str] | None = None) -> int:
    from ...pipeline import load_knowledge_base
    args = list(sys.argv[1:] if argv is None else argv)
    loaded = load_knowledge_base([Path(a) for a in args] or None)
    if not loaded.ok:
        print("the rules do not load: run lexlux check", file=sys.stderr)
        return 1
    for row in slice_digests(loaded.kb):
        print(" ".join(row))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
