"""Stage 5 (verify): the regions of a diff whose output has a provision on both of its
dates, known by the structure of the rules before any search (:mod:`.one_sided` does the
same when one date has none).

A region of an output's diff is the set of versions that give the output under each law
(:func:`.versions._key`).  Under the law of a date the evaluator and the encoding take the
version in force on that date (:mod:`.same_law`), and a conclusion ``c`` gives the output
("wins") when it applies and no conclusion of a rule whose version declares an exception
to ``c``'s rule for this output applies (``LawEncoding._resolve``: ``c.winner = c.applies
and not (any beater applies)``).  Two facts follow, for every case, from that text alone:

1. **No region holds a version and one that excepts it.**  If ``U`` declares an exception
   to the rule of ``V`` (for this output), a conclusion of ``V`` wins only when none of
   ``U``'s applies, and ``U`` wins only when one of its conclusions applies.  So the
   versions that give the output under one law are an *antichain* of the relation "is an
   exception to", among the versions in force on that date.
2. **A total provision leaves no case without a winner.**  A conclusion is *total* when its
   version has no ``when``, the conclusion has none, no rule may disapply its rule, its
   rule is not left out when its selecting fact is missing (``selected_if_missing:
   not_applicable``), and neither its value nor its months (nor the ``let`` they use) read
   an output: then it is never undefined (``und``, :mod:`..encoding.encode_expr`: only an
   output read without a value is), so on a case where it is not in error (``bad``, which
   the diff's goals exclude) it applies.  When the relation "is an exception to" has no
   cycle among the versions in force, some applying conclusion is beaten by none that
   applies, and it wins: the region of that law is never empty.

With no winner under either law, neither law gives a value or a conflict: the two agree
(:func:`.versions.differ_goals`), so that pair is no region either.  The regions the diff
can have are then the pairs of such antichains (:func:`region_space`).  Once each has been
found with a replayed witness, or left out as a region in which one version alone gives
the output under both laws with the same parameter values and outputs read
(:mod:`.same_regions`, a proof by the text of the law), none is left
(:func:`covered`): the diff's closing query would be UNSAT by construction, and it is not
asked.  That answer is exact — no timeline frame is involved in it.

Why: on 2015-12-31 → 2016-01-01 the payer rules of CSS art. 9 and of L.125-4 start (the
knowledge base's horizon) beside the 77-day rule (L.121-6 (3) al. 2), which is total and
the only payer rule in force before.  Art. 9 is an exception to it, L.125-4 to both: the
regions are (77-day rule; each of the three), the diff finds the two with a new rule, and
(77-day rule, 77-day rule) is left out.  The closing query, which had to find out the same
thing from 36 months of timelines, stayed undecided within 4·10⁶ units (LX510).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from ...compile.refs import iter_refs
from .one_sided import Region

if TYPE_CHECKING:
    from ...compile.model import Expr, KnowledgeBase, Rule, RuleVersion

#: The most versions in force on one date for which the regions are enumerated (at most
#: 2**6 sets a side).
MAX_VERSIONS = 6
#: The most regions enumerated: beyond, the search goes on as before.
MAX_REGIONS = 64
#: The regions an output can have: the versions giving it under each law.
Space = list[tuple[frozenset[str], frozenset[str]]]


def _concluding(rules: Iterable[Rule], name: str, day: date) -> list[RuleVersion]:
    """The versions in force on ``day`` (of ``rules``, the rules that take part under the
    diff's reading) with a conclusion of ``name``."""
    return [v for rule in rules for v in rule.versions
            if v.in_force_on(day) and any(c.output == name for c in v.conclusions)]


def excepts(upper: RuleVersion, lower: RuleVersion, name: str) -> bool:
    """Whether ``upper`` declares an exception to the rule of ``lower`` for ``name`` (as
    the encoding reads ``exception_to``: another rule, every output or this one)."""
    return upper.rule_id != lower.rule_id and any(
        e.rule == lower.rule_id and (not e.outputs or name in e.outputs)
        for e in upper.exceptions)


def _acyclic(versions: list[RuleVersion], name: str) -> bool:
    """Whether "is an exception to" has no cycle among ``versions``."""
    state: dict[str, int] = {}      # 1: on the path, 2: done

    def visit(v: RuleVersion) -> bool:
        state[v.id] = 1
        for u in versions:
            if excepts(u, v, name) and (state.get(u.id) == 1 or (
                    u.id not in state and not visit(u))):
                return False
        state[v.id] = 2
        return True
    return all(v.id in state or visit(v) for v in versions)


def _reads_output(version: RuleVersion, exprs: list[Expr]) -> bool:
    """Whether ``exprs`` (with the ``let`` of ``version`` they use) read an output."""
    lets = dict(version.lets)
    todo, seen = list(exprs), set()
    while todo:
        for ref in iter_refs(todo.pop()):
            if ref.kind == "output":
                return True
            if ref.kind == "local" and ref.target not in seen and ref.target in lets:
                seen.add(ref.target)
                todo.append(lets[ref.target].expr)
    return False


def total(kb: KnowledgeBase, rule: Rule, version: RuleVersion, name: str) -> bool:
    """Whether a conclusion of ``name`` in ``version`` (of ``rule``) applies on every case
    where it is not in error, under the law of a date it is in force on (module
    docstring, point 2)."""
    if version.when is not None or (rule.selected_by
                                    and rule.selected_if_missing == "not_applicable"):
        return False
    if any(other.id != rule.id and other.jurisdiction == rule.jurisdiction
           and any(d.covers(rule.id) for v in other.versions for d in v.disapplications)
           for other in kb.rules.values()):
        return False
    for c in version.conclusions:
        if c.output != name or c.when is not None:
            continue
        parts = [t.expr for t in (c.value, c.deadline, c.start, c.end, *(c.each_month or ()))
                 if t is not None]
        if not _reads_output(version, parts):
            return True
    return False


def _sides(kb: KnowledgeBase, rules: Collection[Rule], name: str, day: date
           ) -> list[frozenset[str]] | None:
    """The sets of versions that can give ``name`` under the law of ``day`` (point 1; the
    empty set left out when point 2 applies); None when too many versions are in force."""
    versions = _concluding(rules, name, day)
    if len(versions) > MAX_VERSIONS:
        return None
    by_id = {r.id: r for r in rules}
    never_empty = _acyclic(versions, name) and any(
        total(kb, by_id[v.rule_id], v, name) for v in versions)
    sets = [] if never_empty else [frozenset[str]()]
    for size in range(1, len(versions) + 1):
        for subset in combinations(versions, size):
            if not any(excepts(u, v, name) for u in subset for v in subset):
                sets.append(frozenset(v.id for v in subset))
    return sets


def region_space(kb: KnowledgeBase, rules: Collection[Rule], name: str, first: date,
                 second: date) -> Space | None:
    """Every region the diff of ``name`` between the law of ``first`` and of ``second``
    can have (module docstring), when a provision concluding it is in force on both dates;
    None when that is not known (no provision on a date: :mod:`.one_sided`; too many
    versions or regions)."""
    if not (_concluding(rules, name, first) and _concluding(rules, name, second)):
        return None
    one, two = _sides(kb, rules, name, first), _sides(kb, rules, name, second)
    if one is None or two is None or len(one) * len(two) > MAX_REGIONS:
        return None
    return [(a, b) for a in one for b in two if a or b]


def covered(space: Space | None,
            seen: Collection[Region], left_out: Collection[str]) -> bool:
    """Whether each region of ``space`` is among the regions ``seen`` (found and blocked)
    or is one where a version of ``left_out`` (:mod:`.same_regions`) alone gives the
    output under both laws: then no region is left to search for."""
    if space is None:
        return False
    done = {(frozenset(a), frozenset(b)) for a, b in seen}
    done |= {(frozenset((v,)), frozenset((v,))) for v in left_out}
    return all(region in done for region in space)


def none_left(first: date, second: date,
              space: Space, left_out: Collection[str]) -> str:
    """What the diff says instead of its closing query, when :func:`covered`."""
    same = [v for v in sorted(left_out) if (frozenset((v,)), frozenset((v,))) in space]
    found = len(space) - len(same)
    parts = [f"{found} found, each with a witness replayed by the evaluator"] if found else []
    if same:
        parts.append(f"{len(same)} left out: one provision alone, with the same parameter "
                     "values and outputs read, under both laws")
    return (f"none left: by the structure of the provisions in force on {first} and on "
            f"{second} (which is an exception to which, and a provision that applies "
            f"whenever it is not in error), it can differ in {len(space)} region(s) at "
            f"most; {', and '.join(parts)} (exact, no search needed)")


__all__ = ["Space", "covered", "excepts", "none_left", "region_space", "total"]
