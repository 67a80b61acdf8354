"""Stage 5 (verify): which names occur in a set of Z3 formulas, without printing them.

A narrow timeline query (:func:`lexlux.verify.checks.timeline_search._without`) keeps
only the abstract calendar calls whose symbol still occurs in its simplified constraints.
It used to print every constraint (``sexpr``) and look for each symbol in the text: the
printed text of one query is about a million characters, and printing it took ~0.4 s of
CPU per query (1.4 s of the 22 s of ``lexlux diff 2018-12-31 2019-01-01``).

Here the formulas are walked once as a DAG (each shared subterm visited once, through
Z3's C API, without building Python wrappers), collecting the names of the uninterpreted
symbols (constants and functions) they apply.  A key "occurs" when it is a substring of
one of those names — the answer the text search gave: in the printed text, such a key
can only appear inside a symbol's name (its other tokens are operators, numerals, sort
names and ``let`` variables ``a!n``, which no key of a calendar call is part of).  A key
that is not a plain name (:func:`plain`), or any key when the formulas hold a quantifier,
is looked up in the printed text as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

import z3
from z3 import z3core

from .fast_terms import raw

_APP = z3.Z3_APP_AST
_QUANTIFIER = z3.Z3_QUANTIFIER_AST
_UNINTERPRETED = z3.Z3_OP_UNINTERPRETED
#: the C functions (reading a term cannot fail: no error to ask Z3 for after each call)
_ast_kind = raw(z3core.Z3_get_ast_kind)
_app_decl, _decl_kind = raw(z3core.Z3_get_app_decl), raw(z3core.Z3_get_decl_kind)
_app_arg, _num_args = raw(z3core.Z3_get_app_arg), raw(z3core.Z3_get_app_num_args)


def symbol_names(formulas: Iterable[z3.ExprRef]) -> set[str] | None:
    """The names of the uninterpreted constants and functions applied in ``formulas``
    (None when they hold a quantifier, whose bound variables and patterns are printed
    too: then only the text answers)."""
    names: set[str] = set()
    for name in _names(formulas):
        if name is None:
            return None
        names.add(name)
    return names


def _names(formulas: Iterable[z3.ExprRef]) -> Iterator[str | None]:
    """The names of the uninterpreted constants and functions applied in ``formulas``, as
    the walk meets them (each once), and None where it meets a quantifier.  Each term is
    known by its address (every term reached is alive, held by the formulas), each
    function symbol is asked its kind and name once: few calls into Z3 per term."""
    seen: set[int] = set()
    decls: dict[int, str | None] = {}
    for formula in formulas:
        ctx = formula.ctx.ref()
        todo = [formula.as_ast()]
        while todo:
            ast = todo.pop()
            key = ast.value
            if key in seen:
                continue
            seen.add(key)
            kind = _ast_kind(ctx, ast)
            if kind == _APP:
                decl = _app_decl(ctx, ast)
                if decl.value not in decls:
                    name = z3core.Z3_get_symbol_string(
                        ctx, z3core.Z3_get_decl_name(ctx, decl)) \
                        if _decl_kind(ctx, decl) == _UNINTERPRETED else None
                    decls[decl.value] = name
                    if name is not None:
                        yield name
                count = _num_args(ctx, ast)
                if count:
                    todo += [_app_arg(ctx, ast, i) for i in range(count)]
            elif kind == _QUANTIFIER:
                yield None


#: The tokens of printed formulas that are not symbols' names (SMT-LIB operators, sorts,
#: binders and attributes of the arithmetic and Boolean formulas of the encoding).
_RESERVED = ("and", "or", "not", "xor", "ite", "let", "true", "false", "distinct", "=>",
             "=", "+", "-", "*", "/", "div", "mod", "abs", "<=", ">=", "<", ">", "Int",
             "Real", "Bool", "Array", "select", "store", "to_real", "to_int", "is_int",
             "forall", "exists", "lambda", "as", "_", "root-obj", ":pattern", ":weight",
             ":qid", ":skolemid", ":no-pattern")


def plain(key: str) -> bool:
    """A key that can occur in printed formulas only within a symbol's name: not part of
    an operator, sort or attribute, of a ``let`` variable (``a!n``) or of a numeral."""
    return bool(key) and not any(ch in key for ch in " ()|;\"\n\t!") \
        and not all(ch in "0123456789./-" for ch in key) \
        and not any(key in word for word in _RESERVED)


def occurring(keys: Sequence[str], formulas: Sequence[z3.ExprRef]) -> list[bool]:
    """For each key: does it occur in the printed ``formulas`` (as the text search)?  The
    walk stops once every plain key is found in a name (a name met is printed whatever
    else the formulas hold); a key not found, or not plain, or any key not found before a
    quantifier, is looked up in the printed text."""
    found: dict[str, bool] = {}
    wanted = {key for key in keys if plain(key)}
    quantified = False
    if wanted:     # the last formulas first (any order gives the same answers; a query's
        #            abstract calls are met early there: its calls' own outputs and facts)
        for name in _names(reversed(formulas)):
            if name is None:
                quantified = True
                break
            for key in [k for k in wanted if k in name]:
                found[key] = True
                wanted.discard(key)
            if not wanted:
                break
        else:
            found.update(dict.fromkeys(wanted, False))     # the whole walk: absent
    text: str | None = None
    answers = []
    for key in keys:
        if key in found and not (quantified and not found[key]):
            answers.append(found[key])
            continue
        if text is None:
            text = "\n".join(f.sexpr() for f in formulas)
        answers.append(key in text)
    return answers


__all__ = ["occurring", "plain", "symbol_names"]
