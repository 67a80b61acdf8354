"""Stage 3 (compile): resolve the names of an expression and check its types.

Input: a parsed expression (:mod:`expr_parser`) and the :class:`Scope` it stands in.
Output: the same tree with every :class:`Name` replaced by a typed :class:`Ref`, and its
type; or diagnostics (LX301 unknown name, LX302 unknown parameter, LX304 type error).

Typing rules (see docs/writing-rules.md): date ± duration → date; date − date → duration;
integer × duration → duration; money × number → money; integer / integer → decimal;
comparisons need two values of one kind (numbers compare with numbers).  Adding months
to a date needs ``add_months`` with an explicit policy.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from ..diagnostics import Diagnostic, Span, error
from .functions import FUNCTIONS, POLICIES, SPECIAL_FUNCTIONS, all_function_names
from .model import (
    BOOLEAN,
    DATE,
    DECIMAL,
    DEONTIC_KINDS,
    DURATION,
    MONEY,
    NUMERIC_KINDS,
    PERCENTAGE,
    STRING,
    Binary,
    Call,
    Expr,
    IfThenElse,
    Literal,
    Name,
    Parameter,
    Ref,
    Type,
    Unary,
    Vocabulary,
)

DEONTIC_FIELDS = {"obligation": {"deadline": DATE}, "prohibition": {"from": DATE, "until": DATE},
                  "right": {"from": DATE, "until": DATE}}


class TypeCheckError(Exception):
    """One problem in an expression; ``diagnostic`` is None when it was already reported
    elsewhere (e.g. a parameter short name whose parameter does not exist)."""

    def __init__(self, diagnostic: Diagnostic | None) -> None:
        super().__init__(diagnostic.message if diagnostic else "already reported")
        self.diagnostic = diagnostic


@dataclass
class Scope:
    vocabulary: Vocabulary
    parameters: dict[str, Parameter]
    aliases: dict[str, str] = field(default_factory=dict)
    locals: dict[str, Type] = field(default_factory=dict)
    has_month: bool = False
    where: dict[str, Span] = field(default_factory=dict)   # name -> where it is defined
    broken: set[str] = field(default_factory=set)          # names already reported as wrong

    def candidates(self) -> list[str]:
        names = [*self.locals, *self.aliases, *self.vocabulary.facts, *self.vocabulary.outputs]
        return names + (["month"] if self.has_month else [])


def _fail(code: str, message: str, span: Span, *, expected: str | None = None,
          hint: str | None = None) -> TypeCheckError:
    return TypeCheckError(error(code, message, span, expected=expected, hint=hint))


def is_numeric(t: Type) -> bool:
    return t.kind in NUMERIC_KINDS


def join_numeric(a: Type, b: Type) -> Type:
    if a.kind == b.kind:
        return a
    return DECIMAL


def assignable(value: Type, target: Type) -> bool:
    """Can a value of type ``value`` be stored where ``target`` is expected?"""
    if value.kind == target.kind:
        return value.kind != "enum" or set(value.values) <= set(target.values)
    if target.kind in ("decimal", "percentage") and value.kind in NUMERIC_KINDS:
        return True
    return value.kind == "integer" and target.kind == "money"


class Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope

    def check(self, expr: Expr) -> tuple[Expr, Type]:
        method = getattr(self, "_" + type(expr).__name__.lower())
        result: tuple[Expr, Type] = method(expr)
        return result

    # leaves -------------------------------------------------------------------
    def _literal(self, expr: Literal) -> tuple[Expr, Type]:
        return expr, expr.type

    def _ref(self, expr: Ref) -> tuple[Expr, Type]:
        return expr, expr.type

    def _name(self, expr: Name) -> tuple[Expr, Type]:
        scope = self.scope
        name = expr.name
        if name in scope.broken:
            raise TypeCheckError(None)
        if name in scope.locals:
            return Ref(expr.span, "local", name, scope.locals[name]), scope.locals[name]
        if name == "month" and scope.has_month:
            return Ref(expr.span, "month", name, DATE), DATE
        if name in scope.aliases:
            param = scope.parameters.get(scope.aliases[name])
            if param is None:
                raise _fail("LX302", f"the parameter {scope.aliases[name]!r} (short name "
                            f"{name!r}) is not defined", expr.span,
                            hint=self._param_hint(scope.aliases[name]))
            return Ref(expr.span, "parameter", param.id, param.type), param.type
        head, _, rest = name.partition(".")
        entry = scope.vocabulary.lookup(head)
        if entry is not None:
            if not rest:
                return Ref(expr.span, entry.role, head, entry.type), entry.type
            fields = DEONTIC_FIELDS.get(entry.type.kind, {})
            if rest in fields:
                return Ref(expr.span, entry.role, head, fields[rest], rest), fields[rest]
            raise _fail("LX304", f"{head!r} ({entry.type}) has no field {rest!r}", expr.span,
                        expected=("one of: " + ", ".join(fields)) if fields else
                        "no field: it is a single value")
        if name in scope.parameters:
            param = scope.parameters[name]
            return Ref(expr.span, "parameter", name, param.type), param.type
        if "." in name and name[:3] in ("lu.", "be."):
            raise _fail("LX302", f"unknown parameter {name!r}", expr.span,
                        hint=self._param_hint(name))
        raise _fail("LX301", f"unknown name {name!r}", expr.span,
                    expected="a fact or output of the vocabulary, a parameter short name, "
                             "or a name defined under let",
                    hint=self._name_hint(name))

    def _name_hint(self, name: str) -> str:
        close = difflib.get_close_matches(name, self.scope.candidates(), n=1, cutoff=0.6)
        if close:
            where = self.scope.where.get(close[0])
            return f"did you mean {close[0]!r}?" + (f" (defined in {where})" if where else "")
        return (f"declare it in {self.scope.vocabulary.file} under facts: or outputs:, "
                "or under let: in this version")

    def _param_hint(self, name: str) -> str:
        close = difflib.get_close_matches(name, list(self.scope.parameters), n=1, cutoff=0.6)
        if close:
            return (f"did you mean {close[0]!r}? (defined in "
                    f"{self.scope.parameters[close[0]].span})")
        return "define it in a file under rules/<jurisdiction>/parameters/"

    # compound -----------------------------------------------------------------
    def _unary(self, expr: Unary) -> tuple[Expr, Type]:
        operand, t = self.check(expr.operand)
        if expr.op == "not":
            self._expect(t, BOOLEAN, expr.operand.span, "'not' applies to a condition")
            return Unary(expr.span, "not", operand), BOOLEAN
        if is_numeric(t) or t.kind in ("duration", "money", "months"):
            return Unary(expr.span, "-", operand), t
        raise _fail("LX304", f"cannot negate a {t}", expr.span, expected="a number or duration")

    def _ifthenelse(self, expr: IfThenElse) -> tuple[Expr, Type]:
        condition, ct = self.check(expr.condition)
        self._expect(ct, BOOLEAN, expr.condition.span, "the condition of 'if' is a condition")
        then, tt = self.check(expr.then)
        otherwise, ot = self.check(expr.otherwise)
        unified = self._unify(tt, ot)
        if unified is None:
            raise _fail("LX304", f"the two branches of 'if' have different types: {tt} and {ot}",
                        expr.span, expected="'then' and 'else' of one type",
                        hint="both branches must give the same kind of value")
        return IfThenElse(expr.span, condition, then, otherwise), unified

    def _unify(self, a: Type, b: Type) -> Type | None:
        if is_numeric(a) and is_numeric(b):
            return join_numeric(a, b)
        if a.kind == "string" and b.kind == "enum" and b.values:
            return b
        if b.kind == "string" and a.kind == "enum":
            return a
        if a.kind == "string" and b.kind == "string":
            return STRING
        if a.kind == b.kind and a.kind == "enum":
            return Type("enum", tuple(dict.fromkeys((*a.values, *b.values))))
        if a.kind == b.kind:
            return a
        return None

    def _expect(self, actual: Type, wanted: Type, span: Span, why: str) -> None:
        if not assignable(actual, wanted):
            raise _fail("LX304", f"expected {wanted}, found {actual}", span, expected=str(wanted),
                        hint=why)

    def _binary(self, expr: Binary) -> tuple[Expr, Type]:
        left, lt = self.check(expr.left)
        right, rt = self.check(expr.right)
        op = expr.op
        node = Binary(expr.span, op, left, right)
        if op in ("and", "or"):
            self._expect(lt, BOOLEAN, expr.left.span, f"'{op}' combines conditions")
            self._expect(rt, BOOLEAN, expr.right.span, f"'{op}' combines conditions")
            return node, BOOLEAN
        if op in ("==", "!=", "<", "<=", ">", ">="):
            self._check_comparison(expr, lt, rt, left, right)
            return node, BOOLEAN
        result = self._arithmetic(op, lt, rt)
        if result is None:
            hint = None
            if {lt.kind, rt.kind} == {"date", "months"}:
                hint = ("adding calendar months needs a policy for the 29th-31st: write "
                        "add_months(date, n, 'clamp') or add_months(date, n, 'refuse')")
            elif lt.kind == "date" and rt.kind == "integer":
                hint = "write a duration: 'd + 3 days', or days(n) for a number of days"
            raise _fail("LX304", f"'{op}' cannot combine {lt} and {rt}", expr.span,
                        expected=_ARITH_DOC.get(op), hint=hint)
        return node, result

    def _check_comparison(self, expr: Binary, lt: Type, rt: Type, left: Expr,
                          right: Expr) -> None:
        ordered = expr.op not in ("==", "!=")
        for a, b, lit in ((lt, rt, right), (rt, lt, left)):
            if a.kind == "enum" and b.kind == "string" and isinstance(lit, Literal):
                if lit.value not in a.values:
                    close = difflib.get_close_matches(lit.value, list(a.values), n=1)
                    raise _fail("LX304", f"{lit.value!r} is not a value of {a}", lit.span,
                                expected="one of: " + ", ".join(a.values),
                                hint=f"did you mean {close[0]!r}?" if close else None)
                if ordered:
                    raise _fail("LX304", "enum values can only be compared with == or !=",
                                expr.span)
                return
        comparable = (is_numeric(lt) and is_numeric(rt)) or lt.kind == rt.kind
        if lt.kind == rt.kind == "enum" and set(lt.values).isdisjoint(rt.values):
            comparable = False
        if not comparable or (ordered and lt.kind in ("boolean", "enum", "string", "periods",
                                                      *DEONTIC_KINDS, "timeline")):
            raise _fail("LX304", f"cannot compare {lt} with {rt} using '{expr.op}'", expr.span,
                        expected="two values of one kind (date with date, number with "
                                 "number, duration with duration)",
                        hint=("a date is not a number of days: compare with another date, "
                              "e.g. d <= nth_day(start, 3)") if "date" in (lt.kind, rt.kind)
                        else None)

    def _arithmetic(self, op: str, lt: Type, rt: Type) -> Type | None:
        kinds = (lt.kind, rt.kind)
        if op in ("+", "-"):
            if kinds == ("date", "duration") or (op == "+" and kinds == ("duration", "date")):
                return DATE
            if op == "-" and kinds == ("date", "date"):
                return DURATION
            if kinds in (("duration", "duration"), ("months", "months"), ("money", "money")):
                return lt
            if is_numeric(lt) and is_numeric(rt):
                return join_numeric(lt, rt)
            return None
        if op == "*":
            if is_numeric(lt) and is_numeric(rt):
                return join_numeric(lt, rt) if PERCENTAGE not in (lt, rt) or lt == rt \
                    else DECIMAL
            for a, b in ((lt, rt), (rt, lt)):
                if a.kind == "integer" and b.kind in ("duration", "months"):
                    return b
                if a.kind == "money" and is_numeric(b):
                    return MONEY
            return None
        if op == "/":
            if is_numeric(lt) and is_numeric(rt):
                return DECIMAL
            if kinds == ("money", "money"):
                return DECIMAL
            if lt.kind == "money" and is_numeric(rt):
                return MONEY
            return None
        return None

    def _call(self, expr: Call) -> tuple[Expr, Type]:
        name = expr.function
        if name in ("min", "max"):
            return self._min_max(expr)
        if name == "given":
            return self._given(expr)
        if name in ("first_month_with", "has_month_with"):
            return self._month_with(expr)
        signature = FUNCTIONS.get(name)
        if signature is None:
            close = difflib.get_close_matches(name, all_function_names(), n=1, cutoff=0.6)
            raise _fail("LX301", f"unknown function {name!r}", expr.span,
                        expected="a function of docs/writing-rules.md",
                        hint=f"did you mean {close[0]}()?" if close else None)
        if len(expr.args) != len(signature.params):
            raise _fail("LX304", f"{name}() takes {len(signature.params)} argument(s), "
                        f"{len(expr.args)} given", expr.span, expected=_describe_sig(name))
        args: list[Expr] = []
        for arg, param in zip(expr.args, signature.params, strict=True):
            if isinstance(param, str):
                allowed = POLICIES[param]
                if not (isinstance(arg, Literal) and arg.type.kind == "string"
                        and arg.value in allowed):
                    raise _fail("LX304", f"{name}() needs a quoted {param.replace('_', ' ')}",
                                arg.span, expected="one of: " + ", ".join(
                                    f"'{a}'" for a in allowed),
                                hint="the rule must say which convention it uses")
                args.append(arg)
                continue
            checked, t = self.check(arg)
            if not assignable(t, param):
                raise _fail("LX304", f"argument of {name}() should be {param}, found {t}",
                            arg.span, expected=_describe_sig(name))
            args.append(checked)
        return Call(expr.span, name, tuple(args)), signature.result

    def _min_max(self, expr: Call) -> tuple[Expr, Type]:
        if len(expr.args) < 2:
            raise _fail("LX304", f"{expr.function}() needs at least two arguments", expr.span)
        checked = [self.check(a) for a in expr.args]
        result = checked[0][1]
        for (_, t), arg in zip(checked[1:], expr.args[1:], strict=True):
            unified = self._unify(result, t)
            if unified is None or unified.kind in ("boolean", "periods", "enum", "string"):
                raise _fail("LX304", f"{expr.function}() of {result} and {t}", arg.span,
                            expected="arguments of one ordered type (dates, numbers, "
                                     "durations, amounts)")
            result = unified
        return Call(expr.span, expr.function, tuple(e for e, _ in checked)), result

    def _month_with(self, expr: Call) -> tuple[Expr, Type]:
        name = expr.function
        if len(expr.args) != 3:
            raise _fail("LX304", f"{name}() takes a timeline output, a value and a date",
                        expr.span, expected=f"{name}(monthly_payer, 'cns', incapacity_start)")
        timeline, tt = self.check(expr.args[0])
        if tt.kind != "timeline" or tt.of is None:
            raise _fail("LX304", f"the first argument of {name}() must be a timeline output, "
                        f"found {tt}", expr.args[0].span)
        value, vt = self.check(expr.args[1])
        if tt.of.kind == "enum" and vt.kind == "string":
            if not (isinstance(value, Literal) and value.value in tt.of.values):
                raise _fail("LX304", f"{getattr(value, 'value', '?')!r} is not a value of "
                            f"{tt.of}", expr.args[1].span,
                            expected="one of: " + ", ".join(tt.of.values))
        elif not assignable(vt, tt.of):
            raise _fail("LX304", f"the timeline holds {tt.of}, not {vt}", expr.args[1].span)
        start, st = self.check(expr.args[2])
        self._expect(st, DATE, expr.args[2].span, f"{name}() searches from a date")
        return Call(expr.span, name, (timeline, value, start)), \
            (DATE if name == "first_month_with" else BOOLEAN)

    def _given(self, expr: Call) -> tuple[Expr, Type]:
        if len(expr.args) != 1 or not isinstance(expr.args[0], Name):
            raise _fail("LX304", "given() takes the name of one fact", expr.span,
                        expected="given(fact_name)")
        target = expr.args[0]
        entry = self.scope.vocabulary.facts.get(target.name)
        if entry is None:
            raise _fail("LX301", f"given() needs a fact of the vocabulary, {target.name!r} "
                        "is not one", target.span, hint=self._name_hint(target.name))
        ref = Ref(target.span, "fact", target.name, entry.type)
        return Call(expr.span, "given", (ref,)), BOOLEAN


_ARITH_DOC = {
    "+": "date + duration, duration + duration, number + number, amount + amount",
    "-": "date - duration, date - date, duration - duration, number - number",
    "*": "number * number, integer * duration, amount * number",
    "/": "number / number, amount / number, amount / amount",
}


def _describe_sig(name: str) -> str:
    sig = FUNCTIONS[name]
    params = ", ".join(p if isinstance(p, str) else str(p) for p in sig.params)
    return f"{name}({params}) -> {sig.result}: {sig.doc}"


def describe_functions() -> list[str]:
    return [_describe_sig(n) for n in sorted(FUNCTIONS)] + \
        [f"{n}(...): {d}" for n, d in SPECIAL_FUNCTIONS.items()]


def check_expression(expr: Expr, scope: Scope) -> tuple[Expr, Type] | Diagnostic | None:
    """Resolve and type ``expr`` in ``scope``: the typed tree, or one diagnostic, or None
    when the problem was already reported."""
    try:
        return Checker(scope).check(expr)
    except TypeCheckError as exc:
        return exc.diagnostic

