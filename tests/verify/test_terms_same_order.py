"""The encoder builds its terms through encoding/fast_terms.py; this compares it with the
same code built through z3's own operators and functions (``+``, ``/``, ``==``,
``z3.If``, ``z3.IntVal``, ``z3.Const``, ``z3.And`` …, patched in for the fast
constructors): the same terms, made in the same order.

Z3 numbers terms as it makes them (and hands a freed term's number to the next), so in a
fresh process the numbers of the terms tell the order they were made in.  Each build runs
in its own process and prints, for every formula, its number and its text; both runs must
print the same lines.  (Z3's search, and the witnesses it finds, depend on those numbers:
docs/verification.md, "Stop 17".)

Python's cycle collector is off in those processes: some terms are held only by objects
in reference cycles (an expression scope and its closures), freed when the collector
runs, and it runs after a number of allocations — which the fast constructors, making
fewer Python objects, change.  That moves when such a term is freed, and so which number
the next new term gets, in any change to the Python side; it is not a difference in the
terms built, which is what is tested here.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

_SCRIPT = textwrap.dedent('''
    import gc, operator, sys, hashlib
    gc.disable()
    import z3
    from lexlux.verify.encoding import (calendar_terms, encode, encode_expr, facts,
                                        shared, terms)
    SLOW = {"add": operator.add, "sub": operator.sub, "mul": operator.mul,
            "div": operator.truediv, "mod": operator.mod, "eq": operator.eq,
            "ge": operator.ge, "le": operator.le, "gt": operator.gt, "lt": operator.lt,
            "ite": z3.If, "int_val": z3.IntVal, "const": z3.Const,
            "and_all": z3.And, "or_all": z3.Or}
    if sys.argv[1] == "slow":
        for module in (calendar_terms, encode, encode_expr, facts, shared, terms):
            for name, slow in SLOW.items():
                if hasattr(module, name):
                    setattr(module, name, slow)
    seen = set()
    def show(label, term):
        walk = [term]
        ids = []
        while walk:
            t = walk.pop()
            if t.get_id() in seen:
                continue
            seen.add(t.get_id())
            ids.append(t.get_id())
            if z3.is_app(t):
                walk += [t.arg(i) for i in range(t.num_args())]
        text = hashlib.sha1(term.sexpr().encode()).hexdigest()[:12]
        print(label, term.get_id(), text, ids)
    kept = []
    WHAT = sys.argv[2]
    if WHAT == "calendar":
        cal = calendar_terms.Calendar()
        d, n, i = z3.Ints("d n i")
        for label, term in (
                ("civil", calendar_terms.civil(d)),
                ("by_number", calendar_terms.month_start_day(i)),
                ("start", cal.month_start(d)), ("end", cal.end_of_month(d)),
                ("index", cal.month_number(d)), ("next", cal.next_month_start(d)),
                ("number", cal.start_by_number(i + 2)),
                ("add", cal.add_months(d + 1, n)), ("add2", cal.add_months(d, z3.IntVal(3))),
                ("reaches", cal.reaches(d, 700)), ("weekday", cal.weekday(d)),
                ("bounds", calendar_terms.horizon_bounds(d))):
            for k, t in enumerate(term if isinstance(term, tuple) else (term,)):
                kept.append(t)
                show(f"{label}{k}", t)
        for k, a in enumerate(cal.assumptions):
            show(f"assumption{k}", a)
    else:
        from lexlux.pipeline import load_knowledge_base
        kb = load_knowledge_base(None).kb
        as_of = z3.Int("as_of") if WHAT == "free" else z3.IntVal(17897)
        law = None if WHAT == "free" else __import__("datetime").date(2018, 12, 31)
        enc = encode.LawEncoding(shared.Shared(kb, "lu"), as_of, law_as_of=law)
        for name in sorted(enc.vocabulary.outputs):
            constraints, calls, used = encode.query_constraints([enc], {0: {name}})
            for label, formula in constraints:
                kept.append(formula)
                show(f"{name}:{label}", formula)
''')


def _run(mode: str, what: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", _SCRIPT, mode, what], capture_output=True,
                          text=True, timeout=600, check=True)
    return done.stdout.splitlines()


@pytest.mark.parametrize("what", ["calendar", "free", "fixed"])
def test_fast_constructors_make_the_same_terms_in_the_same_order(what: str) -> None:
    fast, slow = _run("fast", what), _run("slow", what)
    assert len(fast) > (20 if what == "calendar" else 1000)
    assert fast == slow
